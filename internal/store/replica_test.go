package store_test

import (
	"context"
	"database/sql"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/dashboard"
	"github.com/perisai/perisai/internal/demo"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// Dashboards read from the replica give what the primary gives; while the replica falls
// behind (its replay paused) they read from the primary, and go back once it has caught up.
func TestReplicaServesDashboardsAndFallsBack(t *testing.T) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skip("PostgreSQL not configured")
	}
	ctx := context.Background()
	db := storetest.Postgres(t)
	repURL := storetest.Replica(t, db)
	if _, err := demo.Load(ctx, db, demo.Small); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RebuildDashboard(ctx, calendar.Today()); err != nil {
		t.Fatal(err)
	}
	period := dashboard.Period{From: calendar.Today().MonthOf().Add(-11), To: calendar.Today().MonthOf()}
	want, err := db.Dashboard(ctx, "", nil, period)
	if err != nil || !want.Built() {
		t.Fatalf("primary: %+v %v", want.Build, err)
	}

	if err := db.UseReplica(ctx, db.URL(), time.Second); err == nil {
		t.Fatal("the primary was taken for a replica")
	}
	if err := db.UseReplica(ctx, repURL, time.Second); err != nil {
		t.Fatal(err)
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				lag, use, ok := db.ReplicaLag()
				t.Fatalf("%s: lag %v, in use %v, reachable %v", what, lag, use, ok)
			}
		}
	}
	inUse := func() bool { _, use, _ := db.ReplicaLag(); return use }
	waitFor("replica caught up", inUse)
	got, err := db.Dashboard(ctx, "", nil, period)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("through the replica:\n%+v\nwant\n%+v\n%v", got.Region, want.Region, err)
	}

	// The replica stops replaying: a new build on the primary is not there.
	resume := pauseReplay(t, repURL)
	b, err := db.RebuildDashboard(ctx, calendar.Today())
	if err != nil {
		t.Fatal(err)
	}
	waitFor("the primary answers while the replica lags", func() bool { return !inUse() })
	if lag, _, ok := db.ReplicaLag(); !ok || lag <= time.Second {
		t.Fatalf("lag %v (reachable %v), want over the 1 s limit", lag, ok)
	}
	if got, err := db.Dashboard(ctx, "", nil, period); err != nil || got.Build.ID != b.ID {
		t.Fatalf("while the replica lags: build %d, want the primary's new %d (%v)", got.Build.ID, b.ID, err)
	}

	resume()
	waitFor("replica back in use", inUse)
	if got, err := db.Dashboard(ctx, "", nil, period); err != nil || got.Build.ID != b.ID {
		t.Fatalf("after catching up: build %d, want %d (%v)", got.Build.ID, b.ID, err)
	}
}

// A replica found behind the primary when the server starts is not used until it has replayed
// what the primary had then: how far behind it is cannot be known from one look.
func TestReplicaBehindAtStartWaits(t *testing.T) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skip("PostgreSQL not configured")
	}
	ctx := context.Background()
	db := storetest.Postgres(t)
	repURL := storetest.Replica(t, db)
	resume := pauseReplay(t, repURL)
	if _, err := demo.Load(ctx, db, demo.Small); err != nil { // WAL the replica has not replayed
		t.Fatal(err)
	}
	if err := db.UseReplica(ctx, repURL, time.Minute); err != nil {
		t.Fatal(err)
	}
	for range 8 { // four checks or more
		time.Sleep(250 * time.Millisecond)
		if lag, use, _ := db.ReplicaLag(); use {
			t.Fatalf("a replica behind at the start was used (lag %v)", lag)
		}
	}
	resume()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if _, use, _ := db.ReplicaLag(); use {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the replica was not used after catching up")
		}
	}
	n, err := db.CountParticipants(ctx, store.ParticipantFilter{})
	if err != nil || n == 0 {
		t.Fatalf("participants through the replica: %d %v", n, err)
	}
}

// pauseReplay stops the replica at url replaying the primary's WAL, until the returned function
// (or the test's end) resumes it.
func pauseReplay(t *testing.T, url string) (resume func()) {
	t.Helper()
	rep, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rep.Exec(`SELECT pg_wal_replay_pause()`); err != nil {
		rep.Close()
		t.Fatal(err)
	}
	resume = func() {
		if _, err := rep.Exec(`SELECT pg_wal_replay_resume()`); err != nil {
			t.Error(err)
		}
	}
	t.Cleanup(func() { rep.Exec(`SELECT pg_wal_replay_resume()`); rep.Close() })
	return resume
}
