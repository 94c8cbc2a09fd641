package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
	"github.com/perisai/perisai/internal/web"
)

var cliActorForTests = audit.Actor{Name: "cli:test"}

func TestLoginAndRoleHome(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		b := e.browser()
		resp, _ := b.get("/")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Fatalf("anonymous home: %d", resp.StatusCode)
		}
		resp, body := b.post("/login", url.Values{"username": {"kc.denpasar"}, "password": {"wrong password"}})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Nama pengguna atau kata sandi salah") {
			t.Fatalf("wrong password: %d", resp.StatusCode)
		}
		b.login("kc.denpasar")
		resp, body = b.get("/")
		if resp.StatusCode != 200 || !strings.Contains(body, "Selamat datang, Ni Luh Putu Ayu") ||
			!strings.Contains(body, "Petugas Kantor Cabang") || !strings.Contains(body, "KC Bali Denpasar") {
			t.Fatalf("officer home: %d\n%s", resp.StatusCode, body)
		}
		// English switch.
		resp, _ = b.get("/lang/en?back=/")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatal(resp.StatusCode)
		}
		_, body = b.get("/")
		if !strings.Contains(body, "Welcome, Ni Luh Putu Ayu") || !strings.Contains(body, "Branch officer") {
			t.Fatalf("English home:\n%s", body)
		}
		// Logout ends the session server-side.
		tok := b.csrf("/")
		resp, _ = b.post("/logout", url.Values{"csrf_token": {tok}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatal(resp.StatusCode)
		}
		resp, _ = b.get("/")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("after logout: %d", resp.StatusCode)
		}
	})
}

// Failed logins are counted in the database: behind a load balancer, the guesses sent to one
// server count on the other.
func TestLoginRateLimited(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		other, err := store.Open(context.Background(), db.URL())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		other.UseKeys(storetest.Keys)
		e2 := serveEnv(t, other)
		for i := range 6 {
			b := e.browser()
			if i%2 == 1 {
				b = e2.browser()
			}
			resp, _ := b.post("/login", url.Values{"username": {"admin"}, "password": {"guess-" + string(rune('a'+i))}})
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d", i, resp.StatusCode)
			}
		}
		// The guessed account is locked for this address on both servers, even with the right
		// password...
		for _, env := range []*env{e, e2} {
			resp, body := env.browser().post("/login", url.Values{"username": {"admin"}, "password": {"perisai-demo"}})
			if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Terlalu banyak percobaan") {
				t.Fatalf("7th attempt: %d", resp.StatusCode)
			}
		}
		// ...but a colleague behind the same address still logs in.
		other2 := e2.browser()
		other2.login("kc.denpasar")
		if resp, _ := other2.get("/"); resp.StatusCode != http.StatusOK {
			t.Fatalf("another user from the same address: %d", resp.StatusCode)
		}
	})
}

func TestCSRFRefused(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		b := e.browser()
		b.login("admin")
		form := url.Values{"username": {"new.agent"}, "name": {"Baru"}, "role": {"admin"}, "password": {"rahasia-sekali"}}

		resp, body := b.post("/users", form)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Formulir kedaluwarsa") {
			t.Fatalf("no token: %d", resp.StatusCode)
		}
		form.Set("csrf_token", "forged")
		if resp, _ = b.post("/users", form); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("forged token: %d", resp.StatusCode)
		}
		// A cross-site form post is refused even with a valid token.
		fresh := b.form("/users")
		form.Set("csrf_token", fresh.Get("csrf_token"))
		form.Set("form_key", fresh.Get("form_key"))
		if resp, _ = b.post("/users", form, "Sec-Fetch-Site", "cross-site"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site: %d", resp.StatusCode)
		}
		if _, _, err := db.UserByUsername(context.Background(), "new.agent"); err == nil {
			t.Fatal("a refused form created the user")
		}
		resp, body = b.post("/users", form)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Pengguna new.agent dibuat") {
			t.Fatalf("with token: %d\n%s", resp.StatusCode, body)
		}
	})
}

func TestTokenAuth(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.api("agen.made")
		me := a.mustStatus(200, "GET", "/api/v1/me", nil)
		if me["username"] != "agen.made" || me["role"] != "agent" || me["wadah_id"] == nil {
			t.Fatalf("me: %v", me)
		}
		bad := &api{e: e, token: "pst_notatoken"}
		resp, p := bad.do("GET", "/api/v1/me", nil)
		if resp.StatusCode != 401 || resp.Header.Get("Content-Type") != "application/problem+json" || p["status"] != float64(401) {
			t.Fatalf("bad token: %d %v", resp.StatusCode, p)
		}
		anon := &api{e: e}
		if resp, _ := anon.do("GET", "/api/v1/branches", nil); resp.StatusCode != 401 {
			t.Fatalf("no token: %d", resp.StatusCode)
		}
		// A token made through the API works, and stops working once revoked.
		created := a.mustStatus(201, "POST", "/api/v1/tokens", map[string]string{"name": "tablet"}, "Idempotency-Key", "t1")
		second := &api{e: e, token: created["token"].(string)}
		second.mustStatus(200, "GET", "/api/v1/me", nil)
		a.mustStatus(204, "DELETE", "/api/v1/tokens/"+idOf(created["id"]), nil, "Idempotency-Key", "t2")
		second.mustStatus(401, "GET", "/api/v1/me", nil)
	})
}

func TestWrongScopeRefused(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		dps, _ := db.BranchByCode(context.Background(), "KC-DPS")
		gia, _ := db.BranchByCode(context.Background(), "KC-GIA")
		path := func(id int64) string { return "/api/v1/branches/" + idOf(float64(id)) }

		gianyar := e.api("kc.gianyar")
		gianyar.mustStatus(200, "GET", path(gia.ID), nil)
		p := gianyar.mustStatus(403, "GET", path(dps.ID), nil)
		if !strings.Contains(p["detail"].(string), "scope") {
			t.Fatalf("detail: %v", p)
		}
		list := gianyar.mustStatus(200, "GET", "/api/v1/branches", nil)["items"].([]any)
		if len(list) != 1 || list[0].(map[string]any)["code"] != "KC-GIA" {
			t.Fatalf("officer sees %v", list)
		}
		// The provincial viewer sees both; the agent only its own branch.
		if n := len(e.api("pmd.bali").mustStatus(200, "GET", "/api/v1/branches", nil)["items"].([]any)); n != 2 {
			t.Fatalf("province viewer sees %d", n)
		}
		e.api("agen.made").mustStatus(403, "GET", path(gia.ID), nil)

		// A branch officer may not create users for another branch's wadah, nor admins.
		wadahID := e.api("bumdes.munggu").mustStatus(200, "GET", "/api/v1/me", nil)["wadah_id"]
		newMgr := map[string]any{"username": "mgr2", "name": "M", "role": "wadah_manager", "password": "rahasia-sekali",
			"scope": map[string]any{"wadah_id": wadahID}}
		gianyar.mustStatus(403, "POST", "/api/v1/users", newMgr, "Idempotency-Key", "u1")
		e.api("kc.denpasar").mustStatus(201, "POST", "/api/v1/users", newMgr, "Idempotency-Key", "u1")
		gianyar.mustStatus(403, "POST", "/api/v1/users", map[string]any{"username": "boss", "name": "B", "role": "admin", "password": "rahasia-sekali"}, "Idempotency-Key", "u2")
		e.api("pmd.bali").mustStatus(403, "GET", "/api/v1/audit", nil)
	})
}

func TestIdempotentWrites(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		admin := e.api("admin")
		branch := map[string]any{"code": "KC-MTR", "name": "KC Mataram", "province": "52", "regencies": []string{"52.71", "52.01"}}
		admin.mustStatus(400, "POST", "/api/v1/branches", branch) // no key
		first := admin.mustStatus(201, "POST", "/api/v1/branches", branch, "Idempotency-Key", "b1")
		resp, again := admin.do("POST", "/api/v1/branches", branch, "Idempotency-Key", "b1")
		if resp.StatusCode != 201 || again["id"] != first["id"] || resp.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay: %d %v vs %v", resp.StatusCode, again, first)
		}
		branch["name"] = "KC Lombok"
		p := admin.mustStatus(409, "POST", "/api/v1/branches", branch, "Idempotency-Key", "b1")
		if !strings.Contains(p["detail"].(string), "different request") {
			t.Fatalf("conflict: %v", p)
		}
		bs, _ := db.Branches(context.Background())
		if len(bs) != 3 {
			t.Fatalf("%d branches after replay", len(bs))
		}
		// A refused request (bad input) is stored too: replaying it gives the same refusal.
		bad := map[string]any{"code": "KC-X", "name": "X", "province": "52", "regencies": []string{"51.71"}}
		p1 := admin.mustStatus(400, "POST", "/api/v1/branches", bad, "Idempotency-Key", "b2")
		p2 := admin.mustStatus(400, "POST", "/api/v1/branches", bad, "Idempotency-Key", "b2")
		if p1["detail"] != p2["detail"] || p1["field"] != "regencies" {
			t.Fatalf("%v / %v", p1, p2)
		}
	})
}

func TestAuditRecordsWhoDidWhat(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		officer := e.api("kc.denpasar")
		agentID := e.api("agen.made").mustStatus(200, "GET", "/api/v1/me", nil)["agent_id"]
		resp, u := officer.do("POST", "/api/v1/users", map[string]any{"username": "agen.dua", "name": "Dua", "role": "agent",
			"password": "rahasia-sekali", "scope": map[string]any{"agent_id": agentID}}, "Idempotency-Key", "k", "X-Request-ID", "req-audit-1")
		if resp.StatusCode != 201 {
			t.Fatalf("%d %v", resp.StatusCode, u)
		}
		entries := e.api("admin").mustStatus(200, "GET", "/api/v1/audit?entity=user&entity_id="+idOf(u["id"]), nil)["items"].([]any)
		if len(entries) != 1 {
			t.Fatalf("entries: %v", entries)
		}
		en := entries[0].(map[string]any)
		if en["actor"] != "kc.denpasar" || en["action"] != "create" || en["request_id"] != "req-audit-1" || en["at"] == "" {
			t.Fatalf("entry: %v", en)
		}
	})
}

func TestRegionsAPI(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	a := e.api("agen.made")
	bali := a.mustStatus(200, "GET", "/api/v1/regions/51", nil)
	if bali["name"] != "Bali" || bali["children"] != float64(9) || bali["level"] != "province" {
		t.Fatalf("%v", bali)
	}
	kids := a.mustStatus(200, "GET", "/api/v1/regions/51.71/children", nil)["items"].([]any)
	if len(kids) != 4 {
		t.Fatalf("Denpasar districts: %d", len(kids))
	}
	provinces := a.mustStatus(200, "GET", "/api/v1/regions/root/children", nil)["items"].([]any)
	if len(provinces) != 38 {
		t.Fatalf("provinces: %d", len(provinces))
	}
	found := a.mustStatus(200, "GET", "/api/v1/regions?q=munggu&level=village&within=51", nil)["items"].([]any)
	if len(found) != 1 || found[0].(map[string]any)["code"] != "51.03.02.2001" {
		t.Fatalf("search: %v", found)
	}
	a.mustStatus(404, "GET", "/api/v1/regions/99", nil)
	a.mustStatus(400, "GET", "/api/v1/regions?level=planet&q=ba", nil)
	a.mustStatus(404, "GET", "/api/v1/nothing", nil)
}

func TestOperationalEndpoints(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), func(c *web.Config) { c.MetricsToken = "m-secret" })
	b := e.browser()
	resp, body := b.get("/healthz")
	if resp.StatusCode != 200 || !strings.Contains(body, `"ok"`) {
		t.Fatalf("healthz: %d %s", resp.StatusCode, body)
	}
	if resp.Header.Get("X-Request-ID") == "" {
		t.Fatal("no request id")
	}
	b.get("/login")
	// Metrics need their token (security issue 16 §8).
	if resp, _ = b.get("/metrics"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("metrics without a token: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer m-secret")
	mr, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if body = readBody(t, mr); !strings.Contains(body, `perisai_http_requests_total{code="200",route="GET /healthz"} 1`) ||
		!strings.Contains(body, "perisai_replica_lag_seconds -1") { // no replica configured
		t.Fatalf("metrics:\n%s", body)
	}
	// Without a token configured, /metrics is not served on the main address at all.
	if resp, _ := newEnv(t, storetest.SQLite(t)).browser().get("/metrics"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("metrics with no token configured: %d", resp.StatusCode)
	}
	resp, body = b.get("/static/app.css")
	if resp.StatusCode != 200 || !strings.Contains(body, "mobile-first") {
		t.Fatal("static css")
	}
	resp, body = b.get("/api/docs")
	if resp.StatusCode != 200 || !strings.Contains(body, "/api/v1/branches") || !strings.Contains(body, "Idempotency-Key") {
		t.Fatalf("docs page: %d", resp.StatusCode)
	}
	// Request and answer fields are shown (a payment's participant_id in, its receipt_no out),
	// and backticks in descriptions are code, not raw.
	if !strings.Contains(body, "<code>participant_id</code>") || !strings.Contains(body, "<code>receipt_no</code>") || strings.Contains(body, "`") {
		t.Fatalf("docs page lacks schemas or shows raw backticks")
	}
}

// Pages go out compressed to a client that takes it (a phone on a weak signal); small answers
// and files compressed already go out as they are. A form's CSRF token differs in every page
// (so compressed sizes give it away to no one), and a token from an earlier page still works.
func TestCompressedPages(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	b := e.browser()
	b.login("admin")
	fetch := func(path string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip") // set by hand, so the client leaves the body as sent
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, body
	}
	for _, path := range []string{"/participants", "/api/openapi.json"} {
		resp, body := fetch(path)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s: %d, Content-Encoding %q", path, resp.StatusCode, resp.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil || len(plain) < 3*len(body) || !bytes.Contains(plain, []byte("Perisai")) {
			t.Fatalf("%s: %d bytes sent for %d, %v", path, len(body), len(plain), err)
		}
	}
	if resp, _ := fetch("/healthz"); resp.Header.Get("Content-Encoding") != "" {
		t.Fatal("a tiny answer was compressed")
	}
	if resp, _ := fetch("/static/app.css"); resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatal("the style sheet went out uncompressed")
	}
	first, second := b.form("/users"), b.form("/users")
	if first.Get("csrf_token") == second.Get("csrf_token") {
		t.Fatal("the CSRF token stood the same in two pages")
	}
	form := url.Values{"csrf_token": {first.Get("csrf_token")}, "form_key": {first.Get("form_key")}, "username": {"new.officer"}, "name": {"Baru"}, "role": {"admin"}, "password": {"rahasia-sekali"}}
	if resp, body := b.post("/users", form); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Pengguna new.officer dibuat") {
		t.Fatalf("a token from an earlier page: %d", resp.StatusCode)
	}
}

// Every page a role can reach renders for that role, in both languages.
func TestPagesRenderForEveryRole(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	pages := map[string][]string{
		"admin":         {"/", "/dashboard", "/dashboard?region=51.03.02", "/users", "/branches", "/tokens", "/audit", "/regions", "/regions?code=51.03", "/regions?q=kuta", "/wadah?all=1", "/agents", "/agreements", "/imports", "/sponsors", "/review", "/participants"},
		"kc.denpasar":   {"/", "/dashboard", "/dashboard?region=51.03&chart=collected&by=collected", "/users", "/branches", "/tokens", "/participants", "/participants/new", "/review", "/wadah", "/agents", "/agreements", "/imports", "/sponsors", "/deposits"},
		"bumdes.munggu": {"/", "/branches", "/tokens", "/regions", "/participants", "/wadah", "/agents", "/agreements", "/sponsors"},
		"agen.made":     {"/", "/tokens", "/participants", "/participants/new", "/imports", "/deposits", "/cash", "/cash?from=2026-01-01&to=2026-12-31"},
		"pmd.bali":      {"/dashboard", "/dashboard?region=51.03.02.2001", "/dashboard?from=2022-01&to=2022-12", "/branches", "/wadah", "/sponsors"},
	}
	for user, paths := range pages {
		b := e.browser()
		b.login(user)
		for _, lang := range []string{"id", "en"} {
			b.get("/lang/" + lang)
			for _, p := range paths {
				resp, body := b.get(p)
				if resp.StatusCode != 200 || strings.Contains(body, "error.") {
					t.Errorf("%s %s %s: %d", user, lang, p, resp.StatusCode)
				}
			}
		}
	}
	b := e.browser()
	b.login("agen.made")
	for _, p := range []string{"/audit", "/review", "/agreements", "/users"} {
		if resp, _ := b.get(p); resp.StatusCode != http.StatusForbidden {
			t.Errorf("agent opened %s: %d", p, resp.StatusCode)
		}
	}
	gov := e.browser()
	gov.login("pmd.bali")
	for _, p := range []string{"/participants", "/participants/new", "/imports"} {
		if resp, _ := gov.get(p); resp.StatusCode != http.StatusForbidden {
			t.Errorf("government viewer opened %s: %d", p, resp.StatusCode)
		}
	}
}

// Moments on pages are shown in the local time of the region and say which (issue 17): Bali is
// WITA (UTC+8), so a consent given at 05:30 UTC reads 13:30 WITA to a Bali branch officer; the
// admin, who is nowhere in particular, sees WIB.
func TestTimesShownInLocalZone(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	officer := e.api("kc.denpasar")
	w := officer.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850961", "51.03.02.2001"), "Idempotency-Key", "tz1")
	got, err := e.db.Participant(context.Background(), audit.Actor{}, store.Ref{ID: int64(w["id"].(float64))})
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.login("kc.denpasar")
	_, page := b.get("/participants/" + idOf(w["id"]))
	wita := got.ConsentAt.In(time.FixedZone("WITA", 8*3600)).Format("15:04") + " WITA"
	if !strings.Contains(page, wita) {
		t.Fatalf("participant page lacks %q", wita)
	}
	admin := e.browser()
	admin.login("admin")
	_, body := admin.get("/audit")
	stamp := regexp.MustCompile(`\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d( [A-Z]+)?`)
	all := stamp.FindAllStringSubmatch(body, -1)
	if len(all) == 0 {
		t.Fatal("no time on the audit page")
	}
	for _, m := range all {
		if m[1] != " WIB" {
			t.Fatalf("the admin's audit time %q is not in WIB", m[0])
		}
	}
}

func storeFilter(q string) store.ParticipantFilter { return store.ParticipantFilter{Query: q} }
