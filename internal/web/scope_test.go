package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// Security issue 16 §1: a participant no agent manages is the branch staff's alone, and an
// agent's own participant record belongs to its wadah. Before the fix every agent and wadah
// manager of the branch could read, edit, pay for and print the card of both.
func TestNoAgentIsNotEveryoneInTheBranch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		officer, agent, manager := e.api("kc.denpasar"), e.api("agen.made"), e.api("bumdes.munggu")
		v := agentVillage(t, agent)

		// A worker the branch registers without naming an agent.
		w := officer.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850931", v), "Idempotency-Key", "s1")
		wid := idOf(w["id"])
		officer.mustStatus(200, "GET", "/api/v1/participants/"+wid, nil)

		// Another agent's own participant record, in agen.made's own wadah.
		me := agent.mustStatus(200, "GET", "/api/v1/me", nil)
		wadahID := int64(me["wadah_id"].(float64))
		agents, err := db.Agents(ctx, store.AgentFilter{WadahID: wadahID})
		if err != nil {
			t.Fatal(err)
		}
		var colleague string
		for _, a := range agents {
			if idOf(me["agent_id"]) != idOf(float64(a.ID)) {
				colleague = idOf(float64(a.ParticipantID))
				break
			}
		}
		manager.mustStatus(200, "GET", "/api/v1/participants/"+colleague, nil)

		for _, c := range []struct {
			who  *api
			name string
		}{{agent, "agent"}, {manager, "wadah manager"}} {
			for _, id := range []string{wid, colleague} {
				if c.who == manager && id == colleague {
					continue
				}
				for _, path := range []string{"", "/coverage", "/payments", "/payment-preview?months=1", "/history", "/card.pdf"} {
					resp, body := c.who.raw("GET", "/api/v1/participants/"+id+path)
					if resp.StatusCode != 403 && resp.StatusCode != 404 {
						t.Errorf("%s GET participant %s%s: %d", c.name, id, path, resp.StatusCode)
					}
					if strings.Contains(body, "Sudarma") {
						t.Errorf("%s saw a name: %s", c.name, body)
					}
				}
			}
		}
		agent.mustStatus(403, "PATCH", "/api/v1/participants/"+wid, map[string]any{"phone": "081234567890"}, "Idempotency-Key", "s2")
		for i, id := range []string{wid, colleague} {
			resp, _ := agent.do("POST", "/api/v1/payments", map[string]any{"participant_id": mustInt(t, id), "months": 1}, "Idempotency-Key", "s3"+string(rune('a'+i)))
			if resp.StatusCode != 403 && resp.StatusCode != 404 {
				t.Errorf("agent paid for participant %s: %d", id, resp.StatusCode)
			}
		}
		// Searches within scope do not list them either.
		for _, c := range []*api{agent, manager} {
			items := c.mustStatus(200, "GET", "/api/v1/participants?q=Sudarma", nil)["items"].([]any)
			for _, it := range items {
				if idOf(it.(map[string]any)["id"]) == wid {
					t.Error("an unassigned worker was listed outside the branch staff")
				}
			}
		}
		if !strings.HasPrefix(v, "51.03") {
			t.Fatalf("the demo agent serves %s, outside Badung", v)
		}
	})
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("not a number: %q", s)
		}
		n = n*10 + int64(c-'0')
	}
	return n
}
