package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/store"
)

// A form that changes something carries a form_key made when its page was rendered: the
// idempotency key of the web UI. On a weak signal an agent taps "Bayar" again, or the browser
// sends the form again after the connection dropped, and the first submission may already have
// gone through; the second is then sent where the first one went (its receipt) instead of
// paying twice.

const (
	formKeyField = "form_key"
	// formKeyPrefix keeps form keys apart from a user's API Idempotency-Keys.
	formKeyPrefix = "form:"
	// formWait is how long a second submission waits for the first one to finish.
	formWait = 10 * time.Second
)

var (
	errFormKey    = errs.Invalid(formKeyField, "the form has no key: open the page again")
	errFormReused = fmt.Errorf("this form was already sent with other values: %w", errs.ErrConflict)
	errFormBusy   = fmt.Errorf("this form is still being processed: %w", errs.ErrConflict)
)

// formFields is the hidden fields every form that changes something carries: the CSRF token and
// a new form key.
func formFields(csrf string) template.HTML {
	return template.HTML(`<input type="hidden" name="csrf_token" value="` + template.HTMLEscapeString(csrf) +
		`"><input type="hidden" name="` + formKeyField + `" value="` + newFormKey() + `">`)
}

func newFormKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// uiWrite wraps a form handler that changes something. A submission whose form key was served
// before is sent where the first one led: its redirect, or, for a page rendered in place (a new
// user, a sponsor's charge), the page the form was on, which shows what it did. One whose first
// submission is still being served waits for it. A form refused and shown again with its
// problems leaves its key free.
func (s *Server) uiWrite(h handlerFunc) http.Handler {
	return s.ui(func(w http.ResponseWriter, r *http.Request, p access.Principal) error {
		key, hash, err := formIdempotency(r)
		if err != nil {
			return err
		}
		replay, err := s.claimForm(r.Context(), store.OwnerOf(p), key, hash)
		if err != nil {
			return err
		}
		if replay != nil {
			http.Redirect(w, r, replay.Body, http.StatusSeeOther)
			return nil
		}
		buf := &bufferedWriter{header: http.Header{}}
		herr := h(buf, r.WithContext(store.WithIdempotencyKey(r.Context(), store.OwnerOf(p), key)), p)
		ctx := context.WithoutCancel(r.Context()) // what was done is recorded even if the browser left
		code := buf.status
		if herr != nil {
			code = status(herr)
		}
		to := sentTo(r, buf)
		switch {
		case herr == nil && to != "":
			err = s.db.FinishIdempotencyKey(ctx, store.OwnerOf(p), key, store.Replay{Status: http.StatusSeeOther, Body: to})
		case code < 500: // refused: nothing was done (at most the refusal audited), the form may be sent again corrected
			err = s.db.ReleaseIdempotencyKey(ctx, store.OwnerOf(p), key, true)
		default:
			err = s.db.ReleaseIdempotencyKey(ctx, store.OwnerOf(p), key, false)
		}
		if err != nil {
			return err
		}
		if herr != nil {
			return herr
		}
		buf.sendTo(w)
		return nil
	})
}

// sentTo is where a second submission of a served form goes: the first one's redirect, or for a
// page rendered in place the page the form was sent from ("" when the form was refused).
func sentTo(r *http.Request, buf *bufferedWriter) string {
	switch {
	case buf.status == http.StatusSeeOther:
		return buf.header.Get("Location")
	case buf.status >= 300:
		return ""
	}
	// Only this site's path and query: never a redirect elsewhere.
	if u, err := url.Parse(r.Referer()); err == nil && u.Host == r.Host && localPath(u.Path) {
		return (&url.URL{Path: u.Path, RawQuery: u.RawQuery}).String()
	}
	return "/"
}

// claimForm claims a form key, waiting while its first submission is being served.
func (s *Server) claimForm(ctx context.Context, owner store.Owner, key, hash string) (*store.Replay, error) {
	deadline := time.Now().Add(formWait)
	for {
		replay, err := s.db.ClaimIdempotencyKey(ctx, owner, key, hash)
		switch {
		case err == nil:
			return replay, nil
		case !errors.Is(err, errs.ErrConflict):
			return nil, err
		case !errors.Is(err, store.ErrKeyInUse) && !errors.Is(err, store.ErrKeyDone):
			return nil, errFormReused
		case time.Now().After(deadline):
			return nil, errFormBusy
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// formIdempotency reads a form's key and hashes what makes two submissions the same: the path
// and the fields (files by their content), not the CSRF token or the key. The fields are hashed
// parsed, not as sent, because a browser draws a new multipart boundary for every submission.
func formIdempotency(r *http.Request) (key, hash string, err error) {
	if err := parseForm(r); err != nil {
		if tooLarge(err) {
			return "", "", errTooLarge()
		}
		return "", "", errs.Invalid("form", "cannot read: %v", err)
	}
	key = r.PostFormValue(formKeyField)
	if key == "" || len(key) > 100 {
		return "", "", errFormKey
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\n", r.Method, r.URL.RequestURI())
	hashValues(h, r.PostForm)
	if mf := r.MultipartForm; mf != nil {
		for _, name := range slices.Sorted(maps.Keys(mf.File)) {
			for _, fh := range mf.File[name] {
				f, err := fh.Open()
				if err != nil {
					return "", "", errs.Invalid(name, "cannot read: %v", err)
				}
				fmt.Fprintf(h, "file %q %q %d\n", name, fh.Filename, fh.Size)
				_, err = io.Copy(h, f)
				f.Close()
				if err != nil {
					return "", "", errs.Invalid(name, "cannot read: %v", err)
				}
			}
		}
	}
	return formKeyPrefix + key, hex.EncodeToString(h.Sum(nil)), nil
}

// hashValues writes the fields in a fixed order, leaving out the ones every page draws anew.
func hashValues(w io.Writer, v map[string][]string) {
	for _, name := range slices.Sorted(maps.Keys(v)) {
		if name != "csrf_token" && name != formKeyField {
			fmt.Fprintf(w, "%q=%q\n", name, v[name])
		}
	}
}
