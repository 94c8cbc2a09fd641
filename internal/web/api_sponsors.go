package web

import (
	"net/http"
	"strconv"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
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
	writeJSON(w, http.StatusOK, map[string]any{"items": list})
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
	writeJSON(w, http.StatusOK, map[string]any{"items": list})
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
	writeJSON(w, http.StatusOK, map[string]any{"items": list})
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
