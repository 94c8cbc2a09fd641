package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/dashboard"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/region"
	"github.com/perisai/perisai/internal/store"
)

// nationCode names the nation where a path needs a region code (/api/v1/dashboard/ID).
const nationCode = "ID"

// dashScope is the part of the country a viewer's dashboard covers: the nation (an admin), a
// government viewer's region, or a branch officer's regencies.
type dashScope struct {
	roots    []string // nil: the nation
	branchID int64
	branch   string // the branch's name: the title of its landing view
}

func (s *Server) dashScopeOf(r *http.Request, p access.Principal) (dashScope, error) {
	if err := access.Authorize(p, access.ReadDashboard, access.Resource{}); err != nil {
		return dashScope{}, err
	}
	switch p.Role {
	case access.Government:
		return dashScope{roots: []string{p.Region}}, nil
	case access.BranchOfficer:
		d := dashScope{roots: append([]string{}, p.Regencies...), branchID: p.BranchID}
		if b, err := s.db.Branch(r.Context(), p.BranchID); err == nil {
			d.branch = b.Name
		}
		return d, nil
	}
	return dashScope{}, nil
}

// covers reports whether a region (not the nation) lies in the scope.
func (d dashScope) covers(code string) bool {
	if d.roots == nil {
		return true
	}
	for _, root := range d.roots {
		if region.Within(code, root) {
			return true
		}
	}
	return false
}

// dashRow is a region's line on a dashboard, as a viewer may see it.
type dashRow struct {
	Code      string                `json:"region_code"`
	Name      string                `json:"name"`
	Level     string                `json:"level"`
	Values    dashboard.Values      `json:"-"`
	Potential dashboard.PotentialOf `json:"potential"`
	// Hidden figures are shown as "<5" (a government viewer, at village level).
	Hidden map[dashboard.Figure]bool `json:"-"`
	// Drill: the row opens its own dashboard (it has regions below it).
	Drill bool `json:"-"`
}

// suppressed is how a hidden figure is shown.
var suppressed = "<" + strconv.Itoa(dashboard.Below)

// Show is a figure as the page shows it: "<5" when hidden, else the number ("1.234") or the
// amount ("Rp 1.234.000").
func (r dashRow) Show(f dashboard.Figure) string {
	if r.Hidden[f] {
		return suppressed
	}
	if f.Money() {
		return rupiah(r.Values[f])
	}
	return thousands(r.Values[f])
}

// ActiveText and PotentialText are the two figures coverage compares.
func (r dashRow) ActiveText() string    { return r.Show(dashboard.Active) }
func (r dashRow) PotentialText() string { return r.Show(dashboard.Potential) }

// thousands writes a count the Indonesian way: 83.762.
func thousands(n int64) string { return strings.TrimPrefix(rupiah(n), "Rp ") }

// Coverage is active participants ÷ potential as "27,3 %", or "–" without a potential.
func (r dashRow) Coverage() string { return perMilleText(r.Values.Coverage()) }

// Sponsored is the sponsors' share of the contributions collected, as "25,0 %".
func (r dashRow) Sponsored() string {
	if r.Hidden[dashboard.Collected] {
		return suppressed
	}
	return perMilleText(r.Values.SponsoredShare())
}

func perMilleText(pm int64, ok bool) string {
	if !ok {
		return "–"
	}
	return strconv.FormatInt(pm/10, 10) + "," + strconv.FormatInt(pm%10, 10) + " %"
}

// cell is a figure as an export or the API gives it: a number, or "<5".
func (r dashRow) cell(f dashboard.Figure) any {
	if r.Hidden[f] {
		return suppressed
	}
	return r.Values[f]
}

// answer is the row as the API gives it.
func (r dashRow) answer() map[string]any {
	figs := map[string]any{}
	for _, f := range dashboard.Figures() {
		figs[f.Name()] = r.cell(f)
	}
	out := map[string]any{"region_code": r.Code, "name": r.Name, "level": r.Level, "figures": figs, "potential": r.Potential}
	if pm, ok := r.Values.Coverage(); ok && !r.Hidden[dashboard.Active] {
		out["coverage_per_mille"] = pm
	}
	if pm, ok := r.Values.SponsoredShare(); ok && !r.Hidden[dashboard.Collected] {
		out["sponsored_share_per_mille"] = pm
	}
	return out
}

// dashView is a dashboard as a viewer may see it.
type dashView struct {
	Code   string // "" for the nation or a branch's regencies
	Title  string
	Crumbs []crumb
	Period dashboard.Period
	Build  store.DashboardBuild
	Region dashRow
	Rows   []dashRow
	Months []store.DashboardMonth
	Scope  dashScope
}

type crumb struct{ Code, Name string }

// dashboardFor reads the dashboard of a region code as asked ("" or absent: the viewer's
// landing view) for the period in the query, within the viewer's scope.
func (s *Server) dashboardFor(r *http.Request, p access.Principal, code string) (dashView, error) {
	d, err := s.dashScopeOf(r, p)
	if err != nil {
		return dashView{}, err
	}
	q := r.URL.Query()
	period, err := dashboard.ParsePeriod(q.Get("from"), q.Get("to"), calendar.Today())
	if err != nil {
		return dashView{}, err
	}
	code = strings.TrimSpace(code)
	if code == nationCode {
		code = ""
	}
	v := dashView{Code: code, Period: period, Scope: d}
	var regions []string
	switch {
	case code == "" && d.roots == nil:
		v.Title = "Indonesia"
	case code == "" && len(d.roots) == 1:
		code, v.Code = d.roots[0], d.roots[0]
	case code == "":
		regions, v.Title = d.roots, d.branch
	case region.LevelOf(code) == 0:
		return v, errs.Invalid("region_code", "a region code such as 51.03")
	}
	if code != "" {
		a, ok := s.tree.Get(code)
		if !ok {
			return v, errs.NotFound("region " + code)
		}
		if !d.covers(code) {
			return v, errs.Forbidden("region %s is outside your dashboard", code)
		}
		v.Title = a.Name
	}
	got, err := s.db.Dashboard(r.Context(), code, regions, period)
	if err != nil {
		return v, err
	}
	v.Build, v.Months = got.Build, got.Months
	gov := p.Role == access.Government
	v.Region = s.dashRowOf(got.Region, v.Title, gov)
	// Every child region is listed, with zeros where nothing is counted yet.
	byCode := map[string]store.DashboardRow{}
	for _, c := range got.Children {
		byCode[c.Code] = c
	}
	children := s.tree.Children(code)
	if regions != nil {
		children = nil
		for _, c := range regions {
			if a, ok := s.tree.Get(c); ok {
				children = append(children, a)
			}
		}
	}
	for _, a := range children {
		row := byCode[a.Code]
		row.Code = a.Code
		dr := s.dashRowOf(row, a.Name, gov)
		dr.Drill = a.Level < region.Village
		v.Rows = append(v.Rows, dr)
	}
	// The breadcrumb: from the viewer's landing view ("" links to it) down to here.
	switch {
	case d.roots == nil:
		v.Crumbs = append(v.Crumbs, crumb{"", "Indonesia"})
	case len(d.roots) > 1:
		v.Crumbs = append(v.Crumbs, crumb{"", d.branch})
	}
	for _, a := range s.tree.Chain(code) {
		if d.covers(a.Code) {
			v.Crumbs = append(v.Crumbs, crumb{a.Code, a.Name})
		}
	}
	return v, nil
}

func (s *Server) dashRowOf(row store.DashboardRow, name string, gov bool) dashRow {
	level := region.LevelOf(row.Code)
	out := dashRow{Code: row.Code, Name: name, Values: row.Values, Potential: row.Potential, Level: level.String()}
	if row.Code == "" {
		out.Level = "nation"
	}
	if gov {
		out.Hidden = dashboard.Hidden(level, row.Values)
	}
	return out
}
