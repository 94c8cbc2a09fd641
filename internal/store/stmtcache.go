package store

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// The SQLite driver parses a statement's text on every call that is not a prepared statement;
// on the payment path parsing cost more than executing. So on SQLite, reads and writes run
// through prepared statements kept by text. PostgreSQL's driver (pgx) already keeps prepared
// statements per connection, so there calls pass straight through.
//
// Texts built at run time (IN lists, multi-row inserts) come in few shapes because their
// builders round sizes; a cache that is full runs further texts unprepared rather than grow.
const (
	maxCachedStmts = 512
	maxCachedArgs  = 8192 // longer statements are bulk loads, parsed once for many rows anyway
)

// handle is the read pool: a *sql.DB whose calls use prepared statements when stmts is set.
type handle struct {
	*sql.DB
	stmts *stmtCache
}

type stmtCache struct {
	m sync.Map // query → *sql.Stmt
	n atomic.Int64
}

func (c *stmtCache) get(ctx context.Context, db *sql.DB, query string, nargs int) *sql.Stmt {
	if c == nil || nargs > maxCachedArgs {
		return nil
	}
	if s, ok := c.m.Load(query); ok {
		return s.(*sql.Stmt)
	}
	if c.n.Load() >= maxCachedStmts {
		return nil
	}
	s, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared call reports the error
	}
	if old, loaded := c.m.LoadOrStore(query, s); loaded {
		s.Close()
		return old.(*sql.Stmt)
	}
	c.n.Add(1)
	return s
}

func (h handle) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	trace(ctx, query, args)
	if s := h.stmts.get(ctx, h.DB, query, len(args)); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return h.DB.ExecContext(ctx, query, args...)
}

func (h handle) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	trace(ctx, query, args)
	if s := h.stmts.get(ctx, h.DB, query, len(args)); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return h.DB.QueryContext(ctx, query, args...)
}

func (h handle) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	trace(ctx, query, args)
	if s := h.stmts.get(ctx, h.DB, query, len(args)); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return h.DB.QueryRowContext(ctx, query, args...)
}

// writer is SQLite's one writing connection, held for the life of the DB with its prepared
// statements. SQLite has one writer anyway; transactions take turns on mu, which also guards
// stmts. A transaction's calls run the connection's prepared statements directly: on SQLite a
// transaction is the connection's state, so they are part of it. Transactions on it begin
// without a cancelable context, so that database/sql never rolls one back underneath those
// calls (which would then run outside any transaction); a canceled request fails its next
// call instead, and Transact rolls back.
type writer struct {
	mu    sync.Mutex
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
}

func (w *writer) stmt(ctx context.Context, query string, nargs int) *sql.Stmt {
	if w == nil || nargs > maxCachedArgs {
		return nil
	}
	if s, ok := w.stmts[query]; ok {
		return s
	}
	if len(w.stmts) >= maxCachedStmts {
		return nil
	}
	s, err := w.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	w.stmts[query] = s
	return s
}

func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	trace(ctx, query, args)
	if s := tx.w.stmt(ctx, query, len(args)); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	trace(ctx, query, args)
	if s := tx.w.stmt(ctx, query, len(args)); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	trace(ctx, query, args)
	if s := tx.w.stmt(ctx, query, len(args)); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}
