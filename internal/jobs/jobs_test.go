package jobs

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
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

// Two servers on one database check the day at the same moment: the day's jobs run once.
func TestRunDayOnceAcrossServers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, db, demo.Small); err != nil {
			t.Fatal(err)
		}
		other, err := store.Open(ctx, db.URL())
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		other.UseKeys(storetest.Keys)
		var logs safeBuffer
		log := slog.New(slog.NewTextHandler(&logs, nil))
		today := calendar.Today()
		var wg sync.WaitGroup
		done := make([]bool, 2)
		for i, h := range []*store.DB{db, other} {
			wg.Go(func() { done[i] = runDay(ctx, h, rules.Default, log, today) })
		}
		wg.Wait()
		if ran := strings.Count(logs.String(), "msg=\"daily jobs\" day="); ran != 1 {
			t.Fatalf("the day's jobs ran %d times:\n%s", ran, logs.String())
		}
		// The one that waited finds the day done at its next check.
		for i, h := range []*store.DB{db, other} {
			if !done[i] && !runDay(ctx, h, rules.Default, log, today) {
				t.Fatalf("server %d: the day not done after the other ran it", i)
			}
		}
		if n, err := db.JobRuns(ctx, "daily"); err != nil || n != 1 {
			t.Fatalf("%d runs, %v", n, err)
		}
	})
}

// Idempotency keys are answered for the rules' 30 days, then deleted by the nightly run: the
// same key is then a new request.
func TestKeysExpire(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.ClaimIdempotencyKey(ctx, store.Owner{UserID: 1}, "k", "h"); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishIdempotencyKey(ctx, store.Owner{UserID: 1}, "k", store.Replay{Status: 201, Body: "first"}); err != nil {
			t.Fatal(err)
		}
		today := calendar.Today()
		r, err := RunDaily(ctx, db, rules.Default(), today.AddDays(30))
		if err != nil || r.ExpiredKeys != 0 {
			t.Fatalf("day 30: %+v %v", r, err)
		}
		if rp, err := db.ClaimIdempotencyKey(ctx, store.Owner{UserID: 1}, "k", "h"); err != nil || rp == nil || rp.Body != "first" {
			t.Fatalf("day 30: the key is not replayed: %+v %v", rp, err)
		}
		if r, err = RunDaily(ctx, db, rules.Default(), today.AddDays(31)); err != nil || r.ExpiredKeys != 1 {
			t.Fatalf("day 31: %+v %v", r, err)
		}
		if rp, err := db.ClaimIdempotencyKey(ctx, store.Owner{UserID: 1}, "k", "other body"); err != nil || rp != nil {
			t.Fatalf("day 31: the key is still known: %+v %v", rp, err)
		}
	})
}

type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
