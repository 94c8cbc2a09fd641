package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/perisai/perisai/internal/secret"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary builds the perisai binary once for the tests that run it as its own process.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "perisai-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "perisai")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// paid is one payment sent under load.
type paid struct {
	id    int64     // the payment acknowledged, 0 if none
	ackAt time.Time // when the answer came
	via   int       // the client's server
}

// payUnderLoad has each client pay one month at a time for participants of its own, under
// keys of its own, until stop closes; it returns every acknowledged payment.
func payUnderLoad(clients []*apiClient, participants []int64, stop <-chan struct{}) []paid {
	var mu sync.Mutex
	var out []paid
	var wg sync.WaitGroup
	for w, c := range clients {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				p := participants[(w+len(clients)*n)%len(participants)]
				var got struct {
					ID int64 `json:"id"`
				}
				code := c.call("POST", "/api/v1/payments", fmt.Sprintf("load-%d-%d", w, n), strings.NewReader(fmt.Sprintf(`{"participant_id": %d, "months": 1}`, p)), &got)
				if code == 201 {
					mu.Lock()
					out = append(out, paid{id: got.ID, ackAt: time.Now(), via: w % 2})
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return out
}

// demoParticipants lists the participants the demo's admin sees.
func demoParticipants(t *testing.T, c *apiClient) []int64 {
	t.Helper()
	var list struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	if code := c.call("GET", "/api/v1/participants?limit=400", "", nil, &list); code != 200 || len(list.Items) < 64 {
		t.Fatalf("participants: %d, %d", code, len(list.Items))
	}
	ids := make([]int64, len(list.Items))
	for i, p := range list.Items {
		ids[i] = p.ID
	}
	return ids
}

func addToken(t *testing.T, bin string, base []string) string {
	t.Helper()
	tok, err := exec.Command(bin, append([]string{"token", "add", "--user", "admin", "--name", "t" + fmt.Sprint(time.Now().UnixNano())}, base...)...).Output()
	if err != nil {
		t.Fatalf("token add: %v", err)
	}
	return strings.TrimSpace(string(tok))
}

// The restore drill (issue 21): the real binary takes payments from 8 clients; a backup is
// taken by another process while they pay; it is restored into a new place. Every payment
// acknowledged before the backup began is there, the ledger verifies, and a server started on
// the copy takes a payment. A restore with another key file, or over data, is refused. On
// SQLite and on PostgreSQL.
func TestBackupRestoreDrill(t *testing.T) {
	bin := binary(t)
	databases(t, func(t *testing.T, db string) {
		data := t.TempDir()
		base := []string{"--database", db, "--data", data}
		srv := startServer(t, bin, append([]string{"serve", "--demo", "--addr", "127.0.0.1:0"}, base...))
		c := &apiClient{base: srv.url, token: addToken(t, bin, base)}
		parts := demoParticipants(t, c)
		clients := make([]*apiClient, 8)
		for i := range clients {
			clients[i] = c
		}
		stop := make(chan struct{})
		var acks []paid
		done := make(chan struct{})
		go func() { acks = payUnderLoad(clients, parts, stop); close(done) }()
		time.Sleep(700 * time.Millisecond)

		file := filepath.Join(t.TempDir(), "perisai.backup")
		began := time.Now()
		out, err := exec.Command(bin, append([]string{"backup", "--to", file}, base...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("backup under load: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), "The master key is NOT in the backup") {
			t.Fatalf("no key reminder:\n%s", out)
		}
		time.Sleep(300 * time.Millisecond)
		close(stop)
		<-done
		srv.stop(t)
		before := 0
		for _, a := range acks {
			if a.ackAt.Before(began) {
				before++
			}
		}
		if before < 20 || len(acks) == before {
			t.Fatalf("%d payments acknowledged before the backup, %d in all: the backup was not taken under load", before, len(acks))
		}

		// A new place: a fresh data folder with the backup's key, and a fresh database.
		target := t.TempDir()
		restoreArgs := []string{"restore", "--from", file, "--data", target}
		if strings.HasPrefix(db, "postgres") {
			restoreArgs = append(restoreArgs, "--database", storetest.EmptyPostgres(t))
		}
		// The wrong key is refused before anything is written.
		wrong := filepath.Join(t.TempDir(), "other.key")
		if _, err := secret.Generate(wrong); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(bin, append(restoreArgs, "--key-file", wrong)...).CombinedOutput(); err == nil || !strings.Contains(string(out), "not the one the backup was taken with") {
			t.Fatalf("restore with another key: %v %s", err, out)
		}
		keyFile := filepath.Join(data, "perisai.key")
		if out, err := exec.Command(bin, append(restoreArgs, "--key-file", wrong+".none")...).CombinedOutput(); err == nil || !strings.Contains(string(out), "master key") {
			t.Fatalf("restore with a missing key file: %v %s", err, out)
		}
		out, err = exec.Command(bin, append(restoreArgs, "--key-file", keyFile)...).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "ledger verify: every entry balances") {
			t.Fatalf("restore: %v\n%s", err, out)
		}
		if out, err := exec.Command(bin, append(restoreArgs, "--key-file", keyFile)...).CombinedOutput(); err == nil {
			t.Fatalf("a second restore over the first: %s", out)
		}

		// The copy serves: every payment acknowledged before the backup is there.
		rbase := restoreArgs[3:] // --data target [--database …]
		rbase = append(append([]string{}, rbase...), "--key-file", keyFile)
		rsrv := startServer(t, bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, rbase...))
		rc := &apiClient{base: rsrv.url, token: addToken(t, bin, rbase)}
		missing := 0
		for _, a := range acks {
			if a.ackAt.Before(began) {
				if code := rc.call("GET", fmt.Sprintf("/api/v1/payments/%d", a.id), "", nil, nil); code != 200 {
					missing++
				}
			}
		}
		if missing > 0 {
			t.Fatalf("%d of %d payments acknowledged before the backup are missing from the restore", missing, before)
		}
		// The copy takes writes with fresh keys: a payment is reversed (the newest restored
		// ones first: a reversal may need to be a participant's latest).
		reversed := false
		for i := len(acks) - 1; i >= 0 && !reversed; i-- {
			if a := acks[i]; a.ackAt.Before(began) {
				reversed = rc.call("POST", fmt.Sprintf("/api/v1/payments/%d/reverse", a.id), fmt.Sprintf("rev-%d", i), strings.NewReader(`{"reason": "restore drill"}`), nil) == 200
			}
		}
		if !reversed {
			t.Fatal("the restored copy reversed no payment")
		}
		rsrv.stop(t)
		if out, err := exec.Command(bin, append([]string{"ledger", "verify"}, rbase...)...).CombinedOutput(); err != nil {
			t.Fatalf("ledger verify on the copy: %v\n%s", err, out)
		}
		t.Logf("%d payments acknowledged before the backup (of %d under load): all restored; ledger clean", before, len(acks))
	})
}

// Two servers on one PostgreSQL database (issue 21): each holds its own node number, so keys
// made in the same milliseconds never clash; the daily jobs both schedule at start run once;
// payments through both, at once, are each there once and the ledger verifies.
func TestTwoServersOneDatabase(t *testing.T) {
	bin := binary(t)
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skip("PostgreSQL not configured: set " + storetest.EnvPostgres)
	}
	db := storetest.URL(t, store.Postgres)
	data := t.TempDir() // one key file for both, as every server of a deployment shares it
	base := []string{"--database", db, "--data", data}
	a := startServer(t, bin, append([]string{"serve", "--demo", "--addr", "127.0.0.1:0"}, base...))
	b := startServer(t, bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, base...))
	tok := addToken(t, bin, base)
	ca, cb := &apiClient{base: a.url, token: tok}, &apiClient{base: b.url, token: tok}
	parts := demoParticipants(t, ca)
	clients := make([]*apiClient, 16)
	for i := range clients {
		clients[i] = ca
		if i%2 == 1 {
			clients[i] = cb
		}
	}
	stop := make(chan struct{})
	var acks []paid
	done := make(chan struct{})
	go func() { acks = payUnderLoad(clients, parts, stop); close(done) }()
	time.Sleep(2 * time.Second)
	close(stop)
	<-done

	nodes := map[int]map[int64]bool{0: {}, 1: {}}
	seen := map[int64]bool{}
	for _, p := range acks {
		if seen[p.id] {
			t.Fatalf("payment %d acknowledged twice", p.id)
		}
		seen[p.id] = true
		nodes[p.via][p.id&31] = true
	}
	if len(nodes[0]) != 1 || len(nodes[1]) != 1 {
		t.Fatalf("node numbers in the keys: server A %v, server B %v; want one each", nodes[0], nodes[1])
	}
	for n := range nodes[0] {
		if nodes[1][n] {
			t.Fatalf("both servers made keys as node %d", n)
		}
	}
	// Every acknowledged payment is there, read through the other server.
	for _, p := range acks {
		other := cb
		if p.via == 1 {
			other = ca
		}
		if code := other.call("GET", fmt.Sprintf("/api/v1/payments/%d", p.id), "", nil, nil); code != 200 {
			t.Fatalf("payment %d: %d through the other server", p.id, code)
		}
	}
	a.stop(t)
	b.stop(t)
	logs := a.logs.String() + b.logs.String()
	if ran := strings.Count(logs, `msg="daily jobs" day=`); ran != 1 {
		t.Fatalf("the day's jobs ran %d times across the two servers:\n%s", ran, logs)
	}
	if out, err := exec.Command(bin, append([]string{"ledger", "verify"}, base...)...).CombinedOutput(); err != nil {
		t.Fatalf("ledger verify: %v\n%s", err, out)
	}
	t.Logf("%d payments through two servers at once, none twice; day's jobs ran once; ledger clean", len(acks))
}
