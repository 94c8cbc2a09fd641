package web_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/demo"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
	"github.com/perisai/perisai/internal/web"
)

// Issue 20 over HTTP, on both databases: the dashboard follows the viewer (the province for
// pmd.bali, its regency for pmd.badung, the regencies of its branch for an officer, the nation
// for the admin); a government viewer sees no person and counts under 5 at village level as
// "<5"; potential with its source and year gives coverage; a target is laid against the
// months; exports state the region, period and filters they were made with.
func TestDashboardFollowsTheViewer(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		if _, err := db.CreateUser(ctx, audit.Actor{Name: "t"}, access.NewUser{Username: "pmd.badung", Name: "Dinas PMD Kabupaten Badung",
			Role: access.Government, Password: demo.Password, Scope: access.Scope{Region: "51.03"}}); err != nil {
			t.Fatal(err)
		}
		// One worker in a village of Munggu's district where nobody is registered yet, taken in
		// by the branch.
		officer := e.api("kc.denpasar")
		district := agentVillage(t, e.api("agen.made"))[:8]
		kids := officer.mustStatus(200, "GET", "/api/v1/regions/"+district+"/children", nil)["items"].([]any)
		village := kids[len(kids)-1].(map[string]any)["code"].(string)
		w := officer.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850990", village), "Idempotency-Key", "d1")
		officer.mustStatus(201, "POST", "/api/v1/payments", map[string]any{"participant_id": w["id"], "months": 3}, "Idempotency-Key", "d2")
		if _, err := db.RebuildDashboard(ctx, calendar.Today()); err != nil {
			t.Fatal(err)
		}

		bali := e.api("pmd.bali")
		got := bali.mustStatus(200, "GET", "/api/v1/dashboard", nil)
		region := got["region"].(map[string]any)
		if region["region_code"] != "51" || len(got["children"].([]any)) != 9 || got["built"] != true {
			t.Fatalf("pmd.bali lands on %v with %d rows", region["region_code"], len(got["children"].([]any)))
		}
		figs := region["figures"].(map[string]any)
		if figs["bumdes"] != float64(3) || figs["active_agents"] != float64(10) || figs["acquired"].(float64) < 13 || figs["collected"].(float64) <= 0 {
			t.Fatalf("Bali's figures: %v", figs)
		}
		// No person anywhere in what a government viewer reads.
		_, body := bali.raw("GET", "/api/v1/dashboard/"+village[:8])
		for _, personal := range []string{"5103021203850990", w["kpj"].(string), w["name"].(string), "nik", "kpj", "phone"} {
			if strings.Contains(body, personal) {
				t.Fatalf("the government's dashboard shows %q:\n%s", personal, body)
			}
		}
		// A district's villages: the village with one worker shows "<5".
		var small map[string]any
		for _, c := range bali.mustStatus(200, "GET", "/api/v1/dashboard/"+district, nil)["children"].([]any) {
			if c := c.(map[string]any); c["region_code"] == village {
				small = c["figures"].(map[string]any)
			}
		}
		if small == nil || small["acquired"] != "<5" || small["active"] != "<5" || small["collected"] != "<5" || small["ended"] != float64(0) {
			t.Fatalf("village figures for government: %v", small)
		}
		vill := officer.mustStatus(200, "GET", "/api/v1/dashboard/"+village, nil)["region"].(map[string]any)["figures"].(map[string]any)
		if n, ok := vill["acquired"].(float64); !ok || n != 1 {
			t.Fatalf("the branch sees the village's numbers: %v", vill)
		}
		bali.mustStatus(403, "GET", "/api/v1/dashboard/"+village[:8]+"/rankings?kind=agent", nil)
		bali.mustStatus(200, "GET", "/api/v1/dashboard/51/rankings?kind=wadah", nil)
		if ranked := officer.mustStatus(200, "GET", "/api/v1/dashboard/51.03/rankings?kind=agent", nil); ranked["total"].(float64) < 1 {
			t.Fatalf("agents ranked: %v", ranked)
		}

		// pmd.badung: its regency, nothing above or beside it.
		badung := e.api("pmd.badung")
		if got := badung.mustStatus(200, "GET", "/api/v1/dashboard", nil); got["region"].(map[string]any)["region_code"] != "51.03" {
			t.Fatalf("pmd.badung lands on %v", got["region"])
		}
		badung.mustStatus(403, "GET", "/api/v1/dashboard/51", nil)
		badung.mustStatus(403, "GET", "/api/v1/dashboard/51.04", nil)
		// The branch: its five regencies together; Gianyar is the other branch's.
		if got := officer.mustStatus(200, "GET", "/api/v1/dashboard", nil); len(got["children"].([]any)) != 5 {
			t.Fatalf("kc.denpasar's regencies: %v", got["children"])
		}
		officer.mustStatus(403, "GET", "/api/v1/dashboard/51.04", nil)
		if got := e.api("admin").mustStatus(200, "GET", "/api/v1/dashboard/ID", nil); len(got["children"].([]any)) != 38 {
			t.Fatalf("the nation: %d provinces", len(got["children"].([]any)))
		}
		e.api("agen.made").mustStatus(403, "GET", "/api/v1/dashboard", nil)
		bali.mustStatus(400, "GET", "/api/v1/dashboard/51?from=2026-05&to=2026-01", nil)

		// Potential for Badung, with its source and year: coverage follows.
		badung.mustStatus(201, "POST", "/api/v1/dashboard/potential", map[string]any{"entries": []map[string]any{
			{"region_code": "51.03", "year": 2026, "workers": 40, "source": "Survei Dinas PMD 2026"}}}, "Idempotency-Key", "d3")
		badung.mustStatus(403, "POST", "/api/v1/dashboard/potential", map[string]any{"entries": []map[string]any{
			{"region_code": "51.04", "year": 2026, "workers": 40, "source": "x"}}}, "Idempotency-Key", "d4")
		badung.mustStatus(400, "POST", "/api/v1/dashboard/potential", map[string]any{"entries": []map[string]any{
			{"region_code": "51.03", "year": 2026, "workers": 40, "source": ""}}}, "Idempotency-Key", "d5")
		reg := badung.mustStatus(200, "GET", "/api/v1/dashboard/51.03", nil)["region"].(map[string]any)
		pot := reg["potential"].(map[string]any)
		if pot["workers"] != float64(40) || pot["year"] != float64(2026) || pot["source"] != "Survei Dinas PMD 2026" || reg["coverage_per_mille"] == nil {
			t.Fatalf("Badung's potential: %v", reg)
		}
		// Bali keeps its own figure (the seed's 477 of 2022), not the sum of its regencies'.
		if p := bali.mustStatus(200, "GET", "/api/v1/dashboard", nil)["region"].(map[string]any)["potential"].(map[string]any); p["workers"] != float64(477) || p["year"] != float64(2022) {
			t.Fatalf("Bali's potential: %v", p)
		}

		// A target for this year's acquisitions, and its realisation month by month.
		year := calendar.Today().Year()
		badung.mustStatus(201, "POST", "/api/v1/dashboard/targets", map[string]any{"region_code": "51.03", "year": year, "figure": "acquired", "target": 120}, "Idempotency-Key", "d6")
		badung.mustStatus(400, "POST", "/api/v1/dashboard/targets", map[string]any{"region_code": "51.03", "year": year, "figure": "active", "target": 120}, "Idempotency-Key", "d7")
		tg := badung.mustStatus(200, "GET", "/api/v1/dashboard/51.03/targets", nil)["targets"].([]any)
		if len(tg) != 1 {
			t.Fatalf("targets: %v", tg)
		}
		steps := tg[0].(map[string]any)["months"].([]any)
		last := steps[len(steps)-1].(map[string]any)
		if len(steps) != int(calendar.Today().Month()) || last["cumulative"].(float64) < 1 || last["per_mille"].(float64) <= 0 {
			t.Fatalf("realisation: %v", steps)
		}

		// Exports carry their region, period and filters.
		b := e.browser()
		b.login("pmd.bali")
		resp, csv := b.get("/dashboard/export?format=csv&region=51.03&from=2026-01&to=2026-11")
		if resp.StatusCode != 200 || !strings.Contains(csv, "Badung") || !strings.Contains(csv, "(51.03)") || !strings.Contains(csv, "Januari 2026 – November 2026") ||
			!strings.Contains(csv, "wilayah Bali") || strings.Contains(csv, w["name"].(string)) {
			t.Fatalf("CSV: %d\n%s", resp.StatusCode, csv)
		}
		resp, xlsx := b.get("/dashboard/export?format=xlsx&region=51.03")
		f, err := excelize.OpenReader(bytes.NewReader([]byte(xlsx)))
		if resp.StatusCode != 200 || err != nil {
			t.Fatalf("XLSX: %d %v", resp.StatusCode, err)
		}
		rows, _ := f.GetRows(f.GetSheetName(0))
		if len(rows) < 8 || rows[1][1] != "Kabupaten Badung (51.03)" && !strings.Contains(rows[1][1], "51.03") || !strings.Contains(rows[3][1], "wilayah") {
			t.Fatalf("XLSX rows: %v", rows[:min(len(rows), 8)])
		}
		// The page: the province, its regencies to tap, the chart beside its table.
		resp, page := b.get("/dashboard")
		if resp.StatusCode != 200 || !strings.Contains(page, "<svg") || !strings.Contains(page, `class="drill"`) || !strings.Contains(page, "Badung") {
			t.Fatalf("dashboard page: %d\n%s", resp.StatusCode, page)
		}
		if resp, _ := b.get("/"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard" {
			t.Fatalf("government home: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		// A potential file, through the page's form.
		ob := e.browser()
		ob.login("kc.denpasar")
		form := ob.form("/dashboard")
		resp, out := ob.postFile("/dashboard/potential/import", form, "file", "potensi.csv", []byte("region_code,year,workers,source\n51.03.02,2026,25,Desa\n"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("potential import: %d %s", resp.StatusCode, out)
		}
		resp, out = ob.postFile("/dashboard/potential/import", ob.form("/dashboard"), "file", "potensi.csv", []byte("region_code,year,workers,source\n51.04,2026,25,x\n"))
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("another branch's regency: %d %s", resp.StatusCode, out)
		}
	})
}

// With a read replica, the dashboard, its export and /metrics are served as without one: the
// figures come from the replica while it keeps up, and /metrics shows its lag.
func TestDashboardFromReplica(t *testing.T) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skip("PostgreSQL not configured")
	}
	db := storetest.Postgres(t)
	rep := storetest.Replica(t, db)
	e := newEnv(t, db, func(c *web.Config) { c.MetricsToken = "m-secret" })
	ctx := context.Background()
	if _, err := db.RebuildDashboard(ctx, calendar.Today()); err != nil {
		t.Fatal(err)
	}
	if err := db.UseReplica(ctx, rep, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if _, use, _ := db.ReplicaLag(); use {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the replica never caught up")
		}
	}
	got := e.api("pmd.bali").mustStatus(200, "GET", "/api/v1/dashboard", nil)
	figs := got["region"].(map[string]any)["figures"].(map[string]any)
	if got["built"] != true || figs["bumdes"] != float64(3) || figs["active_agents"] != float64(10) {
		t.Fatalf("Bali through the replica: %v", figs)
	}
	b := e.browser()
	b.login("pmd.bali")
	if resp, csv := b.get("/dashboard/export?format=csv&region=51"); resp.StatusCode != 200 || !strings.Contains(csv, "Badung") {
		t.Fatalf("export through the replica: %d\n%s", resp.StatusCode, csv)
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer m-secret")
	mr, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := readBody(t, mr)
	if !strings.Contains(body, "perisai_replica_in_use 1") || !strings.Contains(body, "perisai_replica_lag_seconds ") || strings.Contains(body, "perisai_replica_lag_seconds -1") {
		t.Fatalf("metrics:\n%s", body)
	}
}
