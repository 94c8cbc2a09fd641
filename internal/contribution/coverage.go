package contribution

import (
	"slices"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/money"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/rules"
)

// Coverage is where a participant stands on a day.
type Coverage struct {
	Status       participant.Status `json:"status"`
	PeriodStart  calendar.Month     `json:"period_start,omitempty"` // first month of the current coverage period
	LastPaid     calendar.Month     `json:"last_paid,omitempty"`
	CoveredUntil calendar.Date      `json:"covered_until"`
	Arrears      []calendar.Month   `json:"arrears,omitempty"` // overdue months still payable
	WindowCloses calendar.Date      `json:"window_closes"`     // last day the arrears may be paid
	NextDue      calendar.Month     `json:"next_due"`
	NextDueDate  calendar.Date      `json:"next_due_date"`
}

// DueDate is the day a month's contribution is due: the due day of the month itself, or the
// next working day when that is a weekend or a public holiday (DOMAIN.md §2).
func DueDate(m calendar.Month, pr rules.Payment) calendar.Date {
	d := calendar.D(m.Year(), m.Month(), min(pr.DueDay, m.Last().Day()))
	for !pr.WorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// Assess reads a participant's paid months (ascending, distinct) as of today: never paid,
// active, in arrears while the overdue months are no more than the window, ended beyond it
// (Perdir 22/PERDIR.02/072022). A month counts as overdue once its due date has passed.
func Assess(paid []calendar.Month, today calendar.Date, pr rules.Payment) Coverage {
	current := today.MonthOf()
	// Where a participant stands on a day follows from the months paid up to that day's month:
	// a month paid later (a period that starts after it) does not cover it. When the day's
	// month is paid, the run of months paid after it is the cover ahead.
	i := 0
	for i < len(paid) && paid[i] <= current {
		i++
	}
	if i > 0 && paid[i-1] == current {
		for i < len(paid) && paid[i] == paid[i-1]+1 {
			i++
		}
	}
	paid = paid[:i]
	if len(paid) == 0 {
		return Coverage{Status: participant.WaitingFirstPayment, NextDue: current, NextDueDate: DueDate(current, pr)}
	}
	last := paid[len(paid)-1]
	c := Coverage{LastPaid: last, CoveredUntil: last.Last(), PeriodStart: last}
	for i := len(paid) - 2; i >= 0 && paid[i] == c.PeriodStart-1; i-- {
		c.PeriodStart = paid[i]
	}
	overdue := 0
	for m := last + 1; m <= current; m++ {
		if DueDate(m, pr).Before(today) {
			overdue++
		}
	}
	switch {
	case overdue == 0:
		c.Status = participant.Active
	case overdue <= pr.ArrearsWindowMonths:
		c.Status = participant.Arrears
		for m := last + 1; m <= current; m++ {
			if DueDate(m, pr).Before(today) {
				c.Arrears = append(c.Arrears, m)
			}
		}
		c.WindowCloses = DueDate(last.Add(pr.ArrearsWindowMonths+1), pr)
	default:
		// The window has closed: the gap is never covered; paying again starts a new period.
		c.Status = participant.Ended
		c.NextDue, c.NextDueDate = current, DueDate(current, pr)
		return c
	}
	c.NextDue = last + 1
	c.NextDueDate = DueDate(c.NextDue, pr)
	return c
}

// Payable lists, in the order money goes to them, the months a payment made today may cover:
// overdue months still inside the window (oldest first), then the current month, then months
// ahead up to the limit. After the window has closed, or before any payment, it starts at the
// current month.
func Payable(c Coverage, today calendar.Date, pr rules.Payment) []calendar.Month {
	current := today.MonthOf()
	start := current
	if c.Status == participant.Active || c.Status == participant.Arrears {
		start = c.LastPaid + 1
	}
	var out []calendar.Month
	for m := start; m <= current.Add(pr.MaxMonthsAhead); m++ {
		out = append(out, m)
	}
	return out
}

// Allocation is how one payment is spread.
type Allocation struct {
	Months    []calendar.Month `json:"months"`
	Prices    []int64          `json:"prices"`
	Spent     int64            `json:"spent"`
	Remainder int64            `json:"remainder"` // stays as the participant's credit
}

// AllocateAmount spreads money (the amount paid plus any credit) over the payable months in
// order, whole months only; what is left over is the remainder.
func AllocateAmount(payable []calendar.Month, money int64, price func(calendar.Month) (int64, error)) (Allocation, error) {
	a := Allocation{Remainder: money}
	for _, m := range payable {
		p, err := price(m)
		if err != nil {
			return a, err
		}
		if p > a.Remainder {
			break
		}
		a.Months = append(a.Months, m)
		a.Prices = append(a.Prices, p)
		a.Spent += p
		a.Remainder -= p
	}
	return a, nil
}

// MostPayable is what every payable month costs together: the largest amount a payment can
// take now. An overflow is an error, never a wrapped sum.
func MostPayable(payable []calendar.Month, price func(calendar.Month) (int64, error)) (int64, error) {
	var total int64
	for _, m := range payable {
		p, err := price(m)
		if err != nil {
			return 0, err
		}
		if total, err = money.Add(total, p); err != nil {
			return 0, errs.Invalid("amount", "out of range")
		}
	}
	return total, nil
}

// AllocateMonths takes the first n payable months, for the "pay 1, 3, 6 or 12 months" choices.
func AllocateMonths(payable []calendar.Month, n int, pr rules.Payment, price func(calendar.Month) (int64, error)) (Allocation, error) {
	if !slices.Contains(pr.PrepayOptions, n) {
		return Allocation{}, errs.Invalid("months", "pay for %v months at once, or any amount", pr.PrepayOptions)
	}
	if n > len(payable) {
		return Allocation{}, errs.Conflict("only %d month(s) can be paid now (at most %d ahead)", len(payable), pr.MaxMonthsAhead)
	}
	var a Allocation
	for _, m := range payable[:n] {
		p, err := price(m)
		if err != nil {
			return a, err
		}
		a.Months = append(a.Months, m)
		a.Prices = append(a.Prices, p)
		a.Spent += p
	}
	return a, nil
}

// CoveredOn reports whether the month of day was paid: protection on that day.
func CoveredOn(paid []calendar.Month, day calendar.Date) bool {
	_, found := slices.BinarySearch(paid, day.MonthOf())
	return found
}
