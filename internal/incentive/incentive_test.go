package incentive

import (
	"testing"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/rules"
)

var rs = rules.Default()

func many(n int, p NewParticipant) []NewParticipant {
	out := make([]NewParticipant, n)
	for i := range out {
		out[i] = p
	}
	return out
}

func paid(n int, amount int64, month int) []Contribution {
	out := make([]Contribution, n)
	for i := range out {
		out[i] = Contribution{Amount: amount, MonthNumber: month}
	}
	return out
}

// Perdir 13/PERDIR.02/042022, each case computed by hand.
func TestQuote(t *testing.T) {
	nov := calendar.MonthOf(2026, 11)
	three := NewParticipant{JHT: true, NewToBPU: true}
	cases := []struct {
		name         string
		f            Facts
		agent, wadah int64
	}{
		// DOMAIN.md §4's worked example: 30 new 3-program participants at the minimum (Rp 36,800
		// each): acquisition 30 × 15,000 = 450,000; collection 15% × 1,104,000 = 165,600; agent
		// 615,600; wadah extra 10% = 61,560.
		{"the worked example", Facts{Month: nov, New: many(30, three), Contributions: paid(30, 36_800, 1)}, 615_600, 61_560},
		// 24 new participants: below the 25 that pay acquisition; collection only.
		{"24 new: no acquisition", Facts{Month: nov, New: many(24, three), Contributions: paid(24, 36_800, 1)}, 132_480, 13_248},
		// A NIK that was a BPU participant before does not count toward the 25.
		{"re-registered NIKs do not count", Facts{Month: nov, New: append(many(24, three), NewParticipant{JHT: true})}, 0, 0},
		// 25 new with JKK + JKM only: Rp 10,000 each.
		{"25 new, two programs", Facts{Month: nov, New: many(25, NewParticipant{NewToBPU: true})}, 250_000, 25_000},
		// Contribution month 25: 5%; month 61: nothing.
		{"month 25 at 5%", Facts{Month: nov, Contributions: paid(1, 16_800, 25)}, 840, 84},
		{"month 61 at 0", Facts{Month: nov, Contributions: paid(1, 16_800, 61)}, 0, 0},
		{"month 24 at 15%", Facts{Month: nov, Contributions: paid(1, 16_800, 24)}, 2_520, 252},
		// The 2017–2022 scheme for a month it governs: 7.5% of contributions; Rp 500,000 for
		// every 50 recruits (60 → one block).
		{"2021 under the old scheme", Facts{Month: calendar.MonthOf(2021, 6), New: many(60, three), Contributions: paid(10, 20_000, 3)}, 515_000, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Quote(rs, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if got.AgentTotal != c.agent || got.WadahExtra != c.wadah {
				t.Fatalf("agent %d, wadah %d; want %d, %d: %+v", got.AgentTotal, got.WadahExtra, c.agent, c.wadah, got.Lines)
			}
			for _, l := range got.Lines {
				if l.Source == "" {
					t.Fatalf("a line without its source: %+v", l)
				}
			}
		})
	}
}

// The tax withheld from the worked example's statement (DOMAIN.md §4: "taxable"; the rate is
// the rules file's, UNCONFIRMED): 2% of Rp 615,600 + Rp 61,560, rounded down.
func TestTax(t *testing.T) {
	rs := rules.Default()
	tx, src := rs.IncentiveTaxFor(calendar.MonthOf(2026, 11))
	if src == "" || tx.RateBps != 200 {
		t.Fatalf("tax in force: %+v %q", tx, src)
	}
	for _, c := range []struct{ gross, want int64 }{{677_160, 13_543}, {0, 0}, {-12_600, -252}, {49, 0}} {
		if got := Tax(tx, c.gross); got != c.want {
			t.Errorf("tax on %d: %d, want %d", c.gross, got, c.want)
		}
	}
}
