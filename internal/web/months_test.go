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
		{[]calendar.Month{m(2026, 11)}, "November 2026"},
		{[]calendar.Month{m(2026, 11), m(2026, 12), m(2027, 1)}, "November 2026 – Januari 2027"}, // across the year
		{[]calendar.Month{m(2026, 6), m(2026, 7), m(2026, 8), m(2026, 11)}, "Juni 2026 – Agustus 2026, November 2026"},
	} {
		if got := monthRanges(c.months, "id"); got != c.want {
			t.Errorf("%v: %q, want %q", c.months, got, c.want)
		}
	}
	// A sponsor paid November without JHT: JHT shows apart from JKK and JKM.
	cov := store.CoverageOf{ByProgram: map[contribution.Program][]calendar.Month{
		contribution.JKK: {m(2026, 10), m(2026, 11)}, contribution.JKM: {m(2026, 10), m(2026, 11)}, contribution.JHT: {m(2026, 10)}}}
	got := paidByProgram(cov, "en")
	if len(got) != 2 || got[0] != (programMonths{"JKK + JKM", "October 2026 – November 2026"}) || got[1] != (programMonths{"JHT", "October 2026"}) {
		t.Fatalf("%+v", got)
	}
}
