package network

import (
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/money"
	"github.com/perisai/perisai/internal/rules"
)

// CashLimits are an agent's own limits on cash collected and not yet deposited, set by the
// branch; a zero field takes the rules' default (rules.CashLimits).
type CashLimits struct {
	MaxCashOnHand     int64 `json:"max_cash_on_hand,omitempty"`
	MaxReceiptAgeDays int   `json:"max_receipt_age_days,omitempty"`
}

// Validate checks the limits: not negative, and a receipt kept at most a month (cash sitting
// longer in a village is the risk the limit is there for).
func (c CashLimits) Validate() error {
	var es errs.FieldErrors
	if c.MaxCashOnHand < 0 {
		es.Add("max_cash_on_hand", "cannot be negative")
	} else if c.MaxCashOnHand > money.Max {
		es.Add("max_cash_on_hand", "at most Rp %d", money.Max)
	}
	if c.MaxReceiptAgeDays < 0 || c.MaxReceiptAgeDays > 31 {
		es.Add("max_receipt_age_days", "between 1 and 31 days (0 takes the rules' default)")
	}
	return es.Err()
}

// Over returns the limits in force: the agent's own where set, the rules' elsewhere.
func (c CashLimits) Over(def rules.CashLimits) rules.CashLimits {
	if c.MaxCashOnHand > 0 {
		def.MaxCashOnHand = c.MaxCashOnHand
	}
	if c.MaxReceiptAgeDays > 0 {
		def.MaxReceiptAgeDays = c.MaxReceiptAgeDays
	}
	return def
}
