package dashboard

import "github.com/perisai/perisai/internal/calendar"

// Target is what a branch or a province aims at for a region, a year and a figure (e.g. 2,000
// acquisitions in Badung in 2027).
type Target struct {
	Region string `json:"region_code"`
	Year   int    `json:"year"`
	Figure string `json:"figure"`
	Target int64  `json:"target"`
	SetBy  string `json:"set_by,omitempty"`
}

// Targetable reports a figure a target may be set for: a flow, whose months add up to a year.
func Targetable(f Figure) bool { return f.Flow() }

// Step is one month of realisation against a target.
type Step struct {
	Month      calendar.Month `json:"month"`
	Value      int64          `json:"value"`      // the month's own
	Cumulative int64          `json:"cumulative"` // January to this month
	PerMille   int64          `json:"per_mille"`  // cumulative ÷ target, in tenths of a percent
	// Expected is where an even pace would stand at the month's end: target × month ÷ 12.
	Expected int64 `json:"expected"`
}

// Realise lays a year's months against a target, up to the month last (a year still running
// stops at the current month).
func Realise(target int64, year int, monthly map[calendar.Month]int64, last calendar.Month) []Step {
	var out []Step
	var sum int64
	for i := range 12 {
		m := calendar.MonthOf(year, 1).Add(i)
		if m > last {
			break
		}
		sum += monthly[m]
		pm, _ := perMille(sum, target)
		out = append(out, Step{Month: m, Value: monthly[m], Cumulative: sum, PerMille: pm, Expected: target * int64(i+1) / 12})
	}
	return out
}
