package store_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/benefit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/claim"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/filestore"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// claimFixture is a dead participant with a spouse and a sibling on record, paid up for the
// month of the death and the two after it, and two officers of KC Bali Denpasar.
type claimFixture struct {
	db                *store.DB
	agent             access.Principal
	officer, officer2 access.Principal
	who               participant.Participant
	death             calendar.Date
}

func newClaimFixture(t *testing.T, db *store.DB) claimFixture {
	t.Helper()
	ctx := context.Background()
	f := newFixture(t, db)
	db.UseFiles(filestore.Dir{Path: filepath.Join(t.TempDir(), "docs")})
	ag := f.mungguAgents[0]
	reg := worker("5103021203850961", ag.Villages[0])
	reg.Heirs = []participant.Heir{{Name: "Ni Made Istri", Relationship: participant.Spouse, BirthDate: calendar.D(1987, 1, 1), NIK: "5103024101870001"},
		{Name: "I Nyoman Adik", Relationship: participant.Sibling, BirthDate: calendar.D(1990, 1, 1), NIK: "5103020101900002"}}
	who, err := db.Register(ctx, agentPrincipal(ag), act, rs, reg, f.today)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: who.ID, Months: 3}, f.today); err != nil {
		t.Fatal(err)
	}
	if who, err = db.Participant(ctx, audit.Actor{}, store.Ref{ID: who.ID}); err != nil {
		t.Fatal(err)
	}
	off := counter(t, db)
	off.UserID = 101
	off2 := off
	off2.UserID, off2.Username = 102, "kc.denpasar.2"
	return claimFixture{db: db, agent: agentPrincipal(ag), officer: off, officer2: off2, who: who, death: f.today}
}

func (f claimFixture) jkm(t *testing.T, heir int64, override string) (claim.Claim, error) {
	t.Helper()
	c := claim.Claim{ParticipantID: f.who.ID, Program: benefit.JKM, Reason: benefit.Death, EventDate: f.death,
		Claimant: claim.Claimant{Name: "Ni Made Istri", HeirID: heir, BankName: "BPD Bali", BankAccount: "0123456789", Override: override}}
	p := f.agent
	if override != "" {
		p = f.officer
	}
	err := f.db.CreateClaim(context.Background(), p, audit.Actor{Name: p.Username}, store.Ref{ID: c.ParticipantID}, &c, f.death)
	return c, err
}

// attachAll attaches every required document of the claim's checklist (a small PNG each).
func (f claimFixture) attachAll(t *testing.T, c claim.Claim) {
	t.Helper()
	cr, _ := rs.ClaimRulesAt(c.EventDate)
	var img bytes.Buffer
	png.Encode(&img, image.NewGray(image.Rect(0, 0, 4, 4)))
	for _, d := range cr.Checklist(string(c.Program), string(c.Reason)) {
		if !d.Required {
			continue
		}
		doc := claim.Document{Kind: d.Kind, Filename: d.Kind + ".png", ContentType: "image/png"}
		if err := f.db.AttachDocument(context.Background(), audit.Actor{Name: "agent"}, rs, c, &doc, img.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
}

func (f claimFixture) move(t *testing.T, p access.Principal, id int64, a claim.Action, note string) (claim.Claim, error) {
	t.Helper()
	return f.db.MoveClaim(context.Background(), p, audit.Actor{Name: p.Username}, rs, store.Ref{ID: id}, a, note, f.death)
}

// Issue 18: a JKM claim goes to the right heir for Rp 42,000,000, through every step, with
// its timeline; the months paid after the death are refunded; the payout is posted and the
// payout file lists it once.
func TestJKMClaimToTheRightHeir(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newClaimFixture(t, db)
		spouse, sibling := f.who.Heirs[0].ID, f.who.Heirs[1].ID

		// A sibling while the spouse is on record: refused; an officer may override, with a reason.
		if _, err := f.jkm(t, sibling, ""); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("a lower heir: %v", err)
		}
		over, err := f.jkm(t, sibling, "the spouse renounced before the village head")
		if err != nil {
			t.Fatalf("override: %v", err)
		}
		got, _ := db.Claim(ctx, audit.Actor{}, store.Ref{ID: over.ID})
		if len(got.Timeline) != 1 || !strings.Contains(got.Timeline[0].Note, "renounced") {
			t.Fatalf("the override is not on the timeline: %+v", got.Timeline)
		}

		c, err := f.jkm(t, spouse, "")
		if err != nil {
			t.Fatal(err)
		}
		// Not complete: refused, naming what is missing.
		if _, err := f.move(t, f.agent, c.ID, claim.Submit, ""); !errors.Is(err, errs.ErrInvalid) || !strings.Contains(err.Error(), "Akta kematian") {
			t.Fatalf("incomplete file: %v", err)
		}
		// An upload over the limit is refused.
		big := claim.Document{Kind: "death_certificate", Filename: "x.pdf", ContentType: "application/pdf"}
		if err := db.AttachDocument(ctx, audit.Actor{Name: "agent"}, rs, c, &big, make([]byte, 9<<20)); !errors.Is(err, errs.ErrTooLarge) {
			t.Fatalf("a 9 MiB upload: %v", err)
		}
		f.attachAll(t, c)
		if c, err = f.move(t, f.agent, c.ID, claim.Submit, ""); err != nil || c.State != claim.Submitted || c.Due.IsZero() {
			t.Fatalf("submit: %v %+v", err, c)
		}
		// An agent does not decide; an officer takes it and sends it back; the agent resubmits.
		if _, err := f.move(t, f.agent, c.ID, claim.Take, ""); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("an agent takes: %v", err)
		}
		if _, err := f.move(t, f.officer, c.ID, claim.Take, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.move(t, f.officer2, c.ID, claim.SendBack, "x"); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("another officer moves a held claim: %v", err)
		}
		if c, err = f.move(t, f.officer, c.ID, claim.SendBack, "the heir statement is not signed"); err != nil || c.State != claim.NeedsChanges {
			t.Fatalf("send back: %v", err)
		}
		if _, err := f.move(t, f.agent, c.ID, claim.Submit, ""); err != nil {
			t.Fatalf("resubmit: %v", err)
		}
		if _, err := f.move(t, f.officer, c.ID, claim.Take, ""); err != nil {
			t.Fatal(err)
		}
		if c, err = f.move(t, f.officer, c.ID, claim.Approve, ""); err != nil {
			t.Fatalf("approve: %v", err)
		}
		if c.State != claim.Approved || c.Amount != 42_000_000 || c.Result == nil || c.Result.Refund.Months != 2 {
			t.Fatalf("approved: %+v %+v", c, c.Result)
		}
		if b, _ := db.Balance(ctx, ledger.ClaimsPayable(c.ID)); b != -42_000_000 {
			t.Fatalf("payable %d", b)
		}
		// The two months paid after the death go back, from the funds that took them.
		var after int64
		pays, _ := db.PaymentsOf(ctx, store.Ref{ID: f.who.ID})
		for _, m := range pays[0].Months[1:] {
			after += m.Due
		}
		if c.Refund != after || c.Refund == 0 {
			t.Fatalf("refund %d, want %d", c.Refund, after)
		}
		if b, _ := db.Balance(ctx, ledger.RefundsPayable(f.who.ID)); b != -c.Refund {
			t.Fatalf("refund payable %d", b)
		}
		// The payout file lists it once; a second export lists nothing.
		branch := f.officer.BranchID
		_, lines, err := db.ExportPayout(ctx, audit.Actor{Name: "kc"}, branch)
		if err != nil || len(lines) != 1 || lines[0].Amount != 42_000_000 || lines[0].Refund != c.Refund || lines[0].BankAccount != "0123456789" || lines[0].Beneficiary != "Ni Made Istri" {
			t.Fatalf("payout: %+v %v", lines, err)
		}
		if _, again, err := db.ExportPayout(ctx, audit.Actor{Name: "kc"}, branch); err != nil || len(again) != 0 {
			t.Fatalf("exported twice: %+v %v", again, err)
		}
		got, _ = db.Claim(ctx, audit.Actor{}, store.Ref{ID: c.ID})
		var steps []string
		for _, e := range got.Timeline {
			steps = append(steps, string(e.To))
		}
		if strings.Join(steps, " ") != "draft submitted in_review needs_changes submitted in_review approved paid" {
			t.Fatalf("timeline: %v", steps)
		}
		// The public status answers the number with the birth date, and nothing else.
		if s, err := db.ClaimStatusFor(ctx, c.Number, f.who.BirthDate); err != nil || s.State != claim.Paid {
			t.Fatalf("status: %+v %v", s, err)
		}
		if _, err := db.ClaimStatusFor(ctx, c.Number, f.who.BirthDate.AddDays(1)); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("status with a wrong birth date: %v", err)
		}
		verifyClean(t, db)
	})
}

// A JKM claim for a death on a day not covered is not approved; maker-checker holds above the
// approval limit.
func TestClaimRefusalsAndMakerChecker(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newClaimFixture(t, db)
		f.death = f.death.AddMonths(-6) // before the first paid month
		c, err := f.jkm(t, f.who.Heirs[0].ID, "")
		if err != nil {
			t.Fatal(err)
		}
		f.attachAll(t, c)
		for _, step := range []struct {
			p access.Principal
			a claim.Action
		}{{f.agent, claim.Submit}, {f.officer, claim.Take}} {
			if _, err := f.move(t, step.p, c.ID, step.a, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.move(t, f.officer, c.ID, claim.Approve, ""); !errors.Is(err, errs.ErrConflict) || !strings.Contains(err.Error(), "jkm.covered") {
			t.Fatalf("a death before coverage approved: %v", err)
		}
		if c, err = f.move(t, f.officer, c.ID, claim.Reject, "not covered on the date of death"); err != nil || c.State != claim.Rejected {
			t.Fatalf("reject: %v", err)
		}
	})
}

func TestMakerCheckerAboveTheLimit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newClaimFixture(t, db)
		// JKK death of a Rp 1,000,000 earner: 48 × 1m + 10m + 12m = Rp 70m, above Rp 50m.
		c := claim.Claim{ParticipantID: f.who.ID, Program: benefit.JKK, Reason: benefit.Death, EventDate: f.death, Facts: claim.Facts{WorkRelated: true},
			Claimant: claim.Claimant{Name: "Ni Made Istri", HeirID: f.who.Heirs[0].ID, BankName: "BPD Bali", BankAccount: "0123456789"}}
		if err := db.CreateClaim(context.Background(), f.agent, audit.Actor{Name: "agent"}, store.Ref{ID: c.ParticipantID}, &c, f.death); err != nil {
			t.Fatal(err)
		}
		f.attachAll(t, c)
		f.move(t, f.agent, c.ID, claim.Submit, "")
		f.move(t, f.officer, c.ID, claim.Take, "")
		if _, err := f.move(t, f.officer, c.ID, claim.Approve, ""); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("the reviewer approved Rp 70m: %v", err)
		}
		// A second officer, the checker, approves what the first reviewed.
		got, err := f.move(t, f.officer2, c.ID, claim.Approve, "")
		if err != nil || got.State != claim.Approved || got.Amount != 70_000_000 {
			t.Fatalf("the checker's approval: %v %+v", err, got)
		}
	})
}

// A JHT claim is priced on the JHT contributions on record up to the event.
func TestJHTClaimFromTheRecord(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		db.UseFiles(filestore.Dir{Path: filepath.Join(t.TempDir(), "docs")})
		reg := worker("5103021203850962", f.mungguAgents[0].Villages[0])
		reg.JHT = true
		who, err := db.Register(ctx, counter(t, db), act, rs, reg, f.today)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: who.ID, Months: 3}, f.today); err != nil {
			t.Fatal(err)
		}
		// Each month's JHT is 2% of Rp 1,000,000 = Rp 20,000, never discounted (PP 50/2025).
		const jht = 3 * 20_000
		c := claim.Claim{ParticipantID: who.ID, Program: benefit.JHT, Reason: benefit.TotalDisability, EventDate: f.today,
			Claimant: claim.Claimant{Name: who.Name, BankName: "BPD Bali", BankAccount: "0123456789"}}
		if err := db.CreateClaim(ctx, counter(t, db), act, store.Ref{ID: c.ParticipantID}, &c, f.today); err != nil {
			t.Fatal(err)
		}
		res, err := db.PriceClaim(ctx, rs, c, f.today)
		if err != nil {
			t.Fatal(err)
		}
		// Event this month: only this month's JHT is before or in it.
		if res.Total != jht/3 {
			t.Fatalf("JHT from the record: %+v, want %d", res, jht/3)
		}
	})
}
