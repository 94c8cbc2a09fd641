package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/demo"
	"github.com/perisai/perisai/internal/secret"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

func loadDoc(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openapiDoc)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() || doc.IsOpenAPI32OrLater() {
		t.Fatalf("version %s, want 3.1", doc.OpenAPI)
	}
	return doc
}

// The document and routes.go describe the same API: no route undocumented, no documented
// operation missing.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc := loadDoc(t)
	s := &Server{metrics: newMetrics()}
	var routed, documented []string
	for _, rt := range s.routes() {
		method, path, ok := strings.Cut(rt.pattern, " ")
		if ok && strings.HasPrefix(path, "/api/v1/") {
			routed = append(routed, method+" "+path)
		}
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	sort.Strings(routed)
	sort.Strings(documented)
	if strings.Join(routed, "\n") != strings.Join(documented, "\n") {
		t.Fatalf("routes:\n%s\n\ndocumented:\n%s", strings.Join(routed, "\n"), strings.Join(documented, "\n"))
	}
}

// Real answers of the server validate against the document, so clients can trust it.
func TestResponsesMatchOpenAPI(t *testing.T) {
	doc := loadDoc(t)
	doc.Servers = openapi3.Servers{{URL: "http://example.test"}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.SQLite(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, db, demo.Small); err != nil {
		t.Fatal(err)
	}
	keys, _ := secret.FromMaster(bytes.Repeat([]byte{5}, 32))
	srv, err := New(Config{DB: db, Keys: keys, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	admin, _, _ := db.UserByUsername(ctx, "admin")
	token, _, err := db.CreateToken(ctx, audit.Actor{Name: "test"}, admin.ID, "t")
	if err != nil {
		t.Fatal(err)
	}
	dps, _ := db.BranchByCode(ctx, "KC-DPS")

	calls := []struct {
		method, path, body string
		want               int
	}{
		{"GET", "/api/v1/me", "", 200},
		{"GET", "/api/v1/regions?q=denpasar", "", 200},
		{"GET", "/api/v1/regions?level=x&q=ab", "", 400},
		{"GET", "/api/v1/regions/51.71", "", 200},
		{"GET", "/api/v1/regions/51.71/children", "", 200},
		{"GET", "/api/v1/regions/99", "", 404},
		{"GET", "/api/v1/branches", "", 200},
		{"GET", "/api/v1/branches/" + itoa(dps.ID), "", 200},
		{"POST", "/api/v1/branches", `{"code":"KC-MTR","name":"KC Mataram","province":"52","regencies":["52.71"]}`, 201},
		{"POST", "/api/v1/branches", `{"code":"KC-X","name":"X","province":"52","regencies":["52.71"]}`, 409},
		{"GET", "/api/v1/users", "", 200},
		{"POST", "/api/v1/users", `{"username":"pmd.badung","name":"PMD Badung","role":"government","password":"rahasia-sekali","scope":{"region":"51.03"}}`, 201},
		{"POST", "/api/v1/users", `{"username":"x","name":"X","role":"admin","password":"short"}`, 400},
		{"GET", "/api/v1/tokens", "", 200},
		{"POST", "/api/v1/tokens", `{"name":"laptop"}`, 201},
		{"GET", "/api/v1/audit?limit=5", "", 200},
		{"GET", "/api/v1/wadah", "", 200},
		{"GET", "/api/v1/wadah/{wadah}", "", 200},
		{"POST", "/api/v1/wadah", `{"name":"Bumdes Baru","village":"51.03.02.2003","bank_account":"0123456789"}`, 201},
		{"GET", "/api/v1/agreements", "", 200},
		{"POST", "/api/v1/agreements", `{"wadah_id":{wadah},"number":"PKS/T","starts":"2023-01-01","ends":"2023-12-31"}`, 201},
		{"GET", "/api/v1/agents", "", 200},
		{"GET", "/api/v1/agents/{agent}", "", 200},
		{"GET", "/api/v1/occupations", "", 200},
		{"GET", "/api/v1/income-table", "", 200},
		{"POST", "/api/v1/participants", `{"nik":"5103021203850901","name":"I Wayan","birth_date":"1985-03-12","sex":"L","village":"51.03.02.2001","occupation":"petani","declared_income":1000000,"consent":true}`, 201},
		{"POST", "/api/v1/participants", `{"nik":"5103021203850901","name":"I Wayan","birth_date":"1985-03-13","sex":"L","village":"51.03.02.2001","occupation":"petani","declared_income":1000000,"consent":true}`, 400},
		{"GET", "/api/v1/participants?q=wayan", "", 200},
		{"GET", "/api/v1/participants/{participant}", "", 200},
		{"PATCH", "/api/v1/participants/{participant}", `{"phone":"081200001111"}`, 200},
		{"POST", "/api/v1/participants/{participant}/review", `{"review":"verified"}`, 200},
		{"GET", "/api/v1/participants/{participant}/history", "", 200},
		{"GET", "/api/v1/imports", "", 200},
		{"POST", "/api/v1/sponsors", `{"kind":"apbd_province","name":"Pemprov Bali","region":"51"}`, 201},
		{"GET", "/api/v1/sponsors", "", 200},
		{"GET", "/api/v1/sponsorships", "", 200},
		{"GET", "/api/v1/sponsorships/ending", "", 200},
		{"POST", "/api/v1/quotes", `{"declared_income":1000000,"jht":true,"sector":"transport","funding":"self","months":["2026-02","2027-04"]}`, 200},
		{"GET", "/api/v1/rules?date=2026-05-01", "", 200},
		{"GET", "/api/v1/participants/{participant}/payment-preview?months=3", "", 200},
		{"POST", "/api/v1/payments", `{"participant_id":{participant},"months":3}`, 201},
		{"POST", "/api/v1/payments", `{"participant_id":{participant},"months":2}`, 400},
		{"GET", "/api/v1/participants/{participant}/coverage", "", 200},
		{"GET", "/api/v1/participants/{participant}/coverage?date=2020-01-01", "", 200},
		{"GET", "/api/v1/participants/{participant}/payments", "", 200},
		{"GET", "/api/v1/ledger/verify", "", 200},
		{"GET", "/api/v1/dashboard", "", 200},
		{"GET", "/api/v1/dashboard/51?from=2026-01&to=2026-11", "", 200},
		{"GET", "/api/v1/dashboard/51?from=2026-05&to=2026-01", "", 400},
		{"GET", "/api/v1/dashboard/99.99", "", 404},
		{"GET", "/api/v1/dashboard/51.03/rankings?kind=agent", "", 200},
		{"POST", "/api/v1/dashboard/potential", `{"entries":[{"region_code":"51.03","year":2026,"workers":900,"source":"BPS"}]}`, 201},
		{"POST", "/api/v1/dashboard/targets", `{"region_code":"51.03","year":2026,"figure":"acquired","target":100}`, 201},
		{"GET", "/api/v1/dashboard/51.03/targets?year=2026", "", 200},
		{"GET", "/api/v1/agents/{agent}/cash/statement", "", 200},
		{"GET", "/api/v1/agents/{agent}/cash/statement?from=2026-12-01&to=2026-01-01", "", 400},
	}
	ws, _ := db.WadahList(ctx, store.WadahFilter{PerisaiOnly: true})
	ags, _ := db.Agents(ctx, store.AgentFilter{WadahID: ws[0].ID})
	ps, _ := db.Participants(ctx, audit.Actor{}, store.ParticipantFilter{Limit: 1})
	fill := strings.NewReplacer("{wadah}", itoa(ws[0].ID), "{agent}", itoa(ags[0].ID), "{participant}", itoa(ps[0].ID))
	for i, c := range calls {
		c.path, c.body = fill.Replace(c.path), fill.Replace(c.body)
		req := httptest.NewRequest(c.method, "http://example.test"+c.path, strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer "+token)
		if c.body != "" {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "k"+itoa(int64(i)))
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%s %s: %d, want %d: %s", c.method, c.path, rec.Code, c.want, rec.Body)
			continue
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Errorf("%s %s: not in the document: %v", c.method, c.path, err)
			continue
		}
		validate(t, route, params, req, c.body, rec)
	}
}

func validate(t *testing.T, route *routers.Route, params map[string]string, req *http.Request, body string, rec *httptest.ResponseRecorder) {
	t.Helper()
	req.Body = io.NopCloser(strings.NewReader(body))
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && rec.Code < 400 {
		t.Errorf("%s %s: request does not match the document: %v", req.Method, req.URL, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
		Body: io.NopCloser(bytes.NewReader(rec.Body.Bytes())), Options: in.Options}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		var pretty bytes.Buffer
		_ = json.Indent(&pretty, rec.Body.Bytes(), "", " ")
		t.Errorf("%s %s: response does not match the document: %v\n%s", req.Method, req.URL, err, pretty.String())
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
