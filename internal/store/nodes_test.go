package store_test

import (
	"context"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"strings"
	"testing"
	"time"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// Servers on one database hold different node numbers; a number given back is taken again;
// when all are held, a further server is refused with a clear error.
func TestNodeLeases(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		open := func() *store.DB {
			h, err := store.Open(ctx, db.URL())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { h.Close() })
			return h
		}
		held := map[int]*store.DB{}
		for range idgen.Nodes {
			h := open()
			l, err := h.ClaimNode(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if held[l.Node] != nil || l.Node != h.Node() {
				t.Fatalf("node %d handed out twice", l.Node)
			}
			held[l.Node] = h
		}
		if _, err := open().ClaimNode(ctx); err == nil || !strings.Contains(err.Error(), "held by running servers") {
			t.Fatalf("a 33rd server: %v", err)
		}
		held[5].Close()
		l, err := open().ClaimNode(ctx)
		if err != nil || l.Node != 5 {
			t.Fatalf("after node 5 was given back: %+v %v", l, err)
		}
		for _, h := range held {
			h.Close()
		}
	})
}

// The day's jobs run once across servers: the first claim runs them, the others see them
// running or done; a failed run is dropped so the next check tries again; a run left behind
// by a dead server is taken over once stale.
func TestJobRunsOncePerDay(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		other, err := store.Open(ctx, db.URL())
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		day := calendar.Today()
		claim := func(h *store.DB, stale time.Duration, want store.JobRun) {
			t.Helper()
			if got, err := h.ClaimJobRun(ctx, "daily", day, stale); err != nil || got != want {
				t.Fatalf("claim: %v %v, want %v", got, err, want)
			}
		}
		claim(db, time.Hour, store.RunMine)
		claim(other, time.Hour, store.RunElsewhere)
		if err := db.FinishJobRun(ctx, "daily", day, true); err != nil { // it failed
			t.Fatal(err)
		}
		claim(other, time.Hour, store.RunMine)
		claim(db, time.Hour, store.RunElsewhere)
		claim(db, 0, store.RunMine) // the other died: stale at once here
		if err := db.FinishJobRun(ctx, "daily", day, false); err != nil {
			t.Fatal(err)
		}
		claim(other, time.Hour, store.RunDone)
		if n, err := db.JobRuns(ctx, "daily"); err != nil || n != 1 {
			t.Fatalf("%d runs recorded, %v", n, err)
		}
	})
}

// A server starting marks only the imports of dead servers interrupted, never those another
// live server is running.
func TestInterruptImportsLeavesLiveServers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		act := audit.Actor{Name: "t"}
		u, err := db.CreateUser(ctx, act, access.NewUser{Username: "imp", Name: "imp", Role: access.Admin, Password: "a long enough password 1"})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := store.Open(ctx, db.URL())
		b, _ := store.Open(ctx, db.URL())
		defer b.Close()
		if _, err := a.ClaimNode(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := b.ClaimNode(ctx); err != nil {
			t.Fatal(err)
		}
		im, err := a.StartImport(ctx, store.Owner{UserID: u.ID}, audit.Actor{UserID: u.ID, Name: "imp"}, "f.csv", "h", 10)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := b.InterruptImports(ctx); err != nil || n != 0 {
			t.Fatalf("a live server's import interrupted: %d %v", n, err)
		}
		a.Close() // a stops
		if n, err := b.InterruptImports(ctx); err != nil || n != 1 {
			t.Fatalf("a stopped server's import: %d interrupted, %v", n, err)
		}
		if got, _ := b.GetImport(ctx, store.Ref{ID: im.ID}); got.Status != "interrupted" {
			t.Fatalf("status %q", got.Status)
		}
	})
}
