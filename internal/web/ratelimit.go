package web

import (
	"context"
	"time"

	"github.com/perisai/perisai/internal/store"
)

// limiter slows down password guessing. Each key (a username at an address, or an address
// alone) may fail a number of times freely; after that every failure locks the key for a delay
// that doubles with each further failure, up to a ceiling. A key is forgotten once it has been
// quiet for the forget period.
//
// Two limiters guard the login: one per (username, address) that starts delaying early, so a
// guesser is slowed at once without touching anyone else, and one per address alone with a far
// higher threshold, against one address spraying many usernames. Nothing is keyed by username
// alone or blocks an address for one user's mistakes: a colleague in the same office, behind the
// same address, still logs in.
//
// The counts live in the database (store.LoginStrikes), so every server behind a load balancer
// sees the same ones and a restart forgives nothing.
type limiter struct {
	prefix    string // keeps the two limiters' keys apart in one table
	free      int    // failures allowed without delay
	base, max time.Duration
	forget    time.Duration
	db        strikeStore
	now       func() time.Time
}

// strikeStore keeps the counts; store.DB is one.
type strikeStore interface {
	LoginStrikes(ctx context.Context, key string) (store.Strikes, error)
	AddLoginStrike(ctx context.Context, key string, next func(store.Strikes) store.Strikes) error
	ClearLoginStrikes(ctx context.Context, key string) error
}

func newLimiter(db strikeStore, prefix string, free int, base, max, forget time.Duration) *limiter {
	return &limiter{prefix: prefix, free: free, base: base, max: max, forget: forget, db: db, now: time.Now}
}

// Blocked reports whether the key is locked now. A database failure does not lock anyone out:
// the login that follows reads the database too, and fails on its own.
func (l *limiter) Blocked(ctx context.Context, key string) bool {
	s, err := l.db.LoginStrikes(ctx, l.prefix+key)
	return err == nil && l.now().Before(s.Until)
}

// Fail counts one failure against the key.
func (l *limiter) Fail(ctx context.Context, key string) error {
	return l.db.AddLoginStrike(ctx, l.prefix+key, func(s store.Strikes) store.Strikes { return l.strike(s, l.now()) })
}

// strike is the count after one more failure at t.
func (l *limiter) strike(s store.Strikes, t time.Time) store.Strikes {
	if t.Sub(s.Last) >= l.forget && !t.Before(s.Until) {
		s = store.Strikes{}
	}
	s.N++
	s.Last = t
	if over := s.N - l.free; over > 0 {
		d := l.max
		if over < 32 && l.base<<(over-1) < l.max {
			d = l.base << (over - 1)
		}
		s.Until = t.Add(d)
	}
	return s
}

// Reset forgets a key's failures (after a successful login).
func (l *limiter) Reset(ctx context.Context, key string) error {
	return l.db.ClearLoginStrikes(ctx, l.prefix+key)
}
