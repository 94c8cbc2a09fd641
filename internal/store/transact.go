package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/perisai/perisai/internal/ledger"
)

// Tx is a write transaction.
type Tx struct {
	*sql.Tx
	Dialect  Dialect
	accounts *sync.Map // the DB's cache of ledger account ids
	// deltas, when set, gathers balance changes to apply once per account at the end of the
	// transaction (balanceStatements) instead of one UPDATE per posting: a group commit of many
	// payments then moves the hot program-fund balances once.
	deltas map[balanceKey]int64
	// buf, when set, gathers inserts to write at the end of the transaction (writeBuffer).
	buf *writeBuffer
	// pre, when set, holds what a group commit read for its whole batch.
	pre *prefetch
	// created are the ledger accounts this transaction inserted: not cached until committed.
	created map[ledger.Account]bool
	// shard is the row of each account's balance this transaction adds to (balances.go).
	shard int
	w     *writer   // SQLite: the connection whose prepared statements the calls use
	conn  *sql.Conn // PostgreSQL: the connection the transaction runs on (pipeline.go)
}

// balanceStatements are the gathered balance changes, one per account and province, and
// forgets them. Accounts are updated in one order so that concurrent transactions take the row
// locks in the same order and cannot deadlock.
func (tx *Tx) balanceStatements() []statement {
	var out []statement
	for _, k := range slices.SortedFunc(maps.Keys(tx.deltas), compareBalanceKeys) {
		if d := tx.deltas[k]; d != 0 {
			out = append(out, tx.balanceStatement(k, d))
		}
	}
	tx.deltas = map[balanceKey]int64{}
	return out
}

const maxAttempts = 5

// Transact runs fn in a write transaction and commits it, or rolls back if fn fails. When the
// database refuses the transaction for a reason that a second try can cure (PostgreSQL
// serialization failure or deadlock, SQLite busy), it runs fn again, so fn must not have effects
// outside the transaction.
func (db *DB) Transact(ctx context.Context, fn func(tx *Tx) error) error {
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		err = db.transactOnce(ctx, fn)
		if err == nil || !retryable(err) || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(attempt*attempt) * 5 * time.Millisecond)
	}
	return fmt.Errorf("after %d attempts: %w", maxAttempts, err)
}

func (db *DB) transactOnce(ctx context.Context, fn func(tx *Tx) error) (err error) {
	var sqlTx *sql.Tx
	var conn *sql.Conn
	if db.w != nil {
		db.w.mu.Lock()
		defer db.w.mu.Unlock()
		sqlTx, err = db.w.conn.BeginTx(context.WithoutCancel(ctx), nil)
	} else {
		if conn, err = db.write.Conn(ctx); err != nil {
			return fmt.Errorf("connect: %w", err)
		}
		defer conn.Close()
		sqlTx, err = conn.BeginTx(ctx, nil)
	}
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	if err = fn(&Tx{Tx: sqlTx, Dialect: db.Dialect, accounts: &db.accounts, w: db.w, conn: conn, shard: db.nextShard()}); err != nil {
		return err
	}
	mark, err := markKey(ctx, sqlTx)
	if err != nil {
		return fmt.Errorf("idempotency key: %w", err)
	}
	if hold := db.beforeCommit.Swap(nil); hold != nil {
		(*hold)()
	}
	if err = sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if mark != nil {
		mark.done.Store(true)
	}
	return nil
}

// errNoRows lets callers test for sql.ErrNoRows without importing database/sql.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
