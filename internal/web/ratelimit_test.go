package web

import (
	"context"
	"testing"
	"time"

	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

func TestLimiterDelaysGrowAndForget(t *testing.T) {
	storetest.Run(t, testLimiterDelays)
}

func testLimiterDelays(t *testing.T, db *store.DB) {
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	l := newLimiter(db, "u:", 5, time.Second, 15*time.Minute, time.Hour)
	l.now = func() time.Time { return now }
	for range 5 {
		l.Fail(ctx, "k")
	}
	if l.Blocked(ctx, "k") {
		t.Fatal("blocked within the free failures")
	}
	// Each failure past the free ones locks for twice as long as the one before.
	for i, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
		l.Fail(ctx, "k")
		if !l.Blocked(ctx, "k") {
			t.Fatalf("failure %d: not blocked", 6+i)
		}
		now = now.Add(want - time.Millisecond)
		if !l.Blocked(ctx, "k") {
			t.Fatalf("failure %d: unblocked before %v", 6+i, want)
		}
		now = now.Add(time.Millisecond)
		if l.Blocked(ctx, "k") {
			t.Fatalf("failure %d: still blocked after %v", 6+i, want)
		}
	}
	if l.Blocked(ctx, "other") {
		t.Fatal("another key was blocked")
	}
	// The ceiling holds however many failures.
	for range 40 {
		l.Fail(ctx, "k")
	}
	now = now.Add(15 * time.Minute)
	if l.Blocked(ctx, "k") {
		t.Fatal("blocked past the ceiling")
	}
	// An hour of quiet forgets the key: the free failures are free again.
	now = now.Add(time.Hour)
	l.Fail(ctx, "k")
	if l.Blocked(ctx, "k") {
		t.Fatal("not forgotten after an hour")
	}
	if err := l.Reset(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if got, err := db.LoginStrikes(ctx, "u:k"); err != nil || got.N != 0 {
		t.Fatalf("reset kept the key: %+v %v", got, err)
	}
}

// One address spraying usernames is stopped only past the address's far higher threshold.
func TestAddressLimiterHighThreshold(t *testing.T) {
	ctx := context.Background()
	l := newLimiter(storetest.SQLite(t), "a:", 100, 15*time.Minute, time.Hour, time.Hour)
	for range 100 {
		l.Fail(ctx, "10.0.0.1")
	}
	if l.Blocked(ctx, "10.0.0.1") {
		t.Fatal("blocked at 100")
	}
	l.Fail(ctx, "10.0.0.1")
	if !l.Blocked(ctx, "10.0.0.1") {
		t.Fatal("not blocked at 101")
	}
}
