package benefit

import (
	"testing"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/rules"
)

var rs = rules.Default()

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// Hand-computed cases, each citing the rule (DOMAIN.md §3).
func TestQuote(t *testing.T) {
	d := calendar.D
	m := calendar.MonthOf
	cases := []struct {
		name     string
		f        Facts
		eligible bool
		total    int64
		refund   Refund
		refused  string // a rule among the refusals
	}{
		// PP 82/2019: JKM = Rp 20m lump sum + Rp 12m periodic + Rp 10m funeral, when covered.
		{"JKM 42,000,000", Facts{Program: JKM, Reason: Death, EventDate: d(2026, 11, 10), PaidThrough: m(2026, 11), MonthlyContribution: 16_800}, true, 42_000_000, Refund{}, ""},
		// JKM requires active coverage on the date of death.
		{"JKM refused when not covered", Facts{Program: JKM, Reason: Death, EventDate: d(2026, 11, 10), PaidThrough: m(2026, 6)}, false, 0, Refund{}, "jkm.covered"},
		{"JKM refused before the first paid month", Facts{Program: JKM, Reason: Death, EventDate: d(2026, 11, 10), CoveredOnEvent: no()}, false, 0, Refund{}, "jkm.covered"},
		// Contributions for months after the death are refunded: paid through January, died in
		// November: December and January back.
		{"months paid after a death refunded", Facts{Program: JKM, Reason: Death, EventDate: d(2026, 11, 10), PaidThrough: m(2027, 1), MonthlyContribution: 16_800}, true, 42_000_000, Refund{Months: 2, Amount: 33_600}, ""},
		// No heir: whoever arranged the burial receives the funeral amount only.
		{"JKM to whoever arranged the burial", Facts{Program: JKM, Reason: Death, EventDate: d(2026, 11, 10), PaidThrough: m(2027, 1), MonthlyContribution: 16_800, FuneralOnly: true}, true, 10_000_000, Refund{}, ""},
		{"JKM is not for a work death", Facts{Program: JKM, Reason: Death, EventDate: d(2026, 11, 10), CoveredOnEvent: yes(), WorkRelated: true}, false, 0, Refund{}, "jkm.work_related"},
		// PP 82/2019: JKK death = 48 × wage, at least Rp 20m; + funeral 10m + periodic 12m.
		// Rp 1,000,000 × 48 = 48m.
		{"JKK death 48 × wage", Facts{Program: JKK, Reason: Death, EventDate: d(2026, 5, 1), DeclaredIncome: 1_000_000, CoveredOnEvent: yes(), WorkRelated: true}, true, 48_000_000 + 10_000_000 + 12_000_000, Refund{}, ""},
		// A low income: 48 × 300,000 = 14.4m, raised to the 20m minimum.
		{"JKK death minimum 20,000,000", Facts{Program: JKK, Reason: Death, EventDate: d(2026, 5, 1), DeclaredIncome: 300_000, CoveredOnEvent: yes(), WorkRelated: true}, true, 20_000_000 + 10_000_000 + 12_000_000, Refund{}, ""},
		// STMB: 100% for months 1–12, then 50%: 15 months at Rp 2m = 12 × 2m + 3 × 1m.
		{"STMB over 12 months at 50%", Facts{Program: JKK, Reason: TemporaryInjury, EventDate: d(2025, 1, 1), ClaimDate: d(2026, 5, 1), DeclaredIncome: 2_000_000, CoveredOnEvent: yes(), WorkRelated: true, STMBMonths: 15}, true, 27_000_000, Refund{}, ""},
		// Total disability 56 × wage; partial = table % × 80 × wage (30% × 80 × 1.5m = 36m).
		{"JKK total disability", Facts{Program: JKK, Reason: TotalDisability, EventDate: d(2026, 5, 1), DeclaredIncome: 1_500_000, CoveredOnEvent: yes(), WorkRelated: true}, true, 84_000_000, Refund{}, ""},
		{"JKK partial disability", Facts{Program: JKK, Reason: PartialDisability, EventDate: d(2026, 5, 1), DeclaredIncome: 1_500_000, CoveredOnEvent: yes(), WorkRelated: true, DisabilityBp: 3000}, true, 36_000_000, Refund{}, ""},
		// Home care is capped at Rp 20m for a year; medical care follows the bills.
		{"JKK home care capped", Facts{Program: JKK, Reason: HomeCare, EventDate: d(2026, 5, 1), CoveredOnEvent: yes(), WorkRelated: true, Bills: 25_000_000}, true, 20_000_000, Refund{}, ""},
		{"JKK medical per bills", Facts{Program: JKK, Reason: Medical, EventDate: d(2026, 5, 1), CoveredOnEvent: yes(), WorkRelated: true, Bills: 125_000_000}, true, 125_000_000, Refund{}, ""},
		// The right lapses 5 years after the accident.
		{"JKK lapsed after 5 years", Facts{Program: JKK, Reason: Medical, EventDate: d(2020, 1, 10), ClaimDate: d(2025, 1, 10), CoveredOnEvent: yes(), WorkRelated: true, Bills: 1_000_000}, false, 0, Refund{}, "jkk.lapsed"},
		{"JKK just inside 5 years", Facts{Program: JKK, Reason: Medical, EventDate: d(2020, 1, 10), ClaimDate: d(2025, 1, 9), CoveredOnEvent: yes(), WorkRelated: true, Bills: 1_000_000}, true, 1_000_000, Refund{}, ""},
		// Scholarship: after a death not from work only with ≥ 3 years of contributions; after a
		// work death without a minimum. SD Rp 1.5m, SMA Rp 3m a year; at most 2 children.
		{"scholarship refused under 3 years, non-work death", Facts{Program: Scholarship, Reason: Death, EventDate: d(2026, 5, 1), CoveredOnEvent: yes(), ContributionMonths: 35,
			Children: []Child{{BirthDate: d(2016, 1, 1), Level: "sd"}}}, false, 0, Refund{}, "scholarship.min_years"},
		{"scholarship granted for a work death", Facts{Program: Scholarship, Reason: Death, EventDate: d(2026, 5, 1), CoveredOnEvent: yes(), WorkRelated: true, ContributionMonths: 2,
			Children: []Child{{BirthDate: d(2016, 1, 1), Level: "sd"}, {BirthDate: d(2010, 1, 1), Level: "sma"}, {BirthDate: d(2018, 1, 1), Level: "tk"}}}, true, 4_500_000, Refund{}, ""},
		{"scholarship after 3 years, non-work death", Facts{Program: Scholarship, Reason: Death, EventDate: d(2026, 5, 1), CoveredOnEvent: yes(), ContributionMonths: 36,
			Children: []Child{{BirthDate: d(2006, 1, 1), Level: "pt"}}}, true, 12_000_000, Refund{}, ""},
		// JHT: partial 10% once after 10 years; full at 56; NPWP above Rp 50m.
		{"JHT partial 10%", Facts{Program: JHT, Reason: Partial10, EventDate: d(2026, 5, 1), ContributionMonths: 120, JHTBalance: 40_000_000}, true, 4_000_000, Refund{}, ""},
		{"JHT partial before 10 years", Facts{Program: JHT, Reason: Partial30, EventDate: d(2026, 5, 1), ContributionMonths: 119, JHTBalance: 40_000_000}, false, 0, Refund{}, "jht.partial_years"},
		{"JHT at 56", Facts{Program: JHT, Reason: Age, EventDate: d(2026, 5, 1), BirthDate: d(1970, 4, 30), JHTBalance: 30_000_000}, true, 30_000_000, Refund{}, ""},
		{"JHT before 56", Facts{Program: JHT, Reason: Age, EventDate: d(2026, 5, 1), BirthDate: d(1970, 5, 2), JHTBalance: 30_000_000}, false, 0, Refund{}, "jht.age"},
		{"JHT above Rp 50m needs NPWP", Facts{Program: JHT, Reason: TotalDisability, EventDate: d(2026, 5, 1), JHTBalance: 60_000_000}, false, 0, Refund{}, "jht.npwp"},
		{"JHT stopped working: one month's wait", Facts{Program: JHT, Reason: StoppedWorking, EventDate: d(2026, 5, 1), ClaimDate: d(2026, 5, 20), JHTBalance: 1_000_000}, false, 0, Refund{}, "jht.stop_wait"},
		// Contributions with the yearly return: 2024 Rp 240,000 at 6% → 254,400; 2025 +240,000
		// = 494,400 at 6% → 524,064; claimed in 2026 with 2026's 100,000: 624,064.
		{"JHT balance with returns", Facts{Program: JHT, Reason: Death, EventDate: d(2026, 5, 1), JHTContributions: []YearAmount{{2024, 240_000}, {2025, 240_000}, {2026, 100_000}}}, true, 624_064, Refund{}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Quote(rs, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if got.Eligible != c.eligible || got.Total != c.total || got.Refund != c.refund {
				t.Fatalf("eligible %v total %d refund %+v, want %v %d %+v; %+v", got.Eligible, got.Total, got.Refund, c.eligible, c.total, c.refund, got)
			}
			if c.refused != "" {
				found := false
				for _, r := range got.Refusals {
					found = found || r.Rule == c.refused
				}
				if !found {
					t.Fatalf("not refused by %s: %+v", c.refused, got.Refusals)
				}
			}
			for _, l := range got.Lines {
				if l.Source == "" || l.Rule == "" {
					t.Fatalf("a line without its rule or source: %+v", l)
				}
			}
		})
	}
}

// A late accident report (stage I, 2 × 24 h) is shown, not silently accepted.
func TestLateReportIsNoted(t *testing.T) {
	ev := calendar.D(2026, 5, 1)
	late := ev.AddDays(3)
	got, err := Quote(rs, Facts{Program: JKK, Reason: Medical, EventDate: ev, CoveredOnEvent: yes(), WorkRelated: true, Bills: 1_000, ReportedOn: &late})
	if err != nil || len(got.Notes) != 1 || !got.Eligible {
		t.Fatalf("%+v %v", got, err)
	}
}
