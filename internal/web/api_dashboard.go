package web

import (
	"net/http"
	"strconv"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/dashboard"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/region"
	"github.com/perisai/perisai/internal/store"
)

// apiDashboard answers a region's figures and its children's rows: GET /api/v1/dashboard (the
// viewer's landing view) and /api/v1/dashboard/{region_code} (ID for the nation).
func (s *Server) apiDashboard(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	v, err := s.dashboardFor(r, p, r.PathValue("region_code"))
	if err != nil {
		return err
	}
	rows := make([]map[string]any, 0, len(v.Rows))
	for _, c := range v.Rows {
		rows = append(rows, c.answer())
	}
	months := v.Months
	if months == nil {
		months = []store.DashboardMonth{}
	}
	if p.Role == access.Government && region.LevelOf(v.Code) == region.Village {
		months = []store.DashboardMonth{} // a village's months would undo its "<5"
	}
	writeJSON(w, http.StatusOK, map[string]any{"region": v.Region.answer(), "children": rows, "months": months,
		"period": v.Period, "build": v.Build, "built": v.Build.ID != 0})
	return nil
}

// apiRankings ranks the agents or Bumdes of a region by acquisitions or collections in a year:
// GET /api/v1/dashboard/{region_code}/rankings?kind=wadah&by=acquired&year=2026. A ranking of
// agents names persons: not for government viewers.
func (s *Server) apiRankings(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	v, err := s.dashboardFor(r, p, r.PathValue("region_code"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	rank := store.RankQuery{Kind: q.Get("kind"), Region: v.Code, By: q.Get("by"), Year: calendar.Today().Year()}
	if rank.Kind == "" {
		rank.Kind = "wadah"
	}
	if rank.By == "" {
		rank.By = "acquired"
	}
	if y := q.Get("year"); y != "" {
		if rank.Year, err = strconv.Atoi(y); err != nil || rank.Year < 2015 || rank.Year > calendar.Today().Year() {
			return errs.Invalid("year", "a year from 2015 to %d", calendar.Today().Year())
		}
	}
	if rank.Kind == "agent" && p.Role == access.Government {
		return errs.Forbidden("government viewers see Bumdes, not agents")
	}
	if p.Role == access.BranchOfficer {
		rank.BranchID = p.BranchID
	}
	if region.LevelOf(v.Code) == region.Village && p.Role == access.Government {
		return errs.Forbidden("rankings inside a village are not shown to government viewers")
	}
	rank.Limit, rank.Offset = limitOffset(r)
	list, total, err := s.db.Rankings(r.Context(), actor(r, p), rank)
	if err != nil {
		return err
	}
	if list == nil {
		list = []store.Ranked{}
	}
	writeJSON(w, http.StatusOK, listAnswer(r, list, total, rank.Limit, rank.Offset))
	return nil
}

// apiTargets lays a region's targets of a year against its months.
func (s *Server) apiTargets(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	v, err := s.dashboardFor(r, p, r.PathValue("region_code"))
	if err != nil {
		return err
	}
	if v.Code == "" {
		return errs.Invalid("region_code", "targets are set for one region")
	}
	year := calendar.Today().Year()
	if y := r.URL.Query().Get("year"); y != "" {
		if year, err = strconv.Atoi(y); err != nil {
			return errs.Invalid("year", "a year such as 2027")
		}
	}
	list, err := s.db.Targets(r.Context(), v.Code, year, min(calendar.Today().MonthOf(), calendar.MonthOf(year, 12)))
	if err != nil {
		return err
	}
	if list == nil {
		list = []store.TargetProgress{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"region_code": v.Code, "year": year, "targets": list})
	return nil
}

// apiSetTarget sets a target: {region_code, year, figure, target}.
func (s *Server) apiSetTarget(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var tg dashboard.Target
	if err := decode(r, &tg); err != nil {
		return err
	}
	tg.SetBy = p.Username
	if err := s.setTarget(r, p, tg); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, tg)
	return nil
}

// apiSetPotential records potential figures: {entries: [{region_code, year, workers, source}]},
// all or none.
func (s *Server) apiSetPotential(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var body struct {
		Entries []dashboard.PotentialEntry `json:"entries"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if len(body.Entries) == 0 {
		return errs.Invalid("entries", "at least one figure")
	}
	if err := s.setPotential(r, p, body.Entries); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"entries": len(body.Entries)})
	return nil
}
