package store

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// retryable reports a failure that the same transaction may not meet on a second try.
func retryable(err error) bool {
	if errors.Is(err, errRetry) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40001" || pgErr.Code == "40P01" // serialization_failure, deadlock_detected
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		code := liteErr.Code() & 0xff
		return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
	}
	return false
}

// isUniqueViolation reports a broken UNIQUE or PRIMARY KEY constraint.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isOverflow: an integer result left int64 (SQLite's SUM says "integer overflow"; PostgreSQL
// "bigint out of range", SQLSTATE 22003).
func isOverflow(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "22003"
	}
	return strings.Contains(err.Error(), "integer overflow")
}

// ForUpdate is the row-lock suffix for a SELECT inside a write transaction. SQLite needs none:
// its write transactions begin IMMEDIATE and so already hold the only write lock.
func (tx *Tx) ForUpdate() string {
	if tx.Dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}
