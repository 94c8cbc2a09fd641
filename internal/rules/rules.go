// Package rules holds every rule that moves money or decides eligibility as dated data: each
// entry has the dates it is in force, the regulation it comes from, and a flag where its figures
// were not confirmed against the official text (../shared/DOMAIN.md). Defaults are embedded; an
// operator can load a newer file without a release.
package rules

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/perisai/perisai/internal/calendar"
)

//go:embed default.json
var defaultFile []byte

// Period is when an entry is in force: from its first day to its last (open when To is zero).
type Period struct {
	From        calendar.Date `json:"effective_from"`
	To          calendar.Date `json:"effective_to"`
	Source      string        `json:"source"`
	Unconfirmed bool          `json:"unconfirmed,omitempty"`
	Note        string        `json:"note,omitempty"`
}

// Covers reports whether day lies in the period.
func (p Period) Covers(day calendar.Date) bool {
	return !day.Before(p.From) && (p.To.IsZero() || !day.After(p.To))
}

// Dated is a rule value with its period.
type Dated[T any] struct {
	Period
	Value T `json:"value"`
}

// at returns the entry in force on t.
func at[T any](name string, list []Dated[T], t calendar.Date) (Dated[T], error) {
	for _, d := range list {
		if d.Covers(t) {
			return d, nil
		}
	}
	var zero Dated[T]
	return zero, fmt.Errorf("no %s rule in force on %s", name, t)
}

// checkPeriods requires entries in date order, each with a source, none overlapping.
func checkPeriods[T any](name string, list []Dated[T]) error {
	if len(list) == 0 {
		return fmt.Errorf("%s: no entries", name)
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].From.Before(list[j].From) })
	for i, d := range list {
		if d.From.IsZero() {
			return fmt.Errorf("%s entry %d: effective_from is required", name, i)
		}
		if !d.To.IsZero() && d.To.Before(d.From) {
			return fmt.Errorf("%s entry %d: ends before it starts", name, i)
		}
		if strings.TrimSpace(d.Source) == "" {
			return fmt.Errorf("%s entry %d: source (regulation) is required", name, i)
		}
		if i > 0 {
			prev := list[i-1]
			if prev.To.IsZero() || !prev.To.Before(d.From) {
				return fmt.Errorf("%s entries %d and %d overlap", name, i-1, i)
			}
		}
	}
	return nil
}

// Set is one version of the rules.
type Set struct {
	Version     string                   `json:"version"`
	Income      []Dated[[]int64]         `json:"declared_income"`
	Rates       []Dated[Rates]           `json:"rates"`
	Discounts   []Dated[Discount]        `json:"discounts"`
	Payment     []Dated[Payment]         `json:"payment"`
	Holidays    []Dated[[]calendar.Date] `json:"holidays"`
	CashLimits  []Dated[CashLimits]      `json:"cash_limits"`
	Incentives  []Dated[Incentive]       `json:"incentives"`
	IncentiveTx []Dated[IncentiveTax]    `json:"incentive_tax,omitempty"`
	Benefits    []Dated[Benefits]        `json:"benefits,omitempty"`
	Claims      []Dated[ClaimRules]      `json:"claims,omitempty"`
	Network     []Dated[Network]         `json:"network"`
	Register    []Dated[Registration]    `json:"registration"`
	Occupations []Occupation             `json:"occupations"`
	Records     []Dated[Records]         `json:"records,omitempty"`
	byCode      map[string]Occupation
	holidays    map[calendar.Date]bool // every listed holiday, shared by the Payment values PaymentAt returns
	raw         []byte
}

// Network holds the rules of the agent network (Perdir 13/PERDIR.02/042022 and the PKS).
type Network struct {
	MinActiveAgents       int `json:"min_active_agents"`       // a wadah needs this many to sign an agreement
	InactiveAfterMonths   int `json:"inactive_after_months"`   // whole months without a transaction
	ReactivateAfterMonths int `json:"reactivate_after_months"` // earliest return after deactivation
	MaxAgreementMonths    int `json:"max_agreement_months"`    // a PKS lasts at most this long
}

// Records holds how long the system keeps what it keeps only for a while (an operating policy,
// not a regulation).
type Records struct {
	// IdempotencyKeyDays is how long a request's Idempotency-Key is answered with its first
	// answer; after that the nightly jobs delete it and the key is unknown again.
	IdempotencyKeyDays int `json:"idempotency_key_days"`
}

// Registration holds the rules of registering a BPU participant.
type Registration struct {
	MinAge int `json:"min_age"`
	MaxAge int `json:"max_age"`
}

// Occupation is one entry of the occupation list, with the sector that decides discounts.
type Occupation struct {
	Code   string `json:"code"`
	NameID string `json:"name_id"`
	NameEN string `json:"name_en"`
	Sector Sector `json:"sector"`
}

// Sector groups occupations as PP 50/2025 does.
type Sector string

const (
	Transport Sector = "transport"
	Other     Sector = "other"
)

// Default returns the embedded rules.
func Default() *Set {
	s, err := Parse(defaultFile)
	if err != nil {
		panic(fmt.Sprintf("embedded rules: %v", err))
	}
	return s
}

// Parse reads and validates a rules file.
func Parse(b []byte) (*Set, error) {
	var s Set
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("rules file: %w", err)
	}
	if s.Version == "" {
		return nil, fmt.Errorf("rules file: version is required")
	}
	if err := checkPeriods("declared_income", s.Income); err != nil {
		return nil, err
	}
	for i, d := range s.Income {
		if len(d.Value) == 0 || !sort.SliceIsSorted(d.Value, func(a, b int) bool { return d.Value[a] < d.Value[b] }) || d.Value[0] <= 0 {
			return nil, fmt.Errorf("declared_income entry %d: incomes must be positive and ascending", i)
		}
	}
	if err := checkPeriods("rates", s.Rates); err != nil {
		return nil, err
	}
	if err := checkDiscounts(s.Discounts); err != nil {
		return nil, err
	}
	if err := checkPeriods("payment", s.Payment); err != nil {
		return nil, err
	}
	if err := checkPeriods("holidays", s.Holidays); err != nil {
		return nil, err
	}
	if err := checkPeriods("cash_limits", s.CashLimits); err != nil {
		return nil, err
	}
	if err := checkPeriods("incentives", s.Incentives); err != nil {
		return nil, err
	}
	if err := checkPeriods("incentive_tax", s.IncentiveTx); err != nil {
		return nil, err
	}
	for _, d := range s.IncentiveTx {
		if d.Value.RateBps < 0 || d.Value.RateBps > 5000 {
			return nil, fmt.Errorf("rules: incentive_tax from %s: rate_bp %d outside 0–5000", d.From, d.Value.RateBps)
		}
	}
	if err := checkPeriods("benefits", s.Benefits); err != nil {
		return nil, err
	}
	if err := checkPeriods("claims", s.Claims); err != nil {
		return nil, err
	}
	if err := checkPeriods("network", s.Network); err != nil {
		return nil, err
	}
	if err := checkPeriods("registration", s.Register); err != nil {
		return nil, err
	}
	if err := checkPeriods("records", s.Records); err != nil {
		return nil, err
	}
	for _, r := range s.Records {
		if r.Value.IdempotencyKeyDays < 1 || r.Value.IdempotencyKeyDays > 3650 {
			return nil, fmt.Errorf("records from %s: idempotency_key_days must be 1 to 3650", r.From)
		}
	}
	s.byCode = map[string]Occupation{}
	for _, o := range s.Occupations {
		if o.Code == "" || (o.Sector != Transport && o.Sector != Other) {
			return nil, fmt.Errorf("occupation %q: code and sector (transport or other) are required", o.Code)
		}
		if _, dup := s.byCode[o.Code]; dup {
			return nil, fmt.Errorf("occupation %q listed twice", o.Code)
		}
		s.byCode[o.Code] = o
	}
	s.holidays = map[calendar.Date]bool{}
	for _, h := range s.Holidays {
		for _, x := range h.Value {
			s.holidays[x] = true
		}
	}
	s.raw = b
	return &s, nil
}

// Raw is the file the set was read from.
func (s *Set) Raw() []byte { return s.raw }

// IncomeTable returns the declared incomes a BPU may choose on day t (PP 44/2015 Lampiran II).
func (s *Set) IncomeTable(t calendar.Date) ([]int64, error) {
	d, err := at("declared_income", s.Income, t)
	return d.Value, err
}

// ValidIncome reports whether income is a row of the table in force on t.
func (s *Set) ValidIncome(t calendar.Date, income int64) bool {
	tbl, err := s.IncomeTable(t)
	if err != nil {
		return false
	}
	i := sort.Search(len(tbl), func(i int) bool { return tbl[i] >= income })
	return i < len(tbl) && tbl[i] == income
}

// NetworkAt returns the network rules in force on t.
func (s *Set) NetworkAt(t calendar.Date) (Network, error) {
	d, err := at("network", s.Network, t)
	return d.Value, err
}

// RecordsAt returns the record keeping in force on t.
func (s *Set) RecordsAt(t calendar.Date) (Records, error) {
	d, err := at("records", s.Records, t)
	return d.Value, err
}

// RegistrationAt returns the registration rules in force on t.
func (s *Set) RegistrationAt(t calendar.Date) (Registration, error) {
	d, err := at("registration", s.Register, t)
	return d.Value, err
}

// Occupation looks an occupation up by code.
func (s *Set) Occupation(code string) (Occupation, bool) {
	o, ok := s.byCode[code]
	return o, ok
}
