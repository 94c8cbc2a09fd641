package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// agentWithWorkers is the demo agent of Munggu with the most workers, and those workers.
func agentWithWorkers(t *testing.T, db *store.DB, f *fixture) (network.Agent, []participant.Participant) {
	t.Helper()
	var ag network.Agent
	var mine []participant.Participant
	for _, a := range f.mungguAgents {
		ps, _ := db.Participants(context.Background(), audit.Actor{}, store.ParticipantFilter{AgentID: a.ID, Limit: 10})
		if len(ps) > len(mine) {
			ag, mine = a, ps
		}
	}
	if len(mine) < 2 {
		t.Fatal("no agent with two workers")
	}
	return ag, mine
}

func TestDepositsVarianceAndReconciliation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ag, mine := agentWithWorkers(t, db, f)
		today := calendar.Today()
		p1, err := db.Pay(ctx, agentPrincipal(ag), act, rs, store.PayRequest{ParticipantID: mine[0].ID, Amount: 30_000}, today)
		if err != nil {
			t.Fatal(err)
		}
		p2, err := db.Pay(ctx, agentPrincipal(ag), act, rs, store.PayRequest{ParticipantID: mine[1].ID, Amount: 20_000}, today)
		if err != nil {
			t.Fatal(err)
		}
		und, _ := db.UndepositedPayments(ctx, store.Ref{ID: ag.ID})
		if len(und) != 2 {
			t.Fatalf("undeposited: %d", len(und))
		}
		// The first slip matches its receipt to the rupiah.
		d1, err := db.RecordDeposit(ctx, act, store.DepositRequest{AgentID: ag.ID, SlipRef: "BPD-0001", Amount: 30_000, PaymentIDs: []int64{p1.ID}})
		if err != nil || d1.Status != "balanced" {
			t.Fatalf("%+v %v", d1, err)
		}
		if _, err := db.RecordDeposit(ctx, act, store.DepositRequest{AgentID: ag.ID, SlipRef: "BPD-0009", Amount: 30_000, PaymentIDs: []int64{p1.ID}}); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("a receipt deposited twice: %v", err)
		}
		// The second is Rp 1,000 short: held until the branch explains it.
		d2, err := db.RecordDeposit(ctx, act, store.DepositRequest{AgentID: ag.ID, SlipRef: "BPD-0002", Amount: 19_000, PaymentIDs: []int64{p2.ID}})
		if err != nil || d2.Status != "variance_pending" || d2.Variance != -1_000 {
			t.Fatalf("%+v %v", d2, err)
		}
		cash, _ := db.Balance(ctx, ledger.AgentCash(ag.ID))
		if cash != 0 {
			t.Fatalf("agent cash after depositing everything: %d", cash)
		}
		if err := db.ResolveVariance(ctx, act, store.Ref{ID: d2.ID}, ""); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("no note: %v", err)
		}
		if err := db.ResolveVariance(ctx, act, store.Ref{ID: d2.ID}, "agent short, deducted from incentive"); err != nil {
			t.Fatal(err)
		}
		short, _ := db.Balance(ctx, ledger.CashShortOver(d2.BranchID))
		if short != 1_000 {
			t.Fatalf("shortage posted %d", short)
		}
		verifyClean(t, db)

		// The agent's cash statement: two receipts in, two deposits out, one more in, the
		// balance line by line; the days after start from what was left.
		p3, err := db.Pay(ctx, agentPrincipal(ag), act, rs, store.PayRequest{ParticipantID: mine[0].ID, Amount: 10_000}, today)
		if err != nil {
			t.Fatal(err)
		}
		st, err := db.Statement(ctx, ledger.AgentCash(ag.ID), ag.Province, today, today)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		var bals []int64
		for _, l := range st.Lines {
			kinds, bals = append(kinds, l.Kind), append(bals, l.Balance)
		}
		if st.Opening != 0 || st.Closing != 10_000 || strings.Join(kinds, " ") != "payment payment deposit deposit payment" ||
			bals[0] != 30_000 || bals[1] != 50_000 || bals[2] != 20_000 || bals[3] != 0 || bals[4] != 10_000 || st.Lines[4].RefID != p3.ID {
			t.Fatalf("statement: %+v", st)
		}
		if after, err := db.Statement(ctx, ledger.AgentCash(ag.ID), ag.Province, today.AddDays(1), today.AddDays(30)); err != nil || len(after.Lines) != 0 || after.Opening != 10_000 || after.Closing != 10_000 {
			t.Fatalf("the days after: %+v %v", after, err)
		}
		if before, err := db.Statement(ctx, ledger.AgentCash(ag.ID), ag.Province, today.AddDays(-30), today.AddDays(-1)); err != nil || len(before.Lines) != 0 || before.Closing != 0 {
			t.Fatalf("the days before: %+v %v", before, err)
		}
		if _, err := db.Statement(ctx, ledger.AgentCash(ag.ID), ag.Province, today, today.AddDays(-1)); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("backwards: %v", err)
		}
		if _, err := db.Statement(ctx, ledger.AgentCash(ag.ID), ag.Province, today.AddDays(-400), today); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("over a year: %v", err)
		}

		// The bank statement: both slips, a stray line, and a line like the first slip's on
		// the next day (one deposit, one line: it stays unmatched, for the branch to look at).
		stmt := "date,reference,amount,description\n" +
			today.String() + ",BPD-0001,30000,setoran agen\n" +
			today.String() + ",BPD-0002,19000,setoran agen\n" +
			today.String() + ",TRF-777,50000,unknown transfer\n" +
			today.AddDays(1).String() + ",BPD-0001,30000,setoran agen\n"
		rec, err := db.ImportBankStatement(ctx, act, d1.BranchID, strings.NewReader(stmt))
		if err != nil {
			t.Fatal(err)
		}
		if rec.Lines != 4 || len(rec.Matched) != 2 || len(rec.Unmatched) != 2 {
			t.Fatalf("%+v", rec)
		}
		for _, u := range rec.Unmatched { // the earlier line got the deposit
			if u.Reference != "TRF-777" && !(u.Reference == "BPD-0001" && u.Date == today.AddDays(1)) {
				t.Fatalf("unmatched: %+v", rec.Unmatched)
			}
		}
		rec, _ = db.ImportBankStatement(ctx, act, d1.BranchID, strings.NewReader(stmt))
		if rec.Duplicate != 4 || len(rec.Matched) != 2 {
			t.Fatalf("re-import: %+v", rec)
		}
		got, _ := db.Deposit(ctx, store.Ref{ID: d1.ID})
		if !got.Matched {
			t.Fatal("deposit not marked matched")
		}
		if _, err := db.ImportBankStatement(ctx, act, d1.BranchID, strings.NewReader("2026-01-01,X,lots\n")); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("bad statement: %v", err)
		}
	})
}
