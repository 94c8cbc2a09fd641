// Package ledger describes double-entry bookkeeping for every rupiah: accounts, entries whose
// postings sum to zero, and reversals. Postings are signed: a debit is positive, a credit
// negative. An entry is never changed; a correction is a reversing entry.
package ledger

import (
	"fmt"
	"strconv"

	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/money"
)

// Account names an account by its code; the kind is the part before the colon.
type Account string

// The accounts of the system.
func AgentCash(agentID int64) Account { return Account("agent_cash:" + strconv.FormatInt(agentID, 10)) }
func ParticipantCredit(id int64) Account {
	return Account("participant_credit:" + strconv.FormatInt(id, 10))
}
func ProgramFund(program string) Account { return Account("program:" + program) }
func SponsorFund(sponsorID int64) Account {
	return Account("sponsor:" + strconv.FormatInt(sponsorID, 10))
}
func BankClearing(branchID int64) Account {
	return Account("bank_clearing:" + strconv.FormatInt(branchID, 10))
}
func BranchCounter(branchID int64) Account {
	return Account("branch_counter:" + strconv.FormatInt(branchID, 10))
}
func CashShortOver(branchID int64) Account {
	return Account("cash_short_over:" + strconv.FormatInt(branchID, 10))
}
func IncentivesPayable(wadahID int64) Account {
	return Account("incentives_payable:" + strconv.FormatInt(wadahID, 10))
}

// ClaimsPayable is what an approved claim owes its beneficiary until the bank pays it.
func ClaimsPayable(claimID int64) Account {
	return Account("claims_payable:" + strconv.FormatInt(claimID, 10))
}

func RefundsPayable(participantID int64) Account {
	return Account("refunds_payable:" + strconv.FormatInt(participantID, 10))
}

// Kind is the account's kind.
func (a Account) Kind() string {
	for i := 0; i < len(a); i++ {
		if a[i] == ':' {
			return string(a[:i])
		}
	}
	return string(a)
}

// Posting moves an amount on one account.
type Posting struct {
	Account Account `json:"account"`
	Amount  int64   `json:"amount"` // debit > 0, credit < 0
}

// Entry is one balanced journal entry.
type Entry struct {
	Kind     string    `json:"kind"` // payment, reversal, deposit, …
	RefType  string    `json:"ref_type"`
	RefID    int64     `json:"ref_id"`
	Memo     string    `json:"memo,omitempty"`
	Region   string    `json:"region,omitempty"` // province, the distribution key
	Postings []Posting `json:"postings"`
}

// Debit and Credit append postings; zero amounts are dropped.
func (e *Entry) Debit(a Account, amount int64) *Entry {
	if amount != 0 {
		e.Postings = append(e.Postings, Posting{a, amount})
	}
	return e
}

func (e *Entry) Credit(a Account, amount int64) *Entry { return e.Debit(a, -amount) }

// Validate requires at least two postings that sum to zero.
func (e Entry) Validate() error {
	if len(e.Postings) < 2 {
		return errs.Invalid("postings", "an entry needs at least two postings")
	}
	var sum int64
	for _, p := range e.Postings {
		if p.Amount == 0 || p.Account == "" {
			return errs.Invalid("postings", "a posting needs an account and a non-zero amount")
		}
		if p.Amount > money.Max || p.Amount < -money.Max {
			return errs.Invalid("postings", "a posting of Rp %d is beyond the largest amount accepted", p.Amount)
		}
		var err error
		if sum, err = money.Add(sum, p.Amount); err != nil {
			return errs.Invalid("postings", "the postings' sum is out of range")
		}
	}
	if sum != 0 {
		return fmt.Errorf("entry %s %d does not balance: debits and credits differ by %d: %w", e.Kind, e.RefID, sum, errs.ErrInvalid)
	}
	return nil
}

// Reversal is the entry that undoes e.
func (e Entry) Reversal(memo string) Entry {
	r := Entry{Kind: "reversal", RefType: e.RefType, RefID: e.RefID, Memo: memo, Region: e.Region}
	for _, p := range e.Postings {
		r.Postings = append(r.Postings, Posting{p.Account, -p.Amount})
	}
	return r
}
