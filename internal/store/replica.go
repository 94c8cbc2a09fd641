package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// A read replica (PostgreSQL streaming replication) for what reads much and writes nothing:
// the dashboards and their rankings, reports and exports, and the long list pages. Everything
// else, and above all a read that follows a write of the same request, stays on the primary.
//
// The lag is measured by position, not by clock: every check notes the primary's WAL position
// and the time, and the replica's lag is how long ago the primary stood where the replica has
// now replayed to (zero when it has replayed everything). While the lag is above the limit, or
// the replica cannot be reached, reports read from the primary.

// replicaEvery is how often the lag is measured.
const replicaEvery = 500 * time.Millisecond

type replica struct {
	pool   handle
	maxLag time.Duration
	lag    atomic.Int64 // nanoseconds; -1: unknown (not reachable)
	fresh  atomic.Bool  // reads go to the replica
	stop   chan struct{}
	done   chan struct{}

	mu   sync.Mutex
	seen []walMark // the primary's positions of the last minute, oldest first
}

type walMark struct {
	at  time.Time
	lsn uint64
}

// UseReplica sends report reads to the streaming replica at url while its lag stays under
// maxLag. It needs PostgreSQL on both sides.
func (db *DB) UseReplica(ctx context.Context, url string, maxLag time.Duration) error {
	if db.Dialect != Postgres || !(strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")) {
		return fmt.Errorf("read replica: both the database and the replica must be PostgreSQL")
	}
	pool, err := sql.Open("pgx", url)
	if err != nil {
		return fmt.Errorf("read replica: %w", err)
	}
	pool.SetMaxOpenConns(16)
	var standby bool
	if err := pool.QueryRowContext(ctx, `SELECT pg_is_in_recovery()`).Scan(&standby); err != nil {
		pool.Close()
		return fmt.Errorf("read replica %s: %w", Redact(url), err)
	}
	if !standby {
		pool.Close()
		return fmt.Errorf("read replica %s: not a standby (pg_is_in_recovery is false)", Redact(url))
	}
	r := &replica{pool: handle{DB: pool}, maxLag: maxLag, stop: make(chan struct{}), done: make(chan struct{})}
	r.lag.Store(-1)
	db.replica = r
	r.check(ctx, db)
	go r.watch(db)
	return nil
}

// reports is the handle report reads use: the replica while it is fresh, else the primary.
func (db *DB) reports() handle {
	if r := db.replica; r != nil && r.fresh.Load() {
		return r.pool
	}
	return db.read
}

// ReplicaLag returns the replica's last measured lag; ok is false without a replica, or when
// it could not be reached at the last check. inUse says whether reports read from it now.
func (db *DB) ReplicaLag() (lag time.Duration, inUse, ok bool) {
	r := db.replica
	if r == nil {
		return 0, false, false
	}
	n := r.lag.Load()
	return time.Duration(max(n, 0)), r.fresh.Load(), n >= 0
}

func (r *replica) watch(db *DB) {
	defer close(r.done)
	tick := time.NewTicker(replicaEvery)
	defer tick.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-tick.C:
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			r.check(ctx, db)
			cancel()
		}
	}
}

// check measures the lag once.
func (r *replica) check(ctx context.Context, db *DB) {
	var p, s string
	now := time.Now()
	err := db.write.QueryRowContext(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&p)
	if err == nil {
		err = r.pool.QueryRowContext(ctx, `SELECT COALESCE(pg_last_wal_replay_lsn()::text, '0/0')`).Scan(&s)
	}
	primary, perr := parseLSN(p)
	replayed, serr := parseLSN(s)
	if err != nil || perr != nil || serr != nil {
		r.lag.Store(-1)
		r.fresh.Store(false)
		return
	}
	r.mu.Lock()
	r.seen = append(r.seen, walMark{now, primary})
	for len(r.seen) > 1 && now.Sub(r.seen[0].at) > max(time.Minute, 2*r.maxLag) {
		r.seen = r.seen[1:]
	}
	// The newest moment the primary stood at or behind what the replica has replayed.
	lag := time.Duration(-1)
	for i := len(r.seen) - 1; i >= 0; i-- {
		if r.seen[i].lsn <= replayed {
			lag = now.Sub(r.seen[i].at)
			break
		}
	}
	// Behind everything noted (at the first checks, or far behind): at least as old as the
	// oldest note, and how much older is unknown, so it is not used until it has caught up
	// with a position noted.
	fresh := lag >= 0 && lag <= r.maxLag
	if lag < 0 {
		lag = now.Sub(r.seen[0].at) + replicaEvery
	}
	r.mu.Unlock()
	r.lag.Store(int64(lag))
	r.fresh.Store(fresh)
}

func (r *replica) close() {
	close(r.stop)
	<-r.done
	r.pool.Close()
}

// parseLSN reads a PostgreSQL WAL position ("16/B374D848").
func parseLSN(s string) (uint64, error) {
	hi, lo, ok := strings.Cut(s, "/")
	if !ok {
		return 0, fmt.Errorf("bad WAL position %q", s)
	}
	h, err := strconv.ParseUint(hi, 16, 32)
	if err != nil {
		return 0, err
	}
	l, err := strconv.ParseUint(lo, 16, 32)
	if err != nil {
		return 0, err
	}
	return h<<32 | l, nil
}
