package rules

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/perisai/perisai/internal/calendar"
)

// Rates are the contribution rates of the BPU programs: JKK and JHT in basis points of the
// declared income (100 = 1%), JKM a flat amount.
type Rates struct {
	JKKBasisPoints int64 `json:"jkk_bp"`
	JKMFlat        int64 `json:"jkm_flat"`
	JHTBasisPoints int64 `json:"jht_bp"`
}

// Discount is a relief on some programs' contributions, keyed by contribution month, for some
// sectors, unless the contribution is paid from an excluded source of funds.
type Discount struct {
	Name            string   `json:"name"`
	Percent         int64    `json:"percent"`
	Programs        []string `json:"programs"`
	Sectors         []Sector `json:"sectors"`
	ExcludedFunding []string `json:"excluded_funding"`
}

// Payment holds the rules of paying contributions (Perdir 22/PERDIR.02/072022).
type Payment struct {
	DueDay              int   `json:"due_day"`
	ArrearsWindowMonths int   `json:"arrears_window_months"`
	PrepayOptions       []int `json:"prepay_options"`
	MaxMonthsAhead      int   `json:"max_months_ahead"`
	// Holidays are the public holidays a due date moves past (with weekends); PaymentAt fills
	// them from the holiday lists.
	Holidays map[calendar.Date]bool `json:"-"`
}

// CashLimits stop an agent collecting cash when too much, or too old, is undeposited.
type CashLimits struct {
	MaxCashOnHand     int64 `json:"max_cash_on_hand"`
	MaxReceiptAgeDays int   `json:"max_receipt_age_days"`
}

// Incentive is an agent incentive scheme (Perdir 13/PERDIR.02/042022 and its predecessor).
type Incentive struct {
	Name        string            `json:"name"`
	Collection  []CollectionBand  `json:"collection"`
	Acquisition AcquisitionScheme `json:"acquisition"`
	WadahExtra  int64             `json:"wadah_extra_bp"`
}

// CollectionBand pays a share of contributions for a participant's contribution months
// FromMonth..ToMonth (ToMonth 0: no end).
type CollectionBand struct {
	FromMonth  int   `json:"from_month"`
	ToMonth    int   `json:"to_month"`
	PercentBps int64 `json:"percent_bp"`
}

// AcquisitionScheme pays for new participants: per participant (by number of programs) once
// the agent reaches MinNew in a month, or PerBlock for every Block recruits.
type AcquisitionScheme struct {
	PerBlock        int64 `json:"per_block"`
	Block           int   `json:"block"`
	MinNew          int   `json:"min_new"`
	PerParticipant3 int64 `json:"per_participant_3"`
	PerParticipant2 int64 `json:"per_participant_2"`
}

// RatesFor returns the rates in force for a contribution month.
func (s *Set) RatesFor(m calendar.Month) (Rates, string, error) {
	d, err := at("rates", s.Rates, m.First())
	return d.Value, d.Source, err
}

// PaymentAt returns the payment rules in force on a day, with every listed holiday (a map the
// set keeps and every caller shares: it is read, never written).
func (s *Set) PaymentAt(day calendar.Date) (Payment, error) {
	d, err := at("payment", s.Payment, day)
	p := d.Value
	p.Holidays = s.holidays
	return p, err
}

// WorkingDay reports whether day is neither a weekend nor a listed holiday.
func (p Payment) WorkingDay(day calendar.Date) bool {
	wd := day.Time().Weekday()
	return wd != time.Saturday && wd != time.Sunday && !p.Holidays[day]
}

// CashLimitsAt returns the cash limits in force on a day.
func (s *Set) CashLimitsAt(day calendar.Date) (CashLimits, error) {
	d, err := at("cash_limits", s.CashLimits, day)
	return d.Value, err
}

// DiscountFor returns the discount on a program's contribution for a month, sector and source
// of funds, with the regulation it comes from; ok is false when none applies.
func (s *Set) DiscountFor(m calendar.Month, program string, sector Sector, funding string) (Discount, string, bool) {
	for _, d := range s.Discounts {
		if !d.Covers(m.First()) {
			continue
		}
		v := d.Value
		if slices.Contains(v.Programs, program) && slices.Contains(v.Sectors, sector) && !slices.Contains(v.ExcludedFunding, funding) {
			return v, d.Source, true
		}
	}
	return Discount{}, "", false
}

// checkDiscounts allows discounts to overlap in time (one per sector), but not two discounts
// on the same program and sector over the same month.
func checkDiscounts(list []Dated[Discount]) error {
	for i, d := range list {
		if d.From.IsZero() || strings.TrimSpace(d.Source) == "" {
			return fmt.Errorf("discounts entry %d: effective_from and source are required", i)
		}
		if d.Value.Percent <= 0 || d.Value.Percent > 100 {
			return fmt.Errorf("discounts entry %d: percent must be 1–100", i)
		}
		for j := range i {
			o := list[j]
			overlap := !d.From.After(orMax(o.To)) && !o.From.After(orMax(d.To))
			if !overlap {
				continue
			}
			for _, p := range d.Value.Programs {
				for _, sec := range d.Value.Sectors {
					if slices.Contains(o.Value.Programs, p) && slices.Contains(o.Value.Sectors, sec) {
						return fmt.Errorf("discounts %d and %d both apply to %s for sector %s", j, i, p, sec)
					}
				}
			}
		}
	}
	return nil
}

func orMax(d calendar.Date) calendar.Date {
	if d.IsZero() {
		return calendar.D(9999, 12, 31)
	}
	return d
}

// IncentiveTax is the tax withheld from an incentive statement (agent's total and wadah extra)
// before it is paid to the wadah.
type IncentiveTax struct {
	Name    string `json:"name"`
	RateBps int64  `json:"rate_bp"`
}

// IncentiveTaxFor returns the tax withheld on the statements of a month, with its source; a
// rules file without one withholds nothing.
func (s *Set) IncentiveTaxFor(m calendar.Month) (IncentiveTax, string) {
	d, err := at("incentive_tax", s.IncentiveTx, m.First())
	if err != nil {
		return IncentiveTax{}, ""
	}
	return d.Value, d.Source
}

// IncentiveFor returns the incentive scheme that governs a month (a scheme changes on the 1st
// of a month), with its source.
func (s *Set) IncentiveFor(m calendar.Month) (Incentive, string, error) {
	d, err := at("incentives", s.Incentives, m.First())
	return d.Value, d.Source, err
}
