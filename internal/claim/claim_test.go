package claim

import (
	"errors"
	"testing"

	"github.com/perisai/perisai/internal/benefit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/rules"
)

func TestMoves(t *testing.T) {
	cases := []struct {
		from State
		a    Action
		to   State
		ok   bool
	}{
		{Draft, Submit, Submitted, true},
		{NeedsChanges, Submit, Submitted, true}, // sent back and resubmitted
		{Submitted, Take, InReview, true},
		{InReview, Release, Submitted, true},
		{InReview, SendBack, NeedsChanges, true},
		{InReview, Approve, Approved, true},
		{InReview, Reject, Rejected, true},
		{Approved, Pay, Paid, true},
		{Draft, Approve, "", false},     // never decided unreviewed
		{Submitted, Approve, "", false}, // nor without an officer holding it
		{Paid, Pay, "", false},          // paid once
		{Rejected, Submit, "", false},
	}
	for _, c := range cases {
		to, err := Move(c.from, c.a)
		if (err == nil) != c.ok || to != c.to {
			t.Errorf("%s by %s: %s, %v", c.from, c.a, to, err)
		}
	}
}

// DOMAIN.md §3: heirs in order; a lower heir is refused while a higher one is on the record,
// unless an officer overrides with a reason; with none, whoever arranged the burial.
func TestCheckClaimant(t *testing.T) {
	heirs := []participant.Heir{{ID: 1, Relationship: participant.Spouse}, {ID: 2, Relationship: participant.Sibling}}
	cases := []struct {
		name  string
		c     Claimant
		heirs []participant.Heir
		want  error
	}{
		{"the spouse", Claimant{HeirID: 1}, heirs, nil},
		{"a sibling while the spouse lives", Claimant{HeirID: 2}, heirs, errs.ErrConflict},
		{"a sibling with an officer's override", Claimant{HeirID: 2, Override: "the spouse has left the country"}, heirs, nil},
		{"someone not on the record", Claimant{HeirID: 9}, heirs, errs.ErrInvalid},
		{"no heir: whoever arranged the burial", Claimant{ArrangedBurial: true}, nil, nil},
		{"no heir and no burial", Claimant{}, nil, errs.ErrInvalid},
	}
	for _, c := range cases {
		err := CheckClaimant(benefit.Death, c.c, c.heirs)
		if (c.want == nil) != (err == nil) || (c.want != nil && !errors.Is(err, c.want)) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if err := CheckClaimant(benefit.Medical, Claimant{}, nil); err != nil {
		t.Errorf("not a death: %v", err)
	}
}

func TestMakerChecker(t *testing.T) {
	c := Claim{ReviewedBy: 7, Amount: 60_000_000}
	if err := CheckApprover(c, 7, 50_000_000); !errors.Is(err, errs.ErrForbidden) {
		t.Errorf("the reviewer approves above the limit: %v", err)
	}
	if err := CheckApprover(c, 8, 50_000_000); err != nil {
		t.Errorf("another officer: %v", err)
	}
	c.Amount = 42_000_000
	if err := CheckApprover(c, 7, 50_000_000); err != nil {
		t.Errorf("below the limit: %v", err)
	}
}

// JKM is paid within 3 working days of a complete file: weekends and holidays do not count.
func TestDueOnWorkingDays(t *testing.T) {
	pr, err := rules.Default().PaymentAt(calendar.D(2026, 12, 1))
	if err != nil {
		t.Fatal(err)
	}
	// Thursday 24 Dec 2026: Friday 25 is Christmas, then a weekend: 28, 29, 30 Dec.
	if got := DueOn(calendar.D(2026, 12, 24), 3, pr); got != calendar.D(2026, 12, 30) {
		t.Fatalf("due %s", got)
	}
}

func TestMissing(t *testing.T) {
	list := []rules.ClaimDocs{{Kind: "card", Required: true}, {Kind: "receipts"}, {Kind: "death_certificate", Required: true}}
	got := Missing(list, []Document{{Kind: "card"}})
	if len(got) != 1 || got[0].Kind != "death_certificate" {
		t.Fatalf("%+v", got)
	}
}

// No heir on record: whoever arranged the burial claims the funeral amount only.
func TestBenefitFactsFuneralOnly(t *testing.T) {
	c := Claim{Program: benefit.JKM, Reason: benefit.Death, EventDate: calendar.D(2026, 11, 10), Claimant: Claimant{ArrangedBurial: true}}
	f := BenefitFacts(c, participant.Participant{}, []calendar.Month{calendar.MonthOf(2026, 11)}, 16_800, calendar.D(2026, 11, 12))
	if !f.FuneralOnly || !*f.CoveredOnEvent {
		t.Fatalf("%+v", f)
	}
	res, err := benefit.Quote(rules.Default(), f)
	if err != nil || res.Total != 10_000_000 {
		t.Fatalf("%+v %v", res, err)
	}
}
