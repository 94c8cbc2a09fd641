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
	// Acquisition: counted only among participants whose NIK is new to BPU.
	var three, two int64
	for _, n := range f.New {
		if !n.NewToBPU {
			continue
		}
		if n.JHT {
			three++
		} else {
			two++
		}
	}
	a := sc.Acquisition
	switch newOnes := three + two; {
	case a.Block > 0:
		// 2017–2022: a sum for every full block of recruits.
		if blocks := newOnes / int64(a.Block); blocks > 0 {
			if err := add("acquisition.block", newOnes, blocks*a.PerBlock); err != nil {
				return out, errs.Invalid("facts", "out of range")
			}
		}
	case newOnes >= int64(a.MinNew):
		if three > 0 {
			if err := add("acquisition.jkk_jkm_jht", three, three*a.PerParticipant3); err != nil {
				return out, errs.Invalid("facts", "out of range")
			}
		}
		if two > 0 {
			if err := add("acquisition.jkk_jkm", two, two*a.PerParticipant2); err != nil {
				return out, errs.Invalid("facts", "out of range")
			}
		}
	}
	// Collection: a share of the contributions by the participant's contribution month.
	for _, b := range sc.Collection {
		var basis int64
		for _, c := range f.Contributions {
			if c.Amount < 0 || c.Amount > money.Max || c.MonthNumber < 1 {
				return out, errs.Invalid("contributions", "an amount or a contribution month is out of range")
			}
			if c.MonthNumber >= b.FromMonth && (b.ToMonth == 0 || c.MonthNumber <= b.ToMonth) {
				if basis, err = money.Add(basis, c.Amount); err != nil {
					return out, errs.Invalid("contributions", "out of range")
				}
			}
		}
		if basis > 0 {
			rule := fmt.Sprintf("collection.months_%d_%d", b.FromMonth, b.ToMonth)
			if b.ToMonth == 0 {
				rule = fmt.Sprintf("collection.months_%d_on", b.FromMonth)
			}
			if err := add(rule, basis, basis*b.PercentBps/10_000); err != nil {
				return out, errs.Invalid("facts", "out of range")
			}
		}
	}
	out.WadahExtra = out.AgentTotal * sc.WadahExtra / 10_000
	return out, nil
}
