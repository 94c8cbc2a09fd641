package web_test

import (
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// Issue 18: the benefit calculator answers anyone on stated facts, line by line; and coverage
// asked for a day before the first paid month is not active.
func TestBenefitCalculatorAndCoverageOnADate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		agent := e.api("agen.made")
		q := agent.mustStatus(200, "POST", "/api/v1/benefits/quote", map[string]any{"program": "jkm", "reason": "death", "event_date": "2026-11-10",
			"paid_through": "2027-01", "monthly_contribution": 16800})
		if q["eligible"] != true || q["total"] != float64(42_000_000) || len(q["lines"].([]any)) != 3 ||
			q["refund"].(map[string]any)["months"] != float64(2) || q["refund"].(map[string]any)["amount"] != float64(33_600) {
			t.Fatalf("JKM quote: %v", q)
		}
		q = e.api("pmd.bali").mustStatus(200, "POST", "/api/v1/benefits/quote", map[string]any{"program": "jkm", "reason": "death", "event_date": "2026-11-10", "covered_on_event": false})
		if q["eligible"] != false || q["total"] != float64(0) || q["refusals"].([]any)[0].(map[string]any)["rule"] != "jkm.covered" {
			t.Fatalf("JKM not covered: %v", q)
		}
		agent.mustStatus(400, "POST", "/api/v1/benefits/quote", map[string]any{"program": "jkk", "event_date": "2026-11-10"})

		w := agent.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850975", agentVillage(t, agent)), "Idempotency-Key", "b1")
		agent.mustStatus(201, "POST", "/api/v1/payments", map[string]any{"participant_id": w["id"], "months": 3}, "Idempotency-Key", "b2")
		before := agent.mustStatus(200, "GET", "/api/v1/participants/"+idOf(w["id"])+"/coverage?date=2020-01-15", nil)
		if before["status"] == "active" || before["covered_on_date"] != false {
			t.Fatalf("before the first paid month: %v %v", before["status"], before["covered_on_date"])
		}
	})
}

// Issue 18, through the API: an agent files a JKM claim for an heir, photographs the
// documents and submits; the branch takes it, reads the calculation, approves and exports the
// payout; the family checks the status with the number and the birth date.
func TestJKMClaimThroughTheAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		agent, officer := e.api("agen.made"), e.api("kc.denpasar")
		w := agent.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850977", agentVillage(t, agent)), "Idempotency-Key", "c1")
		agent.mustStatus(201, "POST", "/api/v1/payments", map[string]any{"participant_id": w["id"], "months": 3}, "Idempotency-Key", "c2")
		// Before a document is gathered, the agent can tell the family what to expect.
		ab := e.browser()
		ab.login("agen.made")
		if _, page := ab.get("/participants/" + idOf(w["id"]) + "/claims/new"); !strings.Contains(page, `id="expect"`) || !strings.Contains(page, "Rp 42.000.000") {
			t.Fatal("the new-claim page does not say what to expect")
		}
		full := agent.mustStatus(200, "GET", "/api/v1/participants/"+idOf(w["id"]), nil)
		heir := full["heirs"].([]any)[0].(map[string]any)
		c := agent.mustStatus(201, "POST", "/api/v1/claims", map[string]any{"participant_id": w["id"], "program": "jkm", "reason": "death",
			"event_date": calendar.Today().String(), "claimant": map[string]any{"name": heir["name"], "heir_id": heir["id"], "bank_name": "BPD Bali", "bank_account": "0987654321"}},
			"Idempotency-Key", "c3")
		id := idOf(c["id"])
		if c["state"] != "draft" || c["claimant"].(map[string]any)["bank_account"] == "0987654321" {
			t.Fatalf("claim: %v", c)
		}
		got := agent.mustStatus(200, "GET", "/api/v1/claims/"+id, nil)
		for i, m := range got["missing"].([]any) {
			kind := m.(map[string]any)["kind"].(string)
			resp, body := agent.upload("/api/v1/claims/"+id+"/documents", kind, onePixelPNG(), "Idempotency-Key", "d"+string(rune('a'+i)))
			if resp.StatusCode != 201 {
				t.Fatalf("upload %s: %d %s", kind, resp.StatusCode, body)
			}
		}
		agent.mustStatus(200, "POST", "/api/v1/claims/"+id+"/submit", nil, "Idempotency-Key", "c4")
		officer.mustStatus(200, "POST", "/api/v1/claims/"+id+"/take", nil, "Idempotency-Key", "c5")
		calc := officer.mustStatus(200, "GET", "/api/v1/claims/"+id+"/calculation", nil)
		if calc["total"] != float64(42_000_000) || len(calc["lines"].([]any)) != 3 {
			t.Fatalf("calculation: %v", calc)
		}
		done := officer.mustStatus(200, "POST", "/api/v1/claims/"+id+"/approve", nil, "Idempotency-Key", "c6")
		if done["state"] != "approved" || done["amount"] != float64(42_000_000) {
			t.Fatalf("approved: %v", done)
		}
		pay := officer.mustStatus(201, "POST", "/api/v1/claim-payouts", nil, "Idempotency-Key", "c7")
		if items := pay["items"].([]any); len(items) != 1 || items[0].(map[string]any)["bank_account"] != "0987654321" {
			t.Fatalf("payout: %v", pay)
		}
		if again := officer.mustStatus(201, "POST", "/api/v1/claim-payouts", nil, "Idempotency-Key", "c8"); len(again["items"].([]any)) != 0 {
			t.Fatalf("exported twice: %v", again)
		}
		b := e.browser()
		resp, page := b.get("/claim-status?number=" + c["number"].(string) + "&birth_date=1985-03-12")
		if resp.StatusCode != 200 || !strings.Contains(page, "Dibayar") || strings.Contains(page, "Sudarma") {
			t.Fatalf("status page: %d", resp.StatusCode)
		}
		if resp, _ := b.get("/claim-status?number=" + c["number"].(string) + "&birth_date=1985-03-13"); resp.StatusCode != 404 {
			t.Fatalf("status with a wrong birth date: %d", resp.StatusCode)
		}
	})
}

// Issue 19: the incentive calculator reproduces DOMAIN.md §4's worked example.
func TestIncentiveCalculator(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	var news, pays []map[string]any
	for range 30 {
		news = append(news, map[string]any{"jht": true, "new_to_bpu": true})
		pays = append(pays, map[string]any{"amount": 36800, "contribution_month": 1})
	}
	q := e.api("bumdes.munggu").mustStatus(200, "POST", "/api/v1/incentives/quote", map[string]any{"month": "2026-11", "new_participants": news, "contributions": pays})
	if q["agent_total"] != float64(615_600) || q["wadah_extra"] != float64(61_560) || len(q["lines"].([]any)) != 2 {
		t.Fatalf("incentive: %v", q)
	}
}
