package jobs

import (
	"context"
	"testing"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/demo"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"

	"github.com/perisai/perisai/internal/calendar"
)

// A year on, with nobody working: every agreement has expired and every agent is inactive;
// running again the same day changes nothing.
func TestRunDaily(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, db, demo.Small); err != nil {
			t.Fatal(err)
		}
		// A worker pays a month through the agent who registered them.
		var paid bool
		agents, _ := db.Agents(ctx, store.AgentFilter{})
		for _, a := range agents {
			mine, _ := db.Participants(ctx, audit.Actor{}, store.ParticipantFilter{AgentID: a.ID, Limit: 1})
			if len(mine) == 0 {
				continue
			}
			p := access.Principal{Username: "t", Role: access.Agent, AgentID: a.ID}
			if _, err := db.Pay(ctx, p, audit.Actor{Name: "t"}, rules.Default(), store.PayRequest{ParticipantID: mine[0].ID, Months: 1}, calendar.Today()); err != nil {
				t.Fatal(err)
			}
			paid = true
			break
		}
		if !paid {
			t.Fatal("no worker registered by an agent in the demo")
		}
		// The 1st of next month: this month's work is put on statements, once.
		next := calendar.Today().MonthOf().Add(1).First()
		r, err := RunDaily(ctx, db, rules.Default(), next)
		if err != nil || r.Statements != 1 {
			t.Fatalf("the 1st: %+v %v", r, err)
		}
		if r, err = RunDaily(ctx, db, rules.Default(), next); err != nil || r.Statements != 0 {
			t.Fatalf("the 1st again: %+v %v", r, err)
		}
		later := calendar.Today().AddMonths(12)
		r, err = RunDaily(ctx, db, rules.Default(), later)
		if err != nil || r.ExpiredAgreements != 2 || r.DeactivatedAgents != 10 {
			t.Fatalf("%+v %v", r, err)
		}
		r, err = RunDaily(ctx, db, rules.Default(), later)
		if err != nil || r != (Result{DashboardRegions: r.DashboardRegions}) || r.DashboardRegions == 0 {
			t.Fatalf("second run: %+v %v", r, err)
		}
		active, _ := db.Agents(ctx, store.AgentFilter{Status: network.AgentActive})
		if len(active) != 0 {
			t.Fatalf("%d agents still active", len(active))
		}
	})
}
