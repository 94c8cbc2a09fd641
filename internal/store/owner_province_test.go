package store_test

import (
	"context"
	"testing"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// Idempotency keys are kept in their user's province (migration 33): a key stored before the
// migration still answers its replay after it, under the user's province, and only there.
func TestIdempotencyKeyProvinceMigration(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		agentUser, err := db.Count(ctx, `SELECT MIN(id) FROM users WHERE role = 'agent'`)
		if err != nil || agentUser == 0 {
			t.Fatalf("an agent user: %d %v", agentUser, err)
		}
		p, err := db.Principal(ctx, agentUser)
		if err != nil || p.Province != "51" {
			t.Fatalf("%+v %v", p, err)
		}
		migrateTo(t, db, 32)
		execSQL(t, db, `INSERT INTO idempotency_keys (user_id, idem_key, request_hash, status, content_type, response, created_at)
VALUES ($1, 'pay-1', 'h', 201, 'application/json', '{"receipt_no":"KW-1"}', CURRENT_TIMESTAMP)`, agentUser)
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		rp, err := db.ClaimIdempotencyKey(ctx, store.OwnerOf(p), "pay-1", "h")
		if err != nil || rp == nil || rp.Status != 201 || rp.Body != `{"receipt_no":"KW-1"}` {
			t.Fatalf("the replay after the migration: %+v %v", rp, err)
		}
		if n, err := db.Count(ctx, `SELECT COUNT(*) FROM idempotency_keys WHERE user_id = $1 AND province_code = '51'`, agentUser); err != nil || n != 1 {
			t.Fatalf("%d keys in Bali (%v)", n, err)
		}
	})
}

// Imports are kept in their user's province (migration 35): an import and its report written
// before the migration are read back after it, in the user's province.
func TestImportProvinceMigration(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		officer, err := db.Count(ctx, `SELECT MIN(id) FROM users WHERE role = 'branch_officer'`)
		if err != nil || officer == 0 {
			t.Fatalf("a branch officer: %d %v", officer, err)
		}
		p, err := db.Principal(ctx, officer)
		if err != nil {
			t.Fatal(err)
		}
		migrateTo(t, db, 34)
		execSQL(t, db, `INSERT INTO imports (id, user_id, filename, file_hash, status, total, processed, imported, created_at)
VALUES (77, $1, 'cohort.csv', 'h', 'done', 2, 2, 1, CURRENT_TIMESTAMP)`, officer)
		execSQL(t, db, `INSERT INTO import_rows (import_id, row_no, outcome, kpj, message)
VALUES (77, 2, 'imported', '51000000001', ''), (77, 3, 'refused', '', 'NIK: 16 digits')`)
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		im, err := db.GetImport(ctx, store.Ref{ID: 77})
		if err != nil || im.Province != p.Province || im.UserID != officer || im.Imported != 1 {
			t.Fatalf("the import after the migration: %+v %v (the officer works in %q)", im, err, p.Province)
		}
		rows, err := db.ImportRows(ctx, im)
		if err != nil || len(rows) != 2 || rows[1].Message != "NIK: 16 digits" {
			t.Fatalf("its report: %+v %v", rows, err)
		}
		// A new import of the officer's is kept in the same province.
		next, err := db.StartImport(ctx, store.OwnerOf(p), audit.Actor{UserID: officer, Name: p.Username}, "next.csv", "h2", 0)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := db.Count(ctx, `SELECT COUNT(*) FROM imports WHERE id = $1 AND province_code = $2`, next.ID, p.Province); err != nil || n != 1 {
			t.Fatalf("the new import in %s: %d %v", p.Province, n, err)
		}
	})
}
