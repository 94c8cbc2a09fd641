// Package contribution computes what a BPU participant owes and what their payments cover:
// quotes per month and program from the dated rules (rates, discounts by contribution month,
// sector and source of funds), the coverage status with its arrears window, and how a
// payment is spread over months (../shared/DOMAIN.md §2). Plain Go: no SQL, no HTTP.
package contribution

import (
	"fmt"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/money"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/rules"
)

// Funding is where the money of a payment comes from.
type Funding string

const (
	Self   Funding = "self"
	APBN   Funding = "apbn"
	APBD   Funding = "apbd"   // province or regency budget
	APBDes Funding = "apbdes" // village budget, Dana Desa
	CSR    Funding = "csr"
	Donor  Funding = "donor"
)

// Fundings lists every source of funds.
var Fundings = []Funding{Self, APBN, APBD, APBDes, CSR, Donor}

// Valid reports whether f is a known source.
func (f Funding) Valid() bool {
	for _, x := range Fundings {
		if x == f {
			return true
		}
	}
	return false
}

// Program is one of the BPU programs.
type Program string

const (
	JKK Program = "jkk"
	JKM Program = "jkm"
	JHT Program = "jht"
)

// Member is what a quote needs to know of a participant.
type Member struct {
	Income   int64
	Programs participant.Programs
	Sector   rules.Sector
}

// Line is one program's contribution for one month.
type Line struct {
	Month    calendar.Month `json:"month"`
	Program  Program        `json:"program"`
	Base     int64          `json:"base"`
	Discount int64          `json:"discount"`
	Due      int64          `json:"due"`
	Rule     string         `json:"rule,omitempty"` // the regulation behind the discount
}

// MonthDue is one month's total.
type MonthDue struct {
	Month    calendar.Month `json:"month"`
	Base     int64          `json:"base"`
	Discount int64          `json:"discount"`
	Due      int64          `json:"due"`
}

// Quote is the contribution for a set of months.
type Quote struct {
	Lines  []Line     `json:"lines"`
	Months []MonthDue `json:"months"`
	Total  int64      `json:"total"`
}

// QuoteMonths prices each month for each program the member is enrolled in.
func QuoteMonths(rs *rules.Set, m Member, funding Funding, months []calendar.Month) (Quote, error) {
	if !funding.Valid() {
		return Quote{}, errs.Invalid("funding", "one of self, apbn, apbd, apbdes, csr, donor")
	}
	if m.Income <= 0 || m.Income > money.Max {
		return Quote{}, errs.Invalid("declared_income", "must be a row of the income table")
	}
	var q Quote
	for _, month := range months {
		rates, _, err := rs.RatesFor(month)
		if err != nil {
			return Quote{}, errs.Invalid("month", "%s: %v", month, err)
		}
		md := MonthDue{Month: month}
		jkk, err1 := money.Mul(m.Income, rates.JKKBasisPoints)
		jht, err2 := money.Mul(m.Income, rates.JHTBasisPoints)
		if err1 != nil || err2 != nil {
			return Quote{}, errs.Invalid("declared_income", "must be a row of the income table")
		}
		add := func(p Program, base int64) {
			l := Line{Month: month, Program: p, Base: base, Due: base}
			if d, src, ok := rs.DiscountFor(month, string(p), m.Sector, string(funding)); ok {
				l.Discount = base * d.Percent / 100
				l.Due = base - l.Discount
				l.Rule = src
			}
			q.Lines = append(q.Lines, l)
			md.Base += l.Base
			md.Discount += l.Discount
			md.Due += l.Due
		}
		// JKK and JKM are mandatory for every BPU; JHT when chosen.
		add(JKK, jkk/10_000)
		add(JKM, rates.JKMFlat)
		if m.Programs.JHT {
			add(JHT, jht/10_000)
		}
		q.Months = append(q.Months, md)
		if q.Total, err = money.Add(q.Total, md.Due); err != nil {
			return Quote{}, errs.Invalid("months", "the total is out of range")
		}
	}
	return q, nil
}

// MonthPrice is a month's total due, for allocation.
func MonthPrice(rs *rules.Set, m Member, funding Funding) func(calendar.Month) (int64, error) {
	return func(month calendar.Month) (int64, error) {
		q, err := QuoteMonths(rs, m, funding, []calendar.Month{month})
		if err != nil {
			return 0, err
		}
		if q.Total <= 0 {
			return 0, fmt.Errorf("month %s prices at %d", month, q.Total)
		}
		return q.Total, nil
	}
}
