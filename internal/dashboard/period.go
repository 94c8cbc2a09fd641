package dashboard

import (
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
)

// MaxMonths bounds a period: ten years of months, what a chart and a table can still show.
const MaxMonths = 120

// Period is the months a dashboard sums its flows over, both ends included.
type Period struct {
	From calendar.Month `json:"from"`
	To   calendar.Month `json:"to"`
}

// ParsePeriod reads from and to (YYYY-MM, either may be empty). The default is the year so
// far: January of this year to this month.
func ParsePeriod(from, to string, today calendar.Date) (Period, error) {
	p := Period{From: calendar.MonthOf(today.Year(), 1), To: today.MonthOf()}
	var err error
	if to != "" {
		if p.To, err = calendar.ParseMonth(to); err != nil {
			return p, errs.Invalid("to", "a month (YYYY-MM)")
		}
		if from == "" {
			p.From = calendar.MonthOf(p.To.Year(), 1)
		}
	}
	if from != "" {
		if p.From, err = calendar.ParseMonth(from); err != nil {
			return p, errs.Invalid("from", "a month (YYYY-MM)")
		}
	}
	switch {
	case p.To < p.From:
		return p, errs.Invalid("to", "the end of the period is before its start")
	case p.Months() > MaxMonths:
		return p, errs.Invalid("to", "a period is at most %d months", MaxMonths)
	case p.From.Year() < 2000:
		return p, errs.Invalid("from", "a month from 2000 on")
	}
	return p, nil
}

// Months is how many months the period holds.
func (p Period) Months() int { return int(p.To-p.From) + 1 }

// String is how exports and breadcrumbs name the period.
func (p Period) String() string {
	if p.From == p.To {
		return p.From.String()
	}
	return p.From.String() + " – " + p.To.String()
}
