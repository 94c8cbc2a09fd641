package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/region"
	"github.com/perisai/perisai/internal/secret"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/web"
)

// National scale (issue 20). `bench gen` writes a synthetic Indonesia into a database (the one
// --database or --data names, so that `serve` and `bench dashboard` can use it after);
// `bench dashboard` counts it into the dashboards and times the drill-down through the API at
// every level, and says the process's peak memory.

func cmdBenchGen(ctx context.Context, args []string, e env) error {
	var n int
	var seed uint64
	var within, cpuprofile string
	return withDB(ctx, e, "bench gen", args, func(fs *flag.FlagSet) {
		fs.IntVar(&n, "participants", 100_000, "workers to make (the agents, participants too, come on top: five per Perisai wadah)")
		fs.Uint64Var(&seed, "seed", 1, "the same seed makes the same data set")
		fs.StringVar(&within, "within", "", "only the villages of this region (e.g. 51), for a small run")
		fs.StringVar(&cpuprofile, "cpuprofile", "", "write a CPU profile of the run to this file")
	}, func(db *store.DB) error {
		stop, err := startProfile(cpuprofile)
		if err != nil {
			return err
		}
		defer stop()
		if n < 0 || n > 50_000_000 {
			return fmt.Errorf("bench gen: --participants from 0 to 50,000,000")
		}
		if _, ok := region.MustDefault().Get(within); within != "" && !ok {
			return fmt.Errorf("bench gen: no region %q", within)
		}
		rs, err := db.ActiveRules(ctx)
		if err != nil {
			return err
		}
		start := time.Now()
		s, err := db.LoadSynthetic(ctx, rs, store.SynthOptions{Participants: n, Seed: seed, Today: calendar.Today(), Within: within}, func(prov string, s store.SynthStats) {
			fmt.Fprintf(e.stderr, "  province %s done: %d participants, %d paid months, %s\n", prov, s.Participants, s.PaidMonths, time.Since(start).Round(time.Second))
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "bench gen (seed %d): %d villages, %d Bumdes, %d wadah, %d agents, %d participants, %d payments, %d paid months, %d claims, %d incentive statements in %s\n",
			seed, s.Villages, s.Bumdes, s.Wadah, s.Agents, s.Participants, s.Payments, s.PaidMonths, s.Claims, s.Statements, time.Since(start).Round(time.Second))
		return nil
	})
}

func cmdBenchDashboard(ctx context.Context, args []string, e env) error {
	var rounds int
	var cpuprofile string
	return withDB(ctx, e, "bench dashboard", args, func(fs *flag.FlagSet) {
		fs.IntVar(&rounds, "rounds", 100, "requests per level (regions picked evenly among those with data)")
		fs.StringVar(&cpuprofile, "cpuprofile", "", "write a CPU profile of the rebuild to this file")
	}, func(db *store.DB) error {
		stop, err := startProfile(cpuprofile)
		if err != nil {
			return err
		}
		start := time.Now()
		b, err := db.RebuildDashboard(ctx, calendar.Today())
		if err != nil {
			return err
		}
		stop()
		fmt.Fprintf(e.stdout, "rebuild: %d regions, %d region-months in %s\n", b.Regions, b.Months, time.Since(start).Round(time.Millisecond))
		// The API, served in this process, asked by a national operator.
		name := "bench.dashboard"
		u, _, err := db.UserByUsername(ctx, name)
		if err != nil {
			if u, err = db.CreateUser(ctx, audit.Actor{Name: "bench"}, access.NewUser{Username: name, Name: "Bench", Role: access.Admin, Password: "bench-" + fmt.Sprint(time.Now().UnixNano())}); err != nil {
				return err
			}
		}
		token, _, err := db.CreateToken(ctx, audit.Actor{Name: "bench"}, u.ID, "bench dashboard")
		if err != nil {
			return err
		}
		master := make([]byte, 32)
		_, _ = rand.Read(master)
		keys, _ := secret.FromMaster(master) // the server's own (cookies, links): no personal field is read
		srv, err := web.New(web.Config{DB: db, Keys: keys, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			return err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		hs := &http.Server{Handler: srv}
		go hs.Serve(ln)
		defer hs.Close()
		base := "http://" + ln.Addr().String()
		this := calendar.Today().MonthOf()
		period := "?from=" + this.Add(-11).String() + "&to=" + this.String()
		for _, lv := range []struct {
			name  string
			codes []string
		}{
			{"nation", []string{"ID"}},
			{"province", levelCodes(region.Province, rounds)},
			{"regency", levelCodes(region.Regency, rounds)},
			{"district", levelCodes(region.District, rounds)},
			{"village", levelCodes(region.Village, rounds)},
		} {
			var took []time.Duration
			for i := range max(rounds, len(lv.codes)) {
				code := lv.codes[i%len(lv.codes)]
				req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/dashboard/"+code+period, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				t0 := time.Now()
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return err
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					return fmt.Errorf("%s %s: %d", lv.name, code, resp.StatusCode)
				}
				took = append(took, time.Since(t0))
			}
			slices.Sort(took)
			fmt.Fprintf(e.stdout, "drill-down %-8s p50 %6.1f ms  p95 %6.1f ms  (%d requests)\n", lv.name, ms(took[len(took)/2]), ms(took[len(took)*95/100]), len(took))
		}
		fmt.Fprintf(e.stdout, "peak RSS: %s\n", peakRSS())
		return nil
	})
}

// startProfile starts a CPU profile into the file (none when the name is empty).
func startProfile(name string) (stop func(), err error) {
	if name == "" {
		return func() {}, nil
	}
	f, err := os.Create(name)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// levelCodes picks up to n regions of a level, spread evenly over the country.
func levelCodes(l region.Level, n int) []string {
	all := region.MustDefault().Search("", l, "", 0)
	step := max(1, len(all)/max(1, n))
	var out []string
	for i := 0; i < len(all) && len(out) < n; i += step {
		out = append(out, all[i].Code)
	}
	return out
}

// peakRSS is the process's high-water mark of resident memory (Linux: VmHWM).
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "unknown"
}
