// Package benefit computes what a BPU claim comes to (DOMAIN.md §3): JKK (work accident), JKM
// (death), the scholarship and JHT (old-age savings), line by line, each line naming the rule
// and the regulation it comes from, with the reasons a claim is refused and the contributions
// paid for months after the event, which are refunded. The same engine answers the calculator
// (stated facts) and prices a filed claim (facts from the record). Plain Go: no SQL, no HTTP.
package benefit

import (
	"fmt"
	"strings"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/money"
	"github.com/perisai/perisai/internal/rules"
)

// Program is what is claimed.
type Program string

const (
	JKK         Program = "jkk"
	JKM         Program = "jkm"
	JHT         Program = "jht"
	Scholarship Program = "scholarship"
)

// Reason is why, within a program.
type Reason string

const (
	Medical           Reason = "medical"            // JKK: care per the bills
	HomeCare          Reason = "home_care"          // JKK: care at home, capped
	TemporaryInjury   Reason = "stmb"               // JKK: temporary incapacity (STMB)
	TotalDisability   Reason = "total_disability"   // JKK, JHT; scholarship after a work accident
	PartialDisability Reason = "partial_disability" // JKK
	Death             Reason = "death"              // JKK (work), JKM, JHT, scholarship
	Age               Reason = "age"                // JHT at 56
	StoppedWorking    Reason = "stopped_working"    // JHT: a BPU who stopped working
	Partial10         Reason = "partial_10"         // JHT: 10% once after 10 years
	Partial30         Reason = "partial_30"         // JHT: 30% once after 10 years
)

// Child is a participant's child for the scholarship.
type Child struct {
	Name      string        `json:"name,omitempty"`
	BirthDate calendar.Date `json:"birth_date"`
	Level     string        `json:"level"` // tk, sd, smp, sma, pt
}

// YearAmount is one year's JHT contributions.
type YearAmount struct {
	Year   int   `json:"year"`
	Amount int64 `json:"amount"`
}

// Facts are what a claim is decided on, stated (the calculator) or read from the record.
type Facts struct {
	Program   Program       `json:"program"`
	Reason    Reason        `json:"reason"`
	EventDate calendar.Date `json:"event_date"`           // accident, diagnosis, death, stopping work, or the claim itself (JHT at 56)
	ClaimDate calendar.Date `json:"claim_date,omitempty"` // default: the event date
	// DeclaredIncome is the "wage" JKK benefits are multiples of: a row of the income table.
	DeclaredIncome int64 `json:"declared_income"`
	// Coverage on the event date: CoveredOnEvent when stated, otherwise from PaidThrough, the
	// last month paid (months paid after the event month are refunded).
	CoveredOnEvent      *bool          `json:"covered_on_event,omitempty"`
	PaidThrough         calendar.Month `json:"paid_through,omitempty"`
	MonthlyContribution int64          `json:"monthly_contribution,omitempty"` // what one month costs, for the refund
	ContributionMonths  int            `json:"contribution_months"`            // months of contributions before the event
	WorkRelated         bool           `json:"work_related"`
	STMBMonths          int            `json:"stmb_months,omitempty"`
	DisabilityBp        int64          `json:"disability_bp,omitempty"` // partial disability from the table, in basis points (30% = 3000)
	Bills               int64          `json:"bills,omitempty"`         // medical or home-care bills
	Children            []Child        `json:"children,omitempty"`
	// JHT: the balance stated, or the contributions by year (returns are added by the rules).
	JHTBalance       int64          `json:"jht_balance,omitempty"`
	JHTContributions []YearAmount   `json:"jht_contributions,omitempty"`
	BirthDate        calendar.Date  `json:"birth_date,omitempty"` // JHT at 56
	PartialTaken     bool           `json:"partial_taken,omitempty"`
	HasNPWP          bool           `json:"has_npwp,omitempty"`
	ReportedOn       *calendar.Date `json:"reported_on,omitempty"` // JKK: the day the accident was reported (stage I)
	// FuneralOnly: the participant left no heir, and whoever arranged the burial claims; only
	// the funeral amount is paid, the rest stays in the fund (DOMAIN.md §3).
	FuneralOnly bool `json:"funeral_only,omitempty"`
}

// Line is one amount of a benefit and the rule behind it.
type Line struct {
	Rule   string `json:"rule"`
	Source string `json:"source"`
	Amount int64  `json:"amount"`
}

// Refusal is a rule the claim does not meet.
type Refusal struct {
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
}

// Refund is what is paid back: contributions for months after the event.
type Refund struct {
	Months int   `json:"months"`
	Amount int64 `json:"amount"`
}

// Result is what the claim comes to.
type Result struct {
	Eligible bool      `json:"eligible"`
	Refusals []Refusal `json:"refusals"`
	Lines    []Line    `json:"lines"`
	Total    int64     `json:"total"`
	Refund   Refund    `json:"refund"`
	Notes    []string  `json:"notes,omitempty"` // what the branch must see (a late accident report)
}

// Quote computes the result of a claim on the rules in force on its event date.
func Quote(rs *rules.Set, f Facts) (Result, error) {
	out := Result{Refusals: []Refusal{}, Lines: []Line{}}
	if f.EventDate.IsZero() {
		return out, errs.Invalid("event_date", "is required (YYYY-MM-DD)")
	}
	if f.ClaimDate.IsZero() {
		f.ClaimDate = f.EventDate
	}
	if f.ClaimDate.Before(f.EventDate) {
		return out, errs.Invalid("claim_date", "is before the event")
	}
	b, src, err := rs.BenefitsAt(f.EventDate)
	if err != nil {
		return out, errs.Invalid("event_date", "no benefit rules in force on %s", f.EventDate)
	}
	if f.DeclaredIncome < 0 || f.DeclaredIncome > money.Max || f.Bills < 0 || f.Bills > money.Max || f.JHTBalance < 0 || f.JHTBalance > money.Max ||
		f.MonthlyContribution < 0 || f.MonthlyContribution > money.Max || f.DisabilityBp < 0 || f.DisabilityBp > 10000 || f.STMBMonths < 0 || f.STMBMonths > 600 {
		return out, errs.Invalid("facts", "an amount, a month count or a percentage is out of range")
	}
	q := quoter{b: b, src: src, f: f, out: &out}
	switch f.Program {
	case JKK:
		err = q.jkk()
	case JKM:
		q.jkm()
	case Scholarship:
		q.scholarship()
	case JHT:
		err = q.jht()
	default:
		return out, errs.Invalid("program", "one of jkk, jkm, jht, scholarship")
	}
	if err != nil {
		return out, err
	}
	if f.FuneralOnly {
		kept := out.Lines[:0]
		for _, l := range out.Lines {
			if strings.HasSuffix(l.Rule, ".funeral") {
				kept = append(kept, l)
			}
		}
		out.Lines = kept
		out.Refund = Refund{}
	}
	out.Eligible = len(out.Refusals) == 0
	if !out.Eligible {
		out.Lines, out.Total = []Line{}, 0
	}
	for _, l := range out.Lines {
		if out.Total, err = money.Add(out.Total, l.Amount); err != nil {
			return out, errs.Invalid("facts", "the total is out of range")
		}
	}
	return out, nil
}

type quoter struct {
	b   rules.Benefits
	src string
	f   Facts
	out *Result
}

func (q quoter) line(rule string, amount int64) {
	q.out.Lines = append(q.out.Lines, Line{Rule: rule, Source: q.src, Amount: amount})
}

func (q quoter) refuse(rule, format string, args ...any) {
	q.out.Refusals = append(q.out.Refusals, Refusal{Rule: rule, Reason: fmt.Sprintf(format, args...)})
}

// covered reports whether the participant was covered on the event date.
func (q quoter) covered() bool {
	if q.f.CoveredOnEvent != nil {
		return *q.f.CoveredOnEvent
	}
	return q.f.PaidThrough != 0 && q.f.PaidThrough >= q.f.EventDate.MonthOf()
}

// refund pays back the months paid after the event month (DOMAIN.md §2: contributions paid for
// months after a claim event are refunded with the claim).
func (q quoter) refund() {
	ev := q.f.EventDate.MonthOf()
	if q.f.PaidThrough > ev {
		n := int(q.f.PaidThrough - ev)
		q.out.Refund = Refund{Months: n, Amount: int64(n) * q.f.MonthlyContribution}
	}
}

func (q quoter) needsIncome() bool {
	if q.f.DeclaredIncome <= 0 {
		q.refuse("declared_income", "the declared income is required: JKK benefits are multiples of it")
		return false
	}
	return true
}

func (q quoter) jkk() error {
	j := q.b.JKK
	if !q.f.WorkRelated {
		q.refuse("jkk.work_related", "JKK pays for accidents and illness from work; a death not from work is claimed as JKM")
	}
	if !q.covered() {
		q.refuse("jkk.covered", "the participant was not covered on the day of the accident (%s)", q.f.EventDate.Name("en"))
	}
	if lapse := q.f.EventDate.AddMonths(12 * j.LapseYears); !q.f.ClaimDate.Before(lapse) {
		q.refuse("jkk.lapsed", "the right lapsed %d years after the accident, on %s", j.LapseYears, lapse.Name("en"))
	}
	if r := q.f.ReportedOn; r != nil && r.After(q.f.EventDate.AddDays(j.ReportHours/24)) {
		q.out.Notes = append(q.out.Notes, fmt.Sprintf("the accident was reported on %s, later than %d hours after it (stage I report)", r.Name("en"), j.ReportHours))
	}
	w := q.f.DeclaredIncome
	switch q.f.Reason {
	case Medical:
		q.line("jkk.medical", q.f.Bills)
	case HomeCare:
		q.line("jkk.home_care", min(q.f.Bills, j.HomeCareCap))
	case TemporaryInjury:
		if q.needsIncome() {
			full := min(q.f.STMBMonths, j.STMBFullMonths)
			q.line("jkk.stmb_full", int64(full)*w*j.STMBFullBp/10000)
			if after := q.f.STMBMonths - full; after > 0 {
				q.line("jkk.stmb_after", int64(after)*w*j.STMBAfterBp/10000)
			}
		}
	case TotalDisability:
		if q.needsIncome() {
			q.line("jkk.total_disability", j.TotalDisabilityTimes*w)
		}
	case PartialDisability:
		if q.f.DisabilityBp <= 0 {
			q.refuse("jkk.partial", "the disability percentage from the table is required")
		} else if q.needsIncome() {
			q.line("jkk.partial_disability", q.f.DisabilityBp*j.PartialBaseTimes*w/10000)
		}
	case Death:
		if q.needsIncome() {
			q.line("jkk.death", max(j.DeathTimes*w, j.DeathMin))
			q.line("jkk.funeral", j.Funeral)
			q.line("jkk.periodic", j.Periodic)
		}
		q.refund()
	default:
		return errs.Invalid("reason", "JKK: one of medical, home_care, stmb, total_disability, partial_disability, death")
	}
	return nil
}

func (q quoter) jkm() {
	j := q.b.JKM
	if q.f.Reason != Death && q.f.Reason != "" {
		q.refuse("jkm.reason", "JKM is paid on death")
	}
	if q.f.WorkRelated {
		q.refuse("jkm.work_related", "a death from a work accident is claimed as JKK")
	}
	if !q.covered() {
		q.refuse("jkm.covered", "JKM requires active coverage on the date of death (%s)", q.f.EventDate.Name("en"))
	}
	q.line("jkm.lump_sum", j.LumpSum)
	q.line("jkm.periodic", j.Periodic)
	q.line("jkm.funeral", j.Funeral)
	q.refund()
}

func (q quoter) scholarship() {
	s := q.b.Scholarship
	switch {
	case q.f.Reason != Death && q.f.Reason != TotalDisability:
		q.refuse("scholarship.reason", "a scholarship follows a death, or a total disability from a work accident")
	case q.f.Reason == TotalDisability && !q.f.WorkRelated:
		q.refuse("scholarship.reason", "after a total disability, a scholarship follows only a work accident")
	case !q.f.WorkRelated && q.f.ContributionMonths < 12*s.MinYearsNonWork:
		q.refuse("scholarship.min_years", "after a death not from work, %d years of contributions are required; there are %d months", s.MinYearsNonWork, q.f.ContributionMonths)
	}
	if !q.covered() {
		q.refuse("scholarship.covered", "the participant was not covered on the day of the event")
	}
	granted := 0
	for i, c := range q.f.Children {
		name := c.Name
		if name == "" {
			name = fmt.Sprintf("child %d", i+1)
		}
		if granted == s.MaxChildren {
			q.out.Notes = append(q.out.Notes, fmt.Sprintf("%s: at most %d children receive a scholarship", name, s.MaxChildren))
			continue
		}
		if c.BirthDate.IsZero() || c.BirthDate.YearsAt(q.f.ClaimDate) >= s.MaxAge {
			q.out.Notes = append(q.out.Notes, fmt.Sprintf("%s: only a child under %d", name, s.MaxAge))
			continue
		}
		lv, ok := s.Levels[c.Level]
		if !ok {
			q.out.Notes = append(q.out.Notes, fmt.Sprintf("%s: school level %q is not one of tk, sd, smp, sma, pt", name, c.Level))
			continue
		}
		granted++
		q.line("scholarship."+c.Level, min(lv.PerYear, s.MaxPerChild))
	}
	if granted == 0 && len(q.out.Refusals) == 0 {
		q.refuse("scholarship.children", "no child qualifies")
	}
}

func (q quoter) jht() error {
	j := q.b.JHT
	balance, err := q.jhtBalance()
	if err != nil {
		return err
	}
	switch q.f.Reason {
	case Age:
		if q.f.BirthDate.IsZero() || q.f.BirthDate.YearsAt(q.f.ClaimDate) < j.FullAge {
			q.refuse("jht.age", "JHT is paid in full at %d", j.FullAge)
		}
		q.line("jht.full", balance)
	case TotalDisability, Death:
		q.line("jht.full", balance)
		if q.f.Reason == Death {
			q.refund()
		}
	case StoppedWorking:
		if wait := q.f.EventDate.AddMonths(j.StopWaitMonths); q.f.ClaimDate.Before(wait) {
			q.refuse("jht.stop_wait", "a BPU who stopped working claims %d month(s) after stopping, from %s", j.StopWaitMonths, wait.Name("en"))
		}
		q.line("jht.full", balance)
	case Partial10, Partial30:
		if q.f.ContributionMonths < 12*j.PartialMinYears {
			q.refuse("jht.partial_years", "a partial JHT needs %d years of membership; there are %d months", j.PartialMinYears, q.f.ContributionMonths)
		}
		if q.f.PartialTaken {
			q.refuse("jht.partial_once", "a partial JHT is paid once")
		}
		bp := j.PartialBp[0]
		if q.f.Reason == Partial30 && len(j.PartialBp) > 1 {
			bp = j.PartialBp[1]
		}
		q.line("jht."+string(q.f.Reason), balance*bp/10000)
	default:
		return errs.Invalid("reason", "JHT: one of age, total_disability, death, stopped_working, partial_10, partial_30")
	}
	var total int64
	for _, l := range q.out.Lines {
		total += l.Amount
	}
	if total > j.NPWPAbove && !q.f.HasNPWP {
		q.refuse("jht.npwp", "an NPWP (tax number) is required above Rp %d", j.NPWPAbove)
	}
	return nil
}

// jhtBalance is the stated balance, or the contributions with each full year's declared return
// credited at that year's end (the year of the claim earns none yet).
func (q quoter) jhtBalance() (int64, error) {
	if q.f.JHTBalance > 0 || len(q.f.JHTContributions) == 0 {
		return q.f.JHTBalance, nil
	}
	rate := map[int]int64{}
	for _, r := range q.b.JHT.Returns {
		rate[r.Year] = r.Bp
	}
	byYear := map[int]int64{}
	first := q.f.ClaimDate.Year()
	for _, c := range q.f.JHTContributions {
		if c.Amount < 0 || c.Amount > money.Max || c.Year < 1977 || c.Year > q.f.ClaimDate.Year() {
			return 0, errs.Invalid("jht_contributions", "a year's contributions are out of range")
		}
		byYear[c.Year] += c.Amount
		first = min(first, c.Year)
	}
	var balance int64
	for y := first; y <= q.f.ClaimDate.Year(); y++ {
		balance += byYear[y]
		if y < q.f.ClaimDate.Year() {
			balance += balance * rate[y] / 10000
		}
		if balance > money.Max {
			return 0, errs.Invalid("jht_contributions", "the balance is out of range")
		}
	}
	return balance, nil
}
