package network

import (
	"time"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/rules"
)

// AgreementStatus is where a cooperation agreement (PKS) stands.
type AgreementStatus string

const (
	Draft      AgreementStatus = "draft"
	InForce    AgreementStatus = "active"
	Expired    AgreementStatus = "expired"
	Terminated AgreementStatus = "terminated"
)

// Agreement is a PKS between a branch and a wadah: at most a year, renewable.
type Agreement struct {
	ID           int64           `json:"id"`
	BranchID     int64           `json:"branch_id"`
	WadahID      int64           `json:"wadah_id"`
	Province     string          `json:"province"` // its wadah's, where it is kept
	Number       string          `json:"number"`
	Starts       calendar.Date   `json:"starts"`
	Ends         calendar.Date   `json:"ends"`
	Status       AgreementStatus `json:"status"`
	RenewalOf    int64           `json:"renewal_of,omitempty"`
	StatusReason string          `json:"status_reason,omitempty"`
	CreatedAt    time.Time       `json:"created_at"`
}

// ValidateTerm checks the dates against the maximum length in the rules.
func (a Agreement) ValidateTerm(n rules.Network) error {
	var es errs.FieldErrors
	if a.Number == "" {
		es.Add("number", "the agreement number is required")
	}
	if a.Starts.IsZero() || a.Ends.IsZero() {
		es.Add("ends", "start and end dates are required")
		return es.Err()
	}
	if !a.Ends.After(a.Starts) {
		es.Add("ends", "must be after the start")
	}
	if a.Ends.After(a.Starts.AddMonths(n.MaxAgreementMonths).AddDays(-1)) {
		es.Add("ends", "an agreement lasts at most %d months (ends %s at the latest)", n.MaxAgreementMonths, a.Starts.AddMonths(n.MaxAgreementMonths).AddDays(-1))
	}
	return es.Err()
}

// EffectiveStatus is the status on a day: an active agreement past its end has expired even
// before the nightly job writes so.
func (a Agreement) EffectiveStatus(today calendar.Date) AgreementStatus {
	if a.Status == InForce && today.After(a.Ends) {
		return Expired
	}
	return a.Status
}

// InForceOn reports whether the agreement lets the wadah act on the day.
func (a Agreement) InForceOn(today calendar.Date) bool {
	return a.Status == InForce && !today.Before(a.Starts) && !today.After(a.Ends)
}

// CanActivate checks the rule that a wadah needs enough active agents to sign.
func CanActivate(activeAgents int, n rules.Network) error {
	if activeAgents < n.MinActiveAgents {
		return errs.Conflict("the wadah has %d active agents; an agreement needs at least %d", activeAgents, n.MinActiveAgents)
	}
	return nil
}

// RenewalTerm is the term of the renewal of a: it starts the day after a ends and lasts as long
// as the rules allow.
func RenewalTerm(a Agreement, n rules.Network) (calendar.Date, calendar.Date) {
	starts := a.Ends.AddDays(1)
	return starts, starts.AddMonths(n.MaxAgreementMonths).AddDays(-1)
}
