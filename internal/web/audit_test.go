package web_test

import (
	"testing"

	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// Security issue 16 §5: "who saw this person?" can be answered in full. Reads of a participant,
// of their payments and receipts, of cash statements and agent lists that show them, and
// searches that listed them, all name the person; admins ask by NIK, KPJ or id.
func TestWhoSawAPerson(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		agent, officer, admin := e.api("agen.made"), e.api("kc.denpasar"), e.api("admin")
		w := agent.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850951", agentVillage(t, agent)), "Idempotency-Key", "w1")
		id, kpj := idOf(w["id"]), w["kpj"].(string)
		pay := agent.mustStatus(201, "POST", "/api/v1/payments", map[string]any{"participant_id": w["id"], "months": 1}, "Idempotency-Key", "w2")

		officer.mustStatus(200, "GET", "/api/v1/participants?q=Sudarma", nil)    // a search that lists them
		officer.mustStatus(200, "GET", "/api/v1/payments/"+idOf(pay["id"]), nil) // a payment
		if resp, _ := officer.raw("GET", "/api/v1/payments/"+idOf(pay["id"])+"/receipt.pdf"); resp.StatusCode != 200 {
			t.Fatalf("receipt: %d", resp.StatusCode)
		}
		me := agent.mustStatus(200, "GET", "/api/v1/me", nil)
		agent.mustStatus(200, "GET", "/api/v1/agents/"+idOf(me["agent_id"])+"/cash/statement", nil) // the agent's cash statement
		e.api("pmd.bali").mustStatus(403, "GET", "/api/v1/participants/"+id, nil)                   // refused: not a sighting

		// Government and officers may not ask.
		officer.mustStatus(403, "GET", "/api/v1/audit/who-saw?kpj="+kpj, nil)
		got := admin.mustStatus(200, "GET", "/api/v1/audit/who-saw?nik=5103021203850951", nil)
		if got["kpj"] != kpj || got["nik_masked"] != "5103********0951" {
			t.Fatalf("who-saw names %v", got)
		}
		seen := map[string]bool{}
		for _, it := range got["items"].([]any) {
			x := it.(map[string]any)
			seen[x["actor"].(string)+" "+x["action"].(string)+" "+x["entity"].(string)] = true
			if x["actor"] == "pmd.bali" {
				t.Errorf("a refused look was recorded as a sighting: %v", x)
			}
		}
		for _, want := range []string{"agen.made register participant", "kc.denpasar read participant", "kc.denpasar read payment", "agen.made read cash_statement"} {
			if !seen[want] {
				t.Errorf("who-saw lacks %q: %v", want, seen)
			}
		}
		// A period that ends before today shows nothing.
		old := admin.mustStatus(200, "GET", "/api/v1/audit/who-saw?participant_id="+id+"&to=2020-01-01", nil)
		if n := len(old["items"].([]any)); n != 0 {
			t.Fatalf("before the period: %d entries", n)
		}
		admin.mustStatus(400, "GET", "/api/v1/audit/who-saw", nil)
		admin.mustStatus(404, "GET", "/api/v1/audit/who-saw?kpj=00000000000", nil)
	})
}
