package store_test

import (
	"context"
	"testing"

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
		if err := db.MigrateTo(ctx, 32); err != nil {
			t.Fatal(err)
		}
		err = db.Transact(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, idem_key, request_hash, status, content_type, response, created_at)
VALUES ($1, 'pay-1', 'h', 201, 'application/json', '{"receipt_no":"KW-1"}', CURRENT_TIMESTAMP)`, agentUser)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
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
