package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/contribution"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// counter is a branch officer taking payments at the KC Bali Denpasar counter.
func counter(t *testing.T, db *store.DB) access.Principal {
	t.Helper()
	b, err := db.BranchByCode(context.Background(), "KC-DPS")
	if err != nil {
		t.Fatal(err)
	}
	return access.Principal{Username: "kc.denpasar", Role: access.BranchOfficer, BranchID: b.ID, Regencies: b.Regencies}
}

// newWorker registers a JKK+JKM worker in Munggu with the minimum income, other sector.
func newWorker(t *testing.T, db *store.DB, nikStr string) participant.Participant {
	t.Helper()
	p, err := db.Register(context.Background(), counter(t, db), audit.Actor{Name: "kc"}, rs, worker(nikStr, "51.03.02.2001"), calendar.D(2026, 8, 1))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func verifyClean(t *testing.T, db *store.DB) {
	t.Helper()
	probs, err := db.VerifyLedger(context.Background())
	if err != nil || len(probs) != 0 {
		t.Fatalf("ledger: %+v %v", probs, err)
	}
}

var act = audit.Actor{Name: "kc.denpasar"}

// execSQL runs a statement in a transaction of its own, behind the store's back.
func execSQL(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	ctx := context.Background()
	if err := db.Transact(ctx, func(tx *store.Tx) error { _, err := tx.ExecContext(ctx, q, args...); return err }); err != nil {
		t.Fatal(err)
	}
}

// verifyProblems runs ledger verify and returns what it found, each problem with its last ref.
func verifyProblems(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	probs, err := db.VerifyLedger(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, p := range probs {
		found[p.What] = p.Ref
	}
	return found
}

// Nov 2026, other sector: PP 50/2025 halves JKK+JKM to Rp 8,400 until December; Rp 16,800 after.
func TestPayMonthsAndCoverage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		w := newWorker(t, db, "5103021203850501")
		nov20 := calendar.D(2026, 11, 20)
		pay, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Months: 3}, nov20)
		if err != nil {
			t.Fatal(err)
		}
		if pay.Amount != 8_400+8_400+16_800 || len(pay.Months) != 3 || pay.Months[0].Month != calendar.MonthOf(2026, 11) ||
			pay.Months[2].Due != 16_800 || pay.Coverage.Status != participant.Active || pay.Coverage.CoveredUntil != calendar.D(2027, 1, 31) {
			t.Fatalf("%+v %+v", pay, pay.Coverage)
		}
		if len(pay.ReceiptNo) < 12 {
			t.Fatalf("receipt %q", pay.ReceiptNo)
		}
		// Any amount: whole months in order, the rest kept as credit.
		pay, err = db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Amount: 50_000}, nov20)
		if err != nil || len(pay.Months) != 2 || pay.Months[0].Month != calendar.MonthOf(2027, 2) || pay.CreditAdded != 50_000-33_600 {
			t.Fatalf("amount: %+v %v", pay, err)
		}
		// The credit pays first next time.
		pay, err = db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Months: 1}, nov20)
		if err != nil || pay.CreditUsed != 16_400 || pay.Amount != 400 || pay.Months[0].Month != calendar.MonthOf(2027, 4) {
			t.Fatalf("credit: %+v %v", pay, err)
		}
		cov, _ := db.Coverage(ctx, rs, store.Ref{ID: w.ID}, nov20)
		// May 2027 is past PP 50/2025: the full Rp 16,800 (JKK Rp 10,000 + JKM Rp 6,800) is next.
		if cov.Credit != 0 || len(cov.Paid) != 6 || cov.NextDue != calendar.MonthOf(2027, 5) || cov.NextDueAmount != 16_800 ||
			len(cov.ByProgram[contribution.JKK]) != 6 || len(cov.ByProgram[contribution.JHT]) != 0 {
			t.Fatalf("coverage: %+v", cov)
		}
		got, _ := db.Balance(ctx, ledger.ProgramFund("jkm"))
		if got != -(3_400 + 3_400 + 6_800*4) {
			t.Fatalf("JKM fund %d", got)
		}
		// 2 months is not an option; more than 12 ahead is refused.
		if _, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Months: 2}, nov20); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("2 months: %v", err)
		}
		if _, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Months: 12}, nov20); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("beyond 12 ahead: %v", err)
		}
		verifyClean(t, db)
	})
}

// Perdir 22/PERDIR.02/072022: arrears inside the 3-month window are paid first, oldest first;
// after the window the worker starts a new period and the gap is never covered.
func TestArrearsWindowAndNewPeriod(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		inside := newWorker(t, db, "5103021203850502")
		closed := newWorker(t, db, "5103021203850503")
		aug10 := calendar.D(2026, 8, 10)
		for _, w := range []participant.Participant{inside, closed} {
			if _, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Months: 1}, aug10); err != nil {
				t.Fatal(err)
			}
		}
		nov20 := calendar.D(2026, 11, 20)
		cov, _ := db.Coverage(ctx, rs, store.Ref{ID: inside.ID}, nov20)
		if cov.Status != participant.Arrears || len(cov.Arrears) != 3 {
			t.Fatalf("%+v", cov)
		}
		pay, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: inside.ID, Months: 3}, nov20)
		if err != nil || pay.Months[0].Month != calendar.MonthOf(2026, 9) || pay.Months[2].Month != calendar.MonthOf(2026, 11) || pay.Coverage.Status != participant.Active {
			t.Fatalf("arrears first: %+v %v", pay, err)
		}
		jan20 := calendar.D(2027, 1, 20)
		cov, _ = db.Coverage(ctx, rs, store.Ref{ID: closed.ID}, jan20)
		if cov.Status != participant.Ended {
			t.Fatalf("%+v", cov)
		}
		pay, err = db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: closed.ID, Months: 1}, jan20)
		if err != nil || pay.Months[0].Month != calendar.MonthOf(2027, 1) {
			t.Fatalf("new period: %+v %v", pay, err)
		}
		paid, _ := db.PaidMonths(ctx, store.Ref{ID: closed.ID})
		if contribution.CoveredOn(paid, calendar.D(2026, 10, 5)) || !contribution.CoveredOn(paid, calendar.D(2026, 8, 31)) || !contribution.CoveredOn(paid, calendar.D(2027, 1, 31)) {
			t.Fatalf("gap covered: %v", paid)
		}
		cov, _ = db.Coverage(ctx, rs, store.Ref{ID: closed.ID}, jan20)
		if cov.PeriodStart != calendar.MonthOf(2027, 1) {
			t.Fatalf("period start %v", cov.PeriodStart)
		}
		verifyClean(t, db)
	})
}

// Eight payments for one person at once: each takes the next month; no month twice.
func TestConcurrentPaymentsNeverPayAMonthTwice(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		w := newWorker(t, db, "5103021203850504")
		nov20 := calendar.D(2026, 11, 20)
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for range 8 {
			wg.Go(func() {
				_, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Months: 1}, nov20)
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					ok++
				} else if !errors.Is(err, errs.ErrConflict) {
					t.Errorf("unexpected: %v", err)
				}
			})
		}
		wg.Wait()
		paid, _ := db.PaidMonths(ctx, store.Ref{ID: w.ID})
		if len(paid) != ok || ok == 0 {
			t.Fatalf("%d payments, %d months", ok, len(paid))
		}
		for i := 1; i < len(paid); i++ {
			if paid[i] != paid[i-1]+1 {
				t.Fatalf("months %v", paid)
			}
		}
		verifyClean(t, db)
	})
}

func TestReversal(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		w := newWorker(t, db, "5103021203850505")
		nov20 := calendar.D(2026, 11, 20)
		first, _ := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Months: 1}, nov20)
		second, _ := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Amount: 20_000}, nov20)
		// A payment read back lists the months it paid.
		if got, _ := db.PaymentByID(ctx, store.Ref{ID: second.ID}); len(second.Months) == 0 || len(got.Months) != len(second.Months) ||
			got.Months[0].Month != second.Months[0].Month || got.Months[0].Due != second.Months[0].Due {
			t.Fatalf("payment read back: %+v, taken: %+v", got.Months, second.Months)
		}
		if err := db.Reverse(ctx, act, rs, store.Ref{ID: first.ID}, "wrong person", nov20); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("older first: %v", err)
		}
		if err := db.Reverse(ctx, act, rs, store.Ref{ID: second.ID}, "", nov20); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("no reason: %v", err)
		}
		if err := db.Reverse(ctx, act, rs, store.Ref{ID: second.ID}, "counted twice", nov20); err != nil {
			t.Fatal(err)
		}
		if err := db.Reverse(ctx, act, rs, store.Ref{ID: second.ID}, "again", nov20); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("twice: %v", err)
		}
		cov, _ := db.Coverage(ctx, rs, store.Ref{ID: w.ID}, nov20)
		if len(cov.Paid) != 1 || cov.Credit != 0 {
			t.Fatalf("after reversal: %+v", cov)
		}
		if err := db.Reverse(ctx, act, rs, store.Ref{ID: first.ID}, "wrong person", nov20); err != nil {
			t.Fatal(err)
		}
		cov, _ = db.Coverage(ctx, rs, store.Ref{ID: w.ID}, nov20)
		if cov.Status != participant.WaitingFirstPayment {
			t.Fatalf("%+v", cov)
		}
		bal, _ := db.Balance(ctx, ledger.BranchCounter(first.BranchID))
		if bal != 0 {
			t.Fatalf("counter balance after reversing everything: %d", bal)
		}
		got, _ := db.PaymentByID(ctx, store.Ref{ID: first.ID})
		if got.Status != "reversed" || got.ReversalReason != "wrong person" {
			t.Fatalf("%+v", got)
		}
		verifyClean(t, db)
	})
}

// An agent may not collect past the cash limit, nor while old cash is undeposited.
func TestAgentCashLimits(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		tight := withCashLimits(40_000, 3)
		// The demo agent with the most workers.
		var ag network.Agent
		var mine []participant.Participant
		for _, a := range f.mungguAgents {
			ps, _ := db.Participants(ctx, audit.Actor{}, store.ParticipantFilter{AgentID: a.ID, Limit: 10})
			if len(ps) > len(mine) {
				ag, mine = a, ps
			}
		}
		if len(mine) < 2 {
			t.Fatal("no agent with two workers")
		}
		today := calendar.Today()
		pay, err := db.Pay(ctx, agentPrincipal(ag), act, tight, store.PayRequest{ParticipantID: mine[0].ID, Amount: 30_000}, today)
		if err != nil {
			t.Fatal(err)
		}
		cash, _ := db.Balance(ctx, ledger.AgentCash(ag.ID))
		if cash != 30_000 {
			t.Fatalf("cash on hand %d", cash)
		}
		if _, err := db.Pay(ctx, agentPrincipal(ag), act, tight, store.PayRequest{ParticipantID: mine[1].ID, Amount: 20_000}, today); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("over the amount: %v", err)
		}
		// Four days later the first receipt is too old to keep collecting.
		if _, err := db.Pay(ctx, agentPrincipal(ag), act, tight, store.PayRequest{ParticipantID: mine[1].ID, Amount: 5_000}, today.AddDays(4)); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("old cash: %v", err)
		}
		// The branch trusts this agent with more: its own limits replace the rules' (a week,
		// Rp 100,000), and the same payments go through.
		if err := db.SetAgentCashLimits(ctx, act, store.Ref{ID: ag.ID}, network.CashLimits{MaxCashOnHand: 100_000, MaxReceiptAgeDays: 7}); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Agent(ctx, store.Ref{ID: ag.ID}); got.CashLimits.MaxCashOnHand != 100_000 || got.CashLimits.MaxReceiptAgeDays != 7 {
			t.Fatalf("agent's limits: %+v", got.CashLimits)
		}
		if _, err := db.Pay(ctx, agentPrincipal(ag), act, tight, store.PayRequest{ParticipantID: mine[1].ID, Amount: 20_000}, today.AddDays(4)); err != nil {
			t.Fatalf("within the agent's own limits: %v", err)
		}
		// Back to the rules' defaults with zeros; nonsense is refused.
		if err := db.SetAgentCashLimits(ctx, act, store.Ref{ID: ag.ID}, network.CashLimits{}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Pay(ctx, agentPrincipal(ag), act, tight, store.PayRequest{ParticipantID: mine[1].ID, Amount: 5_000}, today); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("back under the rules' limits: %v", err)
		}
		if err := db.SetAgentCashLimits(ctx, act, store.Ref{ID: ag.ID}, network.CashLimits{MaxCashOnHand: -1, MaxReceiptAgeDays: 90}); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("negative limit: %v", err)
		}
		_ = pay
	})
}

// ledger verify catches a posting written behind the ledger's back.
func TestVerifyCatchesABrokenPosting(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		w := newWorker(t, db, "5103021203850506")
		pay, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Months: 1}, calendar.D(2026, 11, 20))
		if err != nil {
			t.Fatal(err)
		}
		verifyClean(t, db)
		execSQL(t, db, `INSERT INTO postings (id, entry_id, account_id, amount, province_code)
SELECT $1, entry_id, account_id, 1000, province_code FROM postings WHERE entry_id = (SELECT entry_id FROM payments WHERE id = $2) LIMIT 1`, idgen.Next(), pay.ID)
		found := verifyProblems(t, db)
		if _, ok := found["entry does not balance"]; !ok {
			t.Fatalf("verify found %v", found)
		}
		if _, ok := found["account balance differs from its postings"]; !ok {
			t.Fatalf("verify found %v", found)
		}
		// And the ledger refuses to be edited in place.
		err = db.Transact(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE postings SET amount = 0`)
			return err
		})
		if err == nil {
			t.Fatal("a posting was updated")
		}
	})
}

// A paid month that points to no payment: SQLite refuses it (its foreign keys stand);
// PostgreSQL, which leaves the money tables' references to the writer (migration 14), takes
// it, and ledger verify names it.
func TestVerifyCatchesABrokenReference(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		w := newWorker(t, db, "5103021203850507")
		if _, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Months: 1}, calendar.D(2026, 11, 20)); err != nil {
			t.Fatal(err)
		}
		verifyClean(t, db)
		err := db.Transact(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO paid_months (participant_id, month, payment_id, base, discount, due, jkk, jkm, jht, funding, paid_at, province_code)
VALUES ($1, $2, 42, 0, 0, 0, 0, 0, 0, 'self', CURRENT_TIMESTAMP, '51')`, w.ID, int(calendar.MonthOf(2027, 6)))
			return err
		})
		// Paid months declare no references (migration 26, keyed by province): verify finds it.
		if err != nil {
			t.Fatal(err)
		}
		probs, err := db.VerifyLedger(ctx)
		if err != nil || len(probs) != 1 || probs[0].What != "paid_months.payment_id points to no payments row" || probs[0].Ref != "42" {
			t.Fatalf("verify found %+v, %v", probs, err)
		}
	})
}

// The daily status move agrees with the rule for every kind of participant, and says how many
// it moved, whether the table is taken in one range or one participant at a time.
func TestRefreshStatuses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		aug10 := calendar.D(2026, 8, 10)
		for i, chunk := range []int{0, 1} { // 0: the default range size
			nik := func(k int) string { return fmt.Sprintf("51030212038505%d%d", i, k) }
			paidAug, paidOct, never := newWorker(t, db, nik(1)), newWorker(t, db, nik(2)), newWorker(t, db, nik(3))
			if _, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: paidAug.ID, Months: 1}, aug10); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: paidOct.ID, Months: 3}, aug10); err != nil {
				t.Fatal(err)
			}
			// The earlier round's two payers have ended by 2027; going back to August 2026
			// makes them active again, and from then on they move as this round's do.
			back := i * 2
			before := []participant.Status{participant.Active, participant.Active, participant.WaitingFirstPayment}
			for _, c := range []struct {
				day          calendar.Date
				aug, oct, nv participant.Status
			}{
				{calendar.D(2026, 8, 20), participant.Active, participant.Active, participant.WaitingFirstPayment},
				{calendar.D(2026, 11, 20), participant.Arrears, participant.Arrears, participant.WaitingFirstPayment},
				{calendar.D(2026, 12, 16), participant.Ended, participant.Arrears, participant.WaitingFirstPayment},
				{calendar.D(2027, 2, 16), participant.Ended, participant.Ended, participant.WaitingFirstPayment},
			} {
				moved, err := db.RefreshStatusesIn(ctx, rs, c.day, chunk)
				if err != nil {
					t.Fatal(err)
				}
				want := []participant.Status{c.aug, c.oct, c.nv}
				wantMoved := 0
				for k := range want {
					if want[k] != before[k] {
						wantMoved++
					}
				}
				wantMoved *= i + 1
				if c.day == calendar.D(2026, 8, 20) {
					wantMoved += back
				}
				if moved != wantMoved {
					t.Errorf("chunk %d, %s: %d moved, want %d", chunk, c.day, moved, wantMoved)
				}
				before = want
				for k, id := range []int64{paidAug.ID, paidOct.ID, never.ID} {
					got, _ := db.Participant(ctx, audit.Actor{}, store.Ref{ID: id})
					cov, _ := db.Coverage(ctx, rs, store.Ref{ID: id}, c.day)
					if got.Status != want[k] || cov.Status != want[k] {
						t.Errorf("chunk %d, %s participant %d: stored %s, assessed %s, want %s", chunk, c.day, id, got.Status, cov.Status, want[k])
					}
				}
			}
		}
	})
}

// Migration 12 moves status and last paid month out of participants and back, losing nothing:
// a paid participant, one waiting for a first payment, and a registration rejected after its
// first payment, which stays ended.
func TestParticipantStatusMigration(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		paid := newWorker(t, db, "5103021203850541")
		waiting := newWorker(t, db, "5103021203850542")
		rejected := newWorker(t, db, "5103021203850543")
		aug10 := calendar.D(2026, 8, 10)
		if _, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: paid.ID, Months: 3}, aug10); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: rejected.ID, Months: 1}, aug10); err != nil {
			t.Fatal(err)
		}
		if err := db.SetReview(ctx, act, store.Ref{ID: rejected.ID}, participant.Rejected, "KTP tidak terbaca"); err != nil {
			t.Fatal(err)
		}
		type row struct {
			status   string
			lastPaid sql.NullInt64
		}
		read := func(q string) map[int64]row {
			out := map[int64]row{}
			rows, err := db.R().QueryContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				var r row
				if err := rows.Scan(&id, &r.status, &r.lastPaid); err != nil {
					t.Fatal(err)
				}
				out[id] = r
			}
			return out
		}
		want := map[int64]row{
			paid.ID:     {"active", sql.NullInt64{Int64: int64(calendar.MonthOf(2026, 10)), Valid: true}},
			waiting.ID:  {"waiting_first_payment", sql.NullInt64{}},
			rejected.ID: {"ended", sql.NullInt64{Int64: int64(calendar.MonthOf(2026, 8)), Valid: true}},
		}
		check := func(when string, got map[int64]row) {
			t.Helper()
			for id, w := range want {
				if got[id] != w {
					t.Errorf("%s: participant %d is %+v, want %+v", when, id, got[id], w)
				}
			}
		}
		check("now", read(`SELECT participant_id, status, last_paid FROM participant_status`))
		migrateTo(t, db, 11)
		check("down", read(`SELECT id, status, last_paid FROM participants`))
		migrateTo(t, db, 12)
		check("up again", read(`SELECT participant_id, status, last_paid FROM participant_status`))
		// The rejected registration is held: the daily move does not bring it back.
		if _, err := db.RefreshStatuses(ctx, rs, aug10); err != nil {
			t.Fatal(err)
		}
		check("after the daily move", read(`SELECT participant_id, status, last_paid FROM participant_status`))
	})
}

// The daily move and payments at the same time: whichever commits first, every participant
// ends with the status their paid months give that day (a payment that lands while the move
// runs is not overwritten with the status from before it), and nothing fails.
func TestStatusMoveDuringPayments(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		aug10, nov20 := calendar.D(2026, 8, 10), calendar.D(2026, 11, 20)
		var ws []participant.Participant
		for i := range 12 {
			w := newWorker(t, db, fmt.Sprintf("51030212038506%02d", i))
			if _, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Months: 1}, aug10); err != nil {
				t.Fatal(err)
			}
			ws = append(ws, w)
		}
		// In November the August payers are in arrears; half of them pay the arrears and
		// November while the move runs, one participant per range.
		var wg sync.WaitGroup
		errc := make(chan error, 20)
		for round := range 3 {
			wg.Go(func() {
				if _, err := db.RefreshStatusesIn(ctx, rs, nov20, 1); err != nil {
					errc <- fmt.Errorf("move %d: %w", round, err)
				}
			})
		}
		for _, w := range ws[:6] {
			wg.Go(func() {
				if _, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Months: 3}, nov20); err != nil {
					errc <- fmt.Errorf("pay %d: %w", w.ID, err)
				}
			})
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Error(err)
		}
		for i, w := range ws {
			want := participant.Arrears
			if i < 6 {
				want = participant.Active
			}
			got, _ := db.Participant(ctx, audit.Actor{}, store.Ref{ID: w.ID})
			cov, _ := db.Coverage(ctx, rs, store.Ref{ID: w.ID}, nov20)
			if got.Status != want || cov.Status != want {
				t.Errorf("participant %d: stored %s, assessed %s, want %s", i, got.Status, cov.Status, want)
			}
		}
		verifyClean(t, db)
	})
}

// Two reversals of one payment at once (a double click, two officers): the second waits for
// the first and is refused; the payment is reversed once and the counter's cash is back to
// nothing, not below.
func TestReversalTwiceAtOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		w := newWorker(t, db, "5103021203850515")
		nov20 := calendar.D(2026, 11, 20)
		pay, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Months: 1}, nov20)
		if err != nil {
			t.Fatal(err)
		}
		reverse := func() error { return db.Reverse(ctx, act, rs, store.Ref{ID: pay.ID}, "wrong person", nov20) }
		err1, err2 := whileHeld(t, db, reverse, reverse)
		if err1 != nil {
			t.Fatalf("the first reversal: %v", err1)
		}
		if !errors.Is(err2, errs.ErrConflict) {
			t.Fatalf("the second reversal: %v", err2)
		}
		if bal, _ := db.Balance(ctx, ledger.BranchCounter(pay.BranchID)); bal != 0 {
			t.Fatalf("counter balance after one payment and its reversal: %d", bal)
		}
		verifyClean(t, db)
	})
}

// withCashLimits is the default rules with the agents' cash limits set to these.
func withCashLimits(maxCashOnHand int64, maxReceiptAgeDays int) *rules.Set {
	rs := *rules.Default()
	rs.CashLimits = []rules.Dated[rules.CashLimits]{{Period: rs.CashLimits[0].Period,
		Value: rules.CashLimits{MaxCashOnHand: maxCashOnHand, MaxReceiptAgeDays: maxReceiptAgeDays}}}
	return &rs
}
