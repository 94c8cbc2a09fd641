package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/demo"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

var rs = rules.Default()

// fixture is the small demo network: Bumdes Munggu (KC Bali Denpasar) and Bumdes Batubulan
// (KC Gianyar), each a wadah with five agents and an agreement in force.
type fixture struct {
	db                *store.DB
	today             calendar.Date
	munggu, batubulan network.Wadah
	mungguAgents      []network.Agent
	batubulanAgents   []network.Agent
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Load(ctx, db, demo.Small); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, today: calendar.Today()}
	ws, err := db.WadahList(ctx, store.WadahFilter{PerisaiOnly: true})
	if err != nil || len(ws) != 2 {
		t.Fatalf("wadah: %v %v", ws, err)
	}
	f.munggu, f.batubulan = ws[0], ws[1]
	f.mungguAgents, _ = db.Agents(ctx, store.AgentFilter{WadahID: f.munggu.ID})
	f.batubulanAgents, _ = db.Agents(ctx, store.AgentFilter{WadahID: f.batubulan.ID})
	return f
}

func agentPrincipal(a network.Agent) access.Principal {
	return access.Principal{UserID: 0, Username: "agent", Role: access.Agent, AgentID: a.ID, WadahID: a.WadahID}
}

func worker(nikStr, village string) participant.Registration {
	return participant.Registration{NIK: nikStr, Name: "I Wayan Sudarma", BirthDate: calendar.D(1985, 3, 12), Sex: "L",
		Village: village, Occupation: "petani", DeclaredIncome: 1_000_000, Consent: true}
}

func TestRegistrationRules(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ag := f.mungguAgents[0]
		p := agentPrincipal(ag)
		act := audit.Actor{Name: "agent"}

		got, err := db.Register(ctx, p, act, rs, worker("5103021203850901", ag.Villages[0]), f.today)
		if err != nil {
			t.Fatal(err)
		}
		if !participant.ValidKPJ(got.KPJ) || got.Status != participant.WaitingFirstPayment || got.NIKMasked != "5103********0901" ||
			got.AgentID != ag.ID || got.WadahID != f.munggu.ID || got.BranchID != f.munggu.BranchID || !got.Programs.JKK || !got.Programs.JKM {
			t.Fatalf("%+v", got)
		}

		// NIK, birth date and sex must agree (DOMAIN §5).
		bad := worker("5103021203850902", ag.Villages[0])
		bad.Sex = "P"
		if _, err := db.Register(ctx, p, act, rs, bad, f.today); !errors.Is(err, errs.ErrInvalid) || !strings.Contains(err.Error(), "does not match the stated sex") {
			t.Fatalf("sex mismatch: %v", err)
		}

		// The same NIK again: refused with the existing number.
		_, err = db.Register(ctx, p, act, rs, worker("5103021203850901", ag.Villages[0]), f.today)
		var dup *participant.DuplicateError
		if !errors.As(err, &dup) || dup.KPJ != got.KPJ || dup.Name != "I Wayan Sudarma" || !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("duplicate by the same agent: %v", err)
		}
		// An agent of another wadah learns only that the NIK is registered, and which branch to
		// ask: not the number, not the name (security issue 16 §8).
		other := f.batubulanAgents[0]
		_, err = db.Register(ctx, agentPrincipal(other), act, rs, worker("5103021203850901", other.Villages[0]), f.today)
		if !errors.As(err, &dup) || dup.KPJ != "" || dup.Name != "" || dup.Branch == "" ||
			strings.Contains(err.Error(), got.KPJ) || strings.Contains(err.Error(), "Sudarma") {
			t.Fatalf("duplicate seen from another wadah: %v", err)
		}

		// A village outside the agent's villages.
		outside := worker("5103021203850903", "51.03.01.1001")
		if _, err := db.Register(ctx, p, act, rs, outside, f.today); !errors.Is(err, errs.ErrForbidden) || !strings.Contains(err.Error(), "outside the villages") {
			t.Fatalf("outside villages: %v", err)
		}

		// A wadah whose agreement was terminated cannot register.
		ags, _ := db.Agreements(ctx, store.AgreementFilter{WadahID: f.munggu.ID})
		if err := db.TerminateAgreement(ctx, act, store.Ref{ID: ags[0].ID}, "audit finding"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Register(ctx, p, act, rs, worker("5103021203850904", ag.Villages[0]), f.today); !errors.Is(err, errs.ErrForbidden) ||
			!strings.Contains(err.Error(), "no agreement in force") {
			t.Fatalf("without agreement: %v", err)
		}

		// Deactivating keeps a reason (issue 17); an inactive agent cannot register.
		if err := db.SetAgentStatus(ctx, act, rs, store.Ref{ID: other.ID}, network.AgentInactive, "", f.today); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("deactivated without a reason: %v", err)
		}
		if err := db.SetAgentStatus(ctx, act, rs, store.Ref{ID: other.ID}, network.AgentInactive, "cuti panjang", f.today); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Register(ctx, agentPrincipal(other), act, rs, worker("5104011203850905", other.Villages[0]), f.today); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("inactive agent: %v", err)
		}

		// A government viewer never registers; a branch officer only in its regencies.
		if _, err := db.Register(ctx, access.Principal{Role: access.Government, Region: "51"}, act, rs, worker("5103021203850906", ag.Villages[0]), f.today); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("government: %v", err)
		}
		gianyar, _ := db.BranchByCode(ctx, "KC-GIA")
		officer := access.Principal{Role: access.BranchOfficer, BranchID: gianyar.ID, Regencies: gianyar.Regencies}
		if _, err := db.Register(ctx, officer, act, rs, worker("5103021203850907", "51.03.02.2003"), f.today); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("officer outside branch: %v", err)
		}
		if _, err := db.Register(ctx, officer, act, rs, worker("5104011203850908", "51.04.01.2003"), f.today); err != nil {
			t.Fatalf("officer inside branch: %v", err)
		}
	})
}

// Two agents registering the same NIK at the same moment: exactly one participant results.
func TestConcurrentDuplicateGate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		var wg sync.WaitGroup
		errsCh := make(chan error, 8)
		for i := range 8 {
			ag := f.mungguAgents[i%5]
			wg.Go(func() {
				_, err := db.Register(ctx, agentPrincipal(ag), audit.Actor{Name: "a"}, rs, worker("5103021203850999", ag.Villages[0]), f.today)
				errsCh <- err
			})
		}
		wg.Wait()
		close(errsCh)
		ok := 0
		for err := range errsCh {
			if err == nil {
				ok++
			} else if !errors.Is(err, errs.ErrConflict) {
				t.Errorf("unexpected: %v", err)
			}
		}
		found, _ := db.Participants(ctx, audit.Actor{}, store.ParticipantFilter{Query: "5103021203850999"})
		if ok != 1 || len(found) != 1 {
			t.Fatalf("%d registrations succeeded, %d participants hold the NIK", ok, len(found))
		}
	})
}

func TestRegisterManyReportsEachRow(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ag := f.mungguAgents[0]
		v := ag.Villages[0]
		regs := []participant.Registration{
			worker("5103021203850801", v),
			worker("5103021203850802", v),
			{NIK: "123", Name: "X", Village: v},         // refused: many reasons
			worker("5103021203850801", v),               // same NIK as row 1
			worker("5103021203850803", "51.03.01.1001"), // outside the agent's villages
		}
		res, err := db.RegisterMany(ctx, agentPrincipal(ag), audit.Actor{Name: "a"}, rs, regs, f.today, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.Outcome{store.Imported, store.Imported, store.Refused, store.Refused, store.Refused}
		for i, r := range res {
			if r.Outcome != want[i] {
				t.Errorf("row %d: %s (%v)", i+1, r.Outcome, r.Err)
			}
		}
		if !strings.Contains(res[3].Err.Error(), "row 1") {
			t.Errorf("in-batch duplicate: %v", res[3].Err)
		}
		// The same batch again: nothing new; the good rows are already registered.
		res, err = db.RegisterMany(ctx, agentPrincipal(ag), audit.Actor{Name: "a"}, rs, regs[:2], f.today, 0)
		if err != nil || res[0].Outcome != store.AlreadyRegistered || res[1].Outcome != store.AlreadyRegistered {
			t.Fatalf("re-run: %+v %v", res, err)
		}
	})
}

func TestReviewAndEdits(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ag := f.mungguAgents[0]
		act := audit.Actor{Name: "kc.denpasar", UserID: 0}
		p, err := db.Register(ctx, agentPrincipal(ag), act, rs, worker("5103021203850701", ag.Villages[0]), f.today)
		if err != nil {
			t.Fatal(err)
		}
		queue, _ := db.Participants(ctx, audit.Actor{}, store.ParticipantFilter{BranchID: f.munggu.BranchID, Review: participant.Pending, Limit: 500})
		if len(queue) == 0 {
			t.Fatal("empty review queue")
		}
		if err := db.SetReview(ctx, act, store.Ref{ID: p.ID}, participant.Flagged, ""); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("flag without reason: %v", err)
		}
		if err := db.SetReview(ctx, act, store.Ref{ID: p.ID}, participant.Flagged, "KTP photo unreadable"); err != nil {
			t.Fatal(err)
		}
		income := int64(2_000_000)
		phone := "0813 1111 2222"
		jht := true
		if _, err := db.EditParticipant(ctx, act, rs, store.Ref{ID: p.ID}, store.Edit{DeclaredIncome: &income, Phone: &phone, JHT: &jht, Reason: "worker asked"}, f.today); err != nil {
			t.Fatal(err)
		}
		bad := int64(1_234)
		if _, err := db.EditParticipant(ctx, act, rs, store.Ref{ID: p.ID}, store.Edit{DeclaredIncome: &bad}, f.today); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("bad income: %v", err)
		}
		hist, err := db.ParticipantHistory(ctx, store.Ref{ID: p.ID})
		if err != nil || len(hist) != 4 {
			t.Fatalf("history: %+v %v", hist, err)
		}
		if hist[0].Field != "review" || hist[0].After != "flagged" || hist[1].Field != "phone" || hist[1].After != "081311112222" ||
			hist[2].Field != "declared_income" || hist[2].Before != "1000000" || hist[2].After != "2000000" || hist[3].Reason != "worker asked" {
			t.Fatalf("history: %+v", hist)
		}
		// Rejecting frees the NIK for a correct registration.
		if err := db.SetReview(ctx, act, store.Ref{ID: p.ID}, participant.Rejected, "wrong person"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Register(ctx, agentPrincipal(ag), act, rs, worker("5103021203850701", ag.Villages[0]), f.today); err != nil {
			t.Fatalf("after rejection: %v", err)
		}
	})
}

func TestAgreementRules(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		act := audit.Actor{Name: "kc"}
		// Bumdes Buduk is not a wadah: no agreement.
		all, _ := db.WadahList(ctx, store.WadahFilter{})
		var buduk network.Wadah
		for _, w := range all {
			if !w.IsPerisai {
				buduk = w
			}
		}
		start := f.today.MonthOf().First()
		if err := db.CreateAgreement(ctx, act, rs, &network.Agreement{WadahID: buduk.ID, Number: "PKS/X", Starts: start, Ends: start.AddMonths(12).AddDays(-1)}); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("agreement with a non-wadah: %v", err)
		}
		// A second agreement over the same dates cannot be activated; nor one longer than a year.
		if err := db.CreateAgreement(ctx, act, rs, &network.Agreement{WadahID: f.munggu.ID, Number: "PKS/LONG", Starts: start, Ends: start.AddMonths(13)}); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("13 months: %v", err)
		}
		second := network.Agreement{WadahID: f.munggu.ID, Number: "PKS/2", Starts: start, Ends: start.AddMonths(12).AddDays(-1)}
		if err := db.CreateAgreement(ctx, act, rs, &second); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ActivateAgreement(ctx, act, rs, store.Ref{ID: second.ID}, f.today); !errors.Is(err, errs.ErrConflict) || !strings.Contains(err.Error(), "another agreement") {
			t.Fatalf("overlap: %v", err)
		}
		// With only four active agents the wadah cannot sign (min 5, rule in data).
		if err := db.SetAgentStatus(ctx, act, rs, store.Ref{ID: f.mungguAgents[4].ID}, network.AgentTerminated, "fraud", f.today); err != nil {
			t.Fatal(err)
		}
		ags, _ := db.Agreements(ctx, store.AgreementFilter{WadahID: f.munggu.ID})
		var current network.Agreement
		for _, a := range ags {
			if a.Status == network.InForce {
				current = a
			}
		}
		if _, err := db.RenewAgreement(ctx, act, rs, store.Ref{ID: current.ID}, "PKS/RENEW"); !errors.Is(err, errs.ErrConflict) || !strings.Contains(err.Error(), "at least 5") {
			t.Fatalf("renewal with 4 agents: %v", err)
		}
		// The expiry job ends agreements past their end.
		n, err := db.ExpireAgreements(ctx, act, current.Ends.AddDays(1))
		if err != nil || n != 2 {
			t.Fatalf("expired %d, %v", n, err)
		}
		// Renewal of Batubulan's agreement starts the day after it ends.
		bags, _ := db.Agreements(ctx, store.AgreementFilter{WadahID: f.batubulan.ID})
		renewed, err := db.RenewAgreement(ctx, act, rs, store.Ref{ID: bags[0].ID}, "PKS/BTB/2")
		if err != nil || renewed.Starts != bags[0].Ends.AddDays(1) || renewed.Status != network.InForce {
			t.Fatalf("renewal: %+v %v", renewed, err)
		}
	})
}

func TestInactivityJobAndHandover(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		act := audit.Actor{Name: "job"}
		// Four months on, every agent without a transaction since is inactive; Munggu's first
		// agent, who registers a worker in the meantime, is not.
		later := f.today.AddMonths(4)
		ag := f.mungguAgents[0]
		if _, err := db.Register(ctx, agentPrincipal(ag), act, rs, worker("5103021203850601", ag.Villages[0]), f.today); err != nil {
			t.Fatal(err)
		}
		if err := touch(db, ag.ID, later.AddMonths(-1).Time()); err != nil {
			t.Fatal(err)
		}
		ids, err := db.DeactivateIdleAgents(ctx, act, rs, later)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 9 {
			t.Fatalf("deactivated %d agents, want the 9 idle ones", len(ids))
		}
		again, _ := db.DeactivateIdleAgents(ctx, act, rs, later)
		if len(again) != 0 {
			t.Fatalf("second run deactivated %d", len(again))
		}
		idle := f.mungguAgents[1]
		got, _ := db.Agent(ctx, store.Ref{ID: idle.ID})
		if got.Status != network.AgentInactive || !strings.Contains(got.StatusReason, "no transaction") {
			t.Fatalf("%+v", got)
		}
		// Back no earlier than 6 months after deactivation.
		if err := db.SetAgentStatus(ctx, act, rs, store.Ref{ID: idle.ID}, network.AgentActive, "", calendar.Today().AddMonths(5)); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("early return: %v", err)
		}
		if err := db.SetAgentStatus(ctx, act, rs, store.Ref{ID: idle.ID}, network.AgentActive, "", calendar.Today().AddMonths(6).AddDays(1)); err != nil {
			t.Fatalf("return after 6 months: %v", err)
		}

		// Handover: Munggu's first agent's participants move to the second, in one action.
		mine, _ := db.Participants(ctx, audit.Actor{}, store.ParticipantFilter{AgentID: ag.ID, Limit: 500})
		moved, err := db.HandOver(ctx, act, store.Ref{ID: ag.ID}, idle.ID)
		if err != nil || moved != len(mine) || moved == 0 {
			t.Fatalf("moved %d of %d: %v", moved, len(mine), err)
		}
		left, _ := db.Participants(ctx, audit.Actor{}, store.ParticipantFilter{AgentID: ag.ID, Limit: 500})
		if len(left) != 0 {
			t.Fatalf("%d left with the old agent", len(left))
		}
		if _, err := db.HandOver(ctx, act, store.Ref{ID: idle.ID}, f.batubulanAgents[0].ID); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("handover across wadah: %v", err)
		}
		log, _ := db.ListAudit(ctx, store.AuditFilter{Entity: "agent", EntityID: idString(ag.ID)})
		if len(log) == 0 || log[0].Action != "handover" {
			t.Fatalf("handover not audited: %+v", log)
		}
		// Handing them back while the receiving agent is being deactivated waits for it, and is
		// refused.
		errSet, errHand := whileHeld(t, db, func() error {
			return db.SetAgentStatus(ctx, act, rs, store.Ref{ID: ag.ID}, network.AgentInactive, "leave", calendar.Today())
		}, func() error {
			_, err := db.HandOver(ctx, act, store.Ref{ID: idle.ID}, ag.ID)
			return err
		})
		if errSet != nil || !errors.Is(errHand, errs.ErrInvalid) {
			t.Fatalf("handover to an agent deactivated meanwhile: %v, %v", errSet, errHand)
		}
	})
}

// touch sets an agent's last transaction, standing in for time passing.
func touch(db *store.DB, agentID int64, at time.Time) error {
	return db.Transact(context.Background(), func(tx *store.Tx) error {
		_, err := tx.ExecContext(context.Background(), `UPDATE agents SET last_activity_at = $1 WHERE id = $2`, at.UTC(), agentID)
		return err
	})
}
