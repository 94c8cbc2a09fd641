package web

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/i18n"
	"github.com/perisai/perisai/internal/incentive"
	"github.com/perisai/perisai/internal/store"
)

// incentivesPage is an agent's month so far and the statements a principal sees.
type incentivesPage struct {
	Items  []store.IncentiveStatement
	Pager  pager
	State  string
	States []string
	// SoFar is the agent's month so far (agents only): what a run would issue now, and the new
	// participants toward the acquisition threshold.
	SoFar     *incentive.Result
	Month     calendar.Month
	New       int
	Threshold int
	CanDecide bool
	// Income offers the village income report (a wadah manager's own Bumdes) for Year.
	Income bool
	Year   int
}

func (s *Server) incentivesPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	f, err := incentiveFilter(r, p)
	if err != nil {
		return err
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	f.Limit, f.Offset = perPage, max(0, page-1)*perPage
	list, total, err := s.db.IncentiveStatements(r.Context(), f)
	if err != nil {
		return err
	}
	data := incentivesPage{Items: list, Pager: newPager(r, lang(r, &p), total, perPage), State: f.State,
		States: []string{"issued", "approved", "paid"}, CanDecide: p.Role == access.BranchOfficer, Month: calendar.Today().MonthOf(),
		Income: p.Role == access.WadahManager, Year: calendar.Today().Year()}
	if p.Role == access.Agent {
		rs := s.rs()
		if sc, _, err := rs.IncentiveFor(data.Month); err == nil {
			res, n, err := s.db.IncentiveSoFar(r.Context(), rs, own(p, p.AgentID), data.Month)
			if err != nil {
				return err
			}
			data.SoFar, data.New, data.Threshold = &res, n, sc.Acquisition.MinNew
		}
	}
	s.renderPage(w, r, http.StatusOK, "incentives", s.pageFor(r, &p, "incentives.title", data))
	return nil
}

func (s *Server) approveIncentiveForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	st, err := s.statementInScope(r, p, access.DecideIncentive)
	if err != nil {
		return err
	}
	if err := confirmed(r); err != nil {
		return err
	}
	if err := s.db.ApproveIncentive(r.Context(), actor(r, p), st.BranchID, store.RefIn(st.Province, st.ID)); err != nil {
		return err
	}
	done(w, r, "/incentives", "ok.incentive_approved")
	return nil
}

// incentivePayoutForm pays the branch's approved statements and hands over the bank's CSV.
func (s *Server) incentivePayoutForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	branch, err := payingBranch(r, p, access.DecideIncentive)
	if err != nil {
		return err
	}
	if err := confirmed(r); err != nil {
		return err
	}
	batch, lines, err := s.db.PayIncentives(r.Context(), actor(r, p), branch)
	if err != nil {
		return err
	}
	return downloadPayout(w, "pembayaran-insentif", batch, func(f io.Writer) error { return writeIncentivePayoutCSV(f, lines) })
}

// Rule names an incentive line's rule in the page's language: "collection.months_25_60" is
// the collection share of contribution months 25–60; "clawback.…" takes back such a line.
func (p page) Rule(rule string) string {
	if rest, ok := strings.CutPrefix(rule, "clawback."); ok {
		return i18n.T(p.Lang, "rule.clawback", p.Rule(rest))
	}
	var from, to int
	if _, err := fmt.Sscanf(rule, "collection.months_%d_%d", &from, &to); err == nil {
		return i18n.T(p.Lang, "rule.collection", from, to)
	}
	if _, err := fmt.Sscanf(rule, "collection.months_%d_on", &from); err == nil {
		return i18n.T(p.Lang, "rule.collection_on", from)
	}
	return i18n.T(p.Lang, "rule."+rule)
}
