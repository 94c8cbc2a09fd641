package web_test

import (
	"context"
	_ "embed"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/benefit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/claim"
	"github.com/perisai/perisai/internal/demo"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

//go:embed testdata/axe/axe.min.js
var axeSource string

// maxPageHeight bounds a page on a 360-px phone: a list shows one page of rows, never all.
const maxPageHeight = 9000

// phoneCtx is a browser with a 360 × 800 phone viewport.
func phoneCtx(t *testing.T) context.Context {
	t.Helper()
	ctx := sizedBrowser(t, 360, 800)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 800, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// Issue 17: as every demo role, on a 360 × 800 phone, every page the menu reaches (and a
// participant, a payment form and a receipt) answers without a server error, fits the screen
// with no sideways scroll, is no taller than a page of its list, and has no serious or critical
// accessibility violation (axe-core).
func TestEveryPageFitsAPhone(t *testing.T) {
	ctx := phoneCtx(t)
	e := newEnv(t, storetest.SQLite(t))
	base := e.srv.URL
	extra := phoneExtras(t, e)
	shots := os.Getenv("PERISAI_SHOTS") // a folder: save a screenshot of every page
	for _, login := range demo.Logins {
		t.Run(login.Username, func(t *testing.T) {
			if err := chromedp.Do(ctx,
				chromedp.Navigate(base+"/login"),
				chromedp.SendKeys(chromedp.CSS(`input[name=username]`), login.Username),
				chromedp.SendKeys(chromedp.CSS(`input[name=password]`), demo.Password),
				chromedp.Submit(chromedp.CSS(`input[name=password]`)),
				chromedp.WaitVisible(chromedp.CSS(`#menu`)),
			); err != nil {
				page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("main") ? document.querySelector("main").innerText : document.body.innerText`))
				t.Fatalf("log in: %v\n%s", err, page)
			}
			links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("header nav a[href], footer a[href], main a[href]")].map(a => a.getAttribute("href"))`))
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			var pages []string
			for _, l := range append(links, extra[login.Username]...) {
				u, err := url.Parse(l)
				if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "/lang/") ||
					strings.HasSuffix(u.Path, ".pdf") || strings.HasSuffix(u.Path, ".png") || strings.HasSuffix(u.Path, ".csv") || strings.HasPrefix(u.Path, "/api/openapi") || u.Path == "/dashboard/export" {
					continue
				}
				if !seen[u.Path] {
					seen[u.Path] = true
					pages = append(pages, l)
				}
			}
			for _, p := range pages {
				checkPhonePage(t, ctx, base, p, login.Username, shots)
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`main h1`))); err != nil {
				t.Fatal(err)
			}
			// Log out through the menu (on a phone it sits behind the menu button).
			if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("form[action='/logout']").submit()`), chromedp.WaitVisible(chromedp.CSS(`input[name=username]`))); err != nil {
				t.Fatalf("log out: %v", err)
			}
		})
	}
}

// checkPhonePage opens one page and holds it to the phone rules.
func checkPhonePage(t *testing.T, ctx context.Context, base, path, user, shots string) {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(base+path))
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	if resp.Status >= 500 {
		t.Errorf("%s as %s: %d", path, user, resp.Status)
	}
	type metrics struct {
		ScrollWidth, InnerWidth, Height int
		Wide                            []string
	}
	m, err := chromedp.Run(ctx, chromedp.Evaluate[metrics](`(() => {
		const wide = [...document.querySelectorAll("body *")].filter(el => {
			const r = el.getBoundingClientRect();
			return r.right > 361 && getComputedStyle(el).position !== "fixed" && !el.closest(".scroll");
		}).slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : "") + " " + Math.round(el.getBoundingClientRect().right));
		return {ScrollWidth: document.documentElement.scrollWidth, InnerWidth: window.innerWidth, Height: document.documentElement.scrollHeight, Wide: wide};
	})()`))
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	if m.ScrollWidth > 360 || m.InnerWidth > 360 {
		t.Errorf("%s as %s scrolls sideways: %d px wide on a %d-px screen; too wide: %v", path, user, m.ScrollWidth, m.InnerWidth, m.Wide)
	}
	if m.Height > maxPageHeight {
		t.Errorf("%s as %s is %d px tall: lists must page", path, user, m.Height)
	}
	if shots != "" {
		if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			name := user + strings.NewReplacer("/", "_", "?", "_", "=", "_", "&", "_").Replace(path) + ".png"
			_ = os.WriteFile(filepath.Join(shots, name), png, 0o644)
		}
	}
	type violation struct {
		ID, Impact, Help string
		Nodes            int
	}
	// Each navigation starts a new window: inject axe-core (vendored from npm) and run it.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSource+";true")); err != nil {
		t.Errorf("%s: inject axe: %v", path, err)
		return
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]violation](`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({ID: v.id, Impact: v.impact, Help: v.help, Nodes: v.nodes.length})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Errorf("%s: axe: %v", path, err)
		return
	}
	for _, v := range vs {
		t.Errorf("%s as %s: %s accessibility violation %s (%s), %d element(s)", path, user, v.Impact, v.ID, v.Help, v.Nodes)
	}
}

// phoneExtras are pages each role reaches from a list rather than the menu: a participant, its
// payment form and a receipt, for the roles that see them.
func phoneExtras(t *testing.T, e *env) map[string][]string {
	t.Helper()
	ctx := context.Background()
	u, _, err := e.db.UserByUsername(ctx, "agen.made")
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.db.Principal(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := e.db.Participants(ctx, audit.Actor{}, store.ParticipantFilter{AgentID: p.AgentID})
	if err != nil || len(mine) == 0 {
		t.Fatalf("agent's participants: %v", err)
	}
	pay, err := e.db.Pay(ctx, p, audit.Actor{Name: "t"}, rules.Default(), store.PayRequest{ParticipantID: mine[0].ID, Months: 3}, calendar.Today())
	if err != nil {
		t.Fatal(err)
	}
	id := fmt.Sprint(mine[0].ID)
	full, err := e.db.Participant(ctx, audit.Actor{}, store.Ref{ID: mine[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	c := claim.Claim{ParticipantID: full.ID, Program: benefit.JKM, Reason: benefit.Death, EventDate: calendar.Today(),
		Claimant: claim.Claimant{Name: full.Heirs[0].Name, HeirID: full.Heirs[0].ID, BankName: "BPD Bali", BankAccount: "0123456789"}}
	if err := e.db.CreateClaim(ctx, p, audit.Actor{Name: "t"}, store.Ref{ID: c.ParticipantID}, &c, calendar.Today()); err != nil {
		t.Fatal(err)
	}
	pages := []string{"/participants/" + id, "/payments/" + fmt.Sprint(pay.ID) + "/receipt", "/claims/" + fmt.Sprint(c.ID),
		"/claim-status?number=" + c.Number + "&birth_date=" + full.BirthDate.String()}
	out := map[string][]string{}
	for _, l := range demo.Logins {
		switch l.Role {
		case "agent", "branch_officer", "admin":
			out[l.Username] = append(append([]string{}, pages...), "/participants/"+id+"/pay", "/participants/"+id+"/pay?months=3", "/participants/"+id+"/claims/new")
		case "wadah_manager":
			out[l.Username] = pages
		}
	}
	out["kc.gianyar"] = nil // the participant is KC Bali Denpasar's
	return out
}
