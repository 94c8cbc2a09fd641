package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// The ledger is kept by province (issue 21, migration 32): a program fund is one account per
// province, its national balance the sum, and `ledger verify` checks each province's books.
func TestLedgerKeptByProvince(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		w := newWorker(t, db, "5103021203850701")
		if _, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Months: 1}, calendar.D(2026, 11, 20)); err != nil {
			t.Fatal(err)
		}
		jkm := ledger.ProgramFund("jkm")
		bali, err := db.Balance(ctx, jkm)
		if err != nil || bali >= 0 {
			t.Fatalf("Bali's JKM fund after a payment: %d %v", bali, err)
		}
		// A contribution of Nusa Tenggara Barat (52) credits the same fund in its own province.
		ntb := ledger.Entry{Kind: "payment", RefType: "payment", RefID: idgen.Next(), Region: "52"}
		ntb.Debit(ledger.BranchCounter(1), 6_800).Credit(jkm, 6_800)
		if _, err := db.Post(ctx, ntb); err != nil {
			t.Fatal(err)
		}
		nation, err := db.Balance(ctx, jkm)
		if err != nil || nation != bali-6_800 {
			t.Fatalf("the nation's JKM fund is %d, want Bali's %d and NTB's -6800", nation, bali)
		}
		for prov, want := range map[string]int64{"51": bali, "52": -6_800} {
			got, err := db.Count(ctx, `SELECT SUM(b.balance) FROM ledger_balances b JOIN ledger_accounts a ON a.id = b.account_id
WHERE a.code = $1 AND b.province_code = $2`, string(jkm), prov)
			if err != nil || got != want {
				t.Errorf("JKM fund in %s: %d, want %d (%v)", prov, got, want, err)
			}
		}
		verifyClean(t, db)

		// A balance moved in one province behind the ledger's back: verify names the province.
		execSQL(t, db, `INSERT INTO ledger_balances (province_code, account_id, shard, balance)
SELECT '52', id, 99, 500 FROM ledger_accounts WHERE code = $1`, string(jkm))
		found := verifyProblems(t, db)
		if found["accounts do not sum to zero"] != "province 52" || found["account balance differs from its postings"] != string(jkm)+" in 52" || len(found) != 2 {
			t.Fatalf("verify found %v", found)
		}
	})
}

// Migration 32 keeps a ledger written before it whole: a deposit's entry, which named no
// province then, is kept in its branch's province, and every balance in its province.
func TestLedgerProvinceMigration(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		w := newWorker(t, db, "5103021203850702")
		if _, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Months: 3}, calendar.D(2026, 11, 20)); err != nil {
			t.Fatal(err)
		}
		before, _ := db.Balance(ctx, ledger.ProgramFund("jkm"))
		migrateTo(t, db, 31)
		// A deposit as the code before migration 32 wrote it: its entry has no province.
		entry, deposit, at := idgen.Next(), idgen.Next(), time.Now().UTC()
		ag := f.mungguAgents[0]
		stmts := []struct {
			q    string
			args []any
		}{
			{`INSERT INTO journal_entries (id, at, kind, ref_type, ref_id, memo) VALUES ($1, $2, 'deposit', 'deposit', $3, 'slip S-1')`, []any{entry, at, deposit}},
			{`INSERT INTO postings (id, entry_id, account_id, amount) SELECT $1, $2, id, 4000 FROM ledger_accounts WHERE code LIKE 'branch_counter:%'`, []any{idgen.Next(), entry}},
			{`INSERT INTO postings (id, entry_id, account_id, amount) SELECT $1, $2, id, -4000 FROM ledger_accounts WHERE code = 'program:jkm'`, []any{idgen.Next(), entry}},
			{`INSERT INTO ledger_balances (account_id, shard, balance) SELECT id, 99, 4000 FROM ledger_accounts WHERE code LIKE 'branch_counter:%'`, nil},
			{`INSERT INTO ledger_balances (account_id, shard, balance) SELECT id, 99, -4000 FROM ledger_accounts WHERE code = 'program:jkm'`, nil},
			{`INSERT INTO deposits (id, agent_id, branch_id, slip_ref, deposited_on, declared, expected, variance, status, entry_id, created_at, created_by)
VALUES ($1, $2, $3, 'S-1', $4, 4000, 4000, 0, 'balanced', $5, $6, 'test')`, []any{deposit, ag.ID, f.munggu.BranchID, calendar.D(2026, 11, 20), entry, at}},
		}
		err := db.Transact(ctx, func(tx *store.Tx) error {
			for _, s := range stmts {
				if _, err := tx.ExecContext(ctx, s.q, s.args...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		for what, q := range map[string]string{
			"entry":    `SELECT COUNT(*) FROM journal_entries WHERE id = $1 AND province_code = '51'`,
			"postings": `SELECT COUNT(*) FROM postings WHERE entry_id = $1 AND province_code = '51'`,
			"deposit":  `SELECT COUNT(*) FROM deposits WHERE entry_id = $1 AND province_code = '51'`,
		} {
			want := int64(1)
			if what == "postings" {
				want = 2
			}
			if n, err := db.Count(ctx, q, entry); err != nil || n != want {
				t.Errorf("%s in Bali after the migration: %d, want %d (%v)", what, n, want, err)
			}
		}
		if n, err := db.Count(ctx, `SELECT COUNT(*) FROM ledger_balances WHERE province_code <> '51'`); err != nil || n != 0 {
			t.Errorf("%d balances outside Bali (%v)", n, err)
		}
		verifyClean(t, db)
		if jkm, _ := db.Balance(ctx, ledger.ProgramFund("jkm")); jkm != before-4000 {
			t.Errorf("JKM fund %d after the migration, want %d", jkm, before-4000)
		}
	})
}
