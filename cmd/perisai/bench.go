package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/demo"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/region"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/secret"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/web"
)

// cmdBench measures payments per second through the HTTP API, with the group-commit writer
// and with one transaction per request, on a fresh database of its own.
func cmdBench(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || args[0] != "payments" {
		return fmt.Errorf("bench: give payments")
	}
	fs := flag.NewFlagSet("bench payments", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	database := fs.String("database", "", "postgres://… server to create a bench database on (default: SQLite in a temporary folder)")
	clients := fs.Int("clients", 64, "concurrent clients")
	duration := fs.Duration("duration", 10*time.Second, "how long each mode runs")
	people := fs.Int("participants", 50000, "participants to pay for")
	modes := fs.String("modes", "group,naive", "group (group commit), naive (one transaction per request), or both")
	writers := fs.Int("writers", 0, "group-commit writers on PostgreSQL (0: the server's default)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the runs to this file")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	db, cleanup, err := benchDB(ctx, *database)
	if err != nil {
		return err
	}
	defer cleanup()
	master := make([]byte, 32)
	_, _ = rand.Read(master)
	keys, _ := secret.FromMaster(master)
	db.UseKeys(keys)
	fmt.Fprintf(e.stderr, "setting up %d participants on %s …\n", *people, db.Dialect)
	ids, token, err := benchSetup(ctx, db, *people)
	if err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	// A warm-up fills the tables a little, as in a database in use; then the planner's
	// statistics are refreshed, as autovacuum would.
	if _, err := benchRun(ctx, db, keys, token, ids, *clients, 2*time.Second, false, *writers); err != nil {
		return err
	}
	if err := db.Analyze(ctx); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "payments through POST /api/v1/payments, %s, %d clients, %s per mode, 2 cores\n", db.Dialect, *clients, *duration)
	fmt.Fprintf(e.stdout, "%-8s %10s %10s %9s %9s %9s %7s\n", "mode", "payments", "per sec", "p50 ms", "p99 ms", "max ms", "errors")
	for _, mode := range []string{"group", "naive"} {
		if !bytes.Contains([]byte(*modes), []byte(mode)) {
			continue
		}
		r, err := benchRun(ctx, db, keys, token, ids, *clients, *duration, mode == "naive", *writers)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%-8s %10d %10.0f %9.1f %9.1f %9.1f %7d\n", mode, r.ok, float64(r.ok)/r.elapsed.Seconds(),
			ms(r.p50), ms(r.p99), ms(r.max), r.errors)
		if st := r.writer; st.Payments > 0 {
			per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(st.Payments) }
			fmt.Fprintf(e.stdout, "         writer: %d batches of %.1f on average; per payment µs: read %.0f, work %.0f, write %.0f, commit %.0f\n",
				st.Batches, float64(st.Payments)/float64(st.Batches), per(st.Prefetch), per(st.Work), per(st.Flush), per(st.Commit))
		}
	}
	probs, err := db.VerifyLedger(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ledger verify after the run: %d problem(s)\n", len(probs))
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func benchDB(ctx context.Context, server string) (*store.DB, func(), error) {
	if server == "" {
		dir, err := os.MkdirTemp("", "perisai-bench-")
		if err != nil {
			return nil, nil, err
		}
		db, err := store.Open(ctx, "sqlite://"+filepath.Join(dir, "bench.db"))
		if err != nil {
			return nil, nil, err
		}
		if _, err := db.Migrate(ctx); err != nil {
			return nil, nil, err
		}
		return db, func() { db.Close(); os.RemoveAll(dir) }, nil
	}
	admin, err := store.Open(ctx, server)
	if err != nil {
		return nil, nil, err
	}
	name := fmt.Sprintf("perisai_bench_%d", time.Now().UnixNano())
	if _, err := admin.R().ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, nil, err
	}
	pu, err := url.Parse(server)
	if err != nil {
		return nil, nil, err
	}
	pu.Path = "/" + name
	u := pu.String()
	db, err := store.Open(ctx, u)
	if err != nil {
		return nil, nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		return nil, nil, err
	}
	return db, func() {
		db.Close()
		_, _ = admin.R().ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	}, nil
}

// benchSetup loads the small demo and registers participants across Bali's villages.
func benchSetup(ctx context.Context, db *store.DB, n int) ([]int64, string, error) {
	if _, err := demo.Load(ctx, db, demo.Small); err != nil {
		return nil, "", err
	}
	u, _, err := db.UserByUsername(ctx, "admin")
	if err != nil {
		return nil, "", err
	}
	p := access.Principal{UserID: u.ID, Username: u.Username, Role: access.Admin}
	act := audit.Actor{UserID: u.ID, Name: "bench"}
	villages := region.MustDefault().Search("", region.Village, "51", 0)
	today := calendar.Today()
	var ids []int64
	rs := rules.Default()
	for start := 0; start < n; start += 2000 {
		var regs []participant.Registration
		for i := start; i < min(n, start+2000); i++ {
			v := villages[i%len(villages)].Code
			birth := calendar.D(1970, 1, 1).AddDays(i / 9999)
			regs = append(regs, participant.Registration{
				NIK:  fmt.Sprintf("%s%s%s%02d%02d%02d%04d", v[0:2], v[3:5], v[6:8], birth.Day(), int(birth.Month()), birth.Year()%100, i%9999+1),
				Name: "Pekerja " + strconv.Itoa(i), BirthDate: birth, Sex: "L", Village: v, Occupation: "petani", DeclaredIncome: 1_000_000, Consent: true})
		}
		res, err := db.RegisterMany(ctx, p, act, rs, regs, today, 0)
		if err != nil {
			return nil, "", err
		}
		for _, r := range res {
			if r.Err == nil {
				ids = append(ids, r.Participant.ID)
			}
		}
	}
	token, _, err := db.CreateToken(ctx, act, u.ID, "bench")
	return ids, token, err
}

type benchResult struct {
	writer        store.PayerStats
	ok, errors    int64
	elapsed       time.Duration
	p50, p99, max time.Duration
}

func benchRun(ctx context.Context, db *store.DB, keys *secret.Keys, token string, ids []int64, clients int, d time.Duration, naive bool, writers int) (benchResult, error) {
	srv, err := web.New(web.Config{DB: db, Keys: keys, Log: slog.New(slog.DiscardHandler), NoGroupCommit: naive, Writers: writers})
	if err != nil {
		return benchResult{}, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return benchResult{}, err
	}
	hs := &http.Server{Handler: srv}
	go hs.Serve(ln)
	defer func() { hs.Shutdown(context.Background()); srv.Wait() }()
	url := "http://" + ln.Addr().String() + "/api/v1/payments"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
	var ok, bad atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	for c := range clients {
		wg.Go(func() {
			local := make([]time.Duration, 0, 4096)
			for k := 0; time.Now().Before(deadline); k++ {
				// Each client pays for its own share of participants, one month at a time.
				id := ids[(c+k*clients)%len(ids)]
				body, _ := json.Marshal(map[string]any{"participant_id": id, "months": 1})
				req, _ := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", run+"-"+strconv.Itoa(c)+"-"+strconv.Itoa(k))
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					bad.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				local = append(local, time.Since(t0))
				if resp.StatusCode == http.StatusCreated {
					ok.Add(1)
				} else {
					bad.Add(1)
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		})
	}
	wg.Wait()
	r := benchResult{ok: ok.Load(), errors: bad.Load(), elapsed: time.Since(start)}
	r.writer, _ = srv.PayerStats()
	if len(lat) > 0 {
		slices.Sort(lat)
		r.p50, r.p99, r.max = lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
	}
	return r, nil
}
