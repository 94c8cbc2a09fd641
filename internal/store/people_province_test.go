package store_test

import (
	"context"
	"testing"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// Migration 34 keeps a participant's heirs and status, and keys them by the participant's
// province: a worker registered before it is read back whole after it, and pays.
func TestPeopleProvinceMigration(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		if err := db.MigrateTo(ctx, 33); err != nil {
			t.Fatal(err)
		}
		// An heir added as the code of the time wrote it, without a province.
		w := heirBefore34(t, db)
		heirs, err := db.Count(ctx, `SELECT COUNT(*) FROM heirs WHERE participant_id = $1`, w)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := db.Participant(ctx, audit.Actor{Name: "kc"}, w)
		found := false
		for _, h := range got.Heirs {
			found = found || h.Name == "Ni Made Istri" && h.NIKMasked == "5103********0001"
		}
		if err != nil || int64(len(got.Heirs)) != heirs || !found {
			t.Fatalf("the heirs after the migration: %+v, want %d with Ni Made Istri (%v)", got.Heirs, heirs, err)
		}
		for table, q := range map[string]string{
			"heirs":              `SELECT COUNT(*) FROM heirs WHERE participant_id = $1 AND province_code = '51' AND name = 'Ni Made Istri'`,
			"participant_status": `SELECT COUNT(*) FROM participant_status WHERE participant_id = $1 AND province_code = '51'`,
		} {
			if n, err := db.Count(ctx, q, w); err != nil || n != 1 {
				t.Errorf("%s in Bali: %d (%v)", table, n, err)
			}
		}
		pay, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w, Months: 1}, calendar.D(2026, 11, 20))
		if err != nil || pay.Coverage.Status != participant.Active {
			t.Fatalf("a payment after the migration: %+v %v", pay.Coverage, err)
		}
		if n, err := db.Count(ctx, `SELECT COUNT(*) FROM participant_status WHERE participant_id = $1 AND status = 'active'`, w); err != nil || n != 1 {
			t.Errorf("status after the payment: %d (%v)", n, err)
		}
		verifyClean(t, db)
	})
}

// heirBefore34 adds an heir to the demo's first participant at schema 33, as the code before
// migration 34 wrote one, and returns the participant.
func heirBefore34(t *testing.T, db *store.DB) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := db.Transact(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT MIN(id) FROM participants`).Scan(&id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO heirs (id, participant_id, name, relationship, birth_date, nik_enc, nik_masked, created_at)
VALUES ($1, $2, 'Ni Made Istri', 'spouse', $3, '', '5103********0001', CURRENT_TIMESTAMP)`, id+1, id, calendar.D(1987, 1, 1))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
