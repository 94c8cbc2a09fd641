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
		migrateTo(t, db, 33)
		// An heir added as the code of the time wrote it, without a province.
		w := heirBefore34(t, db)
		heirs, err := db.Count(ctx, `SELECT COUNT(*) FROM heirs WHERE participant_id = $1`, w)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := db.Participant(ctx, audit.Actor{Name: "kc"}, store.Ref{ID: w})
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

// migrateTo moves the schema to version v, or skips the test on a schema partitioned by
// province: the partitioned-schema run (CI) recreates the tables after the migrations, under
// names of its own, and the migrations are not run back over it.
func migrateTo(t *testing.T, db *store.DB, v int64) {
	t.Helper()
	if db.Dialect == store.Postgres && storetest.Partitioned() {
		t.Skip("migrations are not run down over a partitioned schema")
	}
	if err := db.MigrateTo(context.Background(), v); err != nil {
		t.Fatal(err)
	}
}

// Migration 36 keys participants and the network: a network made before it is kept in its
// villages' provinces after it, and on PostgreSQL a row that names its participant in another
// province than the participant's is refused.
func TestNetworkProvinceMigration(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		migrateTo(t, db, 35)
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		for what, q := range map[string]string{
			"wadah":      `SELECT COUNT(*) FROM wadah WHERE province_code <> SUBSTR(village_code, 1, 2)`,
			"agents":     `SELECT COUNT(*) FROM agents a JOIN wadah w ON w.id = a.wadah_id WHERE a.province_code <> w.province_code`,
			"agreements": `SELECT COUNT(*) FROM agreements a JOIN wadah w ON w.id = a.wadah_id WHERE a.province_code <> w.province_code`,
		} {
			if n, err := db.Count(ctx, q); err != nil || n != 0 {
				t.Errorf("%s outside their wadah's province: %d (%v)", what, n, err)
			}
		}
		if n, err := db.Count(ctx, `SELECT COUNT(*) FROM agents WHERE province_code = '51'`); err != nil || n != int64(len(f.mungguAgents)+len(f.batubulanAgents)) {
			t.Errorf("%d agents in Bali (%v)", n, err)
		}
		verifyClean(t, db)
		if db.Dialect != store.Postgres {
			return
		}
		err := db.Transact(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO heirs (province_code, id, participant_id, name, relationship, birth_date, created_at)
SELECT '52', 1, MIN(id), 'Ni Luh', 'child', CURRENT_DATE, CURRENT_TIMESTAMP FROM participants`)
			return err
		})
		if err == nil {
			t.Fatal("an heir kept in NTB for a participant of Bali was accepted")
		}
	})
}
