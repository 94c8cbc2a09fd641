package store

import (
	"context"
	"fmt"
	"time"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/idgen"
)

// CreateSession starts a session for the user and returns the value for the cookie. Only its
// hash is stored.
func (db *DB) CreateSession(ctx context.Context, a audit.Actor, userID int64, ttl time.Duration) (string, error) {
	id := access.NewSecret("", 32)
	t := now()
	err := db.Transact(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			access.HashSecret(id), userID, t, t.Add(ttl)); err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		// Expired sessions are swept as new ones start, so the table stays small without a job.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, t); err != nil {
			return err
		}
		return Audit(ctx, tx, a, "login", "user", userID, "", "")
	})
	return id, err
}

// SessionUser returns the user of a live session.
func (db *DB) SessionUser(ctx context.Context, id string) (int64, error) {
	var userID int64
	err := db.read.QueryRowContext(ctx, `SELECT user_id FROM sessions WHERE id_hash = $1 AND expires_at > $2`,
		access.HashSecret(id), now()).Scan(&userID)
	if isNoRows(err) {
		return 0, errs.ErrUnauthorized
	}
	return userID, err
}

// DeleteSession ends a session (logout).
func (db *DB) DeleteSession(ctx context.Context, a audit.Actor, id string) error {
	return db.Transact(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, access.HashSecret(id)); err != nil {
			return err
		}
		return Audit(ctx, tx, a, "logout", "user", a.UserID, "", "")
	})
}

// Token is an API token as listed; the secret itself is shown only when created.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// CreateToken makes an API token for the user and returns its secret, which is not kept.
func (db *DB) CreateToken(ctx context.Context, a audit.Actor, userID int64, name string) (string, Token, error) {
	if name == "" || len(name) > 100 {
		return "", Token{}, errs.Invalid("name", "1–100 characters")
	}
	secret := access.NewSecret("pst_", 32)
	tk := Token{ID: idgen.Next(), UserID: userID, Name: name, Prefix: secret[:10], CreatedAt: now()}
	err := db.Transact(ctx, func(tx *Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM users WHERE id = $1`, userID).Scan(&one); isNoRows(err) {
			return errs.NotFound("user")
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			tk.ID, userID, name, access.HashSecret(secret), tk.Prefix, tk.CreatedAt); err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		return Audit(ctx, tx, a, "create", "api_token", tk.ID, "", fmt.Sprintf("user=%d name=%s", userID, name))
	})
	return secret, tk, err
}

// TokenUser returns the user of a live token and notes its use.
func (db *DB) TokenUser(ctx context.Context, secret string) (int64, error) {
	var id, userID int64
	var last *time.Time
	err := db.read.QueryRowContext(ctx, `SELECT id, user_id, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`,
		access.HashSecret(secret)).Scan(&id, &userID, &last)
	if isNoRows(err) {
		return 0, errs.ErrUnauthorized
	}
	if err != nil {
		return 0, err
	}
	// Last use is kept to the minute: one write a minute per token, not one per request.
	t := now()
	if last == nil || t.Sub(*last) > time.Minute {
		_ = db.Transact(ctx, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, t, id)
			return err
		})
	}
	return userID, nil
}

// Tokens lists a user's tokens, newest first.
func (db *DB) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at
FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken ends a user's token.
func (db *DB) RevokeToken(ctx context.Context, a audit.Actor, userID, tokenID int64) error {
	return db.Transact(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL`, now(), tokenID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("token")
		}
		return Audit(ctx, tx, a, "revoke", "api_token", tokenID, "", "")
	})
}
