package rules

import "github.com/perisai/perisai/internal/calendar"

// InForce is the set of rules in force on one day, for `perisai rules show` and the API.
type InForce struct {
	Version   string             `json:"version"`
	Date      calendar.Date      `json:"date"`
	Income    []int64            `json:"declared_income,omitempty"`
	Rates     *Dated[Rates]      `json:"rates,omitempty"`
	Discounts []Dated[Discount]  `json:"discounts_for_this_month"`
	Payment   *Dated[Payment]    `json:"payment,omitempty"`
	Cash      *Dated[CashLimits] `json:"cash_limits,omitempty"`
	Incentive *Dated[Incentive]  `json:"incentives,omitempty"`
	Network   *Dated[Network]    `json:"network,omitempty"`
}

// InForce gathers the entries in force on a day; a kind with none in force is left out.
func (s *Set) InForce(day calendar.Date) InForce {
	out := InForce{Version: s.Version, Date: day, Discounts: []Dated[Discount]{}}
	if d, err := at("declared_income", s.Income, day); err == nil {
		out.Income = d.Value
	}
	if d, err := at("rates", s.Rates, day); err == nil {
		out.Rates = &d
	}
	if d, err := at("payment", s.Payment, day); err == nil {
		out.Payment = &d
	}
	if d, err := at("cash_limits", s.CashLimits, day); err == nil {
		out.Cash = &d
	}
	if d, err := at("incentives", s.Incentives, day); err == nil {
		out.Incentive = &d
	}
	if d, err := at("network", s.Network, day); err == nil {
		out.Network = &d
	}
	for _, d := range s.Discounts {
		if d.Covers(day.MonthOf().First()) {
			out.Discounts = append(out.Discounts, d)
		}
	}
	return out
}
