package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode"

	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/money"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/store"
)

// FuzzDecodeJSON: any body decodes into the API's request types or is refused as invalid
// input (400) or as too large (413); nothing panics and nothing answers 500.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"participant_id": 1, "months": 3}`, `{"amount": 9223372036854775807}`, `{"nik": "5103021203850001", "heirs": [{"name": "A"}]}`,
		`{"unknown": 1}`, `[`, `{"months": "3"}`, `{"amount": 1e400}`, "\x00", `{"name": "\u0000"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, v := range []any{&store.PayRequest{}, &participant.Registration{}, &store.DepositRequest{}, &reasonBody{}} {
			rec := httptest.NewRecorder()
			r := httptest.NewRequest("POST", "/api/v1/x", bytes.NewReader(body))
			r.Body = http.MaxBytesReader(rec, r.Body, 1<<10)
			err := decode(r, v)
			if err != nil && status(err) != http.StatusBadRequest && status(err) != http.StatusRequestEntityTooLarge {
				t.Fatalf("%q into %T: %v answers %d", body, v, err, status(err))
			}
		}
	})
}

// FuzzPayRequest: a pay form or preview query, however typed, reads as a request whose amount
// is within money.Max, or is refused naming its field.
func FuzzPayRequest(f *testing.F) {
	for _, s := range []string{"months=3", "amount=50.000", "amount=Rp+50.000", "amount=428.300&funding=self", "months=x", "amount=-1",
		"amount=99999999999999999999", "months=2147483648", "amount=%00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		req, err := payRequest(v, store.Ref{ID: 1})
		if err != nil {
			var fe *errs.FieldError
			if !errors.As(err, &fe) || (fe.Field != "months" && fe.Field != "amount") {
				t.Fatalf("%q: %v", raw, err)
			}
			return
		}
		if req.Amount < 0 || req.Amount > money.Max || req.Months < 0 || req.Months > 120 {
			t.Fatalf("%q read as %+v", raw, req)
		}
		// Zero only when it says zero: noughts, "Rp", separators and blanks (any white space).
		zero := func(r rune) bool { return strings.ContainsRune("0.Rrp ,-", r) || unicode.IsSpace(r) }
		if a := strings.TrimSpace(v.Get("amount")); a != "" && req.Amount == 0 && strings.TrimFunc(a, zero) != "" {
			t.Fatalf("%q: amount %q taken as zero", raw, a)
		}
	})
}
