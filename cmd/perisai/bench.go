package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/demo"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/money"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/secret"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/web"
)

// cmdBench measures payments per second through the HTTP API, with the group-commit writer
// and with one transaction per request, on a fresh database of its own. Two more modes give
// the ceilings the HTTP figure lives under on this machine: "http" answers GET /api/v1/me
// (the same server, clients and token check, no database work), "store" hands payments to
// the group-commit writer directly (no HTTP).
func cmdBench(ctx context.Context, args []string, e env) error {
	switch {
	case len(args) > 0 && args[0] == "gen":
		return cmdBenchGen(ctx, args[1:], e)
	case len(args) > 0 && args[0] == "dashboard":
		return cmdBenchDashboard(ctx, args[1:], e)
	case len(args) == 0 || args[0] != "payments":
		return fmt.Errorf("bench: give payments, gen or dashboard")
	}
	fs := flag.NewFlagSet("bench payments", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	database := fs.String("database", "", "postgres://… server to create a bench database on (default: SQLite in a temporary folder)")
	clients := fs.Int("clients", 64, "concurrent clients")
	duration := fs.Duration("duration", 10*time.Second, "how long each mode runs")
	people := fs.Int("participants", 50000, "participants to pay for")
	modes := fs.String("modes", "http,store,group,naive", "comma-separated: http (GET /api/v1/me, no database work), store (the writer without HTTP), group (group commit through HTTP), naive (one transaction per request)")
	writers := fs.Int("writers", 0, "group-commit writers on PostgreSQL (0: the server's default)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the runs to this file")
	memprofile := fs.String("memprofile", "", "write a profile of the runs' allocations to this file")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	all := []string{"http", "store", "group", "naive"}
	chosen := strings.Split(*modes, ",")
	for _, m := range chosen {
		if !slices.Contains(all, m) {
			return fmt.Errorf("bench: unknown mode %q (give some of %s)", m, strings.Join(all, ","))
		}
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
	fx, err := benchSetup(ctx, db, *clients, *people)
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
	if _, err := benchRun(ctx, db, keys, fx, *clients, min(2*time.Second, *duration/5), "group", *writers); err != nil {
		return err
	}
	if err := db.Analyze(ctx); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "payments through POST /api/v1/payments, %s, %d clients, %s per mode, %d cores\n", db.Dialect, *clients, *duration, runtime.NumCPU())
	fmt.Fprintf(e.stdout, "%-8s %10s %10s %9s %9s %9s %7s\n", "mode", "requests", "per sec", "p50 ms", "p99 ms", "max ms", "errors")
	for _, mode := range all {
		if !slices.Contains(chosen, mode) {
			continue
		}
		r, err := benchRun(ctx, db, keys, fx, *clients, *duration, mode, *writers)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%-8s %10d %10.0f %9.1f %9.1f %9.1f %7d\n", mode, r.ok, float64(r.ok)/r.elapsed.Seconds(),
			ms(r.p50), ms(r.p99), ms(r.max), r.errors)
		if r.cpuOK {
			fmt.Fprintf(e.stdout, "         CPU per request µs: machine %.0f, this process %.0f\n", r.cpuMachine, r.cpuSelf)
		}
		if r.firstErr != "" {
			fmt.Fprintf(e.stdout, "         first error: %.200s\n", r.firstErr)
		}
		if st := r.writer; st.Payments > 0 {
			per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(st.Payments) }
			fmt.Fprintf(e.stdout, "         writer: %d batches of %.1f on average; per payment µs: begin %.0f, read %.0f, work %.0f, write %.0f, commit %.0f\n",
				st.Batches, float64(st.Payments)/float64(st.Batches), per(st.Begin), per(st.Prefetch), per(st.Work), per(st.Flush), per(st.Commit))
			if st.Careful > 0 {
				fmt.Fprintf(e.stdout, "         %d batches ran again the careful way\n", st.Careful)
			}
		}
	}
	if *memprofile != "" {
		if err := writeAllocs(*memprofile); err != nil {
			return err
		}
	}
	probs, err := db.VerifyLedger(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ledger verify after the run: %d problem(s)\n", len(probs))
	return nil
}

// writeAllocs writes what was allocated since the program started, by where.
func writeAllocs(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
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

// benchFixture is what the runs pay with: agents, each with an API token and participants
// of its own.
type benchFixture struct {
	agents []benchAgent
	act    audit.Actor
}

type benchAgent struct {
	p     access.Principal
	token string
	ids   []int64 // the participants the agent registered
}

// renderPayment is the answer the store mode keeps under each key, like the API's: the
// payment, or the refusal.
func renderPayment(p store.Payment, err error) (int, string, []byte) {
	if err != nil {
		code := http.StatusBadRequest
		if errors.Is(err, errs.ErrConflict) {
			code = http.StatusConflict
		}
		return code, "text/plain", []byte(err.Error())
	}
	b, _ := json.Marshal(p)
	return http.StatusCreated, "application/json", b
}

// benchSetup loads the small demo, gives it as many agents as there are clients (the demo's,
// then more in the same wadah), each with a user and an API token, and registers n
// participants spread over the agents and the villages they serve. Payments are taken by the
// agents, into their cash on hand, with every check an agent's payment gets (the agent's
// status, the wadah's agreement, the cash limits); the agents never deposit in a run, so the
// branch has raised their cash limits far enough not to stop them.
func benchSetup(ctx context.Context, db *store.DB, agents, n int) (benchFixture, error) {
	if _, err := demo.Load(ctx, db, demo.Small); err != nil {
		return benchFixture{}, err
	}
	u, _, err := db.UserByUsername(ctx, "admin")
	if err != nil {
		return benchFixture{}, err
	}
	admin := access.Principal{UserID: u.ID, Username: u.Username, Role: access.Admin}
	act := audit.Actor{UserID: u.ID, Name: "bench"}
	today := calendar.Today()
	rs := rules.Default()
	list, err := db.Agents(ctx, store.AgentFilter{Status: network.AgentActive})
	if err != nil || len(list) == 0 {
		return benchFixture{}, fmt.Errorf("bench: the demo's agents: %d, %v", len(list), err)
	}
	// The i-th registration: a NIK of its own from its village and i.
	reg := func(i int, village string, agent int64) participant.Registration {
		birth := calendar.D(1971, 1, 1).AddDays(i / 9999)
		return participant.Registration{
			NIK:  fmt.Sprintf("%s%s%s%02d%02d%02d%04d", village[0:2], village[3:5], village[6:8], birth.Day(), int(birth.Month()), birth.Year()%100, i%9999+1),
			Name: "Pekerja " + strconv.Itoa(i), BirthDate: birth, Sex: "L", Village: village, Occupation: "petani", DeclaredIncome: 1_000_000,
			Consent: true, AgentID: agent}
	}
	next := 0
	for i := 0; len(list) < agents; i++ {
		like := list[i%len(list)]
		p, err := db.Register(ctx, admin, act, rs, reg(next, like.Villages[0], 0), today)
		next++
		if err != nil {
			return benchFixture{}, fmt.Errorf("bench agent: %w", err)
		}
		ag := network.Agent{WadahID: like.WadahID, ParticipantID: p.ID, Phone: like.Phone, BankName: like.BankName,
			BankAccount: fmt.Sprintf("2%09d", p.ID%1_000_000_000), TrainedOn: like.TrainedOn, Villages: like.Villages}
		if err := db.CreateAgent(ctx, act, &ag, today); err != nil {
			return benchFixture{}, fmt.Errorf("bench agent: %w", err)
		}
		list = append(list, ag)
	}
	fx := benchFixture{act: act}
	for i, ag := range list[:agents] {
		if err := db.SetAgentCashLimits(ctx, act, store.RefIn(ag.Province, ag.ID), network.CashLimits{MaxCashOnHand: money.Max}); err != nil {
			return fx, err
		}
		au, err := db.CreateUser(ctx, act, access.NewUser{Username: fmt.Sprintf("bench.agent%d", i), Name: ag.Name, Role: access.Agent,
			Scope: access.Scope{AgentID: ag.ID}, Password: demo.Password})
		if err != nil {
			return fx, err
		}
		p, err := db.Principal(ctx, au.ID)
		if err != nil {
			return fx, err
		}
		token, _, err := db.CreateToken(ctx, act, au.ID, "bench")
		if err != nil {
			return fx, err
		}
		var regs []participant.Registration
		for k := range (n + agents - 1 - i) / agents { // participants i, i+agents, i+2·agents … below n
			regs = append(regs, reg(next+i+k*agents, ag.Villages[k%len(ag.Villages)], ag.ID))
		}
		var ids []int64
		for start := 0; start < len(regs); start += 2000 {
			res, err := db.RegisterMany(ctx, admin, act, rs, regs[start:min(len(regs), start+2000)], today, 0)
			if err != nil {
				return fx, err
			}
			for _, r := range res {
				if r.Err != nil {
					return fx, fmt.Errorf("bench participant: %w", r.Err)
				}
				ids = append(ids, r.Participant.ID)
			}
		}
		fx.agents = append(fx.agents, benchAgent{p: p, token: token, ids: ids})
	}
	return fx, nil
}

type benchResult struct {
	writer        store.PayerStats
	ok, errors    int64
	firstErr      string // the first failure's answer, when there were any
	elapsed       time.Duration
	p50, p99, max time.Duration
	// CPU µs per request over the run: the machine's (the database server's too, when local)
	// and this process's (server and clients)
	cpuMachine, cpuSelf float64
	cpuOK               bool
}

func benchRun(ctx context.Context, db *store.DB, keys *secret.Keys, fx benchFixture, clients int, d time.Duration, mode string, writers int) (benchResult, error) {
	srv, err := web.New(web.Config{DB: db, Keys: keys, Log: slog.New(slog.DiscardHandler), NoGroupCommit: mode != "group", Writers: writers})
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
	// Each client keeps one connection and speaks HTTP/1.1 on it directly, writing its request
	// and reading the answer in its own goroutine (like wrk): the load generator shares the 2
	// cores with the server, and net/http's Transport spends two goroutines and their
	// hand-offs on every request. The server side is the real one, unchanged.
	addr := ln.Addr().String()
	conns := make([]*benchConn, clients)
	for c := range conns {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			return benchResult{}, err
		}
		defer nc.Close()
		conns[c] = &benchConn{c: nc, r: bufio.NewReader(nc), w: bufio.NewWriter(nc)}
	}
	var payer *store.Payer
	if mode == "store" {
		pctx, stop := context.WithCancel(ctx)
		defer stop()
		payer = db.NewPayer(pctx, rules.Default(), writers, 256)
	}
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	// One request of the mode: what went wrong, or "" when it did what it should.
	do := func(c, k int) string {
		// Each client is an agent paying for its own participants, one month at a time.
		ag := fx.agents[c]
		id := ag.ids[k%len(ag.ids)]
		key := run + "-" + strconv.Itoa(c) + "-" + strconv.Itoa(k)
		if mode == "store" {
			res := payer.Pay(ctx, store.PayItem{P: ag.p, Act: audit.Actor{UserID: ag.p.UserID, Name: ag.p.Name}, Req: store.PayRequest{ParticipantID: id, Months: 1},
				Today: calendar.Today(), Key: key, Hash: key, Render: renderPayment})
			switch {
			case res.Err != nil:
				return res.Err.Error()
			case res.Status != http.StatusCreated:
				return fmt.Sprintf("%d %s", res.Status, res.Body)
			}
			return ""
		}
		want := http.StatusCreated
		var head, body string
		if mode == "http" {
			head, want = "GET /api/v1/me HTTP/1.1\r\n", http.StatusOK
		} else {
			body = `{"participant_id":` + strconv.FormatInt(id, 10) + `,"months":1}`
			head = "POST /api/v1/payments HTTP/1.1\r\nContent-Type: application/json\r\nIdempotency-Key: " + key +
				"\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n"
		}
		status, answer, err := conns[c].roundTrip(head + "Host: bench\r\nAuthorization: Bearer " + ag.token + "\r\n\r\n" + body)
		if err != nil {
			return err.Error()
		}
		if status != want {
			return fmt.Sprintf("%d %s", status, bytes.TrimSpace(answer))
		}
		return ""
	}
	var ok, bad atomic.Int64
	var firstErr atomic.Pointer[string]
	var mu sync.Mutex
	var lat []time.Duration
	deadline := time.Now().Add(d)
	start, cpu := time.Now(), readCPU()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			local := make([]time.Duration, 0, 4096)
			for k := 0; time.Now().Before(deadline); k++ {
				t0 := time.Now()
				failed := do(c, k)
				local = append(local, time.Since(t0))
				if failed == "" {
					ok.Add(1)
				} else if bad.Add(1) == 1 {
					firstErr.Store(&failed)
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		})
	}
	wg.Wait()
	r := benchResult{ok: ok.Load(), errors: bad.Load(), elapsed: time.Since(start)}
	r.cpuMachine, r.cpuSelf, r.cpuOK = cpu.perOp(r.ok + r.errors)
	if f := firstErr.Load(); f != nil {
		r.firstErr = *f
	}
	r.writer, _ = srv.PayerStats()
	if payer != nil {
		r.writer = payer.Stats()
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		r.p50, r.p99, r.max = lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
	}
	return r, nil
}

// benchConn is one client's keep-alive connection.
type benchConn struct {
	c net.Conn
	r *bufio.Reader
	w *bufio.Writer
}

// roundTrip writes a request and reads its answer (net/http parses it: status, headers,
// Content-Length or chunked body).
func (bc *benchConn) roundTrip(req string) (int, []byte, error) {
	if _, err := bc.w.WriteString(req); err != nil {
		return 0, nil, err
	}
	if err := bc.w.Flush(); err != nil {
		return 0, nil, err
	}
	resp, err := http.ReadResponse(bc.r, nil)
	if err != nil {
		return 0, nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, b, err
}
