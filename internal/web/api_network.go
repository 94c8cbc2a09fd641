package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/store"
)

func wadahResource(w network.Wadah) access.Resource {
	return access.Resource{BranchID: w.BranchID, WadahID: w.ID, Regions: []string{w.Village}}
}

// networkScope is the branch or wadah a principal's network listings are limited to.
func networkScope(p access.Principal) (branchID, wadahID int64) {
	switch p.Role {
	case access.BranchOfficer:
		return p.BranchID, 0
	case access.WadahManager, access.Agent:
		return p.BranchID, p.WadahID
	}
	return 0, 0
}

func (s *Server) apiWadahList(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ReadNetwork, access.Resource{BranchID: p.BranchID, WadahID: p.WadahID, Regions: scopeRegions(p)}); err != nil {
		return err
	}
	branch, wadah := networkScope(p)
	f := store.WadahFilter{BranchID: branch, PerisaiOnly: r.URL.Query().Get("perisai") == "true", Within: r.URL.Query().Get("within")}
	if p.Role == access.Government {
		f.Within = p.Region
	}
	list, err := s.db.WadahList(r.Context(), f)
	if err != nil {
		return err
	}
	if wadah != 0 {
		mine := []network.Wadah{}
		for _, x := range list {
			if x.ID == wadah {
				mine = append(mine, x)
			}
		}
		list = mine
	}
	limit, offset := limitOffset(r)
	total := len(list)
	list = list[min(offset, total):min(offset+limit, total)]
	for i := range list {
		list[i] = forViewer(p, list[i])
	}
	writeJSON(w, http.StatusOK, listAnswer(r, list, total, limit, offset))
	return nil
}

// forViewer is a wadah as p may see it: government sees organisations, not the persons on them.
func forViewer(p access.Principal, x network.Wadah) network.Wadah {
	if p.Role == access.Government {
		return x.Organisation()
	}
	return x
}

// scopeRegions are the regions a principal's scope names, for list-level authorization.
func scopeRegions(p access.Principal) []string {
	if p.Region != "" {
		return []string{p.Region}
	}
	return p.Regencies
}

func (s *Server) apiWadah(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	ref, err := pathRef(r, p, "id")
	if err != nil {
		return err
	}
	x, err := s.db.Wadah(r.Context(), ref)
	if err != nil {
		return err
	}
	if err := access.Authorize(p, access.ReadNetwork, wadahResource(x)); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, forViewer(p, x))
	return nil
}

func (s *Server) apiCreateWadah(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var x network.Wadah
	if err := decode(r, &x); err != nil {
		return err
	}
	if err := access.Authorize(p, access.ManageNetwork, access.Resource{Regions: []string{x.Village}}); err != nil {
		return err
	}
	x.ID = 0
	if err := s.db.CreateWadah(r.Context(), actor(r, p), &x); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, x)
	return nil
}

func (s *Server) apiAgreements(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ReadNetwork, access.Resource{BranchID: p.BranchID, WadahID: p.WadahID, Regions: scopeRegions(p)}); err != nil {
		return err
	}
	if p.Role == access.Government {
		return errs.Forbidden("agreements are listed for branches and wadah")
	}
	branch, wadah := networkScope(p)
	if q := r.URL.Query().Get("wadah_id"); q != "" && wadah == 0 {
		wadah, _ = strconv.ParseInt(q, 10, 64)
	}
	list, err := s.db.Agreements(r.Context(), store.AgreementFilter{BranchID: branch, WadahID: wadah})
	if err != nil {
		return err
	}
	today := calendar.Today()
	for i := range list {
		list[i].Status = list[i].EffectiveStatus(today)
	}
	writePage(w, r, list)
	return nil
}

// manageWadah checks that p may manage the wadah (its agreements, its agents).
func (s *Server) manageWadah(r *http.Request, p access.Principal, ref store.Ref) error {
	x, err := s.db.Wadah(r.Context(), ref)
	if errors.Is(err, errs.ErrNotFound) {
		return errs.Invalid("wadah_id", "no such wadah")
	}
	if err != nil {
		return err
	}
	return access.Authorize(p, access.ManageNetwork, wadahResource(x))
}

func (s *Server) apiCreateAgreement(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var a network.Agreement
	if err := decode(r, &a); err != nil {
		return err
	}
	prov, err := refProvince(r, p)
	if err != nil {
		return err
	}
	if err := s.manageWadah(r, p, store.Ref{ID: a.WadahID, Province: prov}); err != nil {
		return err
	}
	if err := s.db.CreateAgreement(r.Context(), actor(r, p), s.rs(), &a); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

// agreementAction runs an action on an existing agreement after checking scope.
func (s *Server) agreementAction(r *http.Request, p access.Principal) (network.Agreement, error) {
	ref, err := pathRef(r, p, "id")
	if err != nil {
		return network.Agreement{}, err
	}
	a, err := s.db.Agreement(r.Context(), ref)
	if err != nil {
		return a, err
	}
	return a, s.manageWadah(r, p, store.RefIn(a.Province, a.WadahID))
}

// agreementRef names an agreement with its province.
func agreementRef(a network.Agreement) store.Ref { return store.RefIn(a.Province, a.ID) }

func (s *Server) apiActivateAgreement(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	a, err := s.agreementAction(r, p)
	if err != nil {
		return err
	}
	a, err = s.db.ActivateAgreement(r.Context(), actor(r, p), s.rs(), agreementRef(a), calendar.Today())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

type reasonBody struct {
	Reason string `json:"reason"`
}

func (s *Server) apiTerminateAgreement(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	a, err := s.agreementAction(r, p)
	if err != nil {
		return err
	}
	var in reasonBody
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.db.TerminateAgreement(r.Context(), actor(r, p), agreementRef(a), in.Reason); err != nil {
		return err
	}
	a, err = s.db.Agreement(r.Context(), agreementRef(a))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiRenewAgreement(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	a, err := s.agreementAction(r, p)
	if err != nil {
		return err
	}
	var in struct {
		Number string `json:"number"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	renewed, err := s.db.RenewAgreement(r.Context(), actor(r, p), s.rs(), agreementRef(a), in.Number)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, renewed)
	return nil
}

func (s *Server) apiAgents(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ReadNetwork, access.Resource{BranchID: p.BranchID, WadahID: p.WadahID, Regions: scopeRegions(p)}); err != nil {
		return err
	}
	if p.Role == access.Government || p.Role == access.Agent {
		return errs.Forbidden("agents are listed for branches and wadah")
	}
	branch, wadah := networkScope(p)
	if q := r.URL.Query().Get("wadah_id"); q != "" && wadah == 0 {
		wadah, _ = strconv.ParseInt(q, 10, 64)
	}
	all, err := s.db.Agents(r.Context(), store.AgentFilter{BranchID: branch, WadahID: wadah, Status: network.AgentStatus(r.URL.Query().Get("status"))})
	if err != nil {
		return err
	}
	limit, offset := limitOffset(r)
	list := all[min(offset, len(all)):min(offset+limit, len(all))]
	if err := s.sawAgents(r, p, list...); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listAnswer(r, list, len(all), limit, offset))
	return nil
}

// sawAgents audits a read that showed agents: each is a person (a participant too).
func (s *Server) sawAgents(r *http.Request, p access.Principal, list ...network.Agent) error {
	people := make([]int64, 0, len(list))
	for _, a := range list {
		if a.ParticipantID != 0 {
			people = append(people, a.ParticipantID)
		}
	}
	return s.db.RecordRead(r.Context(), actor(r, p), "read", "agent", "", "", "agents="+strconv.Itoa(len(list)), people)
}

// agentInScope loads an agent and checks p may do a to it.
func (s *Server) agentInScope(r *http.Request, p access.Principal, ref store.Ref, a access.Action) (network.Agent, error) {
	ag, err := s.db.Agent(r.Context(), ref)
	if err != nil {
		return ag, err
	}
	x, err := s.db.Wadah(r.Context(), store.RefIn(ag.Province, ag.WadahID))
	if err != nil {
		return ag, err
	}
	res := wadahResource(x)
	res.AgentID = ag.ID
	return ag, access.Authorize(p, a, res)
}

// managedAgent is the path's agent, once p is known to manage that agent.
func (s *Server) managedAgent(r *http.Request, p access.Principal) (store.Ref, error) {
	ref, err := pathRef(r, p, "id")
	if err != nil {
		return ref, err
	}
	ag, err := s.agentInScope(r, p, ref, access.ManageNetwork)
	return store.RefIn(ag.Province, ag.ID), err
}

func (s *Server) apiAgent(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	ref, err := pathRef(r, p, "id")
	if err != nil {
		return err
	}
	ag, err := s.agentInScope(r, p, ref, access.ReadAgent)
	if err != nil {
		return err
	}
	if err := s.sawAgents(r, p, ag); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ag)
	return nil
}

func (s *Server) apiCreateAgent(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var ag network.Agent
	if err := decode(r, &ag); err != nil {
		return err
	}
	prov, err := refProvince(r, p)
	if err != nil {
		return err
	}
	if err := s.manageWadah(r, p, store.Ref{ID: ag.WadahID, Province: prov}); err != nil {
		return err
	}
	if err := s.db.CreateAgent(r.Context(), actor(r, p), &ag, calendar.Today()); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ag)
	return nil
}

func (s *Server) apiAgentStatus(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	id, err := s.managedAgent(r, p)
	if err != nil {
		return err
	}
	var in struct {
		Status network.AgentStatus `json:"status"`
		Reason string              `json:"reason"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.db.SetAgentStatus(r.Context(), actor(r, p), s.rs(), id, in.Status, in.Reason, calendar.Today()); err != nil {
		return err
	}
	return s.writeAgent(w, r, id)
}

// apiAgentCashLimits sets an agent's own cash limits (zero fields: the rules' defaults).
func (s *Server) apiAgentCashLimits(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	id, err := s.managedAgent(r, p)
	if err != nil {
		return err
	}
	var in network.CashLimits
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.db.SetAgentCashLimits(r.Context(), actor(r, p), id, in); err != nil {
		return err
	}
	return s.writeAgent(w, r, id)
}

// writeAgent answers with the agent as it stands after a change.
func (s *Server) writeAgent(w http.ResponseWriter, r *http.Request, ref store.Ref) error {
	ag, err := s.db.Agent(r.Context(), ref)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ag)
	return nil
}

func (s *Server) apiHandOver(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	id, err := s.managedAgent(r, p)
	if err != nil {
		return err
	}
	var in struct {
		To int64 `json:"to_agent_id"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	moved, err := s.db.HandOver(r.Context(), actor(r, p), id, in.To)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"moved": moved, "from_agent_id": id.ID, "to_agent_id": in.To})
	return nil
}
