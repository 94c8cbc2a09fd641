package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// Security issue 16 §2: a declared income at int64's limit quoted JKK as 0; the calculator
// takes only a row of the income table, and a payment's amount is bounded.
func TestMoneyBoundedAtTheAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		officer := e.api("kc.denpasar")
		for _, income := range []any{int64(9223372036854775807), 1_000_001, -1, 0} {
			p := officer.mustStatus(400, "POST", "/api/v1/quotes", map[string]any{"declared_income": income, "sector": "other", "months": []string{"2026-12"}})
			if p["field"] != "declared_income" {
				t.Errorf("income %v: %v", income, p)
			}
		}
		q := officer.mustStatus(200, "POST", "/api/v1/quotes", map[string]any{"declared_income": 1_000_000, "sector": "other", "months": []string{"2027-01"}})
		if q["total"] != float64(16_800) {
			t.Fatalf("quote: %v", q)
		}
		agent := e.api("agen.made")
		w := agent.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850941", agentVillage(t, agent)), "Idempotency-Key", "b1")
		p := agent.mustStatus(400, "POST", "/api/v1/payments", map[string]any{"participant_id": w["id"], "amount": int64(9223372036854775807)}, "Idempotency-Key", "b2")
		if p["field"] != "amount" {
			t.Fatalf("huge payment: %v", p)
		}
		// The cash endpoint and the ledger stay sound.
		me := agent.mustStatus(200, "GET", "/api/v1/me", nil)
		cash := agent.mustStatus(200, "GET", "/api/v1/agents/"+idOf(me["agent_id"])+"/cash", nil)
		if cash["cash_on_hand"] != float64(0) {
			t.Fatalf("cash: %v", cash)
		}
		v := e.api("admin").mustStatus(200, "GET", "/api/v1/ledger/verify", nil)
		if v["ok"] != true {
			t.Fatalf("verify: %v", v)
		}
	})
}

// Security issue 16 §8: a body over the size cap answers 413, on the API and on the forms;
// every answer names its referrer policy.
func TestBodyOverTheCapIs413(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	officer := e.api("kc.denpasar")
	big := map[string]any{"name": strings.Repeat("x", 2<<20)}
	resp, p := officer.do("POST", "/api/v1/participants", big, "Idempotency-Key", "big1")
	if resp.StatusCode != 413 || p["status"] != float64(413) {
		t.Fatalf("2 MiB registration: %d %v", resp.StatusCode, p)
	}
	if resp.Header.Get("Referrer-Policy") != "same-origin" {
		t.Errorf("Referrer-Policy %q", resp.Header.Get("Referrer-Policy"))
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/imports?filename=big.csv", bytes.NewReader(make([]byte, 17<<20)))
	req.Header.Set("Authorization", "Bearer "+officer.token)
	req.Header.Set("Idempotency-Key", "big2")
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != 413 {
		t.Fatalf("17 MiB import: %d", r2.StatusCode)
	}
	b := e.browser()
	b.login("kc.denpasar")
	form := b.form("/participants/new")
	form.Set("name", strings.Repeat("x", 2<<20))
	if resp, body := b.post("/participants", form); resp.StatusCode != 413 {
		t.Fatalf("2 MiB form: %d %s", resp.StatusCode, body)
	}
}

// Security issue 16 §8, the smaller ones, on both databases.
func TestSmallerHoles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		b := e.browser()
		for _, back := range []string{"/%5Cevil.example", "//evil.example", "https://evil.example", "/%5C%5Cevil.example", "/%09/evil.example"} {
			resp, _ := b.get("/lang/en?back=" + back)
			if loc := resp.Header.Get("Location"); loc != "/" {
				t.Errorf("back=%s redirects to %q", back, loc)
			}
		}
		if resp, _ := b.get("/lang/en?back=/participants%3Fq%3Dx"); resp.Header.Get("Location") != "/participants?q=x" {
			t.Errorf("a local path is not kept: %q", resp.Header.Get("Location"))
		}

		officer, agent := e.api("kc.denpasar"), e.api("agen.made")
		v := agentVillage(t, agent)
		// NUL bytes, control characters, overrides and invisible names: 400, never 500.
		for i, bad := range []string{"Budi\x00", "Bu\x07di", "Budi \u202eigam", "\u200b\u200b"} {
			reg := registration("51030212038509"+string(rune('6'+i))+"1", v)
			reg["name"] = bad
			p := agent.mustStatus(400, "POST", "/api/v1/participants", reg, "Idempotency-Key", "n"+string(rune('a'+i)))
			if !strings.Contains(toText(p), "name") {
				t.Errorf("name %q: %v", bad, p)
			}
		}
		for _, q := range []string{"Sud%00arma", strings.Repeat("a", 100_000)} {
			if resp, _ := officer.raw("GET", "/api/v1/participants?q="+q); resp.StatusCode != 400 {
				t.Errorf("search of %d characters: %d", len(q), resp.StatusCode)
			}
		}
		// A branch officer creates sponsors inside the regencies it serves only.
		officer.mustStatus(403, "POST", "/api/v1/sponsors", map[string]any{"kind": "apbdes", "name": "Desa Batubulan", "region": "51.04.01.2001"}, "Idempotency-Key", "sp1")
		officer.mustStatus(201, "POST", "/api/v1/sponsors", map[string]any{"kind": "apbdes", "name": "Desa Munggu", "region": "51.03.02.2001"}, "Idempotency-Key", "sp2")

		// A NIK registered elsewhere: said to be registered, with whom to ask, and no more.
		w := agent.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850991", v), "Idempotency-Key", "d1")
		gia := e.api("kc.gianyar")
		p := gia.mustStatus(409, "POST", "/api/v1/participants", registration("5103021203850991", "51.04.01.2001"), "Idempotency-Key", "d2")
		detail := p["detail"].(string)
		if strings.Contains(detail, w["kpj"].(string)) || strings.Contains(detail, "Sudarma") || strings.Contains(detail, "S*") ||
			!strings.Contains(detail, "KC Bali Denpasar") {
			t.Fatalf("duplicate out of scope says: %q", detail)
		}
		// The agent who registered it sees whom.
		p = agent.mustStatus(409, "POST", "/api/v1/participants", registration("5103021203850991", v), "Idempotency-Key", "d3")
		if !strings.Contains(p["detail"].(string), w["kpj"].(string)) {
			t.Fatalf("duplicate in scope says: %v", p)
		}
	})
}

func toText(m map[string]any) string {
	var sb strings.Builder
	for k, v := range m {
		sb.WriteString(k + "=" + fmt.Sprint(v) + " ")
	}
	return sb.String()
}
