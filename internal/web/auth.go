package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/store"
)

const sessionCookie = "perisai_session"

// handlerFunc is the shape of every authenticated handler: it gets the principal and returns
// an error that the wrapper turns into a problem document (API) or an error page (UI).
type handlerFunc func(w http.ResponseWriter, r *http.Request, p access.Principal) error

func actor(r *http.Request, p access.Principal) audit.Actor {
	return audit.Actor{UserID: p.UserID, Name: p.Username, RequestID: requestID(r.Context())}
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// authenticate finds the principal from a bearer token or, failing that, the session cookie.
// Cookie-authenticated unsafe requests must carry the session's CSRF token; token-authenticated
// ones need none, because no browser sends a bearer token on its own.
func (s *Server) authenticate(r *http.Request) (access.Principal, string, error) {
	ctx := r.Context()
	var userID int64
	var sessionID string
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return access.Principal{}, "", errs.ErrUnauthorized
		}
		tok = strings.TrimSpace(tok)
		if p, ok := s.tokens.get(tok); ok {
			if in, ok := ctx.Value(keyInfo).(*info); ok {
				in.user = p.Username
			}
			return p, "", nil
		}
		id, err := s.db.TokenUser(ctx, tok)
		if err != nil {
			return access.Principal{}, "", err
		}
		userID = id
		defer func() {
			if p, err := s.db.Principal(ctx, userID); err == nil {
				s.tokens.put(tok, p)
			}
		}()
	} else if c, err := r.Cookie(sessionCookie); err == nil {
		id, err := s.db.SessionUser(ctx, c.Value)
		if err != nil {
			return access.Principal{}, "", err
		}
		userID, sessionID = id, c.Value
		if unsafeMethod(r.Method) && r.Header.Get("X-CSRF-Token") == "" {
			// Read the form now (within maxImport for uploads) so that a body over the cap
			// is told apart from a missing token.
			if err := parseForm(r); tooLarge(err) {
				return access.Principal{}, "", errTooLarge()
			}
		}
		if unsafeMethod(r.Method) && !s.keys.CheckCSRF(sessionID, csrfFrom(r)) {
			return access.Principal{}, "", errCSRF
		}
	} else {
		return access.Principal{}, "", errs.ErrUnauthorized
	}
	p, err := s.db.Principal(ctx, userID)
	if err != nil {
		if errors.Is(err, errs.ErrNotFound) {
			err = errs.ErrUnauthorized
		}
		return p, "", err
	}
	if in, ok := ctx.Value(keyInfo).(*info); ok {
		in.user = p.Username
	}
	return p, sessionID, nil
}

// parseForm reads a form, URL-encoded or multipart (files up to maxImport). ParseMultipartForm
// alone would hide a URL-encoded body's read error behind http.ErrNotMultipart.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	if err := r.ParseMultipartForm(maxImport); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return err
	}
	return nil
}

var errCSRF = errs.Forbidden("missing or wrong CSRF token")

// csrfFrom reads the token from the X-CSRF-Token header (scripts) or the csrf_token form field.
func csrfFrom(r *http.Request) string {
	if h := r.Header.Get("X-CSRF-Token"); h != "" {
		return h
	}
	return r.PostFormValue("csrf_token")
}

// api wraps a JSON API handler.
func (s *Server) api(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, sid, err := s.authenticate(r)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		ctx := context.WithValue(r.Context(), keySession, sid)
		if err := h(w, r.WithContext(ctx), p); err != nil {
			s.writeProblem(w, r, err)
		}
	})
}

// apiWrite wraps a JSON API write: it requires an Idempotency-Key header, answers a replay of
// the same request with the first answer, and refuses the key with another body (409). The
// handler's first commit marks the key as carried out, so that a key left without an answer
// (the server stopped in between) is refused rather than run twice.
func (s *Server) apiWrite(h handlerFunc) http.Handler {
	return s.api(func(w http.ResponseWriter, r *http.Request, p access.Principal) error {
		key, body, hash, err := idempotencyInput(r)
		if err != nil {
			return err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		replay, err := s.db.ClaimIdempotencyKey(r.Context(), store.OwnerOf(p), key, hash)
		if err != nil {
			return err
		}
		if replay != nil {
			w.Header().Set("Content-Type", replay.ContentType)
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(replay.Status)
			_, _ = io.WriteString(w, replay.Body)
			return nil
		}
		buf := &bufferedWriter{header: http.Header{}}
		ctx := context.WithoutCancel(r.Context()) // the answer is kept even if the client left
		if err := h(buf, r.WithContext(store.WithIdempotencyKey(r.Context(), store.OwnerOf(p), key)), p); err != nil {
			s.writeProblem(buf, r, err)
		}
		if buf.status >= 500 {
			_ = s.db.ReleaseIdempotencyKey(ctx, store.OwnerOf(p), key, false)
		} else if err := s.db.FinishIdempotencyKey(ctx, store.OwnerOf(p), key, store.Replay{
			Status: buf.status, ContentType: buf.header.Get("Content-Type"), Body: buf.body.String()}); err != nil {
			return err
		}
		buf.sendTo(w)
		return nil
	})
}

// idempotencyInput reads a write request's Idempotency-Key and body, and hashes what makes two
// requests the same: method, path with query, body.
func idempotencyInput(r *http.Request) (key string, body []byte, hash string, err error) {
	key = r.Header.Get("Idempotency-Key")
	if key == "" || len(key) > 200 {
		return "", nil, "", errs.Invalid("Idempotency-Key", "header required on every write (1–200 characters)")
	}
	body, err = io.ReadAll(r.Body) // capped by guard
	if tooLarge(err) {
		return "", nil, "", errTooLarge()
	}
	if err != nil {
		return "", nil, "", errs.Invalid("body", "cannot read: %v", err)
	}
	sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.RequestURI()+"\n"), body...))
	return key, body, hex.EncodeToString(sum[:]), nil
}

// bufferedWriter holds a response so it can be stored before it is sent.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

// sendTo writes the held response.
func (b *bufferedWriter) sendTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}

func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// ui wraps a page handler: no session sends the browser to the login page; a failure renders
// the error page in the user's language.
func (s *Server) ui(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, sid, err := s.authenticate(r)
		if errors.Is(err, errs.ErrUnauthorized) {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		if err != nil {
			s.renderError(w, r, nil, err)
			return
		}
		ctx := context.WithValue(r.Context(), keySession, sid)
		r = r.WithContext(ctx)
		if err := h(w, r, p); err != nil {
			s.renderError(w, r, &p, err)
		}
	})
}
