package web

import (
	"net/http"
	"strconv"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/store"
)

func (s *Server) importsPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ImportParticipants, access.Resource{}); err != nil {
		return err
	}
	list, err := s.db.Imports(r.Context(), store.OwnerOf(p))
	if err != nil {
		return err
	}
	var agents []network.Agent
	if p.Role == access.BranchOfficer {
		if agents, err = s.db.Agents(r.Context(), store.AgentFilter{BranchID: p.BranchID, Status: network.AgentActive}); err != nil {
			return err
		}
	}
	s.renderPage(w, r, http.StatusOK, "imports", s.pageFor(r, &p, "imports.title", map[string]any{"Items": list, "Agents": agents}))
	return nil
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	im, err := s.startImport(r, p)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/imports/"+strconv.FormatInt(im.ID, 10)+inProvince(im.Province), http.StatusSeeOther)
	return nil
}

// importPage shows an import's progress; a small script polls the API while it runs.
func (s *Server) importPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	im, err := s.ownImport(r, p)
	if err != nil {
		return err
	}
	var rows []store.ImportRow
	if im.Status != "running" {
		if rows, err = s.db.ImportRows(r.Context(), im); err != nil {
			return err
		}
		problems := rows[:0:0]
		for _, x := range rows {
			if x.Outcome != store.Imported {
				problems = append(problems, x)
			}
		}
		rows = problems
		if len(rows) > 500 {
			rows = rows[:500]
		}
	}
	s.renderPage(w, r, http.StatusOK, "import", s.pageFor(r, &p, "imports.one", map[string]any{"I": im, "Problems": rows}))
	return nil
}
