package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

func render(p store.Payment, err error) (int, string, []byte) {
	if err != nil {
		code := 500
		switch {
		case errors.Is(err, errs.ErrInvalid):
			code = 400
		case errors.Is(err, errs.ErrConflict):
			code = 409
		case errors.Is(err, errs.ErrForbidden):
			code = 403
		}
		return code, "text/plain", []byte(err.Error())
	}
	b, _ := json.Marshal(p)
	return 201, "application/json", b
}

// fastAndClean fails the test if a batch had to run again the careful way (the fast way must
// work: the fallback would hide it being broken), or if the ledger has a problem.
func fastAndClean(t *testing.T, db *store.DB, payer *store.Payer) {
	t.Helper()
	if st := payer.Stats(); st.Careful != 0 {
		t.Fatalf("%d of %d batches ran again the careful way", st.Careful, st.Batches)
	}
	verifyClean(t, db)
}

// Through the group-commit writer: many payments for one person at once take consecutive
// months; a key sent twice gets one payment; a refusal is answered and stored; the ledger holds.
func TestGroupCommitPayer(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		newFixture(t, db)
		p := counter(t, db)
		p.UserID = 4242
		w := newWorker(t, db, "5103021203850531")
		payer := db.NewPayer(ctx, rs, 4, 256)
		nov20 := calendar.D(2026, 11, 20)
		item := func(key string, months int) store.PayItem {
			return store.PayItem{P: p, Act: act, Req: store.PayRequest{ParticipantID: w.ID, Months: months}, Today: nov20,
				Key: key, Hash: fmt.Sprintf("h-%s-%d", key, months), Render: render}
		}
		var wg sync.WaitGroup
		results := make([]store.PayResult, 10)
		for i := range 8 {
			wg.Go(func() { results[i] = payer.Pay(ctx, item(fmt.Sprintf("k%d", i), 1)) })
		}
		wg.Go(func() { results[8] = payer.Pay(ctx, item("k0", 1)) })  // the same key again
		wg.Go(func() { results[9] = payer.Pay(ctx, item("bad", 2)) }) // 2 months is not an option
		wg.Wait()
		created := 0
		for i, r := range results[:8] {
			if r.Err != nil {
				t.Fatalf("%d: %v", i, r.Err)
			}
			if r.Status == 201 {
				created++
			}
		}
		if results[8].Err != nil || results[8].Status != 201 || string(results[8].Body) != string(results[0].Body) {
			t.Fatalf("same key: %+v", results[8])
		}
		if results[9].Status != 400 {
			t.Fatalf("refusal: %+v", results[9])
		}
		// The refusal is stored: sending it again gives the same answer.
		again := payer.Pay(ctx, item("bad", 2))
		if again.Status != 400 || !again.Replayed {
			t.Fatalf("stored refusal: %+v", again)
		}
		// The writer authorizes on the row it locks: another branch's officer is refused, and
		// nothing is paid.
		gianyar, _ := db.BranchByCode(ctx, "KC-GIA")
		other := store.PayItem{P: access.Principal{UserID: 4343, Role: access.BranchOfficer, BranchID: gianyar.ID, Regencies: gianyar.Regencies},
			Act: act, Req: store.PayRequest{ParticipantID: w.ID, Months: 1}, Today: nov20, Key: "other", Hash: "other", Render: render}
		if r := payer.Pay(ctx, other); r.Err != nil || r.Status != 403 {
			t.Fatalf("another branch: %+v", r)
		}
		// A key whose request (the same payment, taken the one-request way) committed without its
		// answer being kept is refused, not paid again.
		if _, err := db.ClaimIdempotencyKey(ctx, store.OwnerOf(p), "lost", "h-lost-1"); err != nil {
			t.Fatal(err)
		}
		if err := db.Transact(store.WithIdempotencyKey(ctx, store.OwnerOf(p), "lost"), func(*store.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if r := payer.Pay(ctx, item("lost", 1)); r.Err != nil || r.Status != 409 || !strings.Contains(string(r.Body), "answer was not kept") {
			t.Fatalf("a key carried out without its answer: %+v %s", r, r.Body)
		}
		paid, _ := db.PaidMonths(ctx, store.Ref{ID: w.ID})
		if created != 8 || len(paid) != 8 {
			t.Fatalf("%d created, %d months: %v", created, len(paid), paid)
		}
		for i := 1; i < len(paid); i++ {
			if paid[i] != paid[i-1]+1 {
				t.Fatalf("months %v", paid)
			}
		}
		fastAndClean(t, db, payer)
	})
}

// Credit made and used inside one group commit: whatever the order, two amounts for one
// person pay November and December (Rp 8,400 each under PP 50/2025) and leave Rp 8,400 credit.
func TestGroupCommitCredit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		newFixture(t, db)
		p := counter(t, db)
		p.UserID = 4343
		w := newWorker(t, db, "5103021203850532")
		payer := db.NewPayer(ctx, rs, 4, 256)
		nov20 := calendar.D(2026, 11, 20)
		var wg sync.WaitGroup
		for i, amount := range []int64{20_000, 5_200} {
			wg.Go(func() {
				r := payer.Pay(ctx, store.PayItem{P: p, Act: act, Req: store.PayRequest{ParticipantID: w.ID, Amount: amount}, Today: nov20,
					Key: fmt.Sprintf("c%d", i), Hash: fmt.Sprintf("c%d", i), Render: render})
				if r.Err != nil || r.Status != 201 {
					t.Errorf("%d: %+v", amount, r)
				}
			})
		}
		wg.Wait()
		cov, err := db.Coverage(ctx, rs, store.Ref{ID: w.ID}, nov20)
		if err != nil || len(cov.Paid) != 2 || cov.Credit != 8_400 || cov.CoveredUntil != calendar.D(2026, 12, 31) {
			t.Fatalf("%+v %v", cov, err)
		}
		fastAndClean(t, db, payer)
	})
}

// An agent's payments through the group-commit writer get every check a payment on its own
// gets, from what the batch reads for all of its agents at once: the cash limits (payments of
// one batch count together), the age of undeposited cash, the agent's status and the wadah's
// agreement; and the agent's activity is recorded.
func TestGroupCommitAgentChecks(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		f := newFixture(t, db)
		ag := f.mungguAgents[1]
		p, mine := agentRegisters(t, db, ag, 4444, 700)
		tight := withCashLimits(40_000, 3)
		payer := db.NewPayer(ctx, tight, 4, 256)
		today := calendar.Today() // receipts are stamped with the clock; their age counts from it
		n := 0
		pay := func(who participant.Participant, amount int64, day calendar.Date) store.PayResult {
			n++
			return payer.Pay(ctx, store.PayItem{P: p, Act: act, Req: store.PayRequest{ParticipantID: who.ID, Amount: amount}, Today: day,
				Key: fmt.Sprintf("a%d", n), Hash: fmt.Sprintf("a%d", n), Render: render})
		}
		// Two payments of Rp 25,000 at once: together they would pass Rp 40,000 on hand, so
		// exactly one is taken, whether they share a batch or not.
		results := make([]store.PayResult, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() { results[i] = pay(mine[i], 25_000, today) })
		}
		wg.Wait()
		if s := []int{results[0].Status, results[1].Status}; !(s[0] == 201 && s[1] == 409 || s[0] == 409 && s[1] == 201) {
			t.Fatalf("two payments over the limit together: %+v", results)
		}
		if cash, _ := db.Balance(ctx, ledger.AgentCash(ag.ID)); cash != 25_000 {
			t.Fatalf("cash on hand %d", cash)
		}
		got, err := db.Agent(ctx, store.Ref{ID: ag.ID})
		if err != nil || got.LastActivityAt == nil {
			t.Fatalf("the agent's activity was not recorded: %+v %v", got, err)
		}
		if r := pay(mine[2], 10_000, today); r.Status != 201 {
			t.Fatalf("within the limit: %+v", r)
		}
		// Four days later the receipts are too old to keep collecting.
		if r := pay(mine[3], 5_000, today.AddDays(4)); r.Status != 409 || !strings.Contains(string(r.Body), "undeposited") {
			t.Fatalf("old cash: %d %s", r.Status, r.Body)
		}
		// An inactive agent takes nothing.
		if err := db.SetAgentStatus(ctx, act, rs, store.Ref{ID: ag.ID}, network.AgentInactive, "leave", today); err != nil {
			t.Fatal(err)
		}
		if r := pay(mine[3], 5_000, today); r.Status != 403 {
			t.Fatalf("inactive agent: %d %s", r.Status, r.Body)
		}
		// Another agent of the wadah, once the wadah's agreement has ended, neither.
		other := f.mungguAgents[2]
		op := agentPrincipal(other)
		op.UserID = 4545
		w, err := db.Register(ctx, op, act, rs, worker("5103021203850710", other.Villages[0]), calendar.D(2026, 8, 1))
		if err != nil {
			t.Fatal(err)
		}
		ags, err := db.Agreements(ctx, store.AgreementFilter{WadahID: f.munggu.ID})
		if err != nil || len(ags) == 0 {
			t.Fatalf("agreements: %v %v", ags, err)
		}
		for _, a := range ags {
			if err := db.TerminateAgreement(ctx, act, store.Ref{ID: a.ID}, "ended"); err != nil {
				t.Fatal(err)
			}
		}
		r := payer.Pay(ctx, store.PayItem{P: op, Act: act, Req: store.PayRequest{ParticipantID: w.ID, Months: 1}, Today: today,
			Key: "no-agreement", Hash: "no-agreement", Render: render})
		if r.Status != 403 || !strings.Contains(string(r.Body), "agreement") {
			t.Fatalf("no agreement: %d %s", r.Status, r.Body)
		}
		fastAndClean(t, db, payer)
	})
}

// Payments by one agent in transactions that overlap take turns on the agent: while one that
// takes Rp 25,000 is not yet committed, another of Rp 25,000 (the limit on hand is Rp 40,000)
// waits for it and is then refused, whether it is taken alone or in a batch of the group
// commit (on PostgreSQL its writers run side by side; it had let both through).
func TestAgentCashLimitAcrossTransactions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		f := newFixture(t, db)
		ag := f.mungguAgents[1]
		p, mine := agentRegisters(t, db, ag, 4646, 720)
		tight := withCashLimits(40_000, 30)
		payer := db.NewPayer(ctx, tight, 0, 256)
		today := calendar.Today()
		ways := []struct {
			name string
			pay  func(who participant.Participant) (int, string)
		}{
			{"alone", func(who participant.Participant) (int, string) {
				_, err := db.Pay(ctx, p, act, tight, store.PayRequest{ParticipantID: who.ID, Amount: 25_000}, today)
				s, _, b := render(store.Payment{}, err)
				if err == nil {
					s = 201
				}
				return s, string(b)
			}},
			{"in a batch", func(who participant.Participant) (int, string) {
				r := payer.Pay(ctx, store.PayItem{P: p, Act: act, Req: store.PayRequest{ParticipantID: who.ID, Amount: 25_000}, Today: today,
					Key: "held-" + who.KPJ, Hash: "h", Render: render})
				return r.Status, string(r.Body)
			}},
		}
		for i, way := range ways {
			type answer struct {
				status int
				body   string
			}
			err, got := whileHeld(t, db, func() error {
				_, err := db.Pay(ctx, p, act, tight, store.PayRequest{ParticipantID: mine[2*i].ID, Amount: 25_000}, today)
				return err
			}, func() answer {
				s, b := way.pay(mine[2*i+1])
				return answer{s, b}
			})
			if err != nil {
				t.Fatalf("%s: the first payment: %v", way.name, err)
			}
			if got.status != 409 || !strings.Contains(got.body, "cash") {
				t.Fatalf("%s: the second payment, over the limit with the first: %d %s", way.name, got.status, got.body)
			}
			if cash, _ := db.Balance(ctx, ledger.AgentCash(ag.ID)); cash != 25_000*int64(i+1) {
				t.Fatalf("%s: cash on hand %d", way.name, cash)
			}
			// Make room for the next round: the branch raises the limit by what was taken.
			tight.CashLimits[0].Value.MaxCashOnHand += 25_000
		}
		verifyClean(t, db)
	})
}

// agentRegisters gives the agent a user (userID) and four workers it registers (NIK serials
// from serial).
func agentRegisters(t *testing.T, db *store.DB, ag network.Agent, userID int64, serial int) (access.Principal, []participant.Participant) {
	t.Helper()
	p := agentPrincipal(ag)
	p.UserID = userID
	var mine []participant.Participant
	for i := range 4 {
		w, err := db.Register(context.Background(), p, act, rs, worker(fmt.Sprintf("510302120385%04d", serial+i), ag.Villages[0]), calendar.D(2026, 8, 1))
		if err != nil {
			t.Fatal(err)
		}
		mine = append(mine, w)
	}
	return p, mine
}

// whileHeld runs first until it is about to commit and holds it there (HoldNextCommit), runs
// second meanwhile and gives it a second to finish (it would, unless what first locked holds
// it back), then lets first commit. It returns first's error and second's result.
func whileHeld[T any](t *testing.T, db *store.DB, first func() error, second func() T) (error, T) {
	t.Helper()
	held, release := make(chan struct{}, 5), make(chan struct{})
	db.HoldNextCommit(held, release)
	firstDone, secondDone := make(chan error, 1), make(chan T, 1)
	go func() { firstDone <- first() }()
	select {
	case <-held:
	case err := <-firstDone:
		db.HoldNextCommit(nil, nil) // no later transaction is to wait
		var zero T
		return fmt.Errorf("did not reach its commit: %w", err), zero
	}
	go func() { secondDone <- second() }()
	var got T
	done := false
	select {
	case got = <-secondDone:
		done = true
	case <-time.After(time.Second):
	}
	close(release)
	err := <-firstDone
	if !done {
		got = <-secondDone
	}
	return err, got
}
