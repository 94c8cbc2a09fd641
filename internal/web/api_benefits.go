package web

import (
	"net/http"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/benefit"
	"github.com/perisai/perisai/internal/incentive"
)

// apiBenefitQuote is the benefit calculator: what a claim would come to on stated facts, line
// by line with the rules and their sources, the refusals and the refund. An agent uses it to
// tell a family what to expect before a document is gathered; it reads no record.
func (s *Server) apiBenefitQuote(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ReadRegions, access.Resource{}); err != nil { // anyone logged in
		return err
	}
	var f benefit.Facts
	if err := decode(r, &f); err != nil {
		return err
	}
	res, err := benefit.Quote(s.rs(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// apiIncentiveQuote is the incentive calculator: what an agent and its wadah earn for a month
// on stated facts (new participants, contributions by contribution month), line by line.
func (s *Server) apiIncentiveQuote(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ReadRegions, access.Resource{}); err != nil { // anyone logged in
		return err
	}
	var f incentive.Facts
	if err := decode(r, &f); err != nil {
		return err
	}
	res, err := incentive.Quote(s.rs(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
