package store

import (
	"context"
	"time"
)

// Failed logins (migration 25), counted in the database so that every server sees the same
// counts. The policy (how many are free, how long a lock lasts) is the web limiter's; this
// keeps the count, the time of the last failure and the end of the lock.

// Strikes is a key's count of failed logins.
type Strikes struct {
	N     int
	Last  time.Time
	Until time.Time // locked until then
}

// loginForget is how long a key is kept after its last failure and lock, for the purge.
const loginForget = 24 * time.Hour

// LoginStrikes returns a key's count (zero when it has none).
func (db *DB) LoginStrikes(ctx context.Context, key string) (Strikes, error) {
	var s Strikes
	var until *time.Time
	err := db.write.QueryRowContext(ctx, `SELECT failures, last_at, blocked_until FROM login_failures WHERE key = $1`, key).Scan(&s.N, &s.Last, &until)
	if isNoRows(err) {
		return Strikes{}, nil
	}
	if until != nil {
		s.Until = *until
	}
	return s, err
}

// AddLoginStrike replaces a key's count with next(count), atomically across servers.
func (db *DB) AddLoginStrike(ctx context.Context, key string, next func(Strikes) Strikes) error {
	return db.Transact(ctx, func(tx *Tx) error {
		var s Strikes
		var until *time.Time
		err := tx.QueryRowContext(ctx, `SELECT failures, last_at, blocked_until FROM login_failures WHERE key = $1`+tx.ForUpdate(), key).Scan(&s.N, &s.Last, &until)
		found := err == nil
		if err != nil && !isNoRows(err) {
			return err
		}
		if until != nil {
			s.Until = *until
		}
		s = next(s)
		var u *time.Time
		if !s.Until.IsZero() {
			u = &s.Until
		}
		if found {
			_, err := tx.ExecContext(ctx, `UPDATE login_failures SET failures = $1, last_at = $2, blocked_until = $3 WHERE key = $4`, s.N, s.Last, u, key)
			return err
		}
		// Two servers counting a new key at once: one insert loses and the transaction is run
		// again, finding the row.
		res, err := tx.ExecContext(ctx, `INSERT INTO login_failures (key, failures, last_at, blocked_until) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING`, key, s.N, s.Last, u)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errRetry
		}
		return nil
	})
}

// ClearLoginStrikes forgets a key.
func (db *DB) ClearLoginStrikes(ctx context.Context, key string) error {
	return db.Transact(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, key)
		return err
	})
}

// PurgeLoginStrikes deletes the counts of keys quiet for a day and not locked (the daily jobs
// call it, so a spray of usernames does not fill the table).
func (db *DB) PurgeLoginStrikes(ctx context.Context) (int, error) {
	var n int64
	err := db.Transact(ctx, func(tx *Tx) error {
		t := now()
		res, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE last_at < $1 AND (blocked_until IS NULL OR blocked_until < $2)`, t.Add(-loginForget), t)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}
