package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/perisai/perisai/internal/errs"
)

// statusOf is the one table from domain failures to HTTP statuses.
var statusOf = []struct {
	err    error
	status int
}{
	{errs.ErrTooLarge, http.StatusRequestEntityTooLarge}, // before ErrInvalid: it wraps a field error
	{errs.ErrInvalid, http.StatusBadRequest},
	{errs.ErrUnauthorized, http.StatusUnauthorized},
	{errs.ErrForbidden, http.StatusForbidden},
	{errs.ErrNotFound, http.StatusNotFound},
	{errs.ErrConflict, http.StatusConflict},
	{errs.ErrRateLimited, http.StatusTooManyRequests},
}

func status(err error) int {
	for _, m := range statusOf {
		if errors.Is(err, m.err) {
			return m.status
		}
	}
	return http.StatusInternalServerError
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	Field    string `json:"field,omitempty"`
	// Errors lists every field at fault when there are several (a registration form).
	Errors    []FieldProblem `json:"errors,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
}

// FieldProblem is one field's problem.
type FieldProblem struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// writeProblem answers with application/problem+json. A server-side failure is logged in full
// and shown to the client only as its request id.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	code := status(err)
	p := Problem{Type: "about:blank", Title: http.StatusText(code), Status: code, Instance: r.URL.Path, RequestID: requestID(r.Context())}
	if code == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "request failed", "err", err, "request_id", p.RequestID)
	} else {
		p.Detail = err.Error()
		var fe *errs.FieldError
		var fes errs.FieldErrors
		switch {
		case errors.As(err, &fes) && len(fes) > 0:
			p.Field = fes[0].Field
			for _, f := range fes {
				p.Errors = append(p.Errors, FieldProblem{Field: f.Field, Detail: f.Msg})
			}
		case errors.As(err, &fe):
			p.Field = fe.Field
		}
	}
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="perisai"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	// Compact: every byte counts on a village's weak mobile signal.
	_ = json.NewEncoder(w).Encode(v)
}
