package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// Issue 19, in a phone's browser: an agent reads its statement line by line; a branch officer
// approves it and pays it; the Bumdes downloads its village income report.
func TestBrowserIncentives(t *testing.T) {
	ctx := phoneCtx(t)
	e := newEnv(t, storetest.SQLite(t))
	base := e.srv.URL
	agent := e.api("agen.made")
	w := agent.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850978", agentVillage(t, agent)), "Idempotency-Key", "bi1")
	agent.mustStatus(201, "POST", "/api/v1/payments", map[string]any{"participant_id": w["id"], "months": 3}, "Idempotency-Key", "bi2")
	this := calendar.Today().MonthOf()
	if _, err := e.db.RunIncentives(store.AsOf(context.Background(), this.Add(1).Begins()), audit.Actor{Name: "job"}, rules.Default(), this); err != nil {
		t.Fatal(err)
	}
	b := session{t: t, ctx: ctx, base: base}
	step, login, logout := b.step, b.login, b.logout
	fits := func(where string) {
		t.Helper()
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil || wide {
			t.Fatalf("%s scrolls sideways on a phone (%v)", where, err)
		}
	}

	login("agen.made")
	step("the statement, line by line",
		chromedp.Navigate(base+"/incentives"),
		chromedp.WaitVisible(chromedp.CSS(`#statements .badge.issued`)),
		chromedp.Click(chromedp.CSS(`#statements details summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#statements details table`)),
	)
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#statements`)))
	if err != nil || !strings.Contains(text, "Bagi hasil iuran, bulan iuran ke-1–24") || !strings.Contains(text, "Perdir 13/PERDIR.02/042022") {
		t.Fatalf("statement as the agent reads it: %q %v", text, err)
	}
	fits("the agent's incentives page")
	logout()

	login("kc.denpasar")
	step("approve",
		chromedp.Navigate(base+"/incentives"),
		chromedp.Click(chromedp.CSS(`form[action*="/approve?"] input[name=confirm]`)),
		chromedp.Click(chromedp.CSS(`form[action*="/approve?"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#statements .badge.approved`)),
	)
	fits("the branch's incentives page")
	step("pay",
		chromedp.Click(chromedp.CSS(`form[action="/incentive-payouts"] input[name=confirm]`)),
		chromedp.Click(chromedp.CSS(`form[action="/incentive-payouts"] button`)),
	)
	// The payout is a download: wait for it to have been served.
	var sts []store.IncentiveStatement
	for range 50 {
		if sts, _, _ = e.db.IncentiveStatements(context.Background(), store.IncentiveFilter{}); len(sts) > 0 && sts[0].State == "paid" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(sts) == 0 || sts[0].State != "paid" {
		t.Fatalf("statements after the payout: %+v", sts)
	}
	logout()

	login("bumdes.munggu")
	step("the village income report", chromedp.Navigate(base+"/incentives"), chromedp.WaitVisible(chromedp.CSS(`#income-report`)))
	fits("the Bumdes's incentives page")
	for _, format := range []string{"pdf", "xlsx"} {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const f = document.querySelector("#income-report");
			const u = new URL(f.action);
			u.search = new URLSearchParams(new FormData(f)).toString() + "&format=`+format+`";
			return fetch(u).then(r => r.status + " " + r.headers.get("content-type"));
		})()`, chromedp.EvalAwaitPromise))
		if err != nil || !strings.HasPrefix(got, "200 application/") {
			t.Fatalf("%s report: %q %v", format, got, err)
		}
	}
}
