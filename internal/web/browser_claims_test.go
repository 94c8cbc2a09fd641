package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/claim"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// Issue 18, in a phone's browser: an agent files a JKM claim for a worker's heir, photographs
// every document and submits it; a branch officer reviews and approves it, and exports the
// payout, which pays it.
func TestBrowserJKMClaim(t *testing.T) {
	ctx := phoneCtx(t)
	e := newEnv(t, storetest.SQLite(t))
	base := e.srv.URL
	agent := e.api("agen.made")
	w := agent.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850979", agentVillage(t, agent)), "Idempotency-Key", "bc1")
	agent.mustStatus(201, "POST", "/api/v1/payments", map[string]any{"participant_id": w["id"], "months": 1}, "Idempotency-Key", "bc2")
	photo := filepath.Join(t.TempDir(), "akta.png")
	if err := os.WriteFile(photo, onePixelPNG(), 0o600); err != nil {
		t.Fatal(err)
	}
	b := session{t: t, ctx: ctx, base: base}
	step, login := b.step, b.login
	login("agen.made")
	step("file the claim",
		chromedp.Navigate(base+"/participants/"+idOf(w["id"])),
		chromedp.Click(chromedp.CSS(`#new-claim`)),
		chromedp.WaitVisible(chromedp.CSS(`form#new-claim`)),
		chromedp.SetValue(chromedp.CSS(`select[name=program]`), "jkm"),
		chromedp.SetValue(chromedp.CSS(`select[name=reason]`), "death"),
		chromedp.SetValue(chromedp.CSS(`input[name=event_date]`), calendar.Today().String()),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("select[name=heir_id]").selectedIndex = 1`),
		chromedp.SendKeys(chromedp.CSS(`input[name=bank_account]`), "0987654321"),
		chromedp.Click(chromedp.CSS(`form#new-claim button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#documents`)),
	)
	kinds, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("select[name=kind] option")].map(o => o.value)`))
	if err != nil {
		t.Fatal(err)
	}
	cr, _ := rules.Default().ClaimRulesAt(calendar.Today())
	required := map[string]bool{}
	for _, d := range cr.Checklist("jkm", "death") {
		required[d.Kind] = d.Required
	}
	n := 0
	for _, k := range kinds {
		if !required[k] {
			continue
		}
		n++
		step("photograph "+k,
			chromedp.SetValue(chromedp.CSS(`select[name=kind]`), k),
			chromedp.SetUploadFiles(chromedp.CSS(`input[name=file]`), []string{photo}),
			chromedp.Click(chromedp.CSS(`#documents button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#documents .cards li:nth-child(%d)`, n))),
		)
	}
	step("submit", chromedp.Click(chromedp.CSS(`form[action*="/submit?"] button`)), chromedp.WaitVisible(chromedp.CSS(`.badge.submitted`)))
	b.logout()

	login("kc.denpasar")
	step("open the queue", chromedp.Navigate(base+"/claims?state=submitted"), chromedp.Click(chromedp.CSS(`.cards a`)), chromedp.WaitVisible(chromedp.CSS(`#calculation`)))
	total, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#claim-total`)))
	if err != nil || total != "Rp 42.000.000" {
		t.Fatalf("calculation total %q %v", total, err)
	}
	step("take and approve",
		chromedp.Click(chromedp.CSS(`form[action*="/take?"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action*="/approve?"]`)),
		chromedp.Click(chromedp.CSS(`form[action*="/approve?"] input[name=confirm]`)),
		chromedp.Click(chromedp.CSS(`form[action*="/approve?"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.badge.approved`)),
	)
	step("export the payout", chromedp.Navigate(base+"/claims"), chromedp.Click(chromedp.CSS(`form[action="/claim-payouts"] button`)))
	list, _, err := e.db.Claims(context.Background(), audit.Actor{}, store.ClaimFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("claims: %v %v", list, err)
	}
	// The export is a download: wait for it to have been served.
	for range 50 {
		if list, _, _ = e.db.Claims(context.Background(), audit.Actor{}, store.ClaimFilter{}); list[0].State == claim.Paid {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if list[0].State != claim.Paid || list[0].Amount != 42_000_000 || !strings.HasPrefix(list[0].Number, "KL-51") {
		t.Fatalf("claim: %s %d %s", list[0].State, list[0].Amount, list[0].Number)
	}
}
