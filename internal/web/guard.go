package web

import (
	"net/http"
	"strings"
)

// maxBody caps every request body but an upload's: the largest JSON or form this server takes
// (a registration with heirs) is a few KiB.
const maxBody = 1 << 20

// uploads are the paths that take files, capped at maxImport instead.
var uploads = []string{"/api/v1/imports", "/imports", "/api/v1/bank-statements", "/bank-statements", "/api/v1/dashboard/potential", "/dashboard/potential/import"}

// guard sets the headers every answer carries and caps the request body, so that no handler
// can be made to read an unbounded body: past the cap a read fails with http.MaxBytesError,
// which the handlers answer with 413.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Referrer-Policy", "same-origin") // card and receipt links carry signed tokens
		h.Set("X-Content-Type-Options", "nosniff")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		if r.Body != nil {
			limit := int64(maxBody)
			for _, p := range uploads {
				if r.URL.Path == p {
					limit = maxImport
				}
			}
			if strings.HasSuffix(r.URL.Path, "/documents") && strings.Contains(r.URL.Path, "/claims/") {
				limit = maxImport // a claim document (the rules bound it further)
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		if r.ContentLength > maxImport {
			s.writeTooLarge(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// writeTooLarge answers a body over the cap before any handler reads it: as a problem for the
// API, as a page otherwise.
func (s *Server) writeTooLarge(w http.ResponseWriter, r *http.Request) {
	err := errTooLarge()
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.writeProblem(w, r, err)
		return
	}
	s.renderError(w, r, nil, err)
}
