package web

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/i18n"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/money"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/store"
)

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login", nil, "login.title", nil, "")
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// login checks the password, limited to 10 failures per 15 minutes per username and per
// address, and starts a session.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	username := strings.ToLower(strings.TrimSpace(r.PostFormValue("username")))
	pw := r.PostFormValue("password")
	// Usernames are at most 40 of [a-z0-9._-]: any other is nobody's, and all such from an
	// address share one count (the key is stored: kept short and valid text); a space parts the
	// username from the address.
	key := username
	if len(key) > 40 || !utf8.ValidString(key) {
		key = "(invalid)"
	}
	pair, addr := key+" "+clientIP(r), clientIP(r)
	l := lang(r, nil)
	fail := func(code int, msgKey string) {
		pg := page{Lang: l, Title: i18n.T(l, "login.title"), Error: i18n.T(l, msgKey), Data: map[string]string{"Username": username}}
		s.renderPage(w, r, code, "login", pg)
	}
	ctx := r.Context()
	if s.logins.Blocked(ctx, pair) || s.addrs.Blocked(ctx, addr) {
		fail(http.StatusTooManyRequests, "login.limited")
		return
	}
	u, hash, err := s.db.UserByUsername(r.Context(), username)
	switch {
	case errors.Is(err, errs.ErrNotFound):
		access.CheckNoUser(pw)
	case err != nil:
		s.renderError(w, r, nil, err)
		return
	}
	if err != nil || !u.Active || !access.CheckPassword(hash, pw) {
		if err := errors.Join(s.logins.Fail(ctx, pair), s.addrs.Fail(ctx, addr)); err != nil {
			s.log.ErrorContext(ctx, "counting a failed login", "err", err)
		}
		s.log.WarnContext(r.Context(), "login failed", "username", username, "ip", clientIP(r), "request_id", requestID(r.Context()))
		fail(http.StatusUnauthorized, "login.failed")
		return
	}
	if err := s.logins.Reset(ctx, pair); err != nil {
		s.log.ErrorContext(ctx, "forgetting failed logins", "err", err)
	}
	sid, err := s.db.CreateSession(r.Context(), audit.Actor{UserID: u.ID, Name: u.Username, RequestID: requestID(r.Context())}, u.ID, s.ttl)
	if err != nil {
		s.renderError(w, r, nil, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sid, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, Expires: time.Now().Add(s.ttl)})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	sid, _ := r.Context().Value(keySession).(string)
	if sid != "" {
		if err := s.db.DeleteSession(r.Context(), actor(r, p), sid); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// setLang switches language with a cookie and goes back where the user was (same site only).
func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	l := r.PathValue("lang")
	if !i18n.Supported(l) {
		l = i18n.Default
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: s.secure})
	// Logged in, the choice is kept with the user too: it follows them to another phone.
	if c, err := r.Cookie(sessionCookie); err == nil {
		if id, err := s.db.SessionUser(r.Context(), c.Value); err == nil {
			if err := s.db.SetLocale(r.Context(), id, l); err != nil {
				s.log.WarnContext(r.Context(), "remember language", "err", err)
			}
			s.tokens.forget()
		}
	}
	back := r.URL.Query().Get("back")
	if !localPath(back) {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

type scopeLine struct{ Key, Value string }

// home shows what the user is and the part of the network they act in.
func (s *Server) home(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if p.Role == access.Government {
		// A government viewer watches figures: its home is its region's dashboard.
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
		return nil
	}
	var lines []scopeLine
	if p.BranchID != 0 {
		if b, err := s.db.Branch(r.Context(), p.BranchID); err == nil {
			lines = append(lines, scopeLine{"scope.branch", b.Name + " (" + strings.Join(s.regionNames(b.Regencies), ", ") + ")"})
		}
	}
	if p.WadahID != 0 {
		name := "#" + strconv.FormatInt(p.WadahID, 10)
		if wd, err := s.db.Wadah(r.Context(), own(p, p.WadahID)); err == nil {
			name = wd.Name
		}
		lines = append(lines, scopeLine{"scope.wadah", name})
	}
	data := map[string]any{"Intro": "home." + string(p.Role) + ".intro"}
	if p.AgentID != 0 {
		// An agent's own line: the villages served, and the cash to deposit, which stops
		// collections once it passes the limits.
		if a, err := s.db.Agent(r.Context(), own(p, p.AgentID)); err == nil {
			lines = append(lines, scopeLine{"scope.villages", strings.Join(s.regionNames(a.Villages), ", ")})
		}
		cash, err := s.db.BalanceIn(r.Context(), ledger.AgentCash(p.AgentID), p.Province)
		if err != nil {
			return err
		}
		data["Agent"] = struct{ Cash int64 }{cash}
	}
	if p.Region != "" {
		lines = append(lines, scopeLine{"scope.region", strings.Join(s.regionNames([]string{p.Region}), "")})
	}
	data["Scope"] = lines
	s.render(w, r, http.StatusOK, "home", &p, "nav.home", data, "")
	return nil
}

// areaName names an area with the areas it lies in, the most local first ("Munggu, Mengwi,
// Kabupaten Badung"), down to the regency: the province goes without saying inside a branch.
func (s *Server) areaName(code string) string {
	chain := s.tree.Chain(code)
	if len(chain) == 0 {
		return code
	}
	var names []string
	for i := len(chain) - 1; i >= 0 && (i > 0 || len(chain) == 1); i-- {
		names = append(names, chain[i].Name)
	}
	return strings.Join(names, ", ")
}

func (s *Server) regionNames(codes []string) []string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		if a, ok := s.tree.Get(c); ok {
			out = append(out, a.Name)
		} else {
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	return s.showUsers(w, r, p, "", nil)
}

func (s *Server) showUsers(w http.ResponseWriter, r *http.Request, p access.Principal, flash string, formErr error) error {
	us, err := s.visibleUsers(r, p)
	if err != nil {
		return err
	}
	bs, err := s.visibleBranches(r, p)
	if err != nil {
		return err
	}
	roles := access.Roles
	if p.Role != access.Admin {
		roles = []access.Role{access.WadahManager, access.Agent}
	}
	code := http.StatusOK
	pg := s.pageFor(r, &p, "users.title", nil)
	if flash != "" {
		pg.Flash = flash
	}
	if formErr != nil {
		code, pg.Error = status(formErr), i18n.Error(pg.Lang, formErr)
	}
	// The wadah and agents a new user may be anchored to, picked by name, and the names that
	// the list shows for every scope.
	var branch int64
	if p.Role == access.BranchOfficer {
		branch = p.BranchID
	}
	ws, err := s.db.WadahList(r.Context(), store.WadahFilter{BranchID: branch, PerisaiOnly: true})
	if err != nil {
		return err
	}
	ags, err := s.db.Agents(r.Context(), store.AgentFilter{BranchID: branch, Status: network.AgentActive})
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, b := range bs {
		names["b"+strconv.FormatInt(b.ID, 10)] = b.Name
	}
	for _, x := range ws {
		names["w"+strconv.FormatInt(x.ID, 10)] = x.Name
	}
	for _, a := range ags {
		names["a"+strconv.FormatInt(a.ID, 10)] = a.Name + " (KPJ " + a.KPJ + ")"
	}
	for _, u := range us {
		if u.Scope.Region != "" {
			names["r"+u.Scope.Region] = regionLabel(s.tree, u.Scope.Region)
		}
	}
	areas := p.Regencies
	if p.Role == access.Admin {
		for _, prov := range s.tree.Children("") {
			areas = append(areas, prov.Code)
		}
	}
	pg.Data = map[string]any{"Users": us, "Branches": bs, "Roles": roles, "Form": r.PostForm, "Wadah": ws, "Agents": ags, "Names": names,
		"RegionPicker": regionInput{Name: "region", Choices: regionChoices(s.tree, areas), Value: r.PostFormValue("region")}}
	s.renderPage(w, r, code, "users", pg)
	return nil
}

func formInt(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.PostFormValue(name)), 10, 64)
	return n
}

// formAmount reads an amount in rupiah as people write it ("50.000", "Rp 50.000"); empty is 0,
// anything unreadable is refused with the field's name.
func formAmount(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return 0, nil
	}
	n, err := money.Parse(v)
	if err != nil {
		return 0, errs.Invalid(name, "an amount in rupiah, such as 50.000")
	}
	return n, nil
}

// formWhole reads a whole number that may be left empty (0); anything else is refused.
func formWhole(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, errs.Invalid(name, "a whole number, or empty")
	}
	return n, nil
}

func (s *Server) createUserForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	n := access.NewUser{
		Username: r.PostFormValue("username"), Name: r.PostFormValue("name"), Role: access.Role(r.PostFormValue("role")),
		Password: r.PostFormValue("password"), Locale: lang(r, &p),
	}
	// The form offers every anchor; only the one the role takes is kept.
	switch n.Role {
	case access.BranchOfficer:
		n.Scope.BranchID = formInt(r, "branch_id")
	case access.WadahManager:
		n.Scope.WadahID = formInt(r, "wadah_id")
	case access.Agent:
		n.Scope.AgentID = formInt(r, "agent_id")
	case access.Government:
		n.Scope.Region = regionCode(r.PostFormValue("region"))
	}
	u, err := s.createUser(r, p, n)
	if status(err) == http.StatusBadRequest || status(err) == http.StatusConflict {
		return s.showUsers(w, r, p, "", err)
	}
	if err != nil {
		return err
	}
	r.PostForm = nil
	return s.showUsers(w, r, p, i18n.T(lang(r, &p), "users.created", u.Username), nil)
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	return s.showTokens(w, r, p, "")
}

func (s *Server) showTokens(w http.ResponseWriter, r *http.Request, p access.Principal, newSecret string) error {
	ts, err := s.db.Tokens(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "tokens", &p, "tokens.title", map[string]any{"Tokens": ts, "New": newSecret}, "")
	return nil
}

func (s *Server) createTokenForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ManageTokens, access.Resource{UserID: p.UserID}); err != nil {
		return err
	}
	secret, _, err := s.db.CreateToken(r.Context(), actor(r, p), p.UserID, strings.TrimSpace(r.PostFormValue("name")))
	if err != nil {
		return err
	}
	return s.showTokens(w, r, p, secret)
}

func (s *Server) revokeTokenForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := confirmed(r); err != nil {
		return err
	}
	if err := s.db.RevokeToken(r.Context(), actor(r, p), p.UserID, id); err != nil {
		return err
	}
	s.tokens.forget()
	done(w, r, "/tokens", "ok.token_revoked")
	return nil
}

func (s *Server) branchesPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	bs, err := s.visibleBranches(r, p)
	if err != nil {
		return err
	}
	type row struct {
		network.Branch
		RegencyNames []string
	}
	rows := make([]row, len(bs))
	for i, b := range bs {
		rows[i] = row{b, s.regionNames(b.Regencies)}
	}
	s.render(w, r, http.StatusOK, "branches", &p, "branches.title", rows, "")
	return nil
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ReadAudit, access.Resource{}); err != nil {
		return err
	}
	es, err := s.db.ListAudit(r.Context(), store.AuditFilter{Limit: 1000})
	if err != nil {
		return err
	}
	pager := newPager(r, lang(r, &p), len(es), perPage)
	s.render(w, r, http.StatusOK, "audit", &p, "audit.title", map[string]any{"Items": window(es, pager), "Pager": pager}, "")
	return nil
}

func (s *Server) regionsPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ReadRegions, access.Resource{}); err != nil {
		return err
	}
	code := r.URL.Query().Get("code")
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	data := map[string]any{"Q": q}
	if q != "" {
		data["Results"] = s.toAreaJSON(s.tree.Search(q, 0, "", 50))
	} else {
		if code != "" {
			if _, ok := s.tree.Get(code); !ok {
				return errs.NotFound("region " + code)
			}
		}
		data["Chain"] = s.toAreaJSON(s.tree.Chain(code))
		data["Children"] = s.toAreaJSON(s.tree.Children(code))
	}
	s.render(w, r, http.StatusOK, "regions", &p, "regions.title", data, "")
	return nil
}

// localPath reports whether a redirect target stays on this site: a path that starts with one
// "/" and holds no backslash (browsers read "/\\evil.example" as "//evil.example"), no control
// character and no scheme-like prefix.
func localPath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || len(s) > 2000 {
		return false
	}
	for _, c := range s {
		if c == '\\' || c < 0x20 || c == 0x7f {
			return false
		}
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "" && u.Host == ""
}
