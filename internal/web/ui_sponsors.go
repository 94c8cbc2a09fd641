package web

import (
	"net/http"
	"strings"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/sponsor"
	"github.com/perisai/perisai/internal/store"
)

func (s *Server) sponsorsPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ReadSponsors, access.Resource{}); err != nil {
		return err
	}
	sc := store.SponsorScopeOf(p)
	sponsors, err := s.db.Sponsors(r.Context(), sc)
	if err != nil {
		return err
	}
	ships, err := s.db.Sponsorships(r.Context(), 0, sc)
	if err != nil {
		return err
	}
	var ending []store.EndingParticipant
	if access.Authorize(p, access.ReadParticipant, access.Resource{BranchID: p.BranchID, WadahID: p.WadahID, AgentID: p.AgentID, Regions: scopeRegions(p)}) == nil {
		if ending, err = s.db.SponsorshipsEnding(r.Context(), store.ScopeFilter(p), calendar.Today(), 30); err != nil {
			return err
		}
	}
	areas := map[string]string{}
	for _, x := range sponsors {
		areas[x.Region] = s.areaName(x.Region)
	}
	this := calendar.Today().MonthOf()
	pg := s.pageFor(r, &p, "sponsors.title", map[string]any{"Sponsors": sponsors, "Ships": ships, "Ending": ending, "Areas": areas,
		"Kinds": sponsor.Kinds, "RegionPicker": regionInput{Name: "region", Choices: append(regionChoices(s.tree, p.Regencies), villageChoices(s.tree, p.Regencies)...)}, "CanManage": access.Authorize(p, access.ManageSponsors, access.Resource{}) == nil,
		"CanReport": p.Role != access.Government,
		"From":      this.String(), "To": this.Add(5).String()})
	s.renderPage(w, r, http.StatusOK, "sponsors", pg)
	return nil
}

func (s *Server) createSponsorForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ManageSponsors, access.Resource{}); err != nil {
		return err
	}
	sp := sponsor.Sponsor{Kind: sponsor.Kind(r.PostFormValue("kind")), Name: r.PostFormValue("name"), Region: regionCode(r.PostFormValue("region"))}
	if err := access.Authorize(p, access.CreateSponsor, access.Resource{Regions: []string{sp.Region}}); err != nil {
		return err
	}
	if err := s.db.CreateSponsor(r.Context(), actor(r, p), &sp); err != nil {
		return err
	}
	done(w, r, "/sponsors", "ok.sponsor_created")
	return nil
}

func (s *Server) createSponsorshipForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ManageSponsors, access.Resource{}); err != nil {
		return err
	}
	from, err1 := calendar.ParseMonth(r.PostFormValue("month_from"))
	to, err2 := calendar.ParseMonth(r.PostFormValue("month_to"))
	if err1 != nil || err2 != nil {
		return errs.Invalid("month_from", "months are written YYYY-MM")
	}
	sh := sponsor.Sponsorship{SponsorID: formInt(r, "sponsor_id"), Name: r.PostFormValue("name"), From: from, To: to,
		JKK: r.PostFormValue("jkk") == "on", JKM: r.PostFormValue("jkm") == "on", JHT: r.PostFormValue("jht") == "on"}
	budget, err := formAmount(r, "budget")
	if err != nil {
		return err
	}
	sh.Budget = budget
	kpjs := strings.Fields(strings.NewReplacer(",", " ", ";", " ").Replace(r.PostFormValue("participants")))
	if err := s.sponsorInScope(r, p, sh.SponsorID); err != nil {
		return err
	}
	if err := s.db.CreateSponsorship(r.Context(), actor(r, p), &sh, kpjs, store.ScopeFilter(p)); err != nil {
		return err
	}
	done(w, r, "/sponsors", "ok.sponsorship_created")
	return nil
}

// sponsorshipPage is a sponsorship's report: every payment it made for the members in scope,
// with the total, and the CSV for the sponsor's own books.
func (s *Server) sponsorshipPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	rep, err := s.sponsorshipReport(r, p, "read")
	if err != nil {
		return err
	}
	s.renderPage(w, r, http.StatusOK, "sponsorship", s.pageFor(r, &p, "sponsors.report", rep))
	return nil
}
