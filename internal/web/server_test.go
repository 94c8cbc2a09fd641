package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/demo"
	"github.com/perisai/perisai/internal/filestore"
	"github.com/perisai/perisai/internal/secret"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/web"
)

// env is a real server over a real database with the demo data loaded.
type env struct {
	t        *testing.T
	db       *store.DB
	srv      *httptest.Server
	patterns []string // every route's pattern
}

func newEnv(t *testing.T, db *store.DB, configure ...func(*web.Config)) *env {
	t.Helper()
	if _, err := demo.Load(context.Background(), db, demo.Small); err != nil {
		t.Fatal(err)
	}
	return serveEnv(t, db, configure...)
}

// serveEnv serves db as newEnv does, without loading the demo: a second server on a database
// another env already serves.
func serveEnv(t *testing.T, db *store.DB, configure ...func(*web.Config)) *env {
	t.Helper()
	db.UseFiles(filestore.Dir{Path: t.TempDir()}) // claim documents
	keys, err := secret.FromMaster(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	cfg := web.Config{DB: db, Keys: keys, Log: slog.New(slog.DiscardHandler)}
	for _, f := range configure {
		f(&cfg)
	}
	s, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(func() { srv.Close(); s.Wait() })
	return &env{t: t, db: db, srv: srv, patterns: s.RoutePatterns()}
}

// browser is a client with a cookie jar that does not follow redirects, like a person's
// browser seen one response at a time.
type browser struct {
	e *env
	c *http.Client
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (*http.Response, string) {
	b.e.t.Helper()
	resp, err := b.c.Get(b.e.srv.URL + path)
	if err != nil {
		b.e.t.Fatal(err)
	}
	return resp, readBody(b.e.t, resp)
}

func (b *browser) post(path string, form url.Values, header ...string) (*http.Response, string) {
	b.e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	return resp, readBody(b.e.t, resp)
}

// postFile sends a form with a file, as a browser sends a multipart form.
func (b *browser) postFile(path string, form url.Values, field, filename string, data []byte) (*http.Response, string) {
	b.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile(field, filename)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	return resp, readBody(b.e.t, resp)
}

func (b *browser) login(user string) {
	b.e.t.Helper()
	resp, body := b.post("/login", url.Values{"username": {user}, "password": {demo.Password}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		b.e.t.Fatalf("login %s: %d %s", user, resp.StatusCode, body)
	}
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf reads the form token from a page, as the browser would submit it.
func (b *browser) csrf(path string) string {
	b.e.t.Helper()
	_, body := b.get(path)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		b.e.t.Fatalf("no CSRF token on %s", path)
	}
	return m[1]
}

var formKeyRe = regexp.MustCompile(`name="form_key" value="([^"]+)"`)

// form is what the first form on a page sends as the browser renders it: its CSRF token and
// form key, and then the fields kv names (name, value, name, value …).
func (b *browser) form(path string, kv ...string) url.Values {
	b.e.t.Helper()
	_, body := b.get(path)
	c, k := csrfField.FindStringSubmatch(body), formKeyRe.FindStringSubmatch(body)
	if c == nil || k == nil {
		b.e.t.Fatalf("no form on %s", path)
	}
	v := url.Values{"csrf_token": {c[1]}, "form_key": {k[1]}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// api is a client with a bearer token.
type api struct {
	e     *env
	token string
}

func (e *env) api(username string) *api {
	e.t.Helper()
	u, _, err := e.db.UserByUsername(context.Background(), username)
	if err != nil {
		e.t.Fatal(err)
	}
	secret, _, err := e.db.CreateToken(context.Background(), cliActorForTests, u.ID, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return &api{e: e, token: secret}
}

func (a *api) do(method, path string, body any, header ...string) (*http.Response, map[string]any) {
	a.e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, a.e.srv.URL+path, rd)
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.e.t.Fatal(err)
	}
	raw := readBody(a.e.t, resp)
	var out map[string]any
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &out); err != nil {
			a.e.t.Fatalf("%s %s: not JSON: %q", method, path, raw)
		}
	}
	return resp, out
}

func (a *api) mustStatus(want int, method, path string, body any, header ...string) map[string]any {
	a.e.t.Helper()
	resp, out := a.do(method, path, body, header...)
	if resp.StatusCode != want {
		a.e.t.Fatalf("%s %s: status %d, want %d: %v", method, path, resp.StatusCode, want, out)
	}
	return out
}

func idOf(v any) string { return fmt.Sprintf("%.0f", v.(float64)) }

// raw sends a bodiless request with the token and returns the answer as bytes, for files and
// pages that are not JSON.
func (a *api) raw(method, path string) (*http.Response, string) {
	a.e.t.Helper()
	req, _ := http.NewRequest(method, a.e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.e.t.Fatal(err)
	}
	return resp, readBody(a.e.t, resp)
}

// upload sends a file as the multipart field "file" with a document kind.
func (a *api) upload(path, kind string, data []byte, header ...string) (*http.Response, string) {
	a.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("kind", kind)
	fw, _ := mw.CreateFormFile("file", kind+".png")
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", a.e.srv.URL+path, &buf)
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.e.t.Fatal(err)
	}
	return resp, readBody(a.e.t, resp)
}

func onePixelPNG() []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2)))
	return b.Bytes()
}
