package web

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/dashboard"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/i18n"
	"github.com/perisai/perisai/internal/region"
	"github.com/perisai/perisai/internal/report"
	"github.com/perisai/perisai/internal/store"
)

// tableFigures are the columns of a dashboard's table of regions (the region's own card shows
// every figure).
var tableFigures = []dashboard.Figure{dashboard.Bumdes, dashboard.BumdesParticipants, dashboard.WadahInForce, dashboard.ActiveAgents,
	dashboard.Active, dashboard.Arrears, dashboard.Ended, dashboard.Acquired, dashboard.Collected, dashboard.ClaimsPaid,
	dashboard.ClaimsPending, dashboard.Incentives, dashboard.Potential}

// flowFigures are the figures a chart draws and a target is set for.
var flowFigures = dashboard.Flows()

// dashboardPage is the dashboard as the template shows it.
type dashboardPage struct {
	dashView
	Rows     []dashRow // this page of the regions below
	Pager    pager
	Figures  []dashboard.Figure
	Flows    []dashboard.Figure
	All      []dashboard.Figure
	Chart    barChart
	ChartOf  dashboard.Figure
	ShowMore bool // months and chart: not for a village a government viewer opens
	From, To string
	Query    string // region, from and to, for links that keep them
	Picker   regionInput
	Year     int
	Targets  []store.TargetProgress
	CanPlan  bool
	// Rankings of the year: agents (not for government: they are persons) and Bumdes.
	Agents, Bumdes   []store.Ranked
	AgentsN, BumdesN int
	ShowAgents       bool
	By               string
}

// Link is a region's dashboard with the same period.
func (d dashboardPage) Link(code string) string {
	q := url.Values{"from": {d.From}, "to": {d.To}}
	if code != "" {
		q.Set("region", code)
	}
	return "/dashboard?" + q.Encode()
}

// With is this dashboard (region and period) with one more parameter: the chart's figure, the
// ranking's order.
func (d dashboardPage) With(key, value string) string {
	return "/dashboard?" + d.Query + "&" + url.Values{key: {value}}.Encode()
}

// Export is the download of this dashboard in a format.
func (d dashboardPage) Export(format string) string {
	return "/dashboard/export?format=" + url.QueryEscape(format) + "&" + d.Query
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q := r.URL.Query()
	v, err := s.dashboardFor(r, p, regionCode(q.Get("region")))
	if err != nil {
		return err
	}
	l := lang(r, &p)
	data := dashboardPage{dashView: v, Figures: tableFigures, Flows: flowFigures, All: dashboard.Figures(),
		From: v.Period.From.String(), To: v.Period.To.String(), Year: v.Period.To.Year(), By: "acquired"}
	data.Query = url.Values{"region": {v.Code}, "from": {data.From}, "to": {data.To}}.Encode()
	data.ShowMore = !(p.Role == access.Government && region.LevelOf(v.Code) == region.Village)
	data.ChartOf = dashboard.Acquired
	if f, ok := dashboard.FigureNamed(q.Get("chart")); ok && f.Flow() {
		data.ChartOf = f
	}
	if q.Get("by") == "collected" {
		data.By = "collected"
	}
	data.Chart = monthlyChart(v.Months, data.ChartOf, v.Period, l)
	data.Pager = newPager(r, l, len(v.Rows), 50)
	data.Rows = window(v.Rows, data.Pager)
	data.CanPlan = access.Authorize(p, access.PlanRegion, access.Resource{}) == nil
	areas := v.Scope.roots
	if areas == nil {
		areas = []string{}
		for _, prov := range s.tree.Children("") {
			areas = append(areas, prov.Code)
		}
	}
	data.Picker = regionInput{Name: "region", Choices: regionChoices(s.tree, areas)}
	if v.Code != "" {
		data.Picker.Value = regionLabel(s.tree, v.Code)
	}
	if v.Code != "" && v.Build.ID != 0 {
		last := min(calendar.Today().MonthOf(), calendar.MonthOf(data.Year, 12))
		if data.Targets, err = s.db.Targets(r.Context(), v.Code, data.Year, last); err != nil {
			return err
		}
	}
	if v.Build.ID != 0 && data.ShowMore {
		rank := store.RankQuery{Region: v.Code, Year: data.Year, By: data.By, Limit: 10}
		if p.Role == access.BranchOfficer {
			rank.BranchID = p.BranchID
		}
		rank.Kind = "wadah"
		if data.Bumdes, data.BumdesN, err = s.db.Rankings(r.Context(), actor(r, p), rank); err != nil {
			return err
		}
		if data.ShowAgents = p.Role != access.Government; data.ShowAgents {
			rank.Kind = "agent"
			if data.Agents, data.AgentsN, err = s.db.Rankings(r.Context(), actor(r, p), rank); err != nil {
				return err
			}
		}
	}
	pg := s.pageFor(r, &p, "dashboard.title", data)
	pg.Title = v.Title
	s.renderPage(w, r, http.StatusOK, "dashboard", pg)
	return nil
}

// dashboardExport downloads a dashboard's table as CSV or XLSX, stating the region, the period
// and the scope it was made with, and when its figures were counted.
func (s *Server) dashboardExport(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q := r.URL.Query()
	format := q.Get("format")
	if format != "csv" && format != "xlsx" {
		return errs.Invalid("format", "csv or xlsx")
	}
	v, err := s.dashboardFor(r, p, regionCode(q.Get("region")))
	if err != nil {
		return err
	}
	l := lang(r, &p)
	scope := i18n.T(l, "dashboard.scope_nation")
	switch {
	case p.Role == access.Government:
		scope = i18n.T(l, "dashboard.scope_region", regionLabel(s.tree, p.Region))
	case p.Role == access.BranchOfficer:
		scope = i18n.T(l, "dashboard.scope_branch", v.Scope.branch)
	}
	code := v.Code
	if code == "" {
		code = nationCode
	}
	t := report.Table{Title: i18n.T(l, "dashboard.export_title", v.Title),
		Meta: [][2]string{
			{i18n.T(l, "dashboard.region"), v.Title + " (" + code + ")"},
			{i18n.T(l, "dashboard.period"), v.Period.From.Name(l) + " – " + v.Period.To.Name(l)},
			{i18n.T(l, "dashboard.filters"), scope},
			{i18n.T(l, "dashboard.counted"), calendar.Moment(v.Build.FinishedAt, calendar.ZoneOf(p.Province), l)},
		},
		Header: []string{i18n.T(l, "dashboard.region"), i18n.T(l, "dashboard.code")}}
	for _, f := range dashboard.Figures() {
		t.Header = append(t.Header, i18n.T(l, "dashboard."+f.Name()))
	}
	t.Header = append(t.Header, i18n.T(l, "dashboard.coverage"), i18n.T(l, "dashboard.potential_source"))
	line := func(r dashRow, code string) []any {
		out := []any{r.Name, code}
		for _, f := range dashboard.Figures() {
			out = append(out, r.cell(f))
		}
		src := r.Potential.Source
		if r.Potential.Year != 0 {
			src += " " + strconv.Itoa(r.Potential.Year)
		} else if r.Potential.Summed {
			src = i18n.T(l, "dashboard.potential_summed")
		}
		return append(out, r.Coverage(), src)
	}
	t.Rows = append(t.Rows, line(v.Region, code))
	for _, c := range v.Rows {
		t.Rows = append(t.Rows, line(c, c.Code))
	}
	name := "dasbor-" + strings.ReplaceAll(code, ".", "-") + "-" + v.Period.From.String() + "-" + v.Period.To.String()
	return sendFile(w, name, format, func(out io.Writer) error {
		if format == "csv" {
			return report.TableCSV(out, t)
		}
		return report.TableXLSX(out, t)
	})
}

// planScope is the part of the country a viewer may enter figures for: PlanRegion, inside
// its dashboard's scope. Its check tells a region's refusal.
func (s *Server) planScope(r *http.Request, p access.Principal) (func(code string) error, error) {
	if err := access.Authorize(p, access.PlanRegion, access.Resource{}); err != nil {
		return nil, err
	}
	d, err := s.dashScopeOf(r, p)
	if err != nil {
		return nil, err
	}
	return func(code string) error {
		if _, ok := s.tree.Get(code); !ok {
			return errs.Invalid("region_code", "choose a region from the list")
		}
		if !d.covers(code) {
			return errs.Forbidden("region %s is outside your dashboard", code)
		}
		return nil
	}, nil
}

// setPotential records potential figures after checking each lies in the viewer's scope.
func (s *Server) setPotential(r *http.Request, p access.Principal, entries []dashboard.PotentialEntry) error {
	check, err := s.planScope(r, p)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := check(e.Region); err != nil {
			return err
		}
	}
	return s.db.SetPotential(r.Context(), actor(r, p), entries, calendar.Today())
}

func (s *Server) potentialForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	code := regionCode(r.PostFormValue("region"))
	year, err1 := strconv.Atoi(strings.TrimSpace(r.PostFormValue("year")))
	workers, err2 := formWhole(r, "workers")
	if err1 != nil {
		return errs.Invalid("year", "a year such as 2026")
	}
	if err2 != nil {
		return err2
	}
	e := dashboard.PotentialEntry{Region: code, Year: year, Workers: workers, Source: r.PostFormValue("source")}
	if err := s.setPotential(r, p, []dashboard.PotentialEntry{e}); err != nil {
		return err
	}
	dashDone(w, r, code, "ok.potential_set")
	return nil
}

func (s *Server) potentialImportForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.PlanRegion, access.Resource{}); err != nil {
		return err // before reading the file: each row's region is checked after
	}
	_, data, err := readUpload(r)
	if err != nil {
		return err
	}
	entries, err := dashboard.ReadPotentialCSV(bytes.NewReader(data), store.MaxPotentialRows)
	if err != nil {
		return err
	}
	if err := s.setPotential(r, p, entries); err != nil {
		return err
	}
	dashDone(w, r, regionCode(r.PostFormValue("back")), "ok.potential_imported")
	return nil
}

func (s *Server) targetForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	tg := dashboard.Target{Region: regionCode(r.PostFormValue("region")), Figure: r.PostFormValue("figure")}
	var err error
	if tg.Year, err = strconv.Atoi(strings.TrimSpace(r.PostFormValue("year"))); err != nil {
		return errs.Invalid("year", "a year such as 2027")
	}
	if tg.Target, err = formAmount(r, "target"); err != nil {
		return err
	}
	if err := s.setTarget(r, p, tg); err != nil {
		return err
	}
	dashDone(w, r, tg.Region, "ok.target_set")
	return nil
}

// setTarget records a target after checking its region lies in the viewer's scope.
func (s *Server) setTarget(r *http.Request, p access.Principal, tg dashboard.Target) error {
	check, err := s.planScope(r, p)
	if err != nil {
		return err
	}
	if err := check(tg.Region); err != nil {
		return err
	}
	return s.db.SetTarget(r.Context(), actor(r, p), tg, calendar.Today())
}

// dashDone goes back to a region's dashboard with a message.
func dashDone(w http.ResponseWriter, r *http.Request, code, msgKey string) {
	q := url.Values{"ok": {msgKey}}
	if code != "" {
		q.Set("region", code)
	}
	http.Redirect(w, r, "/dashboard?"+q.Encode(), http.StatusSeeOther)
}
