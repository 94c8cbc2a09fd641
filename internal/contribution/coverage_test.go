package contribution

import (
	"errors"
	"testing"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/rules"
)

// Perdir 22/PERDIR.02/072022: no fine; arrears payable for 3 months after protection ended;
// beyond that membership ends and a returning worker starts a new period. Due on the 15th.
var pr = rules.Payment{DueDay: 15, ArrearsWindowMonths: 3, PrepayOptions: []int{1, 3, 6, 12}, MaxMonthsAhead: 12}

func months(from calendar.Month, n int) []calendar.Month {
	var out []calendar.Month
	for i := range n {
		out = append(out, from.Add(i))
	}
	return out
}

func TestAssess(t *testing.T) {
	aug := month(2026, 8)
	cases := []struct {
		name    string
		paid    []calendar.Month
		today   calendar.Date
		status  participant.Status
		arrears int
		nextDue calendar.Month
	}{
		{"never paid", nil, calendar.D(2026, 11, 20), participant.WaitingFirstPayment, 0, month(2026, 11)},
		{"paid through November", months(month(2026, 6), 6), calendar.D(2026, 11, 20), participant.Active, 0, month(2026, 12)},
		{"October paid, November not yet due", months(aug, 3), calendar.D(2026, 11, 10), participant.Active, 0, month(2026, 11)},
		{"15 Nov 2026 is a Sunday: due Monday 16th, not yet overdue", months(aug, 3), calendar.D(2026, 11, 16), participant.Active, 0, month(2026, 11)},
		{"October paid, November overdue", months(aug, 3), calendar.D(2026, 11, 17), participant.Arrears, 1, month(2026, 11)},
		{"August paid: Sep, Oct, Nov overdue (3, still inside)", []calendar.Month{aug}, calendar.D(2026, 11, 20), participant.Arrears, 3, month(2026, 9)},
		{"August paid: 15 December is the last day", []calendar.Month{aug}, calendar.D(2026, 12, 15), participant.Arrears, 3, month(2026, 9)},
		{"August paid: 16 December, 4 overdue: ended", []calendar.Month{aug}, calendar.D(2026, 12, 16), participant.Ended, 0, month(2026, 12)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Assess(c.paid, c.today, pr)
			if got.Status != c.status || len(got.Arrears) != c.arrears || got.NextDue != c.nextDue {
				t.Fatalf("%+v", got)
			}
		})
	}
	got := Assess([]calendar.Month{aug}, calendar.D(2026, 11, 20), pr)
	if got.WindowCloses != calendar.D(2026, 12, 15) || got.CoveredUntil != calendar.D(2026, 8, 31) {
		t.Fatalf("window %s, covered until %s", got.WindowCloses, got.CoveredUntil)
	}
	// A new period after a closed window: the period starts at the first month paid again.
	paid := append([]calendar.Month{month(2026, 1), month(2026, 2)}, months(month(2026, 9), 3)...)
	if got := Assess(paid, calendar.D(2026, 11, 20), pr); got.PeriodStart != month(2026, 9) || got.Status != participant.Active {
		t.Fatalf("%+v", got)
	}
}

func price(calendar.Month) (int64, error) { return 16_800, nil }

// Money goes to overdue months inside the window (oldest first), then the current month, then
// months ahead (at most 12); the remainder stays as credit.
func TestAllocation(t *testing.T) {
	today := calendar.D(2026, 11, 20)
	c := Assess([]calendar.Month{month(2026, 8)}, today, pr)
	payable := Payable(c, today, pr)
	if payable[0] != month(2026, 9) || payable[len(payable)-1] != month(2027, 11) {
		t.Fatalf("payable %v … %v", payable[0], payable[len(payable)-1])
	}
	a, err := AllocateAmount(payable, 16_800*4+5_000, price)
	if err != nil {
		t.Fatal(err)
	}
	want := []calendar.Month{month(2026, 9), month(2026, 10), month(2026, 11), month(2026, 12)}
	if len(a.Months) != 4 || a.Months[0] != want[0] || a.Months[3] != want[3] || a.Remainder != 5_000 || a.Spent != 67_200 {
		t.Fatalf("%+v", a)
	}
	// After the window closed the gap is never paid: the payment starts a new period now.
	today = calendar.D(2027, 1, 20)
	c = Assess([]calendar.Month{month(2026, 8)}, today, pr)
	a, _ = AllocateMonths(Payable(c, today, pr), 3, pr, price)
	if c.Status != participant.Ended || a.Months[0] != month(2027, 1) || a.Spent != 3*16_800 {
		t.Fatalf("%+v %+v", c, a)
	}
	// Twelve ahead at most.
	today = calendar.D(2026, 11, 20)
	c = Assess(months(month(2026, 11), 12), today, pr)
	if p := Payable(c, today, pr); len(p) != 1 || p[0] != month(2027, 11) {
		t.Fatalf("payable after 12 ahead: %v", p)
	}
	if _, err := AllocateMonths(Payable(c, today, pr), 3, pr, price); !errors.Is(err, errs.ErrConflict) {
		t.Fatalf("beyond 12 ahead: %v", err)
	}
	if _, err := AllocateMonths(payable, 2, pr, price); !errors.Is(err, errs.ErrInvalid) {
		t.Fatalf("2 months is not an option: %v", err)
	}
	if !CoveredOn(months(month(2026, 6), 3), calendar.D(2026, 7, 31)) || CoveredOn(months(month(2026, 6), 3), calendar.D(2026, 9, 1)) {
		t.Fatal("covered on")
	}
}

// Due on the 15th, or the next working day: weekends and listed holidays move it.
func TestDueDate(t *testing.T) {
	withHolidays := pr
	withHolidays.Holidays = map[calendar.Date]bool{calendar.D(2027, 8, 16): true}
	for _, c := range []struct {
		m    calendar.Month
		pr   rules.Payment
		want calendar.Date
	}{
		{month(2026, 12), pr, calendar.D(2026, 12, 15)},         // Tuesday
		{month(2026, 11), pr, calendar.D(2026, 11, 16)},         // Sunday → Monday
		{month(2027, 8), pr, calendar.D(2027, 8, 16)},           // Sunday → Monday
		{month(2027, 8), withHolidays, calendar.D(2027, 8, 17)}, // and Monday a holiday → Tuesday
	} {
		if got := DueDate(c.m, c.pr); got != c.want {
			t.Errorf("%s: %s, want %s", c.m, got, c.want)
		}
	}
}

// Due dates under the embedded rules, with the holidays and cuti bersama of SKB 3 Menteri
// No. 1497, 2 and 5 of 2025 for 2026 (DOMAIN.md §2: the 15th, or the next working day).
func TestDueDateWithTheHolidaysOf2026(t *testing.T) {
	rs := rules.Default()
	for _, c := range []struct {
		m    calendar.Month
		want calendar.Date
	}{
		{month(2026, 2), calendar.D(2026, 2, 18)}, // Sun 15; Mon 16 cuti bersama Imlek; Tue 17 Imlek
		{month(2026, 3), calendar.D(2026, 3, 16)}, // Sun 15 → Mon 16 (Nyepi and Idul Fitri come later)
		{month(2026, 5), calendar.D(2026, 5, 18)}, // Fri 15 cuti bersama Kenaikan; weekend
		{month(2026, 8), calendar.D(2026, 8, 18)}, // Sat 15, Sun 16, Mon 17 Proklamasi → Tue 18
		{month(2026, 6), calendar.D(2026, 6, 15)}, // Monday, a working day
	} {
		pr, err := rs.PaymentAt(calendar.D(c.m.Year(), c.m.Month(), 1))
		if err != nil {
			t.Fatal(err)
		}
		if got := DueDate(c.m, pr); got != c.want {
			t.Errorf("%s: due %s, want %s", c.m, got, c.want)
		}
	}
}

// Issue 18: coverage on a date follows the months paid up to it. Asked about a day before
// the first paid month, a participant is not yet covered; a period that starts later does not
// cover a gap before it (Perdir 22/PERDIR.02/072022: protection is never back-dated).
func TestCoverageOnAPastDate(t *testing.T) {
	m := calendar.MonthOf
	first := []calendar.Month{m(2026, 11), m(2026, 12)}
	if c := Assess(first, calendar.D(2026, 10, 20), pr); c.Status != participant.WaitingFirstPayment || CoveredOn(first, calendar.D(2026, 10, 20)) {
		t.Fatalf("before the first paid month: %s", c.Status)
	}
	if c := Assess(first, calendar.D(2026, 11, 20), pr); c.Status != participant.Active || c.CoveredUntil != calendar.D(2026, 12, 31) {
		t.Fatalf("in the first paid month: %+v", c)
	}
	gap := []calendar.Month{m(2026, 1), m(2026, 2), m(2026, 3), m(2026, 11)}
	if c := Assess(gap, calendar.D(2026, 8, 20), pr); c.Status != participant.Ended {
		t.Fatalf("in the gap before a new period: %s", c.Status)
	}
	if c := Assess(gap, calendar.D(2026, 11, 20), pr); c.Status != participant.Active || c.PeriodStart != m(2026, 11) {
		t.Fatalf("in the new period: %+v", c)
	}
}
