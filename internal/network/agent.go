package network

import (
	"strings"
	"time"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/rules"
)

// AgentStatus is where an agent stands (Perdir 13/PERDIR.02/042022).
type AgentStatus string

const (
	AgentActive     AgentStatus = "active"
	AgentInactive   AgentStatus = "inactive"
	AgentTerminated AgentStatus = "terminated"
)

// Agent is a Perisai agent under a wadah. The agent is a registered participant too.
type Agent struct {
	ID             int64         `json:"id"`
	WadahID        int64         `json:"wadah_id"`
	Province       string        `json:"province"` // its wadah's, where it is kept
	ParticipantID  int64         `json:"participant_id"`
	KPJ            string        `json:"kpj,omitempty"`
	Name           string        `json:"name"`
	NIKMasked      string        `json:"nik_masked,omitempty"`
	Phone          string        `json:"phone,omitempty"`
	BankName       string        `json:"bank_name,omitempty"`
	BankAccount    string        `json:"bank_account,omitempty"` // input; shown masked
	TrainedOn      calendar.Date `json:"trained_on"`
	Villages       []string      `json:"villages"`
	Status         AgentStatus   `json:"status"`
	StatusReason   string        `json:"status_reason,omitempty"`
	StatusChanged  time.Time     `json:"status_changed_at"`
	LastActivityAt *time.Time    `json:"last_activity_at,omitempty"`
	CashLimits     CashLimits    `json:"cash_limits"` // its own; zero fields take the rules'
	CreatedAt      time.Time     `json:"created_at"`
}

// ValidateNew checks a new agent's own fields.
func (a *Agent) ValidateNew(villageOK func(string) bool, today calendar.Date) error {
	var es errs.FieldErrors
	if a.ParticipantID == 0 {
		es.Add("participant_id", "an agent must be a registered BPU participant")
	}
	if a.TrainedOn.IsZero() || a.TrainedOn.After(today) {
		es.Add("trained_on", "the date of the training certificate is required")
	}
	if a.BankAccount == "" || len(a.BankAccount) < 6 || len(a.BankAccount) > 20 || strings.Trim(a.BankAccount, "0123456789") != "" {
		es.Add("bank_account", "a partner-bank account of 6–20 digits is required")
	}
	if strings.TrimSpace(a.BankName) == "" {
		es.Add("bank_name", "the partner bank is required")
	}
	if len(a.Villages) == 0 {
		es.Add("villages", "an agent serves at least one village")
	}
	for _, v := range a.Villages {
		if !villageOK(v) {
			es.Add("villages", "%s is not a village this wadah's branch serves", v)
		}
	}
	return es.Err()
}

// IdleSince is the first day of the earliest month that must have seen a transaction: an agent
// with no transaction since that day has spent InactiveAfterMonths whole calendar months idle.
func IdleSince(today calendar.Date, n rules.Network) calendar.Date {
	return today.MonthOf().Add(-n.InactiveAfterMonths).First()
}

// ShouldDeactivate reports whether an active agent has been idle the whole window: no
// transaction (or, for an agent with none yet, no activation) since IdleSince.
func ShouldDeactivate(status AgentStatus, lastActivity, activatedAt time.Time, today calendar.Date, n rules.Network) bool {
	if status != AgentActive {
		return false
	}
	since := IdleSince(today, n).Time()
	last := activatedAt
	if lastActivity.After(last) {
		last = lastActivity
	}
	return calendar.Of(last).Time().Before(since)
}

// CanReactivate checks the wait after a deactivation; a terminated agent never returns.
func CanReactivate(status AgentStatus, changedAt time.Time, today calendar.Date, n rules.Network) error {
	switch status {
	case AgentActive:
		return errs.Conflict("the agent is already active")
	case AgentTerminated:
		return errs.Conflict("a terminated agent cannot be reactivated")
	}
	earliest := calendar.Of(changedAt).AddMonths(n.ReactivateAfterMonths)
	if today.Before(earliest) {
		return errs.Conflict("an inactive agent may return %d months after deactivation, on %s at the earliest", n.ReactivateAfterMonths, earliest)
	}
	return nil
}
