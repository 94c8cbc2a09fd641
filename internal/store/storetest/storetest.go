// Package storetest runs a test against every database Perisai supports: SQLite always, and
// PostgreSQL when PERISAI_TEST_POSTGRES holds a URL (e.g. postgres://postgres@127.0.0.1:5432/postgres).
// Each test gets a fresh, migrated database of its own, dropped when the test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/perisai/perisai/internal/secret"
	"github.com/perisai/perisai/internal/store"
)

// Keys are the fixed keys test databases seal personal data with.
var Keys, _ = secret.FromMaster([]byte("perisai test master key, 32 b..."))

// EnvPostgres names the variable that turns on the PostgreSQL runs.
const EnvPostgres = "PERISAI_TEST_POSTGRES"

// Run calls fn once per database, each in its own subtest named for the dialect.
func Run(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv(EnvPostgres) == "" {
			t.Skip("PostgreSQL not configured: set " + EnvPostgres)
		}
		if Partitioned() {
			fn(t, partitioned(t))
			return
		}
		fn(t, Postgres(t))
	})
}

// SQLite opens a migrated database in a file of the test's temporary folder.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	return open(t, "sqlite://"+filepath.Join(t.TempDir(), "perisai.db"))
}

// Postgres creates a database named for the test run on the server in PERISAI_TEST_POSTGRES,
// migrates it, and drops it when the test ends.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	return open(t, EmptyPostgres(t))
}

// EmptyPostgres creates an empty database (no schema) on the server in PERISAI_TEST_POSTGRES,
// dropped when the test ends, and returns its URL: a place to restore a backup into.
func EmptyPostgres(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(EnvPostgres)
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	name := "perisai_test_" + randomHex(6)
	adminDB, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer adminDB.Close()
	if _, err := adminDB.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		d, err := sql.Open("pgx", admin)
		if err != nil {
			t.Errorf("drop test database: %v", err)
			return
		}
		defer d.Close()
		if _, err := d.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// URL returns a database URL for a test that must open the database itself (the CLI tests).
// The database is created, migrated and dropped like those of Run.
func URL(t testing.TB, dialect store.Dialect) string {
	t.Helper()
	var db *store.DB
	if dialect == store.Postgres {
		db = Postgres(t)
	} else {
		db = SQLite(t)
	}
	return db.URL()
}

func open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.UseKeys(Keys)
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// EnvReplica names the variable that points the replica tests at a streaming replica of the
// PERISAI_TEST_POSTGRES server (CI makes one on 127.0.0.1:5433: .ci/replica).
const EnvReplica = "PERISAI_TEST_REPLICA"

// Replica returns the URL of the test database db on the replica server, once it has streamed
// there; it skips the test when no replica is configured.
func Replica(t testing.TB, db *store.DB) string {
	t.Helper()
	rep := os.Getenv(EnvReplica)
	if rep == "" || os.Getenv(EnvPostgres) == "" {
		t.Skip("no replica: set " + EnvReplica + " (and " + EnvPostgres + ")")
	}
	ru, err := url.Parse(rep)
	if err != nil {
		t.Fatal(err)
	}
	pu, _ := url.Parse(db.URL())
	ru.Path = pu.Path
	conn, err := sql.Open("pgx", ru.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for deadline := time.Now().Add(30 * time.Second); conn.Ping() != nil; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the test database did not reach the replica")
		}
	}
	return ru.String()
}
