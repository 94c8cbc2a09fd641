package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/perisai/perisai/internal/store/storetest"
)

// Issue 20, in a phone's browser: pmd.bali lands on the province's dashboard, taps a regency
// and then a district, goes back up by the breadcrumb, and downloads the XLSX; every step fits
// the screen.
func TestBrowserDashboard(t *testing.T) {
	ctx := phoneCtx(t)
	e := newEnv(t, storetest.SQLite(t))
	base := e.srv.URL
	b := session{t: t, ctx: ctx, base: base}
	fits := func(where string) {
		t.Helper()
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil || wide {
			t.Fatalf("%s scrolls sideways on a phone (%v)", where, err)
		}
	}
	heading := func() string {
		t.Helper()
		h, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main h1`)))
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	b.login("pmd.bali")
	b.step("the province", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`#region svg, #chart svg`)))
	if h := heading(); h != "Bali" {
		t.Fatalf("pmd.bali landed on %q", h)
	}
	fits("the province's dashboard")
	b.step("a regency", chromedp.Click(chromedp.CSS(`#rows a.drill[href*="region=51.03&"], #rows a.drill[href$="region=51.03"]`)), chromedp.WaitVisible(chromedp.CSS(`#rows`)))
	if h := heading(); !strings.Contains(h, "Badung") {
		t.Fatalf("tapped Badung, got %q", h)
	}
	fits("the regency's dashboard")
	b.step("a district", chromedp.Click(chromedp.CSS(`#rows a.drill[href*="region=51.03.02"]`)), chromedp.WaitVisible(chromedp.CSS(`#rows`)))
	if h := heading(); !strings.Contains(h, "Mengwi") {
		t.Fatalf("tapped Mengwi, got %q", h)
	}
	fits("the district's dashboard")
	crumbs, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`nav.crumbs`)))
	if err != nil || !strings.Contains(crumbs, "Bali › ") || !strings.Contains(crumbs, "Badung") {
		t.Fatalf("breadcrumb %q %v", crumbs, err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.querySelector("#export-xlsx").href).then(r => r.arrayBuffer().then(b => r.status + " " + r.headers.get("content-type") + " " + new TextDecoder().decode(new Uint8Array(b).slice(0, 2))))`, chromedp.EvalAwaitPromise))
	if err != nil || got != "200 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet PK" {
		t.Fatalf("XLSX download: %q %v", got, err)
	}
	b.step("back up to the province", chromedp.Click(chromedp.CSS(`nav.crumbs a:first-child`)), chromedp.WaitVisible(chromedp.CSS(`#rows`)))
	if h := heading(); h != "Bali" {
		t.Fatalf("the breadcrumb led to %q", h)
	}
}
