package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/contribution"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/money"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/store"
)

// apiQuote prices contribution months for any member, for a form or an enquiry.
func (s *Server) apiQuote(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var in struct {
		Income  int64                `json:"declared_income"`
		JHT     bool                 `json:"jht"`
		Sector  rules.Sector         `json:"sector"`
		Funding contribution.Funding `json:"funding"`
		Months  []calendar.Month     `json:"months"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Funding == "" {
		in.Funding = contribution.Self
	}
	if in.Sector != rules.Transport && in.Sector != rules.Other {
		return errs.Invalid("sector", "transport or other")
	}
	if len(in.Months) == 0 || len(in.Months) > 60 {
		return errs.Invalid("months", "1–60 months (YYYY-MM)")
	}
	if !s.rs().ValidIncome(calendar.Today(), in.Income) {
		tbl, _ := s.rs().IncomeTable(calendar.Today())
		if len(tbl) == 0 {
			return errs.Invalid("declared_income", "no income table in force")
		}
		return errs.Invalid("declared_income", "Rp %d is not a row of the income table (Rp %d … Rp %d)", in.Income, tbl[0], tbl[len(tbl)-1])
	}
	q, err := contribution.QuoteMonths(s.rs(), contribution.Member{Income: in.Income, Programs: participant.Programs{JKK: true, JKM: true, JHT: in.JHT},
		Sector: in.Sector}, in.Funding, in.Months)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, q)
	return nil
}

// payRequest reads months, amount and funding (a preview's query or the pay form) into a
// request. The amount is taken as people write it ("50.000", "Rp 50.000"); what cannot be
// read is refused with the field's name, never taken as zero.
func payRequest(v url.Values, ref store.Ref) (store.PayRequest, error) {
	req := store.PayRequest{ParticipantID: ref.ID, Province: ref.Province, Funding: contribution.Funding(strings.TrimSpace(v.Get("funding")))}
	if m := strings.TrimSpace(v.Get("months")); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 0 || n > 120 {
			return req, errs.Invalid("months", "a number of months: 1, 3, 6 or 12")
		}
		req.Months = n
	}
	if a := strings.TrimSpace(v.Get("amount")); a != "" {
		n, err := money.Parse(a)
		if err != nil {
			return req, errs.Invalid("amount", "an amount in rupiah, such as 50.000")
		}
		req.Amount = n
	}
	return req, nil
}

// apiPaymentPreview shows what a payment for a participant would take and cover.
func (s *Server) apiPaymentPreview(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	got, err := s.participantInScope(r, p, access.ReadParticipant)
	if err != nil {
		return err
	}
	req, err := payRequest(r.URL.Query(), participantRef(got))
	if err != nil {
		return err
	}
	pv, err := s.db.PreviewPayment(r.Context(), s.rs(), req, calendar.Today())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pv)
	return nil
}

// apiCoverage tells a participant's standing today, or whether a past day was covered.
func (s *Server) apiCoverage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	got, err := s.participantInScope(r, p, access.ReadParticipant)
	if err != nil {
		return err
	}
	day := calendar.Today()
	if d := r.URL.Query().Get("date"); d != "" {
		if day, err = calendar.ParseDate(d); err != nil {
			return errs.Invalid("date", "%v", err)
		}
	}
	cov, err := s.db.Coverage(r.Context(), s.rs(), participantRef(got), day)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		store.CoverageOf
		Date      calendar.Date `json:"date"`
		CoveredOn bool          `json:"covered_on_date"`
	}{cov, day, contribution.CoveredOn(cov.Paid, day)})
	return nil
}

func (s *Server) apiParticipantPayments(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	got, err := s.participantInScope(r, p, access.ReadParticipant)
	if err != nil {
		return err
	}
	list, err := s.db.PaymentsOf(r.Context(), participantRef(got))
	if err != nil {
		return err
	}
	writePage(w, r, list)
	return nil
}

// pay takes a payment for a participant the principal may take payments for.
// pay takes a payment; the store authorizes it on the participant's row it locks.
func (s *Server) pay(r *http.Request, p access.Principal, req store.PayRequest) (store.Payment, error) {
	return s.db.Pay(r.Context(), p, actor(r, p), s.rs(), req, calendar.Today())
}

func (s *Server) apiPay(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req store.PayRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	pay, err := s.pay(r, p, req)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/payments/"+strconv.FormatInt(pay.ID, 10)+inProvince(pay.Village))
	writeJSON(w, http.StatusCreated, pay)
	return nil
}

// paymentRef names a payment with its province, its participant's.
func paymentRef(pay store.Payment) store.Ref { return store.RefIn(pay.Village, pay.ID) }

// paymentInScope loads a payment whose participant p may do a to.
func (s *Server) paymentInScope(r *http.Request, p access.Principal, a access.Action) (store.Payment, error) {
	ref, err := pathRef(r, p, "id")
	if err != nil {
		return store.Payment{}, err
	}
	pay, err := s.db.PaymentByID(r.Context(), ref)
	if err != nil {
		return pay, err
	}
	scope, err := s.db.ParticipantScope(r.Context(), store.RefIn(pay.Village, pay.ParticipantID))
	if err != nil {
		return pay, err
	}
	if err := access.Authorize(p, a, scope); err != nil {
		return pay, err
	}
	// A payment names its participant: reading it (as data, a receipt or its PDF) is audited.
	if a == access.ReadParticipant {
		err = s.db.RecordRead(r.Context(), actor(r, p), "read", "payment", pay.ID, scope.Regions[0], pay.ReceiptNo, []int64{pay.ParticipantID})
	}
	return pay, err
}

func (s *Server) apiPayment(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	pay, err := s.paymentInScope(r, p, access.ReadParticipant)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pay)
	return nil
}

func (s *Server) apiReverse(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	pay, err := s.paymentInScope(r, p, access.ReversePayment)
	if err != nil {
		return err
	}
	var in reasonBody
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.db.Reverse(r.Context(), actor(r, p), s.rs(), paymentRef(pay), in.Reason, calendar.Today()); err != nil {
		return err
	}
	pay, err = s.db.PaymentByID(r.Context(), paymentRef(pay))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pay)
	return nil
}

func (s *Server) apiLedgerVerify(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.VerifyLedger, access.Resource{}); err != nil {
		return err
	}
	probs, err := s.db.VerifyLedger(r.Context())
	if err != nil {
		return err
	}
	if probs == nil {
		probs = []store.Problem{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": len(probs) == 0, "problems": probs})
	return nil
}

// apiRules shows the rules in force on a day (default today): what quotes and payments use.
func (s *Server) apiRules(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	day := calendar.Today()
	if d := r.URL.Query().Get("date"); d != "" {
		var err error
		if day, err = calendar.ParseDate(d); err != nil {
			return errs.Invalid("date", "%v", err)
		}
	}
	writeJSON(w, http.StatusOK, s.rs().InForce(day))
	return nil
}

// receiptToken signs a receipt number for the QR code printed on it.
func (s *Server) receiptToken(no string) string { return no + "." + s.keys.Sign("receipt:"+no) }

func (s *Server) checkReceiptToken(tok string) (string, bool) {
	i := strings.LastIndexByte(tok, '.')
	if i < 0 {
		return "", false
	}
	no := tok[:i]
	return no, s.keys.Verify("receipt:"+no, tok[i+1:])
}

// apiPayGrouped takes a payment through the group-commit writer: the idempotency key, the
// payment and the stored answer commit together, shared with other agents' payments.
func (s *Server) apiPayGrouped(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	key, body, hash, err := idempotencyInput(r)
	if err != nil {
		return err
	}
	var req store.PayRequest
	if err := decodeBytes(body, &req); err != nil {
		return err
	}
	// The writer authorizes the payment on the participant's row it locks (store.Payer).
	res := s.payer.Pay(r.Context(), store.PayItem{P: p, Act: actor(r, p), Req: req, Today: calendar.Today(), Key: key, Hash: hash,
		Render: func(pay store.Payment, err error) (int, string, []byte) {
			buf := &bufferedWriter{header: http.Header{}}
			if err != nil {
				s.writeProblem(buf, r, err)
			} else {
				writeJSON(buf, http.StatusCreated, pay)
			}
			return buf.status, buf.header.Get("Content-Type"), buf.body.Bytes()
		}})
	if res.Err != nil {
		return res.Err
	}
	if res.Replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Content-Type", res.ContentType)
	w.WriteHeader(res.Status)
	_, _ = w.Write(res.Body)
	return nil
}
