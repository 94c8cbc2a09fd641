package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

func runCmd(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb})
	return out.String(), errb.String(), err
}

func databases(t *testing.T, fn func(t *testing.T, url string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, "sqlite://"+filepath.Join(t.TempDir(), "p.db")) })
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv(storetest.EnvPostgres) == "" {
			t.Skip("PostgreSQL not configured: set " + storetest.EnvPostgres)
		}
		fn(t, storetest.URL(t, store.Postgres))
	})
}

// An operator adds a user and a token from the CLI; the token then works against the server
// started by `perisai serve`, and a second token shown once is different.
func TestUserTokenServe(t *testing.T) {
	databases(t, func(t *testing.T, db string) {
		data := t.TempDir()
		if out, _, err := runCmd(t, "", "migrate", "--database", db); err != nil || !strings.Contains(out, "schema version") {
			t.Fatalf("migrate: %v %s", err, out)
		}
		if _, _, err := runCmd(t, "", "demo", "--database", db); err != nil {
			t.Fatal(err)
		}
		out, _, err := runCmd(t, "", "user", "add", "--database", db, "--username", "kc.officer", "--name", "Officer",
			"--role", "branch_officer", "--branch", "kc-gia")
		if err != nil || !strings.Contains(out, "created user kc.officer") || !strings.Contains(out, "password: ") {
			t.Fatalf("user add: %v %s", err, out)
		}
		if _, _, err := runCmd(t, "secret-password-1\n", "user", "add", "--database", db, "--username", "gov.x", "--name", "G",
			"--role", "government", "--region", "51.03", "--password-stdin"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := runCmd(t, "", "user", "add", "--database", db, "--username", "bad", "--name", "B", "--role", "agent"); err == nil ||
			!strings.Contains(err.Error(), "agent user needs an agent") {
			t.Fatalf("agent without agent record: %v", err)
		}
		out, _, err = runCmd(t, "", "user", "list", "--database", db)
		if err != nil || !strings.Contains(out, "kc.officer") || !strings.Contains(out, "gov.x") {
			t.Fatalf("user list: %v %s", err, out)
		}
		token, msg, err := runCmd(t, "", "token", "add", "--database", db, "--user", "kc.officer", "--name", "script")
		token = strings.TrimSpace(token)
		if err != nil || !strings.HasPrefix(token, "pst_") || !strings.Contains(msg, "shown once") {
			t.Fatalf("token add: %v %q %s", err, token, msg)
		}

		ctx, cancel := context.WithCancel(context.Background())
		ready := make(chan string, 1)
		done := make(chan error, 1)
		var serveOut bytes.Buffer
		go func() {
			done <- run(ctx, []string{"serve", "--database", db, "--data", data, "--addr", "127.0.0.1:0", "--demo"},
				env{stdin: strings.NewReader(""), stdout: &serveOut, stderr: &bytes.Buffer{}, ready: ready})
		}()
		var addr string
		select {
		case addr = <-ready:
		case err := <-done:
			t.Fatalf("serve stopped: %v", err)
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not start")
		}
		if !strings.Contains(serveOut.String(), "http://"+addr) || !strings.Contains(serveOut.String(), "kc.denpasar") {
			t.Errorf("serve output: %s", serveOut.String())
		}
		if fi, err := os.Stat(filepath.Join(data, "perisai.key")); err != nil {
			t.Errorf("no key file created: %v", err)
		} else if fi.Mode().Perm() != 0o600 {
			t.Errorf("key file mode %04o, want 0600", fi.Mode().Perm())
		}
		req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var me map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&me)
		resp.Body.Close()
		if resp.StatusCode != 200 || me["username"] != "kc.officer" || len(me["regencies"].([]any)) != 4 {
			t.Fatalf("me: %d %v", resp.StatusCode, me)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("serve: %v", err)
		}
	})
}

func TestDefaultDatabaseIsSQLiteInDataDir(t *testing.T) {
	data := t.TempDir()
	if _, _, err := runCmd(t, "", "migrate", "--data", data); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"perisai.db"} {
		fi, err := os.Stat(filepath.Join(data, f))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %04o, want 0600: it holds personal data or the key to it", f, fi.Mode().Perm())
		}
	}
}

// TestMain points the default data folder (PERISAI_DATA) at a temporary one: a command run
// without --data must never write a database or a master key into the source tree, and the
// run fails if one appears there.
func TestMain(m *testing.M) {
	tmp, err := os.MkdirTemp("", "perisai-cmd-test")
	if err != nil {
		panic(err)
	}
	os.Setenv("PERISAI_DATA", tmp)
	code := m.Run()
	os.RemoveAll(tmp)
	if _, err := os.Stat("data"); err == nil {
		println("a test wrote the data folder into the source tree (cmd/perisai/data)")
		code = 1
	}
	os.Exit(code)
}

func TestUnknownCommand(t *testing.T) {
	if _, errOut, err := runCmd(t, "", "frobnicate"); err == nil || !strings.Contains(errOut, "usage: perisai") {
		t.Fatalf("%v %s", err, errOut)
	}
}

// An operator imports a cohort from the CLI as a branch officer: the progress bar runs, the
// report lands next to the file, and the daily jobs run on demand.
func TestImportAndJobsCommands(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "p.db")
	data := t.TempDir()
	if _, _, err := runCmd(t, "", "demo", "--database", db, "--data", data); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "desa.csv")
	csv := "nik,nama,tanggal_lahir,jenis_kelamin,desa,pekerjaan,penghasilan,persetujuan\n" +
		"5103021203850801,I Wayan Satu,12/03/1985,L,51.03.02.2001,petani,1000000,ya\n" +
		"5103021203850802,I Made Dua,12/03/1985,L,51.03.02.2001,petani,1000000,tidak\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runCmd(t, "", "import", "participants", file, "--as", "kc.denpasar", "--database", db, "--data", data)
	if err != nil || !strings.Contains(out, "1 imported") || !strings.Contains(out, "1 refused") || !strings.Contains(errOut, "[###") {
		t.Fatalf("import: %v\n%s\n%s", err, out, errOut)
	}
	report, err := os.ReadFile(file + ".report.csv")
	if err != nil || !strings.Contains(string(report), "3,refused,,consent") {
		t.Fatalf("report: %v %s", err, report)
	}
	// Who saw (or registered) the imported worker, as a breach notice needs it.
	out, _, err = runCmd(t, "", "audit", "who-saw", "--nik", "5103021203850801", "--database", db, "--data", data)
	if err != nil || !strings.Contains(out, "NIK 5103********0801") || !regexp.MustCompile(`kc\.denpasar \(cli\)\s+register\s+participant`).MatchString(out) {
		t.Fatalf("who-saw: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, "", "import", "participants", file, "--as", "nobody", "--database", db, "--data", data); err == nil {
		t.Fatal("import as an unknown user")
	}
	out, _, err = runCmd(t, "", "jobs", "run", "--date", time.Now().AddDate(1, 0, 0).Format("2006-01-02"), "--database", db, "--data", data)
	// A year on, every agreement has expired, every agent gone quiet, and the cover of those
	// who paid in the demo has lapsed.
	m := regexp.MustCompile(`: 87 agreement\(s\) expired, 435 agent\(s\) deactivated, (\d+) participant status\(es\) changed`).FindStringSubmatch(out)
	if err != nil || m == nil || m[1] == "0" {
		t.Fatalf("jobs: %v %s", err, out)
	}
}

// Rules load and show; ledger verify passes on a clean ledger and fails on a broken one.
func TestRulesAndLedgerCommands(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "p.db")
	data := t.TempDir()
	out, _, err := runCmd(t, "", "rules", "show", "--date", "2026-05-01", "--database", db, "--data", data)
	if err != nil || !strings.Contains(out, "PP 50/2025 other sectors") || !strings.Contains(out, `"jkm_flat": 6800`) {
		t.Fatalf("rules show: %v %s", err, out)
	}
	file := filepath.Join(t.TempDir(), "rules.json")
	content := strings.Replace(string(rules.Default().Raw()), `"version": "2026-11-30.1"`, `"version": "2027-01-01.1"`, 1)
	content = strings.Replace(content, `"jkm_flat": 6800`, `"jkm_flat": 7000`, 1)
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, _, err = runCmd(t, "", "rules", "load", file, "--database", db, "--data", data); err != nil || !strings.Contains(out, "2027-01-01.1 loaded") {
		t.Fatalf("rules load: %v %s", err, out)
	}
	if _, _, err = runCmd(t, "", "rules", "load", file, "--database", db, "--data", data); err == nil {
		t.Fatal("the same version loaded twice")
	}
	if out, _, _ = runCmd(t, "", "rules", "show", "--database", db, "--data", data); !strings.Contains(out, `"jkm_flat": 7000`) {
		t.Fatalf("loaded rules not in force: %s", out)
	}
	if err := os.WriteFile(file, []byte(`{"version": "x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err = runCmd(t, "", "rules", "load", file, "--database", db, "--data", data); err == nil {
		t.Fatal("an invalid rules file was loaded")
	}
	if out, _, err = runCmd(t, "", "ledger", "verify", "--database", db, "--data", data); err != nil || !strings.Contains(out, "every entry balances") {
		t.Fatalf("ledger verify: %v %s", err, out)
	}
	if out, _, err = runCmd(t, "", "coverage", "run", "--database", db, "--data", data); err != nil || !strings.Contains(out, "status(es) changed") {
		t.Fatalf("coverage run: %v %s", err, out)
	}
	this, last := calendar.Today().MonthOf().String(), calendar.Today().MonthOf().Add(-1).String()
	if out, _, err = runCmd(t, "", "incentives", "run", "--month", last, "--database", db, "--data", data); err != nil || !strings.Contains(out, "incentive statement(s) issued") {
		t.Fatalf("incentives run: %v %s", err, out)
	}
	if out, _, err = runCmd(t, "", "incentives", "run", "--month", last, "--database", db, "--data", data); err != nil || !strings.Contains(out, last+": 0 incentive statement(s)") {
		t.Fatalf("incentives run again: %v %s", err, out)
	}
	if _, _, err = runCmd(t, "", "incentives", "run", "--month", this, "--database", db, "--data", data); err == nil {
		t.Fatal("the month still running was issued")
	}
	if _, _, err = runCmd(t, "", "incentives", "run", "--month", "November", "--database", db, "--data", data); err == nil {
		t.Fatal("a month not written YYYY-MM was taken")
	}
}

// The payments benchmark runs end to end on a small scale, every mode answers without
// errors, and the ledger is whole after it.
func TestBenchPaymentsCommand(t *testing.T) {
	out, _, err := runCmd(t, "", "bench", "payments", "--duration", "300ms", "--participants", "200", "--clients", "4")
	if err != nil || !strings.Contains(out, "ledger verify after the run: 0 problem(s)") {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, mode := range []string{"http", "store", "group", "naive"} {
		var line string
		for l := range strings.Lines(out) {
			if strings.HasPrefix(l, mode+" ") {
				line = l
			}
		}
		f := strings.Fields(line)
		if len(f) != 7 || f[1] == "0" || f[6] != "0" {
			t.Errorf("mode %s: %q\n%s", mode, line, out)
		}
	}
	if _, _, err := runCmd(t, "", "bench", "payments", "--modes", "store,bogus"); err == nil {
		t.Error("an unknown mode is accepted")
	}
}

// Issues 19 and 20: the national-scale benchmarks in small (Bali, a few thousand workers), so
// that they cannot rot: bench gen writes a data set, the incentive run issues last month's
// statements over it, and bench dashboard times every level of the drill-down and says the
// peak memory; a second gen into the same database
// is refused. The 10-million runs are in docs/benchmarks.md.
func TestBenchGenAndDashboard(t *testing.T) {
	databases(t, func(t *testing.T, db string) {
		data := t.TempDir()
		out, errOut, err := runCmd(t, "", "bench", "gen", "--participants", "3000", "--within", "51", "--seed", "7", "--database", db, "--data", data)
		if err != nil || !strings.Contains(out, "716 villages") || !strings.Contains(out, "paid months") {
			t.Fatalf("bench gen: %v\n%s\n%s", err, out, errOut)
		}
		if _, _, err := runCmd(t, "", "bench", "gen", "--participants", "10", "--within", "51", "--database", db, "--data", data); err == nil {
			t.Fatal("a second data set was written over the first")
		}
		// The national incentive run over it: last month is left for it to issue (issue 19).
		last := calendar.Today().MonthOf().Add(-1).String()
		out, errOut, err = runCmd(t, "", "incentives", "run", "--month", last, "--database", db, "--data", data)
		if err != nil || !strings.Contains(out, "incentive statement(s) issued in") || strings.Contains(out, ": 0 incentive") {
			t.Fatalf("incentives run: %v\n%s\n%s", err, out, errOut)
		}
		out, errOut, err = runCmd(t, "", "bench", "dashboard", "--rounds", "5", "--database", db, "--data", data)
		if err != nil || strings.Count(out, "p95") != 5 || !strings.Contains(out, "rebuild:") || !strings.Contains(out, "peak RSS:") {
			t.Fatalf("bench dashboard: %v\n%s\n%s", err, out, errOut)
		}
	})
}
