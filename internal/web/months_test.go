package web

import (
	"testing"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/contribution"
	"github.com/perisai/perisai/internal/store"
)

func TestMonthRangesAndPrograms(t *testing.T) {
	m := calendar.MonthOf
	for _, c := range []struct {
		months []calendar.Month
		want   string
	}{
		{nil, ""},
		{[]calendar.Month{m(2026, 11)}, "2026-11"},
		{[]calendar.Month{m(2026, 11), m(2026, 12), m(2027, 1)}, "2026-11 – 2027-01"}, // across the year
		{[]calendar.Month{m(2026, 6), m(2026, 7), m(2026, 8), m(2026, 11)}, "2026-06 – 2026-08, 2026-11"},
	} {
		if got := monthRanges(c.months); got != c.want {
			t.Errorf("%v: %q, want %q", c.months, got, c.want)
		}
	}
	// A sponsor paid November without JHT: JHT shows apart from JKK and JKM.
	cov := store.CoverageOf{ByProgram: map[contribution.Program][]calendar.Month{
		contribution.JKK: {m(2026, 10), m(2026, 11)}, contribution.JKM: {m(2026, 10), m(2026, 11)}, contribution.JHT: {m(2026, 10)}}}
	got := paidByProgram(cov)
	if len(got) != 2 || got[0] != (programMonths{"JKK + JKM", "2026-10 – 2026-11"}) || got[1] != (programMonths{"JHT", "2026-10"}) {
		t.Fatalf("%+v", got)
	}
}
