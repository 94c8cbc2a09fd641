package web

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/card"
	"github.com/perisai/perisai/internal/i18n"
	"github.com/perisai/perisai/internal/participant"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

func staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	fsrv := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Assets change only with a release; a village phone on a weak signal should not ask again.
		w.Header().Set("Cache-Control", "public, max-age=86400")
		fsrv.ServeHTTP(w, r)
	})
}

var funcs = template.FuncMap{
	"t":   i18n.T,
	"msg": func(lang string, m i18n.Message) string { return m.In(lang) },
	"roleName": func(lang string, r access.Role) string {
		return i18n.T(lang, "role."+string(r))
	},
	"join": strings.Join,
	// prov and andProv are the province a link to a row carries (?province=51, &province=51):
	// the row is then read in its province (store.Ref).
	"prov":    inProvince,
	"andProv": func(code string) string { return strings.Replace(inProvince(code), "?", "&", 1) },
	"neg":     func(n int64) int64 { return -n },
	// nMonths is "1 month", "3 months" ("1 bulan", "3 bulan").
	"nMonths": func(lang string, n int) string {
		if n == 1 {
			return i18n.T(lang, "pay.one_month")
		}
		return strconv.Itoa(n) + " " + i18n.T(lang, "pay.months")
	},
	// word is the i-th word of s ("" past the end): a receipt number from an entry's memo.
	"word": func(s string, i int) string {
		if f := strings.Fields(s); i < len(f) {
			return f[i]
		}
		return ""
	},
	"formFields": formFields,
	// code shows `backticked` words of a description as code, the rest as text.
	"code": func(s string) template.HTML {
		return template.HTML(backticks.ReplaceAllString(template.HTMLEscapeString(s), "<code>$1</code>"))
	},
	"rupiah": rupiah,
	"relationships": func() []participant.Relationship {
		return []participant.Relationship{participant.Child, participant.Spouse, participant.Parent, participant.Grandparent,
			participant.Grandchild, participant.Sibling, participant.ParentInLaw, participant.NamedInWill}
	},
}

var backticks = regexp.MustCompile("`([^`]+)`")

// rupiah writes an amount the Indonesian way: Rp 1.000.000.
func rupiah(n int64) string { return card.Rupiah(n) }

// parsePages parses each page together with the layout and every partial (templates/_*.html:
// the pager and the other pieces pages share), so no page can forget one.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html", n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", n, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// page is what every template gets.
type page struct {
	Lang  string
	Title string
	User  *access.Principal
	CSRF  string
	Flash string
	Error string
	Data  any
	// Zone is the local time the page shows moments in (WIB, WITA or WIT): the viewer's
	// region, or the participant's village on a page about one participant.
	Zone *time.Location
}

// When is a moment in the page's zone, saying which: "30 Nov 2026 14:05 WITA".
func (p page) When(t time.Time) string { return calendar.Moment(t, p.zone(), p.Lang) }

// Stamp is When to the second, for the audit trail.
func (p page) Stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	l := t.In(p.zone())
	return calendar.D(l.Year(), l.Month(), l.Day()).Name(p.Lang) + " " + l.Format("15:04:05 MST")
}

// Date is a day as people write it: "30 Nov 2026".
func (p page) Date(d calendar.Date) string { return d.Name(p.Lang) }

// Month is a month by name: "November 2026".
func (p page) Month(m calendar.Month) string { return m.Name(p.Lang) }

func (p page) zone() *time.Location {
	if p.Zone != nil {
		return p.Zone
	}
	if p.User != nil {
		return calendar.ZoneOf(p.User.Province)
	}
	return calendar.WIB
}

// lang is the language for this request: the cookie, then the user's setting, then the browser.
func lang(r *http.Request, p *access.Principal) string {
	if c, err := r.Cookie("lang"); err == nil && i18n.Supported(c.Value) {
		return c.Value
	}
	if p != nil && i18n.Supported(p.Locale) {
		return p.Locale
	}
	return i18n.Pick(r.Header.Get("Accept-Language"))
}

// pageFor fills the parts of a page every handler needs.
func (s *Server) pageFor(r *http.Request, p *access.Principal, titleKey string, data any) page {
	pg := page{Lang: lang(r, p), User: p, Data: data}
	pg.Title = i18n.T(pg.Lang, titleKey)
	if sid, ok := r.Context().Value(keySession).(string); ok && sid != "" {
		pg.CSRF = s.keys.CSRFToken(sid)
	}
	flash(r, &pg) // what the last action did, on the page it led to
	return pg
}

// render builds a page with pageFor and renders it, with a message to show when given.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, name string, p *access.Principal, titleKey string, data any, flash string) {
	pg := s.pageFor(r, p, titleKey, data)
	if flash != "" {
		pg.Flash = flash
	}
	s.renderPage(w, r, code, name, pg)
}

func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, code int, name string, pg page) {
	t, ok := s.pages[name]
	if !ok {
		s.log.ErrorContext(r.Context(), "no such page", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "layout", pg); err != nil {
		s.log.ErrorContext(r.Context(), "render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(b.String()))
}

// errorPage is what an error page offers: the page the user came from, when it is ours.
type errorPage struct{ Back string }

// renderError shows a failure as a page in the user's language.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, p *access.Principal, err error) {
	code := status(err)
	l := lang(r, p)
	var msg string
	switch {
	case err == errCSRF:
		msg = i18n.T(l, "error.csrf")
	case err == errFormKey:
		msg = i18n.T(l, "error.form_key")
	case err == errFormReused:
		msg = i18n.T(l, "error.form_reused")
	case err == errFormBusy:
		msg = i18n.T(l, "error.form_busy")
	case code == http.StatusForbidden:
		msg = i18n.T(l, "error.forbidden")
	case code == http.StatusNotFound:
		msg = i18n.T(l, "error.not_found")
	case code == http.StatusBadRequest || code == http.StatusConflict || code == http.StatusRequestEntityTooLarge || code == http.StatusTooManyRequests:
		msg = i18n.T(l, "error.invalid", i18n.Error(l, err))
	default:
		s.log.ErrorContext(r.Context(), "page failed", "err", err, "request_id", requestID(r.Context()))
		msg = i18n.T(l, "error.internal")
	}
	pg := page{Lang: l, User: p, Title: i18n.T(l, "error.title"), Error: msg, Data: errorPage{}}
	// A refused form offers the way back to it (the browser keeps what was typed).
	if u, err := url.Parse(r.Referer()); err == nil && u.Host == r.Host && localPath(u.Path) && code < 500 {
		pg.Data = errorPage{Back: (&url.URL{Path: u.Path, RawQuery: u.RawQuery}).String()}
	}
	s.renderPage(w, r, code, "error", pg)
}
