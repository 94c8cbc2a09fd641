// Package incentive computes what a Perisai agent and its wadah earn for a month (DOMAIN.md
// §4, Perdir 13/PERDIR.02/042022 and the 2017–2022 scheme before it): the acquisition part
// for new participants, the collection share of contributions by contribution month, and the
// wadah's extra share. Every line names its rule, its source and its basis. Plain Go: no SQL,
// no HTTP.
package incentive

import (
	"fmt"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/money"
	"github.com/perisai/perisai/internal/rules"
)

// NewParticipant is one participant an agent registered in the month.
type NewParticipant struct {
	JHT      bool `json:"jht"`        // JKK + JKM + JHT; otherwise JKK + JKM
	NewToBPU bool `json:"new_to_bpu"` // the NIK was never a BPU participant before
}

// Contribution is money received for one contribution month of a participant the agent
// manages, with that month's number in the participant's membership (1 = the first).
type Contribution struct {
	Amount      int64 `json:"amount"`
	MonthNumber int   `json:"contribution_month"`
}

// Facts are a month's work.
type Facts struct {
	Month         calendar.Month   `json:"month"`
	New           []NewParticipant `json:"new_participants"`
	Contributions []Contribution   `json:"contributions"`
}

// Line is one part of an incentive.
type Line struct {
	Rule   string `json:"rule"`
	Source string `json:"source"`
	Basis  int64  `json:"basis"` // what the rule is applied to: a count or an amount
	Amount int64  `json:"amount"`
}

// Result is a month's incentive for the agent and the wadah's extra share.
type Result struct {
	Lines      []Line `json:"lines"`
	AgentTotal int64  `json:"agent_total"`
	WadahExtra int64  `json:"wadah_extra"`
}

// Limits keep a stated month within what one agent can do: no more than this many new
// participants or contribution lines.
const maxItems = 100_000

// Quote computes a month's incentive on the scheme in force that month.
func Quote(rs *rules.Set, f Facts) (Result, error) {
	out := Result{Lines: []Line{}}
	if f.Month == 0 {
		return out, errs.Invalid("month", "is required (YYYY-MM)")
	}
	if len(f.New) > maxItems || len(f.Contributions) > maxItems {
		return out, errs.Invalid("facts", "at most %d participants or contributions", maxItems)
	}
	sc, src, err := rs.IncentiveFor(f.Month)
	if err != nil {
		return out, errs.Invalid("month", "no incentive scheme in force for %s", f.Month)
	}
	add := func(rule string, basis, amount int64) error {
		out.Lines = append(out.Lines, Line{Rule: rule, Source: src, Basis: basis, Amount: amount})
		out.AgentTotal, err = money.Add(out.AgentTotal, amount)
		return err
	}
	// Acquisition: counted only among participants whose NIK is new to BPU; each earns its
	// amount once the month's count reaches the threshold (or the old scheme's blocks).
	newOnes := 0
	for _, n := range f.New {
		if n.NewToBPU {
			newOnes++
		}
	}
	byRule := map[string]*Line{}
	var order []string
	line := func(rule string, basis, amount int64) {
		l, ok := byRule[rule]
		if !ok {
			l = &Line{Rule: rule, Source: src}
			byRule[rule] = l
			order = append(order, rule)
		}
		l.Basis += basis
		l.Amount += amount
	}
	if blocks, amount := Blocks(sc, newOnes); blocks > 0 {
		line("acquisition.block", int64(newOnes), amount)
	}
	for _, n := range f.New {
		if rule, amount, ok := PerParticipant(sc, newOnes, n.JHT); ok && n.NewToBPU {
			line(rule, 1, amount)
		}
	}
	// Collection: each contribution month's share by its number in the membership.
	for _, c := range f.Contributions {
		if c.Amount < 0 || c.Amount > money.Max || c.MonthNumber < 1 {
			return out, errs.Invalid("contributions", "an amount or a contribution month is out of range")
		}
		if rule, share, ok := Share(sc, c.MonthNumber, c.Amount); ok {
			line(rule, c.Amount, share)
		}
	}
	for _, rule := range order {
		l := byRule[rule]
		if err := add(l.Rule, l.Basis, l.Amount); err != nil {
			return out, errs.Invalid("facts", "out of range")
		}
	}
	out.WadahExtra = WadahExtra(sc, out.AgentTotal)
	return out, nil
}

// Share is the collection share of one contribution month's money: the band of the
// participant's contribution-month number that pays for it (no band: nothing).
func Share(sc rules.Incentive, monthNumber int, amount int64) (rule string, share int64, ok bool) {
	for _, b := range sc.Collection {
		if monthNumber >= b.FromMonth && (b.ToMonth == 0 || monthNumber <= b.ToMonth) {
			rule = fmt.Sprintf("collection.months_%d_%d", b.FromMonth, b.ToMonth)
			if b.ToMonth == 0 {
				rule = fmt.Sprintf("collection.months_%d_on", b.FromMonth)
			}
			return rule, amount * b.PercentBps / 10_000, true
		}
	}
	return "", 0, false
}

// PerParticipant is what one new participant earns under a per-participant scheme once the
// month's count of new participants reaches the threshold (ok false: it earns nothing).
func PerParticipant(sc rules.Incentive, newThisMonth int, jht bool) (rule string, amount int64, ok bool) {
	a := sc.Acquisition
	if a.Block > 0 || newThisMonth < a.MinNew {
		return "", 0, false
	}
	if jht {
		return "acquisition.jkk_jkm_jht", a.PerParticipant3, true
	}
	return "acquisition.jkk_jkm", a.PerParticipant2, true
}

// Blocks is what a block scheme (2017–2022) pays for a month's new participants.
func Blocks(sc rules.Incentive, newThisMonth int) (blocks int, amount int64) {
	a := sc.Acquisition
	if a.Block <= 0 {
		return 0, 0
	}
	blocks = newThisMonth / a.Block
	return blocks, int64(blocks) * a.PerBlock
}

// WadahExtra is the wadah's share on top of its agents' total.
func WadahExtra(sc rules.Incentive, agentTotal int64) int64 {
	return agentTotal * sc.WadahExtra / 10_000
}

// Tax is what is withheld from a statement's gross (the agent's total and the wadah's extra)
// at the dated rate, rounded down to the rupiah in the payee's favour; a negative gross (a
// month of clawbacks) gives back tax withheld before.
func Tax(t rules.IncentiveTax, gross int64) int64 {
	return gross * t.RateBps / 10_000
}
