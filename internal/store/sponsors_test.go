package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/sponsor"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

func TestSponsorshipsAndEndingSoon(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		act := audit.Actor{Name: "kc"}
		village := sponsor.Sponsor{Kind: sponsor.APBDes, Name: "Pemerintah Desa Munggu", Region: f.munggu.Village}
		if err := db.CreateSponsor(ctx, act, &village); err != nil {
			t.Fatal(err)
		}
		mine, _ := db.Participants(ctx, audit.Actor{}, store.ParticipantFilter{WadahID: f.munggu.ID, Limit: 500})
		var kpjs []string
		for _, p := range mine {
			kpjs = append(kpjs, p.KPJ)
		}
		this := f.today.MonthOf()
		// Six months ending this month: its cohort shows in the 30-day list (this month ends
		// within 30 days of any day of it).
		ending := sponsor.Sponsorship{SponsorID: village.ID, Name: "Dana Desa 6 bulan", From: this.Add(-5), To: this, JKK: true, JKM: true, Budget: 10_080_000}
		if err := db.CreateSponsorship(ctx, act, &ending, kpjs[:3], store.ParticipantFilter{BranchID: f.munggu.BranchID}); err != nil {
			t.Fatal(err)
		}
		// One that runs on for a year: not listed.
		later := sponsor.Sponsorship{SponsorID: village.ID, Name: "Dana Desa setahun", From: this, To: this.Add(11), JKK: true, JKM: true}
		if err := db.CreateSponsorship(ctx, act, &later, kpjs[3:5], store.ParticipantFilter{}); err != nil {
			t.Fatal(err)
		}
		// A continuation for the first of the ending cohort: that one is no longer ending.
		cont := sponsor.Sponsorship{SponsorID: village.ID, Name: "Lanjutan", From: this.Add(1), To: this.Add(6), JKK: true, JKM: true}
		if err := db.CreateSponsorship(ctx, act, &cont, kpjs[:1], store.ParticipantFilter{}); err != nil {
			t.Fatal(err)
		}
		got, err := db.SponsorshipsEnding(ctx, store.ParticipantFilter{WadahID: f.munggu.ID}, this.Last().AddDays(-10), 30)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Sponsorship != "Dana Desa 6 bulan" || got[0].EndsOn != this.Last() {
			t.Fatalf("ending: %+v", got)
		}
		// Outside the branch's scope, numbers are refused.
		gianyar, _ := db.BranchByCode(ctx, "KC-GIA")
		err = db.CreateSponsorship(ctx, act, &sponsor.Sponsorship{SponsorID: village.ID, Name: "x", From: this, To: this, JKK: true}, kpjs[:1],
			store.ParticipantFilter{BranchID: gianyar.ID})
		if !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("other branch's participants: %v", err)
		}
		list, _ := db.Sponsorships(ctx, village.ID)
		if len(list) != 3 || list[0].Members != 2 {
			t.Fatalf("sponsorships: %+v", list)
		}
	})
}
