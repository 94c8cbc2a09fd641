// Package dashboard holds what a region dashboard shows (issue 20): the figures of a region for
// a period (../shared/DOMAIN.md §1, the seed's 615 Bumdes, 130 participants, 87 agents, 350
// acquired against a potential of 477), coverage against potential, which figures a government
// viewer sees as "<5", and targets against realisation. Plain Go: the store counts, the web
// draws.
package dashboard

import (
	"encoding/json"
	"fmt"

	"github.com/perisai/perisai/internal/money"
)

// Figure names one figure of a region.
type Figure int

const (
	Bumdes             Figure = iota // Bumdes in the register
	BumdesParticipants               // Bumdes that are BPJS participants themselves
	WadahInForce                     // Perisai wadah with an agreement in force
	ActiveAgents                     // agents whose status is active
	Waiting                          // participants registered, first payment not made
	Active                           // participants paid up
	Arrears                          // participants in arrears, inside the window
	Ended                            // participants past the window
	Acquired                         // registrations in the period (not rejected)
	Collected                        // contributions received in the period, rupiah
	Sponsored                        // of which paid by a sponsor, rupiah
	ClaimsPaid                       // claims paid in the period
	ClaimsPaidAmount                 // what they paid, rupiah
	ClaimsPending                    // claims submitted and not yet paid or rejected
	Incentives                       // incentives earned (agents and wadah: village income), rupiah
	Potential                        // estimated informal workers (entered, with source and year)
	NumFigures
)

type info struct {
	name string
	// money figures are rupiah; personal ones describe persons and are suppressed for
	// government below 5 at village level; flows are summed over the months of a period,
	// the rest stand at the time of the build.
	money, personal, flow bool
}

var infos = [NumFigures]info{
	Bumdes:             {name: "bumdes"},
	BumdesParticipants: {name: "bumdes_participants"},
	WadahInForce:       {name: "wadah_in_force"},
	ActiveAgents:       {name: "active_agents"},
	Waiting:            {name: "waiting", personal: true},
	Active:             {name: "active", personal: true},
	Arrears:            {name: "arrears", personal: true},
	Ended:              {name: "ended", personal: true},
	Acquired:           {name: "acquired", personal: true, flow: true},
	Collected:          {name: "collected", money: true, personal: true, flow: true},
	Sponsored:          {name: "sponsored", money: true, personal: true, flow: true},
	ClaimsPaid:         {name: "claims_paid", personal: true, flow: true},
	ClaimsPaidAmount:   {name: "claims_paid_amount", money: true, personal: true, flow: true},
	ClaimsPending:      {name: "claims_pending", personal: true},
	Incentives:         {name: "incentives", money: true, flow: true},
	Potential:          {name: "potential"},
}

// Name is the figure's name in the API, exports and translation keys ("dashboard.<name>").
func (f Figure) Name() string { return infos[f].name }

// Money reports a figure in rupiah.
func (f Figure) Money() bool { return infos[f].money }

// Flow reports a figure summed over the months of a period.
func (f Figure) Flow() bool { return infos[f].flow }

// Figures lists every figure in the order a dashboard shows them.
func Figures() []Figure {
	out := make([]Figure, NumFigures)
	for i := range out {
		out[i] = Figure(i)
	}
	return out
}

// Flows lists the figures summed over a period's months, in the order Figures gives them.
func Flows() []Figure {
	var out []Figure
	for _, f := range Figures() {
		if f.Flow() {
			out = append(out, f)
		}
	}
	return out
}

// FigureNamed finds a figure by its name.
func FigureNamed(name string) (Figure, bool) {
	for i, in := range infos {
		if in.name == name {
			return Figure(i), true
		}
	}
	return 0, false
}

// Values are a region's figures.
type Values [NumFigures]int64

// Add adds w into v, refusing an overflow (rupiah sums of a nation over years are large, but
// never near int64: an overflow is a bug to report, not to wrap).
// On an overflow v is left as it was.
func (v *Values) Add(w Values) error {
	sum := *v
	for i := range sum {
		s, err := money.Add(sum[i], w[i])
		if err != nil {
			return fmt.Errorf("%s: %w", Figure(i).Name(), err)
		}
		sum[i] = s
	}
	*v = sum
	return nil
}

// Participants is how many participants the region holds, whatever their status.
func (v Values) Participants() int64 { return v[Waiting] + v[Active] + v[Arrears] + v[Ended] }

// Coverage is active participants ÷ potential, in tenths of a percent (a potential of
// 477 and 130 active: 273, shown 27.3 %); false when there is no potential to compare with.
func (v Values) Coverage() (int64, bool) { return perMille(v[Active], v[Potential]) }

// SponsoredShare is the part of the contributions collected that sponsors paid, in tenths of
// a percent.
func (v Values) SponsoredShare() (int64, bool) { return perMille(v[Sponsored], v[Collected]) }

func perMille(a, b int64) (int64, bool) {
	if b <= 0 {
		return 0, false
	}
	return (a*1000 + b/2) / b, true
}

// MarshalJSON writes the figures by name.
func (v Values) MarshalJSON() ([]byte, error) {
	m := make(map[string]int64, NumFigures)
	for i, x := range v {
		m[Figure(i).Name()] = x
	}
	return json.Marshal(m)
}
