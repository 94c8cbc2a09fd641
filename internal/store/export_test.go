package store

import (
	"context"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/rules"
)

// InsertRows lets the benchmarks of package store_test load rows in bulk, as the store does.
var InsertRows = insertRows

// RefreshStatusesIn is RefreshStatuses taking chunk participants per transaction (0: the
// default), so that a test can cut a few participants into several ranges.
func (db *DB) RefreshStatusesIn(ctx context.Context, rs *rules.Set, today calendar.Date, chunk int) (int, error) {
	return db.refreshStatuses(ctx, rs, today, chunk)
}

// MigrateTo moves the schema up or down to version v.
func (db *DB) MigrateTo(ctx context.Context, v int64) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	cur, err := p.GetDBVersion(ctx)
	if err != nil {
		return err
	}
	if v < cur {
		_, err = p.DownTo(ctx, v)
	} else {
		_, err = p.UpTo(ctx, v)
	}
	return err
}

// HoldNextCommit makes the next transaction to commit tell held and wait for release to be
// closed first: a test runs other transactions while that one holds what it locked. A nil held
// takes the hold back.
func (db *DB) HoldNextCommit(held chan<- struct{}, release <-chan struct{}) {
	if held == nil {
		db.beforeCommit.Store(nil)
		return
	}
	hold := func() {
		held <- struct{}{}
		<-release
	}
	db.beforeCommit.Store(&hold)
}

// Count runs a COUNT or SUM query straight on the base tables, for tests that check the
// dashboard's rollups against them.
func (db *DB) Count(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE((`+query+`), 0)`, args...).Scan(&n)
	return n, err
}

// Post writes a journal entry in its own transaction, as the store's writes do.
func (db *DB) Post(ctx context.Context, e ledger.Entry) (id int64, err error) {
	err = db.Transact(ctx, func(tx *Tx) error {
		id, err = post(ctx, tx, e, 0)
		return err
	})
	return id, err
}

// TraceSQL returns a context whose statements are recorded, and a function that lists them
// (text and arguments) in the order they ran.
func TraceSQL(ctx context.Context) (context.Context, func() ([]string, [][]any)) {
	tracing.Store(true)
	t := &sqlTrace{}
	return context.WithValue(ctx, traceKey{}, t), func() ([]string, [][]any) {
		t.mu.Lock()
		defer t.mu.Unlock()
		qs, as := make([]string, len(t.stmts)), make([][]any, len(t.stmts))
		for i, s := range t.stmts {
			qs[i], as[i] = s.query, s.args
		}
		return qs, as
	}
}
