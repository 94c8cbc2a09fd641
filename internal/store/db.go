// Package store keeps Perisai's data in SQLite (embedded, the default) or PostgreSQL
// (production) through one schema and one set of queries. Dialect code lives only where the two
// differ, in dialect.go.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/perisai/perisai/internal/filestore"
	"github.com/perisai/perisai/internal/secret"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Dialect names the database behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the handle every store function takes. On SQLite, writes go through one connection
// held with its prepared statements (SQLite has one writer; queuing in Go beats spinning on
// SQLITE_BUSY; stmtcache.go) and reads through a pool of read-only connections. On PostgreSQL
// both are the same pool.
type DB struct {
	Dialect   Dialect
	read      handle
	write     *sql.DB
	w         *writer // SQLite's writing connection; nil on PostgreSQL
	url       string
	keys      *secret.Keys
	files     filestore.Store // claim documents, sealed (UseFiles)
	accounts  sync.Map        // ledger account code → id; accounts are never deleted
	potential potentialCache  // the country's potential figures (dashboard.go)
	shards    atomic.Uint32   // turns over the balance shards (balances.go)
	lease     *NodeLease      // this process's node number (nodes.go); nil until ClaimNode
	replica   *replica        // the read replica for reports (replica.go); nil without one
	// beforeCommit, when set, is called once by the next transaction about to commit: tests
	// hold a transaction open there to run another against it (export_test.go).
	beforeCommit atomic.Pointer[func()]
}

// Open connects to url: postgres://… or postgresql://… for PostgreSQL; sqlite://PATH, file:PATH
// or a plain path for SQLite (the file and its folder are created when missing).
func Open(ctx context.Context, rawURL string) (*DB, error) {
	var db *DB
	var err error
	switch {
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		db, err = openPostgres(rawURL)
	default:
		db, err = openSQLite(rawURL)
	}
	if err != nil {
		return nil, err
	}
	if err := db.write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s: %w", db.Redacted(), err)
	}
	return db, nil
}

func openPostgres(rawURL string) (*DB, error) {
	pool, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	pool.SetMaxOpenConns(32)
	pool.SetMaxIdleConns(32)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{Dialect: Postgres, read: handle{DB: pool}, write: pool, url: rawURL}, nil
}

func openSQLite(rawURL string) (*DB, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(rawURL, "sqlite://"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		return nil, fmt.Errorf("open sqlite: empty path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	// The database holds personal data: only its owner reads it. SQLite gives its WAL and
	// shared-memory files the database file's mode, so creating it 0600 covers them too.
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	f.Close()
	// synchronous(FULL): a write acknowledged to a user is on disk, even after a power cut.
	// _txlock=immediate: a write transaction takes the write lock at BEGIN, so two writers never
	// deadlock upgrading read locks.
	// wal_autocheckpoint(10000): pages go back from the WAL to the database every 40 MiB of WAL
	// rather than every 4 MiB, so a page that many commits touch (an agent's, a fund's, an
	// index's inner pages) is copied back once for more of them; measured on payments, commit
	// time fell by about a quarter (a larger WAL gave no more).
	pragmas := "_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=synchronous(FULL)&_pragma=temp_store(MEMORY)&_pragma=wal_autocheckpoint(10000)&_time_format=sqlite"
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + pragmas
	write, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	// One connection writes (writer); a second serves migrations.
	write.SetMaxOpenConns(2)
	write.SetConnMaxIdleTime(0)
	// Create the file and switch it to WAL before readers open it read-only.
	// The writer keeps 64 MiB of pages: the hot ones of a payment batch stay in memory.
	conn, err := write.Conn(context.Background())
	if err == nil {
		_, err = conn.ExecContext(context.Background(), "PRAGMA cache_size = -65536")
	}
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	n := max(4, runtime.NumCPU()*2)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	return &DB{Dialect: SQLite, read: handle{DB: read, stmts: &stmtCache{}}, write: write,
		w: &writer{conn: conn, stmts: map[string]*sql.Stmt{}}, url: "sqlite://" + path}, nil
}

// Close closes every connection.
func (db *DB) Close() error {
	db.releaseNode()
	if r := db.replica; r != nil {
		db.replica = nil // reports read from the primary from here on; a second Close finds nothing
		r.close()
	}
	if db.w != nil {
		db.w.mu.Lock()
		db.w.conn.Close()
		db.w.mu.Unlock()
	}
	err := db.write.Close()
	if db.read.DB != db.write {
		if e := db.read.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Redacted is the URL without a password, fit for logs.
func (db *DB) Redacted() string { return Redact(db.url) }

// Redact is a database URL without its password, fit for logs.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

// Querier is what both *sql.DB and *sql.Tx offer; query functions take one so that they run
// alone or inside a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// R is the handle for reads outside a transaction.
func (db *DB) R() Querier { return db.read }

// Ping checks both handles.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return err
	}
	return db.read.PingContext(ctx)
}

// URL is the address the DB was opened with (with its password; see Redacted for logs).
func (db *DB) URL() string { return db.url }

// UseKeys gives the store the keys that seal personal fields (NIK, bank accounts) and make
// their blind indexes. Without them, writes of personal data fail.
func (db *DB) UseKeys(k *secret.Keys) { db.keys = k }

func (db *DB) sealer() (*secret.Keys, error) {
	if db.keys == nil {
		return nil, fmt.Errorf("store: no keys for personal data (UseKeys was not called)")
	}
	return db.keys, nil
}

// Analyze refreshes the planner's statistics. PostgreSQL plans a prepared statement once for
// many runs; planned over a table that was then nearly empty, it keeps scanning the whole
// table after the table has grown, until autovacuum's next ANALYZE (within a minute or so of
// the growth). The payments benchmark runs it after its warm-up, as a database in use would be.
//
// On SQLite only the per-index row estimates are kept (sqlite_stat1), not the sampled key
// values (sqlite_stat4): with samples, a statement whose plan looked at a bound value (every
// IN list on an indexed column, such as the group commit's reads) is parsed and planned again
// each time that value changes, that is on every batch. Measured on payments: the writer's
// reads took 80 µs per payment with samples and 50 without. The plans of these statements do
// not depend on the values.
func (db *DB) Analyze(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	if db.Dialect == SQLite {
		// ANALYZE sqlite_schema reloads the statistics without gathering them again.
		if _, err := db.write.ExecContext(ctx, "DELETE FROM sqlite_stat4; ANALYZE sqlite_schema"); err != nil {
			return fmt.Errorf("analyze: drop key samples: %w", err)
		}
	}
	return nil
}
