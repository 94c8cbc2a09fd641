package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/perisai/perisai/internal/bulkimport"
	"github.com/perisai/perisai/internal/demo"
	"github.com/perisai/perisai/internal/jobs"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/web"
)

func cmdServe(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var d dbFlags
	d.register(fs)
	addr := fs.String("addr", envOr("PERISAI_ADDR", "127.0.0.1:8080"), "listen address [PERISAI_ADDR]")
	withDemo := fs.Bool("demo", false, "load demo data (branches and one login per role)")
	secure := fs.Bool("secure-cookies", false, "mark cookies Secure (set when served over HTTPS)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	publicURL := fs.String("public-url", os.Getenv("PERISAI_PUBLIC_URL"), "address printed in card QR codes, e.g. https://perisai.example.id (default: the request's) [PERISAI_PUBLIC_URL]")
	readDB := fs.String("read-database", os.Getenv("PERISAI_READ_DATABASE_URL"), "postgres://… of a streaming replica: dashboards, their rankings and the participant lists read from it [PERISAI_READ_DATABASE_URL]")
	maxLag := fs.Duration("replica-max-lag", 10*time.Second, "above this lag, reads meant for the replica go to the primary")
	noJobs := fs.Bool("no-jobs", false, "do not run the daily jobs in this process (when cron runs `perisai jobs run`)")
	metricsAddr := fs.String("metrics-addr", os.Getenv("PERISAI_METRICS_ADDR"), "serve /metrics on this address of its own, e.g. 127.0.0.1:9090 [PERISAI_METRICS_ADDR]")
	metricsToken := fs.String("metrics-token", os.Getenv("PERISAI_METRICS_TOKEN"), "bearer token for /metrics on the main address; without it /metrics is not served there [PERISAI_METRICS_TOKEN]")
	importRows := fs.Int("import-max-rows", bulkimport.DefaultLimits.MaxRows, "most data rows in one import file")
	importMiB := fs.Int64("import-max-unzipped-mib", bulkimport.DefaultLimits.MaxUncompressed>>20, "most MiB an XLSX import may unzip to")
	if err := parse(fs, args); err != nil {
		return err
	}
	var log *slog.Logger
	if *logFormat == "json" {
		log = slog.New(slog.NewJSONHandler(e.stderr, nil))
	} else {
		log = slog.New(slog.NewTextHandler(e.stderr, nil))
	}

	db, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if *readDB != "" {
		if err := db.UseReplica(ctx, *readDB, *maxLag); err != nil {
			return err
		}
		log.Info("read replica", "url", store.Redact(*readDB), "max_lag", maxLag.String())
	}
	var logins []demo.Login
	if *withDemo {
		if logins, err = demo.Load(ctx, db, demo.Full); err != nil {
			return err
		}
	}
	if n, err := db.InterruptImports(ctx); err != nil {
		return err
	} else if n > 0 {
		log.Warn("imports interrupted by the last stop; their finished chunks are kept", "imports", n)
	}
	rs, err := db.ActiveRules(ctx)
	if err != nil {
		return err
	}
	log.Info("rules in force", "version", rs.Version, "node", d.lease.Node)
	srv, err := web.New(web.Config{DB: db, Keys: d.keys, Log: log, SecureCookies: *secure, Rules: rs, ReloadRules: true, PublicURL: *publicURL,
		MetricsToken: *metricsToken, ImportLimits: bulkimport.Limits{MaxRows: *importRows, MaxUncompressed: *importMiB << 20}})
	if err != nil {
		return err
	}
	if *metricsAddr != "" {
		mln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			return fmt.Errorf("metrics address: %w", err)
		}
		ms := &http.Server{Handler: srv.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second}
		go ms.Serve(mln)
		defer ms.Close()
		log.Info("metrics", "addr", mln.Addr().String())
	}
	jobsCtx, stopJobs := context.WithCancel(ctx)
	defer stopJobs()
	if !*noJobs {
		go jobs.Schedule(jobsCtx, db, srv.Rules, log, time.Hour)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}

	fmt.Fprintf(e.stdout, "Perisai is listening on http://%s (database: %s)\n", ln.Addr(), db.Redacted())
	if len(logins) > 0 {
		fmt.Fprintf(e.stdout, "Demo logins (password %q):\n", demo.Password)
		for _, l := range logins {
			fmt.Fprintf(e.stdout, "  %-14s %-15s %s\n", l.Username, l.Role, l.Note)
		}
	}
	if e.ready != nil {
		e.ready <- ln.Addr().String()
	}

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	case <-d.lease.Lost():
		// Another server holds this node number now: every key made from here could clash.
		log.Error("node lease lost: stopping", "node", d.lease.Node)
		hs.Close()
		stopJobs()
		srv.Wait()
		return fmt.Errorf("node %d: lease lost", d.lease.Node)
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	stopJobs()
	srv.Wait() // a running import finishes its chunk
	return nil
}
