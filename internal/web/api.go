package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/region"
	"github.com/perisai/perisai/internal/store"
)

func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if tooLarge(err) {
			return errTooLarge()
		}
		return errs.Invalid("body", "not valid JSON for this request: %v", err)
	}
	return nil
}

func decodeBytes(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errs.Invalid("body", "not valid JSON for this request: %v", err)
	}
	return nil
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Invalid(name, "must be a positive integer")
	}
	return id, nil
}

// pathRef is the row the path's id names, with the province it is kept in (store.Ref).
func pathRef(r *http.Request, p access.Principal, name string) (store.Ref, error) {
	id, err := pathID(r, name)
	if err != nil {
		return store.Ref{}, err
	}
	prov, err := refProvince(r, p)
	return store.Ref{ID: id, Province: prov}, err
}

// refProvince is the province a row the address names is kept in: the user's own for a user
// who works in one (all they may reach lies in it), else the address's ?province= that every
// link carries; "" when a national user's API call leaves it out (the store then locates the
// row by its id).
func refProvince(r *http.Request, p access.Principal) (string, error) {
	if p.Province != "" {
		return p.Province, nil
	}
	v := r.URL.Query().Get("province")
	if v == "" {
		return "", nil
	}
	if a, ok := region.MustDefault().Get(v); !ok || a.Level != region.Province {
		return "", errs.Invalid("province", "%q is not a province code", v)
	}
	return v, nil
}

// own names a row of the user's own (their agent, their wadah) with their province.
func own(p access.Principal, id int64) store.Ref { return store.Ref{ID: id, Province: p.Province} }

// inProvince is the query a link to a row of a distributed table carries: "?province=51" for a
// row kept in the province of code (a province, or any region in it).
func inProvince(code string) string {
	if len(code) < 2 {
		return ""
	}
	return "?province=" + code[:2]
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.writeProblem(w, r, errs.NotFound("no such API endpoint "+r.Method+" "+r.URL.Path))
}

// me is the principal as the API shows it.
type me struct {
	ID        int64       `json:"id"`
	Username  string      `json:"username"`
	Name      string      `json:"name"`
	Role      access.Role `json:"role"`
	Locale    string      `json:"locale"`
	BranchID  int64       `json:"branch_id,omitempty"`
	WadahID   int64       `json:"wadah_id,omitempty"`
	AgentID   int64       `json:"agent_id,omitempty"`
	Region    string      `json:"region,omitempty"`
	Regencies []string    `json:"regencies,omitempty"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	writeJSON(w, http.StatusOK, me{ID: p.UserID, Username: p.Username, Name: p.Name, Role: p.Role, Locale: p.Locale,
		BranchID: p.BranchID, WadahID: p.WadahID, AgentID: p.AgentID, Region: p.Region, Regencies: p.Regencies})
	return nil
}

// areaJSON is an area with its level spelled out.
type areaJSON struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Level  string `json:"level"`
	Parent string `json:"parent,omitempty"`
	Kind   string `json:"kind,omitempty"`
	Label  string `json:"label"` // what a picker shows: "Munggu — Mengwi, Badung (51.03.02.2001)"
}

func (s *Server) toAreaJSON(as []region.Area) []areaJSON {
	out := make([]areaJSON, len(as))
	for i, a := range as {
		out[i] = areaJSON{Code: a.Code, Name: a.Name, Level: a.Level.String(), Parent: a.Parent(), Kind: a.Kind(), Label: regionLabel(s.tree, a.Code)}
	}
	return out
}

func (s *Server) apiRegion(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ReadRegions, access.Resource{}); err != nil {
		return err
	}
	code := r.PathValue("code")
	a, ok := s.tree.Get(code)
	if !ok {
		return errs.NotFound("region " + code)
	}
	writeJSON(w, http.StatusOK, struct {
		areaJSON
		Chain    []areaJSON `json:"chain"`
		Children int        `json:"children"`
	}{s.toAreaJSON([]region.Area{a})[0], s.toAreaJSON(s.tree.Chain(code)), len(s.tree.Children(code))})
	return nil
}

func (s *Server) apiRegionChildren(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ReadRegions, access.Resource{}); err != nil {
		return err
	}
	code := r.PathValue("code")
	if code != "root" {
		if _, ok := s.tree.Get(code); !ok {
			return errs.NotFound("region " + code)
		}
	} else {
		code = ""
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": s.toAreaJSON(s.tree.Children(code))})
	return nil
}

func (s *Server) apiRegionSearch(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ReadRegions, access.Resource{}); err != nil {
		return err
	}
	q := r.URL.Query()
	var level region.Level
	if l := q.Get("level"); l != "" {
		for _, c := range []region.Level{region.Province, region.Regency, region.District, region.Village} {
			if c.String() == l {
				level = c
			}
		}
		if level == 0 {
			return errs.Invalid("level", "one of province, regency, district, village")
		}
	}
	limit := 50
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 500 {
			return errs.Invalid("limit", "1–500")
		}
		limit = n
	}
	name := strings.TrimSpace(q.Get("q"))
	if len(name) < 2 && q.Get("within") == "" {
		return errs.Invalid("q", "give at least 2 letters of a name, or a region to search within")
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": s.toAreaJSON(s.tree.Search(name, level, q.Get("within"), limit))})
	return nil
}

func branchResource(b network.Branch) access.Resource {
	return access.BranchOffice(b.ID, b.Regencies)
}

// visibleBranches are the branches the principal may read.
func (s *Server) visibleBranches(r *http.Request, p access.Principal) ([]network.Branch, error) {
	all, err := s.db.Branches(r.Context())
	if err != nil {
		return nil, err
	}
	out := []network.Branch{}
	for _, b := range all {
		if access.Authorize(p, access.ReadBranch, branchResource(b)) == nil {
			out = append(out, b)
		}
	}
	return out, nil
}

func (s *Server) apiBranches(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	bs, err := s.visibleBranches(r, p)
	if err != nil {
		return err
	}
	writePage(w, r, bs)
	return nil
}

func (s *Server) apiBranch(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := s.db.Branch(r.Context(), id)
	if err != nil {
		return err
	}
	if err := access.Authorize(p, access.ReadBranch, branchResource(b)); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) apiCreateBranch(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ManageBranch, access.Resource{}); err != nil {
		return err
	}
	var b network.Branch
	if err := decode(r, &b); err != nil {
		return err
	}
	b.ID = 0
	if err := s.db.CreateBranch(r.Context(), actor(r, p), &b); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

// userResource describes where a user (existing or to be created) belongs, for Authorize.
func (s *Server) userResource(r *http.Request, sc access.Scope) (access.Resource, error) {
	branch, err := s.db.UserBranch(r.Context(), sc)
	if err != nil {
		return access.Resource{}, err
	}
	res := access.Resource{BranchID: branch, WadahID: sc.WadahID, AgentID: sc.AgentID}
	if sc.Region != "" {
		res.Regions = []string{sc.Region}
	}
	if branch == 0 && sc.Region == "" {
		res.Regions = nil // an admin account: only admins cover it
	}
	return res, nil
}

// visibleUsers are the users the principal may list: all for an admin, the branch's for an
// officer.
func (s *Server) visibleUsers(r *http.Request, p access.Principal) ([]access.User, error) {
	if err := access.Authorize(p, access.ReadUsers, access.Resource{BranchID: p.BranchID, Regions: p.Regencies}); err != nil {
		return nil, err
	}
	f := store.UserFilter{}
	if p.Role != access.Admin {
		f.BranchID = p.BranchID
	}
	us, err := s.db.Users(r.Context(), f)
	if us == nil {
		us = []access.User{}
	}
	return us, err
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	us, err := s.visibleUsers(r, p)
	if err != nil {
		return err
	}
	writePage(w, r, us)
	return nil
}

// createUser is shared by the API and the form: a branch officer may create wadah managers and
// agents of its own branch; only an admin creates officers, government viewers and admins.
func (s *Server) createUser(r *http.Request, p access.Principal, n access.NewUser) (access.User, error) {
	if p.Role != access.Admin && (n.Role == access.Admin || n.Role == access.BranchOfficer || n.Role == access.Government) {
		return access.User{}, errs.Forbidden("only an admin creates %s users", n.Role)
	}
	res, err := s.userResource(r, n.Scope)
	if err != nil {
		return access.User{}, err
	}
	if err := access.Authorize(p, access.ManageUsers, res); err != nil {
		return access.User{}, err
	}
	return s.db.CreateUser(r.Context(), actor(r, p), n)
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var n access.NewUser
	if err := decode(r, &n); err != nil {
		return err
	}
	u, err := s.createUser(r, p, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	ts, err := s.db.Tokens(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []store.Token{}
	}
	writePage(w, r, ts)
	return nil
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := access.Authorize(p, access.ManageTokens, access.Resource{UserID: p.UserID}); err != nil {
		return err
	}
	secret, tk, err := s.db.CreateToken(r.Context(), actor(r, p), p.UserID, strings.TrimSpace(in.Name))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, struct {
		store.Token
		Secret string `json:"token"`
	}{tk, secret})
	return nil
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.db.RevokeToken(r.Context(), actor(r, p), p.UserID, id); err != nil {
		return err
	}
	s.tokens.forget()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ReadAudit, access.Resource{}); err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.AuditFilter{Entity: q.Get("entity"), EntityID: q.Get("entity_id")}
	if a := q.Get("actor_id"); a != "" {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return errs.Invalid("actor_id", "must be an integer")
		}
		f.ActorID = id
	}
	if l := q.Get("limit"); l != "" {
		f.Limit, _ = strconv.Atoi(l)
	}
	es, err := s.db.ListAudit(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": es})
	return nil
}

// apiWhoSaw answers "who saw this person?" for an admin: the reads that showed the
// participant and the changes to their record over a period.
func (s *Server) apiWhoSaw(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ReadAudit, access.Resource{}); err != nil {
		return err
	}
	q := r.URL.Query()
	wq, err := store.ParseWhoSaw(q.Get("participant_id"), q.Get("kpj"), q.Get("nik"), q.Get("from"), q.Get("to"))
	if err != nil {
		return err
	}
	who, es, err := s.db.WhoSaw(r.Context(), actor(r, p), wq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"participant_id": who.ID, "kpj": who.KPJ, "nik_masked": who.NIKMasked, "items": es})
	return nil
}
