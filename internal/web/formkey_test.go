package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// On a weak signal the agent taps "Bayar" again, or the browser sends the form again after the
// connection dropped: the participant pays once and both answers lead to the one receipt. (The
// guide: every write takes an idempotency key; a replay returns the first result, another body
// under the same key is refused.)
func TestPayFormSentTwicePaysOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		agent := e.api("agen.made")
		got := agent.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850922", agentVillage(t, agent)), "Idempotency-Key", "reg")
		id := idOf(got["id"])
		b := e.browser()
		b.login("agen.made")
		payments := func() int {
			return len(agent.mustStatus(200, "GET", "/api/v1/participants/"+id+"/payments", nil)["items"].([]any))
		}

		// Without the form's key nothing is paid.
		noKey := b.form("/participants/"+id+"/pay?months=1", "months", "1", "funding", "self")
		noKey.Del("form_key")
		if resp, page := b.post("/participants/"+id+"/pay", noKey); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Formulir ini tidak lengkap") {
			t.Fatalf("without a key: %d\n%s", resp.StatusCode, page)
		}

		// Two taps at once, then the browser sending it again: one payment, one receipt.
		form := b.form("/participants/"+id+"/pay?months=3", "months", "3", "funding", "self")
		locs := make([]string, 3)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() {
				req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/participants/"+id+"/pay", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := b.c.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusSeeOther {
					t.Errorf("tap %d: %d", i, resp.StatusCode)
				}
				locs[i] = resp.Header.Get("Location")
			})
		}
		wg.Wait()
		resp, _ := b.post("/participants/"+id+"/pay", form)
		locs[2] = resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(locs[0], "/receipt?province=51") || locs[1] != locs[0] || locs[2] != locs[0] {
			t.Fatalf("answers: %d %q", resp.StatusCode, locs)
		}
		if n := payments(); n != 1 {
			t.Fatalf("one form sent three times made %d payments", n)
		}

		// The same form sent back with other values (the back button) is refused, not paid.
		form.Set("months", "1")
		if resp, page := b.post("/participants/"+id+"/pay", form); resp.StatusCode != http.StatusConflict || !strings.Contains(page, "sudah terkirim sebelumnya") {
			t.Fatalf("other values under the same key: %d\n%s", resp.StatusCode, page)
		}
		// A new page is a new form.
		if resp, _ := b.post("/participants/"+id+"/pay", b.form("/participants/"+id+"/pay?months=1", "months", "1", "funding", "self")); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a new form: %d", resp.StatusCode)
		}
		if n := payments(); n != 2 {
			t.Fatalf("payments: %d, want 2", n)
		}
	})
}

// A file form is the same form when sent again, though the browser draws a new multipart
// boundary each time; another file under its key is refused.
func TestStatementFormSentTwiceImportsOnce(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	b := e.browser()
	b.login("kc.denpasar")
	keys := b.form("/deposits")
	post := func(csv string) *http.Response {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for _, f := range []string{"csrf_token", "form_key"} {
			_ = mw.WriteField(f, keys.Get(f))
		}
		fw, _ := mw.CreateFormFile("file", "rekening.csv")
		_, _ = fw.Write([]byte(csv))
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/bank-statements", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	csv := "date,reference,amount\n2026-11-20,BPD-77,39000\n"
	first, again := post(csv), post(csv)
	if first.StatusCode != http.StatusSeeOther || again.StatusCode != http.StatusSeeOther || again.Header.Get("Location") != first.Header.Get("Location") {
		t.Fatalf("statement sent twice: %d %d", first.StatusCode, again.StatusCode)
	}
	lines := e.api("kc.denpasar").mustStatus(200, "GET", "/api/v1/bank-lines?unmatched=true", nil)["items"].([]any)
	if len(lines) != 1 {
		t.Fatalf("bank lines after one statement sent twice: %v", lines)
	}
	if resp := post(strings.Replace(csv, "BPD-77", "BPD-78", 1)); resp.StatusCode != http.StatusConflict {
		t.Fatalf("another file under the same key: %d", resp.StatusCode)
	}
}

// A form whose answer is a page rendered in place (the new user) sends a second submission back
// to the page the form was on, which shows the user made once.
func TestUserFormSentTwiceCreatesOnce(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	b := e.browser()
	b.login("admin")
	form := b.form("/users", "username", "petugas.baru", "name", "Petugas Baru", "role", "admin", "password", "rahasia-sekali")
	from := e.srv.URL + "/users?from=form"
	if resp, page := b.post("/users", form, "Referer", from); resp.StatusCode != http.StatusOK || !strings.Contains(page, "Pengguna petugas.baru dibuat") {
		t.Fatalf("first: %d", resp.StatusCode)
	}
	resp, page := b.post("/users", form, "Referer", from)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/users?from=form" {
		t.Fatalf("sent again: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), page)
	}
	// Only this site's pages: a Referer elsewhere, or a path that a browser reads as another
	// host, leads to the home page.
	for i, ref := range []string{"http://elsewhere.example/users", e.srv.URL + "//elsewhere.example/users"} {
		f := b.form("/users", "username", "petugas.lain"+strconv.Itoa(i), "name", "Petugas", "role", "admin", "password", "rahasia-sekali")
		b.post("/users", f, "Referer", ref)
		if resp, _ := b.post("/users", f, "Referer", ref); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Fatalf("referer %s: %d %q", ref, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}
