package network

import (
	"strings"
	"time"

	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/name"
	"github.com/perisai/perisai/internal/region"
)

// Wadah is a Bumdes in the register. Only those with IsPerisai act as a Perisai office, and
// only while an agreement with their branch is active.
type Wadah struct {
	ID            int64     `json:"id"`
	BranchID      int64     `json:"branch_id"`
	Village       string    `json:"village"`
	Name          string    `json:"name"`
	LegalNumber   string    `json:"legal_number,omitempty"` // registration with Kemenkumham / Kemendes
	ContactName   string    `json:"contact_name,omitempty"`
	ContactPhone  string    `json:"contact_phone,omitempty"`
	BankName      string    `json:"bank_name,omitempty"`
	BankAccount   string    `json:"bank_account,omitempty"` // shown masked; kept encrypted
	IsParticipant bool      `json:"is_participant"`         // the Bumdes's own staff are covered
	IsPerisai     bool      `json:"is_perisai"`             // the Bumdes is a Perisai wadah
	ActiveAgents  int       `json:"active_agents"`
	Agreement     string    `json:"agreement_status,omitempty"` // status of the newest agreement
	CreatedAt     time.Time `json:"created_at"`
}

// Organisation is the wadah without the persons and accounts on it (its contact's name and
// phone, its bank account): what a viewer who sees aggregates only may see.
func (w Wadah) Organisation() Wadah {
	w.ContactName, w.ContactPhone, w.BankName, w.BankAccount = "", "", "", ""
	return w
}

// Validate checks a wadah's own fields against the region tree.
func (w *Wadah) Validate(t *region.Tree) error {
	var es errs.FieldErrors
	w.Name = name.Clean(w.Name)
	if err := name.Check(w.Name, 3, 150); err != nil {
		es.Add("name", "%v", err)
	}
	w.ContactName = name.Clean(w.ContactName)
	if w.ContactName != "" {
		if err := name.Check(w.ContactName, 2, 100); err != nil {
			es.Add("contact_name", "%v", err)
		}
	}
	for _, f := range []struct{ field, v string }{{"legal_number", w.LegalNumber}, {"contact_phone", w.ContactPhone}, {"bank_name", w.BankName}} {
		if err := name.Text(f.v); err != nil {
			es.Add(f.field, "%v", err)
		} else if len(f.v) > 100 {
			es.Add(f.field, "at most 100 characters")
		}
	}
	if a, ok := t.Get(w.Village); !ok || a.Level != region.Village {
		es.Add("village", "%q is not a village code", w.Village)
	}
	if w.BankAccount != "" && (len(w.BankAccount) < 6 || len(w.BankAccount) > 20 || strings.Trim(w.BankAccount, "0123456789") != "") {
		es.Add("bank_account", "6–20 digits")
	}
	return es.Err()
}

// MaskAccount shows the last four digits of a bank account.
func MaskAccount(s string) string {
	if len(s) <= 4 {
		return strings.Repeat("*", len(s))
	}
	return strings.Repeat("*", len(s)-4) + s[len(s)-4:]
}
