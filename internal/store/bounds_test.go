package store_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// Security issue 16 §2: a payment of 9,223,372,036,854,775,807 was accepted, passed the agent's
// cash limit by overflow and left the ledger broken for good. An amount is now bounded by what
// the months payable now cost (arrears window + 12 ahead), and nothing is written when refused.
func TestPaymentAmountBoundedByWhatCanBePaid(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		w := newWorker(t, db, "5103021203850511")
		nov20 := calendar.D(2026, 11, 20)
		// The refusal says how much can be paid: November and the 12 months after it (nothing is
		// in arrears yet), at Rp 8,400 until December (PP 50/2025) and Rp 16,800 after.
		_, err := db.PreviewPayment(ctx, rs, store.PayRequest{ParticipantID: w.ID, Amount: 1_000_000_000_000}, nov20)
		most := int64(2*8_400 + 11*16_800)
		if !errors.Is(err, errs.ErrInvalid) || !strings.Contains(err.Error(), "at most Rp 201600 can be paid now: the 13 month(s)") {
			t.Fatalf("preview of the largest amount: %v", err)
		}
		for _, amount := range []int64{math.MaxInt64, math.MaxInt64 - 10_000, 1_000_000_000_001, most + 1} {
			_, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Amount: amount}, nov20)
			if !errors.Is(err, errs.ErrInvalid) || !strings.Contains(err.Error(), "amount") {
				t.Errorf("amount %d: %v", amount, err)
			}
		}
		if got, _ := db.Balance(ctx, ledger.ProgramFund("jkm")); got != 0 {
			t.Fatalf("a refused payment posted: JKM fund %d", got)
		}
		// Exactly the most is taken: every payable month.
		pay, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Amount: most}, nov20)
		if err != nil || len(pay.Months) != 13 || pay.CreditAdded != 0 {
			t.Fatalf("the most: %+v %v", pay, err)
		}
		// Now nothing can be paid at all.
		if _, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Amount: 1}, nov20); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("past 12 ahead: %v", err)
		}
		verifyClean(t, db)
	})
}

// ledger verify reports a sum out of range as a problem and goes on; it never fails.
func TestVerifyReportsAnOverflowingAccount(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		w := newWorker(t, db, "5103021203850512")
		pay, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Months: 1}, calendar.D(2026, 11, 20))
		if err != nil {
			t.Fatal(err)
		}
		// Damage as the old code could leave it: two postings near int64's limit on one account.
		err = db.Transact(ctx, func(tx *store.Tx) error {
			for range 2 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO postings (id, entry_id, account_id, amount, province_code)
SELECT $1, entry_id, account_id, $2, '51' FROM postings WHERE entry_id = (SELECT entry_id FROM payments WHERE id = $3) LIMIT 1`,
					idgen.Next(), int64(math.MaxInt64-5), pay.ID); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		probs, err := db.VerifyLedger(ctx)
		if err != nil {
			t.Fatalf("verify failed instead of reporting: %v", err)
		}
		if len(probs) == 0 {
			t.Fatal("verify found nothing")
		}
		// The other checks still ran.
		whats := map[string]bool{}
		for _, p := range probs {
			whats[p.What] = true
		}
		if !whats["entry does not balance"] {
			t.Fatalf("verify found %+v", probs)
		}
	})
}
