package web_test

import (
	"testing"

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
