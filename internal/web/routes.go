package web

import "net/http"

type route struct {
	pattern string
	handler http.Handler
}

// routes is every route the server answers, in one place. The OpenAPI test checks that each
// /api/v1 route here is described in openapi.json and each described one is here.
func (s *Server) routes() []route {
	return []route{
		// Operations.
		{"GET /healthz", http.HandlerFunc(s.healthz)},
		{"GET /metrics", s.metrics.handler()},
		{"GET /static/", staticHandler()},

		// API description.
		{"GET /api/openapi.json", http.HandlerFunc(s.openapiJSON)},
		{"GET /api/docs", http.HandlerFunc(s.apiDocs)},

		// JSON API: token (or session) authentication; writes need an Idempotency-Key.
		{"GET /api/v1/me", s.api(s.apiMe)},
		{"GET /api/v1/regions", s.api(s.apiRegionSearch)},
		{"GET /api/v1/regions/{code}", s.api(s.apiRegion)},
		{"GET /api/v1/regions/{code}/children", s.api(s.apiRegionChildren)},
		{"GET /api/v1/branches", s.api(s.apiBranches)},
		{"POST /api/v1/branches", s.apiWrite(s.apiCreateBranch)},
		{"GET /api/v1/branches/{id}", s.api(s.apiBranch)},
		{"GET /api/v1/users", s.api(s.apiUsers)},
		{"POST /api/v1/users", s.apiWrite(s.apiCreateUser)},
		{"GET /api/v1/tokens", s.api(s.apiTokens)},
		{"POST /api/v1/tokens", s.apiWrite(s.apiCreateToken)},
		{"DELETE /api/v1/tokens/{id}", s.apiWrite(s.apiRevokeToken)},
		{"GET /api/v1/audit", s.api(s.apiAudit)},
		{"/api/", http.HandlerFunc(s.apiNotFound)},

		// Web UI: session cookie; forms carry the CSRF token.
		{"GET /login", http.HandlerFunc(s.loginPage)},
		{"POST /login", http.HandlerFunc(s.login)},
		{"POST /logout", s.ui(s.logout)},
		{"GET /lang/{lang}", http.HandlerFunc(s.setLang)},
		{"GET /{$}", s.ui(s.home)},
		{"GET /users", s.ui(s.usersPage)},
		{"POST /users", s.ui(s.createUserForm)},
		{"GET /tokens", s.ui(s.tokensPage)},
		{"POST /tokens", s.ui(s.createTokenForm)},
		{"POST /tokens/{id}/revoke", s.ui(s.revokeTokenForm)},
		{"GET /branches", s.ui(s.branchesPage)},
		{"GET /audit", s.ui(s.auditPage)},
		{"GET /regions", s.ui(s.regionsPage)},
	}
}
