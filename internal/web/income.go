package web

import (
	"io"
	"net/http"
	"strconv"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/i18n"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/report"
	"github.com/perisai/perisai/internal/store"
)

// incomeOf is the Bumdes and year a village income report is asked for: a manager's own
// Bumdes, or the wadah_id a branch officer or admin names; the year defaults to this one.
func (s *Server) incomeOf(r *http.Request, p access.Principal) (network.Wadah, int, []store.IncomeMonth, error) {
	q := r.URL.Query()
	id := p.WadahID // a manager's own, unless named
	if v := q.Get("wadah_id"); v != "" || p.Role != access.WadahManager {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return network.Wadah{}, 0, nil, errs.Invalid("wadah_id", "name the Bumdes whose income it is")
		}
		id = n
	}
	year := calendar.Today().Year()
	if v := q.Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2017 || y > year+1 {
			return network.Wadah{}, 0, nil, errs.Invalid("year", "a year from 2017 to %d", year+1)
		}
		year = y
	}
	prov, err := refProvince(r, p)
	if err != nil {
		return network.Wadah{}, 0, nil, err
	}
	w, err := s.db.Wadah(r.Context(), store.Ref{ID: id, Province: prov})
	if err != nil {
		return w, 0, nil, err
	}
	if err := access.Authorize(p, access.ReadIncentive, access.Resource{WadahID: w.ID, BranchID: w.BranchID}); err != nil {
		return w, 0, nil, err
	}
	months, err := s.db.VillageIncome(r.Context(), store.RefIn(w.Village, w.ID), year)
	return w, year, months, err
}

func (s *Server) apiVillageIncome(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	wd, year, months, err := s.incomeOf(r, p)
	if err != nil {
		return err
	}
	if months == nil {
		months = []store.IncomeMonth{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"wadah_id": wd.ID, "name": wd.Name, "year": year, "months": months})
	return nil
}

// villageIncomeFile is the report as a PDF (format=pdf, the default) or XLSX (format=xlsx).
func (s *Server) villageIncomeFile(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "pdf"
	}
	if format != "pdf" && format != "xlsx" {
		return errs.Invalid("format", "pdf or xlsx")
	}
	wd, year, months, err := s.incomeOf(r, p)
	if err != nil {
		return err
	}
	l := lang(r, &p)
	in := report.Income{Title: i18n.T(l, "income.title", year), Bumdes: wd.Name, Region: s.areaName(wd.Village), Note: i18n.T(l, "income.note"),
		TotalLabel: i18n.T(l, "income.year_total"),
		Columns: [7]string{i18n.T(l, "income.month"), i18n.T(l, "income.statements"), i18n.T(l, "income.agents"),
			i18n.T(l, "incentives.wadah_extra"), i18n.T(l, "income.total"), i18n.T(l, "incentives.tax"), i18n.T(l, "incentive.paid")}}
	for _, m := range months {
		in.Rows = append(in.Rows, report.IncomeRow{Month: m.Month.Name(l), Statements: m.Statements, Agents: m.Agents, Extra: m.WadahExtra, Total: m.Total, Tax: m.Tax, Paid: m.Paid})
	}
	name := "pendapatan-desa-" + strconv.Itoa(year) + "-" + strconv.FormatInt(wd.ID, 10)
	return sendFile(w, name, format, func(out io.Writer) error {
		if format == "pdf" {
			return report.IncomePDF(out, in)
		}
		return report.IncomeXLSX(out, in)
	})
}
