package jobs

import (
	"context"
	"testing"

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
		later := calendar.Today().AddMonths(12)
		r, err := RunDaily(ctx, db, rules.Default(), later)
		if err != nil || r.ExpiredAgreements != 2 || r.DeactivatedAgents != 10 {
			t.Fatalf("%+v %v", r, err)
		}
		r, err = RunDaily(ctx, db, rules.Default(), later)
		if err != nil || r != (Result{}) {
			t.Fatalf("second run: %+v %v", r, err)
		}
		active, _ := db.Agents(ctx, store.AgentFilter{Status: network.AgentActive})
		if len(active) != 0 {
			t.Fatalf("%d agents still active", len(active))
		}
	})
}
