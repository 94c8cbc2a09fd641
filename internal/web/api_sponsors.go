package web

import (
	"encoding/csv"
	"net/http"
	"strconv"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/bulkimport"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/i18n"
	"github.com/perisai/perisai/internal/sponsor"
	"github.com/perisai/perisai/internal/store"
)

func (s *Server) apiSponsors(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ReadSponsors, access.Resource{}); err != nil {
		return err
	}
	list, err := s.db.Sponsors(r.Context(), store.SponsorScopeOf(p))
	if err != nil {
		return err
	}
	writePage(w, r, list)
	return nil
}

func (s *Server) apiCreateSponsor(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ManageSponsors, access.Resource{}); err != nil {
		return err
	}
	var sp sponsor.Sponsor
	if err := decode(r, &sp); err != nil {
		return err
	}
	if err := access.Authorize(p, access.CreateSponsor, access.Resource{Regions: []string{sp.Region}}); err != nil {
		return err
	}
	if err := s.db.CreateSponsor(r.Context(), actor(r, p), &sp); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sp)
	return nil
}

func (s *Server) apiSponsorships(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ReadSponsors, access.Resource{}); err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.URL.Query().Get("sponsor_id"), 10, 64)
	list, err := s.db.Sponsorships(r.Context(), id, store.SponsorScopeOf(p))
	if err != nil {
		return err
	}
	writePage(w, r, list)
	return nil
}

func (s *Server) apiCreateSponsorship(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ManageSponsors, access.Resource{}); err != nil {
		return err
	}
	var in struct {
		sponsor.Sponsorship
		Participants []string `json:"participants"` // participant numbers (KPJ)
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	sp := in.Sponsorship
	if err := s.sponsorInScope(r, p, sp.SponsorID); err != nil {
		return err
	}
	if err := s.db.CreateSponsorship(r.Context(), actor(r, p), &sp, in.Participants, store.ScopeFilter(p)); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sp)
	return nil
}

// apiSponsorshipsEnding lists the participants whose sponsorship ends within the coming days
// (default 30), so the Bumdes can move them to paying themselves.
func (s *Server) apiSponsorshipsEnding(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ReadParticipant, access.Resource{BranchID: p.BranchID, WadahID: p.WadahID, AgentID: p.AgentID, Regions: scopeRegions(p)}); err != nil {
		return err
	}
	days := 30
	if d := r.URL.Query().Get("days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > 366 {
			return errs.Invalid("days", "1–366")
		}
		days = n
	}
	list, err := s.db.SponsorshipsEnding(r.Context(), store.ScopeFilter(p), calendar.Today(), days)
	if err != nil {
		return err
	}
	writePage(w, r, list)
	return nil
}

// charge runs a sponsorship's charge for its cohort (API and page alike).
func (s *Server) charge(r *http.Request, p access.Principal) (store.ChargeReport, error) {
	if err := access.Authorize(p, access.ManageSponsors, access.Resource{}); err != nil {
		return store.ChargeReport{}, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return store.ChargeReport{}, err
	}
	return s.db.ChargeSponsorship(r.Context(), actor(r, p), s.rs(), store.SponsorScopeOf(p), id, calendar.Today())
}

// apiChargeSponsorship reports each member's outcome.
func (s *Server) apiChargeSponsorship(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	rep, err := s.charge(r, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) chargeForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	rep, err := s.charge(r, p)
	if err != nil {
		return err
	}
	s.renderPage(w, r, http.StatusOK, "charge", s.pageFor(r, &p, "sponsors.charge_report", rep))
	return nil
}

// sponsorshipLines is a sponsorship's report: the payments it made for the members in scope,
// and their total (reversed ones left out).
type sponsorshipLines struct {
	Sponsorship sponsor.Sponsorship      `json:"sponsorship"`
	Items       []store.SponsoredPayment `json:"items"`
	Total       int64                    `json:"total"`
}

// sponsorshipReport reads a sponsorship in the principal's scope and the payments it made for
// the members in scope. It names people, so government viewers (aggregates only) are refused.
func (s *Server) sponsorshipReport(r *http.Request, p access.Principal, action string) (sponsorshipLines, error) {
	rep := sponsorshipLines{Items: []store.SponsoredPayment{}}
	if err := access.Authorize(p, access.ReadSponsors, access.Resource{}); err != nil {
		return rep, err
	}
	if p.Role == access.Government {
		return rep, errs.Forbidden("government viewers see sponsorships in aggregate (GET /api/v1/sponsorships), not the people in them")
	}
	id, err := pathID(r, "id")
	if err != nil {
		return rep, err
	}
	sc := store.SponsorScopeOf(p)
	if rep.Sponsorship, err = s.db.Sponsorship(r.Context(), id, sc); err != nil {
		return rep, err
	}
	var people []int64
	err = s.db.SponsorshipReport(r.Context(), id, sc, func(sp store.SponsoredPayment) error {
		rep.Items = append(rep.Items, sp)
		people = append(people, sp.ParticipantID)
		if sp.Status == "posted" {
			rep.Total += sp.Amount
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	return rep, s.db.RecordRead(r.Context(), actor(r, p), action, "sponsorship", id, "", "report rows="+strconv.Itoa(len(rep.Items)), people)
}

// sponsorshipCSV writes the report as CSV (the export is audited: it lists people).
func (s *Server) sponsorshipCSV(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	rep, err := s.sponsorshipReport(r, p, "export")
	if err != nil {
		return err
	}
	id := rep.Sponsorship.ID
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="tanggungan-`+strconv.FormatInt(id, 10)+`.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"receipt_no", "received_at", "kpj", "name", "village", "first_month", "last_month", "months", "amount", "status"})
	for _, l := range rep.Items {
		first, last := "", ""
		if l.Months > 0 {
			first, last = l.FirstMonth.String(), l.LastMonth.String()
		}
		safe := bulkimport.SafeCell
		_ = cw.Write([]string{safe(l.ReceiptNo), calendar.Moment(l.ReceivedAt, calendar.ZoneOf(l.Village), i18n.Default), safe(l.KPJ), safe(l.Name), safe(l.Village), first, last,
			strconv.Itoa(l.Months), strconv.FormatInt(l.Amount, 10), l.Status})
	}
	cw.Flush()
	return cw.Error()
}

func (s *Server) apiSponsorshipReport(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if r.URL.Query().Get("format") == "csv" {
		return s.sponsorshipCSV(w, r, p)
	}
	rep, err := s.sponsorshipReport(r, p, "read")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// sponsorInScope refuses a sponsor the principal does not see (store.SponsorScopeOf): a branch
// does not enrol its workers under another region's budget.
func (s *Server) sponsorInScope(r *http.Request, p access.Principal, id int64) error {
	list, err := s.db.Sponsors(r.Context(), store.SponsorScopeOf(p))
	if err != nil {
		return err
	}
	for _, sp := range list {
		if sp.ID == id {
			return nil
		}
	}
	return errs.NotFound("sponsor")
}
