package web_test

import (
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
