package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/perisai/perisai/internal/demo"
)

// session drives one browser through the real server as a person would, failing the test with
// the page's text when a step does not happen in time.
type session struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func (s session) step(name string, steps ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	sctx, cancel := context.WithTimeout(s.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		page, _ := chromedp.Run(s.ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
		s.t.Fatalf("%s: %v\n%s", name, err, page)
	}
}

func (s session) login(user string) {
	s.t.Helper()
	s.step("log in "+user,
		chromedp.Navigate(s.base+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), user),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), demo.Password),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
		chromedp.WaitVisible(chromedp.CSS(`#menu`)),
	)
}

func (s session) logout() {
	s.t.Helper()
	s.step("log out", chromedp.Evaluate[chromedp.Void](`document.querySelector("form[action='/logout']").submit()`), chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)))
}
