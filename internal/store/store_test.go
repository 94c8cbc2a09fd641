package store_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		v, err := db.SchemaVersion(ctx)
		if err != nil || v < 2 {
			t.Fatalf("version %d, %v", v, err)
		}
		applied, err := db.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v, %v", applied, err)
		}
		t.Logf("%s schema at version %d", db.Dialect, v)
		if storetest.Partitioned() && db.Dialect == store.Postgres {
			conn, err := sql.Open("pgx", db.URL())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			var n int
			if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_partitioned_table`).Scan(&n); err != nil || n == 0 {
				t.Fatalf("partitioned run, but %d tables are partitioned (%v)", n, err)
			}
			t.Logf("%d tables partitioned by province", n)
		}
	})
}

func TestTransactRollsBackOnError(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.Transact(ctx, func(tx *store.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO branches (id, code, name, province_code, created_at) VALUES ($1, 'X', 'x', '51', CURRENT_TIMESTAMP)`, idgen.Next()); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("got %v", err)
		}
		var n int
		if err := db.R().QueryRowContext(ctx, `SELECT COUNT(*) FROM branches`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("rows after rollback: %d, %v", n, err)
		}
	})
}

// Concurrent writers are serialised, not lost: every increment lands.
func TestTransactConcurrentWriters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := idgen.Next()
		err := db.Transact(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO branches (id, code, name, province_code, created_at) VALUES ($1, 'C', '0', '51', CURRENT_TIMESTAMP)`, id)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 10 {
					err := db.Transact(ctx, func(tx *store.Tx) error {
						var n int
						if err := tx.QueryRowContext(ctx, `SELECT CAST(name AS INTEGER) FROM branches WHERE id = $1`+tx.ForUpdate(), id).Scan(&n); err != nil {
							return err
						}
						_, err := tx.ExecContext(ctx, `UPDATE branches SET name = $1 WHERE id = $2`, itoa(n+1), id)
						return err
					})
					if err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		var name string
		if err := db.R().QueryRowContext(ctx, `SELECT name FROM branches WHERE id = $1`, id).Scan(&name); err != nil || name != "80" {
			t.Fatalf("counter %q, %v", name, err)
		}
	})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.Transact(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (province_code, id, at, actor, action, entity, entity_id) VALUES ('', $1, CURRENT_TIMESTAMP, 't', 'a', 'e', '1')`, idgen.Next())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{`UPDATE audit_log SET actor = 'x'`, `DELETE FROM audit_log`} {
			err := db.Transact(ctx, func(tx *store.Tx) error { _, err := tx.ExecContext(ctx, q); return err })
			if err == nil {
				t.Errorf("%s was allowed", q)
			}
		}
	})
}

func itoa(n int) string {
	b := []byte{}
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
		if n == 0 {
			return string(b)
		}
	}
}

// A transaction whose request is canceled midway stays all or nothing: on SQLite its statements
// run on the writer's connection, and must never slip out of the transaction and commit alone
// when the cancellation rolls it back.
func TestTransactCanceledMidwayIsAtomic(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		insert := `INSERT INTO branches (id, code, name, province_code, created_at) VALUES ($1, $2, 'x', '51', CURRENT_TIMESTAMP)`
		_ = db.Transact(ctx, func(tx *store.Tx) error {
			if _, err := tx.ExecContext(ctx, insert, idgen.Next(), "A"); err != nil {
				return err
			}
			cancel()
			time.Sleep(50 * time.Millisecond) // let a rollback on cancellation happen, if any
			// Work that carries on under a context of its own (as a group commit does).
			_, err := tx.ExecContext(context.Background(), insert, idgen.Next(), "B")
			return err
		})
		var n int
		if err := db.R().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM branches`).Scan(&n); err != nil || n == 1 {
			t.Fatalf("rows after a canceled transaction: %d (want 0 or 2), %v", n, err)
		}
		if _, err := db.R().ExecContext(context.Background(), `SELECT 1`); err != nil {
			t.Fatal(err)
		}
		if n == 2 {
			return // committed whole: nothing more to check
		}
		// The writer is usable afterwards, and a statement reused from earlier reports its own errors.
		ctx = context.Background()
		for _, code := range []string{"A", "B"} {
			if err := db.Transact(ctx, func(tx *store.Tx) error {
				_, err := tx.ExecContext(ctx, insert, idgen.Next(), code)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		err := db.Transact(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, insert, idgen.Next(), "A")
			return err
		})
		if err == nil {
			t.Fatal("a duplicate branch code was accepted")
		}
	})
}

// Analyze leaves the planner row estimates on both databases; on SQLite it keeps no sampled
// key values, which would make SQLite plan the group commit's reads again on every batch.
func TestAnalyzeKeepsEstimatesNotSamples(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for i := range 20 {
			if err := db.Transact(ctx, func(tx *store.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO branches (id, code, name, province_code, created_at) VALUES ($1, $2, 'b', '51', CURRENT_TIMESTAMP)`,
					idgen.Next(), "A"+string(rune('A'+i)))
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Analyze(ctx); err != nil {
			t.Fatal(err)
		}
		count := func(q string) int {
			var n int
			if err := db.R().QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		if db.Dialect == store.Postgres {
			if n := count(`SELECT COUNT(*) FROM pg_stats WHERE tablename = 'branches'`); n == 0 {
				t.Fatal("no statistics on branches after Analyze")
			}
			return
		}
		if n := count(`SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'branches'`); n == 0 {
			t.Fatal("no row estimates for branches after Analyze")
		}
		if n := count(`SELECT COUNT(*) FROM sqlite_stat4`); n != 0 {
			t.Fatalf("%d key samples kept after Analyze", n)
		}
	})
}
