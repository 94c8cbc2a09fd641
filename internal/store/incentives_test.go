package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/incentive"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// Issue 19: the monthly run issues an agent's statement for the month's registrations and
// contributions, priced as the calculator prices the same facts; running it again changes
// nothing; a payment reversed after issue is clawed back on the next month's statement, linked
// to its line; approval and payout post balanced entries and pay each statement once.
func TestIncentiveRun(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ag := f.mungguAgents[0]
		p := agentPrincipal(ag)
		p.UserID = 0
		var pays []store.Payment
		for i := range 25 {
			w, err := db.Register(ctx, p, act, rs, worker(fmt.Sprintf("51030212038511%02d", i), ag.Villages[0]), f.today)
			if err != nil {
				t.Fatal(err)
			}
			pay, err := db.Pay(ctx, p, act, rs, store.PayRequest{ParticipantID: w.ID, Months: 1}, f.today)
			if err != nil {
				t.Fatal(err)
			}
			pays = append(pays, pay)
		}
		month := f.today.MonthOf()
		soFar, count, err := db.IncentiveSoFar(ctx, rs, store.RefIn(ag.Province, ag.ID), month)
		if err != nil || count < 25 || soFar.AgentTotal == 0 {
			t.Fatalf("so far: %+v, %d new: %v", soFar, count, err)
		}
		// Not while the month still runs: its later registrations would go unpriced.
		if _, err := db.RunIncentives(ctx, audit.Actor{Name: "job"}, rs, month); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("a month not ended was issued: %v", err)
		}
		n, err := db.RunIncentives(store.AsOf(ctx, month.Add(1).Begins()), audit.Actor{Name: "job"}, rs, month)
		if err != nil || n == 0 {
			t.Fatalf("run: %d %v", n, err)
		}
		sts, total, err := db.IncentiveStatements(ctx, store.IncentiveFilter{AgentID: ag.ID})
		if err != nil || len(sts) != 1 || total != 1 {
			t.Fatalf("statements: %+v %v", sts, err)
		}
		st := sts[0]
		// The same facts through the calculator.
		mine, _ := db.Participants(ctx, audit.Actor{}, store.ParticipantFilter{AgentID: ag.ID, Limit: 500})
		var facts incentive.Facts
		facts.Month = month
		for _, x := range mine {
			facts.New = append(facts.New, incentive.NewParticipant{JHT: x.Programs.JHT, NewToBPU: true})
		}
		for _, pay := range pays {
			facts.Contributions = append(facts.Contributions, incentive.Contribution{Amount: pay.Months[0].Due, MonthNumber: 1})
		}
		want, err := incentive.Quote(rs, facts)
		if err != nil {
			t.Fatal(err)
		}
		taxRule, _ := rs.IncentiveTaxFor(month)
		if st.Tax != incentive.Tax(taxRule, st.AgentTotal+st.WadahExtra) {
			t.Fatalf("tax %d on Rp %d", st.Tax, st.AgentTotal+st.WadahExtra)
		}
		if st.AgentTotal != want.AgentTotal || st.WadahExtra != want.WadahExtra || st.State != "issued" || soFar.AgentTotal != st.AgentTotal {
			t.Fatalf("statement %d + %d, calculator %d + %d", st.AgentTotal, st.WadahExtra, want.AgentTotal, want.WadahExtra)
		}
		traced := 0
		for _, l := range st.Lines {
			if l.PaymentID != 0 || l.ParticipantID != 0 {
				traced++
			}
		}
		if traced != len(st.Lines) {
			t.Fatalf("%d of %d lines traced to a registration or payment", traced, len(st.Lines))
		}
		// Once issued, the month so far holds nothing more.
		if after, _, _ := db.IncentiveSoFar(ctx, rs, store.RefIn(ag.Province, ag.ID), month); len(after.Lines) != 0 {
			t.Fatalf("after the run: %+v", after)
		}
		// Again: nothing changes.
		if n, err := db.RunIncentives(store.AsOf(ctx, month.Add(1).Begins()), audit.Actor{Name: "job"}, rs, month); err != nil || n != 0 {
			t.Fatalf("second run issued %d: %v", n, err)
		}
		// A payment reversed after issue: clawed back next month, linked to its line.
		if err := db.Reverse(ctx, act, rs, store.Ref{ID: pays[0].ID}, "wrong participant", f.today); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RunIncentives(store.AsOf(ctx, month.Add(1).Add(1).Begins()), audit.Actor{Name: "job"}, rs, month.Add(1)); err != nil {
			t.Fatal(err)
		}
		sts, _, _ = db.IncentiveStatements(ctx, store.IncentiveFilter{AgentID: ag.ID})
		if len(sts) != 2 || sts[0].Month != month.Add(1) || len(sts[0].Lines) != 1 {
			t.Fatalf("next month: %+v", sts)
		}
		back := sts[0].Lines[0]
		var orig store.IncentiveLine
		for _, l := range sts[1].Lines {
			if l.PaymentID == pays[0].ID {
				orig = l
			}
		}
		if back.ClawbackOf != orig.ID || back.Amount != -orig.Amount || orig.Amount == 0 {
			t.Fatalf("clawback %+v of %+v", back, orig)
		}
		// Approve and pay: each statement once, the ledger balanced.
		branch := counter(t, db).BranchID
		for _, s := range sts {
			if err := db.ApproveIncentive(ctx, act, branch, store.Ref{ID: s.ID}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.ApproveIncentive(ctx, act, branch, store.Ref{ID: st.ID}); err == nil {
			t.Fatal("approved twice")
		}
		_, file, err := db.PayIncentives(ctx, act, branch)
		gross := sts[0].AgentTotal + sts[0].WadahExtra + st.AgentTotal + st.WadahExtra
		if err != nil || len(file) != 2 || file[0].BankAccount == "" || file[0].Amount+file[1].Amount != gross-sts[0].Tax-st.Tax {
			t.Fatalf("payout %+v: %v", file, err)
		}
		if _, again, _ := db.PayIncentives(ctx, act, branch); len(again) != 0 {
			t.Fatalf("paid again: %+v", again)
		}
		if b, _ := db.Balance(ctx, ledger.IncentivesPayable(ag.WadahID)); b != 0 {
			t.Fatalf("payable left: %d", b)
		}
		// The tax withheld (the rules' dated rate) waits for the tax office.
		if b, _ := db.Balance(ctx, ledger.Account(fmt.Sprint("incentive_tax_payable:", branch))); b != -(sts[0].Tax+st.Tax) || st.Tax == 0 {
			t.Fatalf("tax payable %d, statements withheld %d and %d", b, st.Tax, sts[0].Tax)
		}
		verifyClean(t, db)
	})
}

// A handover moves the collection share from its date on, never the acquisition: the agent
// who registered the workers keeps their acquisition and the contributions received before;
// the receiving agent earns on what comes in after (issue 19, DOMAIN.md §4 "while the agent
// manages that participant").
func TestIncentiveHandover(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		from, to := f.mungguAgents[0], f.mungguAgents[1]
		p := agentPrincipal(from)
		var before []store.Payment
		var workers []int64
		for i := range 25 {
			w, err := db.Register(ctx, p, act, rs, worker(fmt.Sprintf("51030212038512%02d", i), from.Villages[0]), f.today)
			if err != nil {
				t.Fatal(err)
			}
			workers = append(workers, w.ID)
			pay, err := db.Pay(ctx, p, act, rs, store.PayRequest{ParticipantID: w.ID, Months: 1}, f.today)
			if err != nil {
				t.Fatal(err)
			}
			before = append(before, pay)
		}
		if _, err := db.HandOver(ctx, act, store.Ref{ID: from.ID}, to.ID); err != nil {
			t.Fatal(err)
		}
		after, err := db.Pay(ctx, agentPrincipal(to), act, rs, store.PayRequest{ParticipantID: workers[0], Months: 1}, f.today)
		if err != nil {
			t.Fatal(err)
		}
		month := f.today.MonthOf()
		if _, err := db.RunIncentives(store.AsOf(ctx, month.Add(1).Begins()), audit.Actor{Name: "job"}, rs, month); err != nil {
			t.Fatal(err)
		}
		kinds := func(agent int64) (acq, coll int, payments map[int64]bool) {
			sts, _, err := db.IncentiveStatements(ctx, store.IncentiveFilter{AgentID: agent})
			if err != nil || len(sts) != 1 {
				t.Fatalf("agent %d: %d statements, %v", agent, len(sts), err)
			}
			payments = map[int64]bool{}
			for _, l := range sts[0].Lines {
				if l.PaymentID != 0 {
					coll++
					payments[l.PaymentID] = true
				} else {
					acq++
				}
			}
			return acq, coll, payments
		}
		acqFrom, collFrom, paidFrom := kinds(from.ID)
		acqTo, collTo, paidTo := kinds(to.ID)
		if acqFrom < 25 || collFrom < 25 || !paidFrom[before[0].ID] || paidFrom[after.ID] {
			t.Fatalf("the agent who handed over: %d acquisition, %d collection lines", acqFrom, collFrom)
		}
		if acqTo != 0 || collTo != 1 || !paidTo[after.ID] {
			t.Fatalf("the receiving agent: %d acquisition, %d collection lines", acqTo, collTo)
		}
	})
}

// An inactive agent earns no collection share while it is inactive (issue 19): a contribution
// the branch takes for its participant meanwhile goes on no statement, now or later.
func TestIncentiveInactiveAgent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ag := f.mungguAgents[0]
		w, err := db.Register(ctx, agentPrincipal(ag), act, rs, worker("5103021203851301", ag.Villages[0]), f.today)
		if err != nil {
			t.Fatal(err)
		}
		active, err := db.Pay(ctx, agentPrincipal(ag), act, rs, store.PayRequest{ParticipantID: w.ID, Months: 1}, f.today)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetAgentStatus(ctx, act, rs, store.Ref{ID: ag.ID}, network.AgentInactive, "cuti panjang", f.today); err != nil {
			t.Fatal(err)
		}
		idle, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: w.ID, Months: 1}, f.today)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []calendar.Month{f.today.MonthOf(), f.today.MonthOf().Add(1)} {
			if _, err := db.RunIncentives(store.AsOf(ctx, m.Add(1).Begins()), audit.Actor{Name: "job"}, rs, m); err != nil {
				t.Fatal(err)
			}
		}
		sts, _, err := db.IncentiveStatements(ctx, store.IncentiveFilter{AgentID: ag.ID})
		if err != nil || len(sts) != 1 {
			t.Fatalf("statements: %+v %v", sts, err)
		}
		paid := map[int64]bool{}
		for _, l := range sts[0].Lines {
			paid[l.PaymentID] = true
		}
		if !paid[active.ID] || paid[idle.ID] {
			t.Fatalf("while active %v, while inactive %v", paid[active.ID], paid[idle.ID])
		}
	})
}
