package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/errs"
)

// Replay is the stored answer to an earlier request with the same idempotency key.
type Replay struct {
	Status      int
	ContentType string
	Body        string
}

// ErrKeyInUse is the conflict of a key whose first request is still being served: the caller
// may wait for its answer.
var ErrKeyInUse = fmt.Errorf("a request with this Idempotency-Key is being served: %w", errs.ErrConflict)

// ErrKeyDone is the conflict of a key whose request changed the data but whose answer was not
// kept (the server stopped, or failed, in between): running it again could do it twice.
var ErrKeyDone = fmt.Errorf("the request with this Idempotency-Key was carried out but its answer was not kept; "+
	"look the result up instead of sending it again: %w", errs.ErrConflict)

// carriedOut is the status of a key whose request has committed a change and not yet stored its
// answer. It is written in the same commit as the change (WithIdempotencyKey), so that a key
// left behind by a crash says whether its request took effect.
const carriedOut = -1

// stale is how long a key whose first request never finished (a crash) blocks a retry.
const stale = 2 * time.Minute

// Owner is whose idempotency key or import it is: the user, and the province it is kept in
// (the user's; "" for a national user), which every read of a key names (migrations 33, 35).
type Owner struct {
	UserID   int64
	Province string
}

// OwnerOf is the owner of the keys a principal sends and the files it imports.
func OwnerOf(p access.Principal) Owner { return Owner{UserID: p.UserID, Province: p.Province} }

// ClaimIdempotencyKey records that a request with this key and body hash is being served. It
// returns a Replay when the same request was answered before, and ErrConflict when the key was
// used with a different body or its first request is still being served.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, o Owner, key, hash string) (*Replay, error) {
	var out *Replay
	err := db.Transact(ctx, func(tx *Tx) error {
		var gotHash, ctype, body string
		var status int
		var created time.Time
		err := tx.QueryRowContext(ctx, `SELECT request_hash, status, content_type, response, created_at FROM idempotency_keys
WHERE user_id = $1 AND idem_key = $2 AND province_code = $3`+tx.ForUpdate(), o.UserID, key, o.Province).Scan(&gotHash, &status, &ctype, &body, &created)
		switch {
		case isNoRows(err):
			_, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (province_code, user_id, idem_key, request_hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
				o.Province, o.UserID, key, hash, now())
			if isUniqueViolation(err) {
				return ErrKeyInUse
			}
			return err
		case err != nil:
			return err
		case gotHash != hash:
			return errs.Conflict("Idempotency-Key was already used for a different request")
		case status == 0 && time.Since(created) < stale:
			return ErrKeyInUse
		case status == carriedOut:
			return ErrKeyDone
		case status == 0: // the first attempt died before its commit (which would have marked the key): this one takes over
			_, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET created_at = $1 WHERE user_id = $2 AND idem_key = $3 AND province_code = $4`,
				now(), o.UserID, key, o.Province)
			return err
		default:
			out = &Replay{Status: status, ContentType: ctype, Body: body}
			return nil
		}
	})
	if err != nil {
		return nil, fmt.Errorf("idempotency key: %w", err)
	}
	return out, nil
}

// keyMark is the key a request is served under, carried in its context.
type keyMark struct {
	owner Owner
	key   string
	done  atomic.Bool
}

type keyMarkCtx struct{}

// WithIdempotencyKey returns a context under which the first transaction that commits also marks
// the claimed key as carried out, in the same commit.
func WithIdempotencyKey(ctx context.Context, o Owner, key string) context.Context {
	return context.WithValue(ctx, keyMarkCtx{}, &keyMark{owner: o, key: key})
}

// markKey is run by a transaction before it commits (transactOnce).
func markKey(ctx context.Context, tx *sql.Tx) (*keyMark, error) {
	m, _ := ctx.Value(keyMarkCtx{}).(*keyMark)
	if m == nil || m.done.Load() {
		return nil, nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET status = $1 WHERE user_id = $2 AND idem_key = $3 AND province_code = $4 AND status = 0`,
		carriedOut, m.owner.UserID, m.key, m.owner.Province)
	return m, err
}

// FinishIdempotencyKey stores the answer so that a replay gets it.
func (db *DB) FinishIdempotencyKey(ctx context.Context, o Owner, key string, r Replay) error {
	return db.Transact(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET status = $1, content_type = $2, response = $3
WHERE user_id = $4 AND idem_key = $5 AND province_code = $6`, r.Status, r.ContentType, r.Body, o.UserID, key, o.Province)
		return err
	})
}

// ReleaseIdempotencyKey forgets a key whose request failed on the server's side, so that the
// client may retry it; a key whose request has already committed a change is kept, unless the
// request was refused (a refusal changes nothing, though it may have been audited).
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, o Owner, key string, refused bool) error {
	q := `DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2 AND province_code = $3 AND status = 0`
	if refused {
		q = `DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2 AND province_code = $3 AND status <= 0`
	}
	return db.Transact(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, q, o.UserID, key, o.Province)
		return err
	})
}

// purgeChunk is how many keys one purge transaction deletes, so that the writer is never held
// long (SQLite has one).
const purgeChunk = 5000

// PurgeIdempotencyKeys deletes the keys made before before (the daily jobs call it with the
// rules' retention). A deleted key is unknown: the same key sent again is a new request. Keys
// whose request was carried out without its answer kept are deleted as well: past the window
// nobody retries them.
func (db *DB) PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for {
		var n int64
		err := db.Transact(ctx, func(tx *Tx) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE (user_id, idem_key, province_code) IN
(SELECT user_id, idem_key, province_code FROM idempotency_keys WHERE created_at < $1 LIMIT `+fmt.Sprint(purgeChunk)+`)`, before)
			if err != nil {
				return err
			}
			n, _ = res.RowsAffected()
			return nil
		})
		total += int(n)
		if err != nil || n < purgeChunk {
			return total, err
		}
	}
}
