// Package sponsor describes who pays contributions for a cohort of workers for a while — a
// province or regency (APBD), a village (APBDes / Dana Desa), a company (CSR), a donor — and
// the sponsorships themselves (DOMAIN.md §1). The contributions work charges them.
package sponsor

import (
	"time"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/money"
	"github.com/perisai/perisai/internal/name"
	"github.com/perisai/perisai/internal/region"
)

// Kind is the source of a sponsor's money; it decides, among other things, whether the
// PP 50/2025 discount applies (not to APBN/APBD-funded JKK/JKM).
type Kind string

const (
	APBDProvince Kind = "apbd_province"
	APBDRegency  Kind = "apbd_regency"
	APBDes       Kind = "apbdes" // village budget, Dana Desa
	CSR          Kind = "csr"
	Donor        Kind = "donor"
	OtherKind    Kind = "other"
)

// Kinds lists every kind, for forms.
var Kinds = []Kind{APBDProvince, APBDRegency, APBDes, CSR, Donor, OtherKind}

// Sponsor is a payer.
type Sponsor struct {
	ID        int64     `json:"id"`
	Kind      Kind      `json:"kind"`
	Name      string    `json:"name"`
	Region    string    `json:"region"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks the kind against the region: a province's budget belongs to a province, a
// regency's to a regency, a village's to a village.
func (s *Sponsor) Validate(t *region.Tree) error {
	var es errs.FieldErrors
	s.Name = name.Clean(s.Name)
	if err := name.Check(s.Name, 3, 150); err != nil {
		es.Add("name", "%v", err)
	}
	a, ok := t.Get(s.Region)
	if !ok {
		es.Add("region", "%q is not a region code", s.Region)
	}
	want := map[Kind]region.Level{APBDProvince: region.Province, APBDRegency: region.Regency, APBDes: region.Village}
	switch l, fixed := want[s.Kind]; {
	case s.Kind != CSR && s.Kind != Donor && s.Kind != OtherKind && !fixed:
		es.Add("kind", "one of apbd_province, apbd_regency, apbdes, csr, donor, other")
	case fixed && ok && a.Level != l:
		es.Add("region", "a %s sponsor belongs to a %s", s.Kind, l)
	}
	return es.Err()
}

// Sponsorship is a sponsor paying for a cohort from one month to another.
type Sponsorship struct {
	ID        int64          `json:"id"`
	SponsorID int64          `json:"sponsor_id"`
	Sponsor   string         `json:"sponsor,omitempty"` // the sponsor's name, read back
	Name      string         `json:"name"`
	From      calendar.Month `json:"month_from"`
	To        calendar.Month `json:"month_to"`
	JKK       bool           `json:"jkk"`
	JKM       bool           `json:"jkm"`
	JHT       bool           `json:"jht"`
	Budget    int64          `json:"budget"`
	Members   int            `json:"members"`
	Spent     int64          `json:"spent"` // charged so far, reversals left out
	CreatedAt time.Time      `json:"created_at"`
}

// Validate checks the months, programs and budget.
func (s *Sponsorship) Validate() error {
	var es errs.FieldErrors
	s.Name = name.Clean(s.Name)
	if err := name.Check(s.Name, 1, 150); err != nil {
		es.Add("name", "%v", err)
	}
	if s.From == 0 || s.To == 0 || s.To < s.From {
		es.Add("month_to", "months from and to are required, to not before from")
	} else if s.To-s.From >= 60 {
		es.Add("month_to", "a sponsorship covers at most 60 months")
	}
	if !s.JKK && !s.JKM && !s.JHT {
		es.Add("programs", "a sponsorship pays for at least one program")
	}
	if s.Budget < 0 {
		es.Add("budget", "cannot be negative")
	} else if s.Budget > money.Max {
		es.Add("budget", "at most Rp %d", money.Max)
	}
	return es.Err()
}

// EndsWithin reports whether the sponsorship's last covered day falls between today and the
// given number of days ahead: time to move its cohort to paying themselves.
func (s Sponsorship) EndsWithin(today calendar.Date, days int) bool {
	last := s.To.Last()
	return !last.Before(today) && !last.After(today.AddDays(days))
}
