package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/contribution"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/participant"
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
		list, _ := db.Sponsorships(ctx, village.ID, store.SponsorScope{All: true})
		if len(list) != 3 || list[0].Members != 2 {
			t.Fatalf("sponsorships: %+v", list)
		}
	})
}

// A village pays six months for its cohort in one action: APBDes funds are discounted under
// PP 50/2025 (only APBN/APBD are excluded); running it again charges nothing new; the budget
// holds.
func TestSponsorRun(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		act := audit.Actor{Name: "kc"}
		village := sponsor.Sponsor{Kind: sponsor.APBDes, Name: "Pemerintah Desa Munggu", Region: f.munggu.Village}
		if err := db.CreateSponsor(ctx, act, &village); err != nil {
			t.Fatal(err)
		}
		a := newWorker(t, db, "5103021203850511")
		b := newWorker(t, db, "5103021203850512")
		c := newWorker(t, db, "5103021203850513")
		sh := sponsor.Sponsorship{SponsorID: village.ID, Name: "Dana Desa Nov–Apr", From: calendar.MonthOf(2026, 11), To: calendar.MonthOf(2027, 4),
			JKK: true, JKM: true, Budget: 2*(2*8_400+4*16_800) + 1_000}
		if err := db.CreateSponsorship(ctx, act, &sh, []string{a.KPJ, b.KPJ, c.KPJ}, store.ParticipantFilter{}); err != nil {
			t.Fatal(err)
		}
		nov20 := calendar.D(2026, 11, 20)
		rep, err := db.ChargeSponsorship(ctx, act, rs, store.SponsorScope{All: true}, sh.ID, nov20)
		if err != nil {
			t.Fatal(err)
		}
		// Nov, Dec 2026 at Rp 8,400 (PP 50/2025, APBDes funds), Jan–Apr 2027 at Rp 16,800; the
		// budget covers two members.
		if rep.Charged != 2 || rep.Skipped != 1 || rep.Total != 2*(2*8_400+4*16_800) || rep.Funding != "apbdes" {
			t.Fatalf("%+v", rep)
		}
		if !strings.Contains(rep.Lines[2].Skipped, "budget") {
			t.Fatalf("third member: %+v", rep.Lines[2])
		}
		cov, _ := db.Coverage(ctx, rs, store.Ref{ID: rep.Lines[0].ParticipantID}, nov20)
		if cov.CoveredUntil != calendar.D(2027, 4, 30) {
			t.Fatalf("%+v", cov)
		}
		fund, _ := db.Balance(ctx, ledger.SponsorFund(village.ID))
		if fund != rep.Total {
			t.Fatalf("sponsor fund %d", fund)
		}
		again, err := db.ChargeSponsorship(ctx, act, rs, store.SponsorScope{All: true}, sh.ID, nov20)
		if err != nil || again.Charged != 0 {
			t.Fatalf("second run: %+v %v", again, err)
		}
		verifyClean(t, db)
	})
}

// A sponsorship for JKK and JKM only: a member who also saves in JHT pays the JHT part from
// their own credit; one without enough credit gets the sponsored programs, and the report says
// the JHT months went unpaid.
func TestSponsorRunLeavesJHTToTheMember(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		donor := sponsor.Sponsor{Kind: sponsor.APBDes, Name: "Pemerintah Desa Munggu", Region: "51.03.02.2001"}
		if err := db.CreateSponsor(ctx, act, &donor); err != nil {
			t.Fatal(err)
		}
		withJHT := func(nik string) participant.Participant {
			r := worker(nik, "51.03.02.2001")
			r.JHT = true
			p, err := db.Register(ctx, counter(t, db), act, rs, r, calendar.D(2026, 8, 1))
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		saver, short := withJHT("5103021203850521"), withJHT("5103021203850522")
		nov20 := calendar.D(2026, 11, 20)
		// Rp 20,000 is less than a month (Rp 28,400 with JHT in November): it all stays as credit.
		topUp, err := db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: saver.ID, Amount: 20_000}, nov20)
		if err != nil || topUp.CreditAdded != 20_000 || len(topUp.Months) != 0 {
			t.Fatalf("top-up: %+v %v", topUp, err)
		}
		sh := sponsor.Sponsorship{SponsorID: donor.ID, Name: "Dana Desa November", From: calendar.MonthOf(2026, 11), To: calendar.MonthOf(2026, 11), JKK: true, JKM: true}
		if err := db.CreateSponsorship(ctx, act, &sh, []string{saver.KPJ, short.KPJ}, store.ParticipantFilter{}); err != nil {
			t.Fatal(err)
		}
		rep, err := db.ChargeSponsorship(ctx, act, rs, store.SponsorScope{All: true}, sh.ID, nov20)
		if err != nil || rep.Charged != 2 {
			t.Fatalf("%+v %v", rep, err)
		}
		byID := map[int64]store.ChargeLine{}
		for _, l := range rep.Lines {
			byID[l.ParticipantID] = l
		}
		// November 2026 under PP 50/2025: JKK+JKM Rp 8,400 from the village, JHT Rp 20,000 (2% of
		// Rp 1,000,000, not discounted) from the member's credit.
		if l := byID[saver.ID]; l.Amount != 8_400 || l.CreditUsed != 20_000 || l.Note != "" {
			t.Fatalf("saver: %+v", l)
		}
		if l := byID[short.ID]; l.Amount != 8_400 || l.CreditUsed != 0 || !strings.Contains(l.Note, "JHT not paid") {
			t.Fatalf("short: %+v", l)
		}
		// The months per program show it; both still owe Rp 28,400 for December (JHT included).
		nov := calendar.MonthOf(2026, 11)
		for who, wantJHT := range map[int64]bool{saver.ID: true, short.ID: false} {
			cov, err := db.Coverage(ctx, rs, store.Ref{ID: who}, nov20)
			if err != nil || !slices.Contains(cov.ByProgram[contribution.JKK], nov) || slices.Contains(cov.ByProgram[contribution.JHT], nov) != wantJHT ||
				cov.NextDueAmount != 28_400 {
				t.Fatalf("coverage of %d: %+v %v", who, cov, err)
			}
		}
		credit, _ := db.Balance(ctx, ledger.ParticipantCredit(saver.ID))
		jht, _ := db.Balance(ctx, ledger.ProgramFund(string(contribution.JHT)))
		if credit != 0 || jht != -20_000 { // debit-positive balances: the fund and credit are credit-normal
			t.Fatalf("credit %d, JHT fund %d", credit, jht)
		}
		verifyClean(t, db)
	})
}

// Who sees and runs which sponsorships: a branch officer those with members in the branch (and
// the province's own budget, seen from every branch of it), a wadah manager those of its
// wadah, a regency's government viewer what lies in the regency; only an administrator sees
// everything. A branch officer cannot charge another branch's participants.
func TestSponsorsInScope(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		act := audit.Actor{Name: "kc"}
		village := sponsor.Sponsor{Kind: sponsor.APBDes, Name: "Pemerintah Desa Munggu", Region: f.munggu.Village}
		province := sponsor.Sponsor{Kind: sponsor.APBDProvince, Name: "Pemerintah Provinsi Bali", Region: "51"}
		gianyarCSR := sponsor.Sponsor{Kind: sponsor.CSR, Name: "CSR Ubud", Region: "51.04"}
		for _, s := range []*sponsor.Sponsor{&village, &province, &gianyarCSR} {
			if err := db.CreateSponsor(ctx, act, s); err != nil {
				t.Fatal(err)
			}
		}
		ag := f.mungguAgents[0]
		munggu, err := db.Register(ctx, agentPrincipal(ag), act, rs, worker("5103021203850531", ag.Villages[0]), calendar.D(2026, 8, 1))
		if err != nil {
			t.Fatal(err)
		}
		sh := sponsor.Sponsorship{SponsorID: village.ID, Name: "Dana Desa", From: calendar.MonthOf(2026, 11), To: calendar.MonthOf(2027, 4), JKK: true, JKM: true}
		if err := db.CreateSponsorship(ctx, act, &sh, []string{munggu.KPJ}, store.ParticipantFilter{}); err != nil {
			t.Fatal(err)
		}
		dps, _ := db.BranchByCode(ctx, "KC-DPS")
		gia, _ := db.BranchByCode(ctx, "KC-GIA")
		branch := func(b network.Branch) access.Principal {
			return access.Principal{Role: access.BranchOfficer, BranchID: b.ID, Regencies: b.Regencies}
		}
		names := func(sc store.SponsorScope) (sponsors []string, ships int) {
			t.Helper()
			list, err := db.Sponsors(ctx, sc)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range list {
				sponsors = append(sponsors, s.Name)
			}
			got, err := db.Sponsorships(ctx, 0, sc)
			if err != nil {
				t.Fatal(err)
			}
			return sponsors, len(got)
		}
		for _, c := range []struct {
			who      string
			p        access.Principal
			sponsors []string
			ships    int
		}{
			{"admin", access.Principal{Role: access.Admin}, []string{"CSR Ubud", "Pemerintah Desa Munggu", "Pemerintah Provinsi Bali"}, 1},
			{"KC Bali Denpasar", branch(dps), []string{"Pemerintah Desa Munggu", "Pemerintah Provinsi Bali"}, 1},
			{"KC Gianyar", branch(gia), []string{"CSR Ubud", "Pemerintah Provinsi Bali"}, 0},
			{"Bumdes Munggu", access.Principal{Role: access.WadahManager, WadahID: f.munggu.ID, BranchID: dps.ID}, []string{"Pemerintah Desa Munggu"}, 1},
			{"Bumdes Batubulan", access.Principal{Role: access.WadahManager, WadahID: f.batubulan.ID, BranchID: gia.ID}, nil, 0},
			{"Pemkab Gianyar", access.Principal{Role: access.Government, Region: "51.04"}, []string{"CSR Ubud", "Pemerintah Provinsi Bali"}, 0},
			{"Dinas PMD Bali", access.Principal{Role: access.Government, Region: "51"}, []string{"CSR Ubud", "Pemerintah Desa Munggu", "Pemerintah Provinsi Bali"}, 1},
			{"no scope", access.Principal{}, nil, 0},
			{"a government viewer without a region", access.Principal{Role: access.Government}, nil, 0},
		} {
			sponsors, ships := names(store.SponsorScopeOf(c.p))
			if !slices.Equal(sponsors, c.sponsors) || ships != c.ships {
				t.Errorf("%s sees %v and %d sponsorship(s), want %v and %d", c.who, sponsors, ships, c.sponsors, c.ships)
			}
		}
		nov20 := calendar.D(2026, 11, 20)
		if _, err := db.ChargeSponsorship(ctx, act, rs, store.SponsorScopeOf(branch(gia)), sh.ID, nov20); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("KC Gianyar charging a Munggu sponsorship: %v", err)
		}
		rep, err := db.ChargeSponsorship(ctx, act, rs, store.SponsorScopeOf(branch(dps)), sh.ID, nov20)
		if err != nil || rep.Charged != 1 {
			t.Fatalf("KC Bali Denpasar: %+v %v", rep, err)
		}
		list, _ := db.Sponsorships(ctx, village.ID, store.SponsorScopeOf(branch(dps)))
		if len(list) != 1 || list[0].Spent != rep.Total || rep.Total == 0 {
			t.Fatalf("spent: %+v against %d", list, rep.Total)
		}
		// The report: the one payment, for the branch and the administrator; nothing for the
		// other branch, which does not see the sponsorship at all.
		report := func(sc store.SponsorScope) []store.SponsoredPayment {
			t.Helper()
			var out []store.SponsoredPayment
			if err := db.SponsorshipReport(ctx, sh.ID, sc, func(sp store.SponsoredPayment) error { out = append(out, sp); return nil }); err != nil {
				t.Fatal(err)
			}
			return out
		}
		for _, sc := range []store.SponsorScope{store.SponsorScopeOf(branch(dps)), {All: true}} {
			lines := report(sc)
			if len(lines) != 1 || lines[0].KPJ != munggu.KPJ || lines[0].Amount != rep.Total || lines[0].FirstMonth != calendar.MonthOf(2026, 11) ||
				lines[0].LastMonth != calendar.MonthOf(2027, 4) || lines[0].Months != 6 || lines[0].Status != "posted" {
				t.Fatalf("report: %+v", lines)
			}
		}
		if lines := report(store.SponsorScopeOf(branch(gia))); len(lines) != 0 {
			t.Fatalf("KC Gianyar's report: %+v", lines)
		}
		if _, err := db.Sponsorship(ctx, sh.ID, store.SponsorScopeOf(branch(gia))); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("KC Gianyar reads the sponsorship: %v", err)
		}
	})
}
