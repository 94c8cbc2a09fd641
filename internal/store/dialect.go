package store

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/perisai/perisai/internal/calendar"
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

// monthOf is the SQL for the month (numbered as calendar.Month) in which a timestamp column
// falls in calendar.Zone, where the business day is taken. Timestamps are stored in UTC.
func (d Dialect) monthOf(col string) string {
	_, off := time.Date(2000, 1, 1, 0, 0, 0, 0, calendar.Zone).Zone()
	h := off / 3600
	if d == Postgres {
		at := fmt.Sprintf("%s + INTERVAL '%d hours'", col, h)
		return fmt.Sprintf("(CAST(EXTRACT(YEAR FROM %s) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM %s) AS INTEGER) - 1)", at, at)
	}
	return fmt.Sprintf("(CAST(strftime('%%Y', %s, '+%d hours') AS INTEGER) * 12 + CAST(strftime('%%m', %s, '+%d hours') AS INTEGER) - 1)", col, h, col, h)
}
