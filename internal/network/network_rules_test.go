package network

import (
	"errors"
	"testing"
	"time"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/rules"
)

var net = rules.Network{MinActiveAgents: 5, InactiveAfterMonths: 3, ReactivateAfterMonths: 6, MaxAgreementMonths: 12}

func at(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, calendar.Zone) }

// Perdir 13/PERDIR.02/042022: three consecutive months without a transaction deactivate.
func TestShouldDeactivate(t *testing.T) {
	today := calendar.D(2026, 11, 23) // window: August, September, October
	cases := []struct {
		name      string
		status    AgentStatus
		last, act time.Time
		want      bool
	}{
		{"last transaction in July: Aug–Oct idle", AgentActive, at(2026, 7, 31), at(2025, 1, 1), true},
		{"transaction on 1 August", AgentActive, at(2026, 8, 1), at(2025, 1, 1), false},
		{"never transacted, activated in June", AgentActive, time.Time{}, at(2026, 6, 15), true},
		{"never transacted, activated in September", AgentActive, time.Time{}, at(2026, 9, 2), false},
		{"already inactive", AgentInactive, at(2026, 1, 1), at(2025, 1, 1), false},
	}
	for _, c := range cases {
		if got := ShouldDeactivate(c.status, c.last, c.act, today, net); got != c.want {
			t.Errorf("%s: %v", c.name, got)
		}
	}
}

// An inactive agent may return after 6 months; a terminated one never.
func TestCanReactivate(t *testing.T) {
	changed := at(2026, 5, 10)
	if err := CanReactivate(AgentInactive, changed, calendar.D(2026, 11, 9), net); !errors.Is(err, errs.ErrConflict) {
		t.Errorf("one day early: %v", err)
	}
	if err := CanReactivate(AgentInactive, changed, calendar.D(2026, 11, 10), net); err != nil {
		t.Errorf("on the day: %v", err)
	}
	if err := CanReactivate(AgentTerminated, changed, calendar.D(2028, 1, 1), net); err == nil {
		t.Error("terminated agent reactivated")
	}
}

func TestAgreementTerm(t *testing.T) {
	a := Agreement{Number: "PKS/1", Starts: calendar.D(2026, 1, 1), Ends: calendar.D(2026, 12, 31)}
	if err := a.ValidateTerm(net); err != nil {
		t.Fatal(err)
	}
	a.Ends = calendar.D(2027, 1, 1)
	if err := a.ValidateTerm(net); err == nil {
		t.Fatal("a term over a year accepted")
	}
	a.Ends = calendar.D(2025, 12, 31)
	if err := a.ValidateTerm(net); err == nil {
		t.Fatal("end before start accepted")
	}
	a = Agreement{Status: InForce, Starts: calendar.D(2026, 1, 1), Ends: calendar.D(2026, 12, 31)}
	if !a.InForceOn(calendar.D(2026, 12, 31)) || a.InForceOn(calendar.D(2027, 1, 1)) || a.EffectiveStatus(calendar.D(2027, 1, 1)) != Expired {
		t.Fatal("in force / expired")
	}
	s, e := RenewalTerm(a, net)
	if s != calendar.D(2027, 1, 1) || e != calendar.D(2027, 12, 31) {
		t.Fatal(s, e)
	}
	if CanActivate(4, net) == nil || CanActivate(5, net) != nil {
		t.Fatal("five active agents are needed (rule in data)")
	}
}

// Security issue 16 §2: an agent's cash limit is money, bounded like every amount.
func TestCashLimitBounded(t *testing.T) {
	if err := (CashLimits{MaxCashOnHand: 9_223_372_036_854_775_807}).Validate(); err == nil {
		t.Fatal("a cash limit past every amount accepted")
	}
}
