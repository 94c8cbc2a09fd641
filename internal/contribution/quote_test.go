package contribution

import (
	"testing"
	"time"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/rules"
)

func month(y int, m time.Month) calendar.Month { return calendar.MonthOf(y, m) }

// Worked by hand from ../shared/DOMAIN.md §2: JKK 1% of declared income, JKM Rp 6,800 flat,
// JHT 2% (PP 44/2015 jo. PP 82/2019, PP 46/2015); PP 50/2025 halves JKK and JKM by contribution
// month — transport Jan 2026–Mar 2027, other sectors Apr–Dec 2026 — but not when APBN/APBD
// pays; PP 49/2020 cut them by 99% for Aug 2020–Jan 2021.
func TestQuote(t *testing.T) {
	rs := rules.Default()
	min := int64(1_000_000)
	jkkJkm := participant.Programs{JKK: true, JKM: true}
	all3 := participant.Programs{JKK: true, JKM: true, JHT: true}
	cases := []struct {
		name    string
		member  Member
		funding Funding
		month   calendar.Month
		jkk     int64
		jkm     int64
		jht     int64
		total   int64
	}{
		{"minimum, no discount (Mar 2026, other sector)", Member{min, jkkJkm, rules.Other}, Self, month(2026, 3), 10_000, 6_800, 0, 16_800},
		{"minimum with JHT", Member{min, all3, rules.Other}, Self, month(2026, 3), 10_000, 6_800, 20_000, 36_800},
		{"non-transport May 2026: PP 50/2025", Member{min, jkkJkm, rules.Other}, Self, month(2026, 5), 5_000, 3_400, 0, 8_400},
		{"non-transport May 2026 with JHT (JHT not discounted)", Member{min, all3, rules.Other}, Self, month(2026, 5), 5_000, 3_400, 20_000, 28_400},
		{"non-transport Jan 2027: relief over", Member{min, jkkJkm, rules.Other}, Self, month(2027, 1), 10_000, 6_800, 0, 16_800},
		{"transport Feb 2026", Member{min, jkkJkm, rules.Transport}, Self, month(2026, 2), 5_000, 3_400, 0, 8_400},
		{"transport Feb 2027 discounted", Member{min, jkkJkm, rules.Transport}, Self, month(2027, 2), 5_000, 3_400, 0, 8_400},
		{"transport Apr 2027 not", Member{min, jkkJkm, rules.Transport}, Self, month(2027, 4), 10_000, 6_800, 0, 16_800},
		{"APBD-sponsored May 2026 not discounted", Member{min, jkkJkm, rules.Other}, APBD, month(2026, 5), 10_000, 6_800, 0, 16_800},
		{"APBN-paid transport Feb 2026 not discounted", Member{min, jkkJkm, rules.Transport}, APBN, month(2026, 2), 10_000, 6_800, 0, 16_800},
		{"village-funded (APBDes) May 2026 is discounted", Member{min, jkkJkm, rules.Other}, APBDes, month(2026, 5), 5_000, 3_400, 0, 8_400},
		{"Sept 2020 under PP 49/2020 (99% off)", Member{min, jkkJkm, rules.Other}, Self, month(2020, 9), 100, 68, 0, 168},
		{"highest income row: JKK Rp 207,000", Member{20_700_000, all3, rules.Other}, Self, month(2025, 6), 207_000, 6_800, 414_000, 627_800},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := QuoteMonths(rs, c.member, c.funding, []calendar.Month{c.month})
			if err != nil {
				t.Fatal(err)
			}
			got := map[Program]int64{}
			for _, l := range q.Lines {
				got[l.Program] = l.Due
				if l.Base-l.Discount != l.Due {
					t.Errorf("%s: base %d - discount %d != due %d", l.Program, l.Base, l.Discount, l.Due)
				}
			}
			if got[JKK] != c.jkk || got[JKM] != c.jkm || got[JHT] != c.jht || q.Total != c.total {
				t.Fatalf("got JKK %d JKM %d JHT %d total %d", got[JKK], got[JKM], got[JHT], q.Total)
			}
		})
	}
}

func TestQuoteRefusesBadInput(t *testing.T) {
	rs := rules.Default()
	if _, err := QuoteMonths(rs, Member{1_000_000, participant.Programs{}, rules.Other}, "lottery", []calendar.Month{month(2026, 1)}); err == nil {
		t.Error("unknown funding")
	}
	if _, err := QuoteMonths(rs, Member{1_000_000, participant.Programs{}, rules.Other}, Self, []calendar.Month{month(2010, 1)}); err == nil {
		t.Error("a month before the rates")
	}
}
