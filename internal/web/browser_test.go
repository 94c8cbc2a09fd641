package web_test

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/perisai/perisai/internal/demo"
	"github.com/perisai/perisai/internal/store/storetest"
)

// chromium finds Debian's Chromium. Without it the browser tests skip, except in CI, whose
// .ci/run installs it: there a missing browser is a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("PERISAI_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed (CI installs it in .ci/run)")
	}
	t.Skip("chromium not installed")
	return ""
}

func browserCtx(t *testing.T) context.Context { return sizedBrowser(t, 412, 915) } // a phone

// sizedBrowser is Debian's Chromium with a window of w × h pixels, ended with the test.
func sizedBrowser(t *testing.T, w, h int) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(w, h),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// An agent on a phone logs in, registers a worker in the form, opens the card, takes three
// months' contributions and opens the receipt.
func TestBrowserRegisterAndOpenCard(t *testing.T) {
	ctx := browserCtx(t)
	e := newEnv(t, storetest.SQLite(t))
	base := e.srv.URL
	step := func(name string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	step("log in",
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "agen.made"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), demo.Password),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
		chromedp.WaitVisible(chromedp.CSS(`main a[href="/participants/new"]`)),
	)
	step("fill the registration form",
		chromedp.Click(chromedp.CSS(`main a[href="/participants/new"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#register`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=nik]`), "5103025506900002"),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "Ni Made Sari"),
		chromedp.SetValue(chromedp.CSS(`input[name=birth_date]`), "1990-06-15"),
		chromedp.SetValue(chromedp.CSS(`select[name=sex]`), "P"),
		chromedp.SetValue(chromedp.CSS(`select[name=occupation]`), "pedagang"),
		chromedp.SendKeys(chromedp.CSS(`input[name=phone]`), "081234567890"),
		chromedp.Click(chromedp.CSS(`input[name=consent]`)),
		chromedp.Click(chromedp.CSS(`#register button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.kpj`)),
	)
	if shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(os.TempDir()+"/perisai-registered.png", shot, 0o644)
	}
	kpj, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.kpj`)))
	if err != nil {
		t.Fatal(err)
	}
	pdfHead, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.getElementById("card-pdf").href).then(r => r.arrayBuffer()).then(b => String.fromCharCode(...new Uint8Array(b).slice(0, 5)))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	step("open the card", chromedp.Click(chromedp.CSS(`a[href*="card.png?province=51"]`)), chromedp.WaitReady(chromedp.CSS(`img`)))
	cardWidth, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.images[0].naturalWidth`))
	if err != nil {
		t.Fatal(err)
	}
	// Take three months' contributions and open the receipt.
	step("pay 3 months",
		chromedp.Navigate(base+"/participants"),
		chromedp.WaitVisible(chromedp.CSS(`.cards a`)),
		chromedp.Click(chromedp.CSS(`.cards a`)),
		chromedp.WaitVisible(chromedp.CSS(`#pay`)),
		chromedp.Click(chromedp.CSS(`#pay`)),
		chromedp.WaitVisible(chromedp.CSS(`#choose button[value="3"]`)),
		chromedp.Click(chromedp.CSS(`#choose button[value="3"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#confirm`)),
		chromedp.Click(chromedp.CSS(`#confirm button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#receipt`)),
	)
	receiptNo, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#receipt-no`)))
	if err != nil {
		t.Fatal(err)
	}
	coveredUntil, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#covered-until`)))
	if err != nil {
		t.Fatal(err)
	}
	if shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(os.TempDir()+"/perisai-receipt.png", shot, 0o644)
	}
	if !regexp.MustCompile(`^KW-51-[0-9]{6}-[0-9A-Z]+$`).MatchString(receiptNo) || coveredUntil == "" {
		t.Fatalf("receipt %q, covered until %q", receiptNo, coveredUntil)
	}
	if !regexp.MustCompile(`^[1-9][0-9]{10}$`).MatchString(kpj) {
		t.Fatalf("participant number %q", kpj)
	}
	if pdfHead != "%PDF-" || cardWidth != 856 {
		t.Fatalf("card: pdf starts %q, image width %d", pdfHead, cardWidth)
	}
	found, _ := e.db.Participants(context.Background(), cliActorForTests, storeFilter(kpj))
	if len(found) != 1 || found[0].Name != "Ni Made Sari" {
		t.Fatalf("stored: %+v", found)
	}
}
