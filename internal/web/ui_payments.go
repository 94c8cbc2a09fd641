package web

import (
	"bytes"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/card"
	"github.com/perisai/perisai/internal/contribution"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/i18n"
	"github.com/perisai/perisai/internal/store"
)

// payPage shows where the participant stands and, once a choice is made, what the payment
// would take and cover, so that the agent can confirm in one more tap.
func (s *Server) payPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	got, err := s.participantInScope(r, p, access.TakePayment)
	if err != nil {
		return err
	}
	today := calendar.Today()
	cov, err := s.db.Coverage(r.Context(), s.rs(), participantRef(got), today)
	if err != nil {
		return err
	}
	pr, _ := s.rs().PaymentAt(today)
	data := map[string]any{"P": got, "Coverage": cov, "Options": pr.PrepayOptions, "Fundings": contribution.Fundings}
	req, err := payRequest(r.URL.Query(), participantRef(got))
	pg := s.pageFor(r, &p, "pay.title", data)
	if err != nil {
		pg.Error = i18n.Error(pg.Lang, err) // "50.000" reads; what cannot be read is said, not dropped
	} else if req.Months > 0 || req.Amount > 0 {
		pv, err := s.db.PreviewPayment(r.Context(), s.rs(), req, today)
		if errors.Is(err, errs.ErrInvalid) || errors.Is(err, errs.ErrConflict) {
			pg.Error = i18n.Error(pg.Lang, err)
		} else if err != nil {
			return err
		} else {
			data["Preview"], data["Req"] = pv, req
		}
	}
	s.renderPage(w, r, http.StatusOK, "pay", pg)
	return nil
}

func (s *Server) payForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	ref, err := pathRef(r, p, "id")
	if err != nil {
		return err
	}
	req, err := payRequest(r.PostForm, ref)
	if err != nil {
		return err
	}
	pay, err := s.pay(r, p, req)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/payments/"+strconv.FormatInt(pay.ID, 10)+"/receipt"+inProvince(pay.Village), http.StatusSeeOther)
	return nil
}

// receiptOf is what a receipt shows, on the page and in print: the payment in the user's scope,
// the participant's coverage today and the address its QR code opens.
func (s *Server) receiptOf(r *http.Request, p access.Principal) (store.Payment, store.CoverageOf, string, error) {
	pay, err := s.paymentInScope(r, p, access.ReadParticipant)
	if err != nil {
		return pay, store.CoverageOf{}, "", err
	}
	cov, err := s.db.Coverage(r.Context(), s.rs(), store.RefIn(pay.Village, pay.ParticipantID), calendar.Today())
	return pay, cov, s.baseURL(r) + "/verify/receipt/" + s.receiptToken(pay.ReceiptNo), err
}

// receiptPage is the receipt (tanda bukti penerimaan iuran), laid out for a 58 mm printer.
func (s *Server) receiptPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	pay, cov, verify, err := s.receiptOf(r, p)
	if err != nil {
		return err
	}
	qr, err := card.QRPNG(verify, 240)
	if err != nil {
		return err
	}
	scope, err := s.db.ParticipantScope(r.Context(), store.RefIn(pay.Village, pay.ParticipantID))
	if err != nil {
		return err
	}
	data := map[string]any{"Pay": pay, "Coverage": cov,
		"QR":         template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(qr)),
		"CanReverse": pay.Status == "posted" && access.Authorize(p, access.ReversePayment, scope) == nil}
	pg := s.pageFor(r, &p, "receipt.title", data)
	pg.Zone = calendar.ZoneOf(pay.Village) // printed for the participant: their local time
	s.renderPage(w, r, http.StatusOK, "receipt", pg)
	return nil
}

func (s *Server) reverseForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	pay, err := s.paymentInScope(r, p, access.ReversePayment)
	if err != nil {
		return err
	}
	if err := confirmed(r); err != nil {
		return err
	}
	if err := s.db.Reverse(r.Context(), actor(r, p), s.rs(), paymentRef(pay), r.PostFormValue("reason"), calendar.Today()); err != nil {
		return err
	}
	http.Redirect(w, r, "/payments/"+strconv.FormatInt(pay.ID, 10)+"/receipt"+inProvince(pay.Village), http.StatusSeeOther)
	return nil
}

// verifyReceipt is the public page a receipt's QR code opens.
func (s *Server) verifyReceipt(w http.ResponseWriter, r *http.Request) {
	l := lang(r, nil)
	pg := page{Lang: l, Title: i18n.T(l, "receipt.verify")}
	code := http.StatusOK
	no, ok := s.checkReceiptToken(r.PathValue("token"))
	var pay store.Payment
	if ok {
		var err error
		pay, err = s.db.PaymentByReceipt(r.Context(), no)
		ok = err == nil
	}
	if !ok {
		code = http.StatusNotFound
	}
	pg.Data = map[string]any{"Genuine": ok, "Pay": pay}
	pg.Zone = calendar.ZoneOf(pay.Village)
	s.renderPage(w, r, code, "receipt_verify", pg)
}

// receiptPDF serves the receipt as a PDF for a 58 mm printer (the API and the UI alike).
func (s *Server) receiptPDF(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	pay, cov, verify, err := s.receiptOf(r, p)
	if err != nil {
		return err
	}
	rc := card.Receipt{No: pay.ReceiptNo, Date: calendar.Moment(pay.ReceivedAt, calendar.ZoneOf(pay.Village), i18n.Default), Name: pay.Name, KPJ: pay.KPJ,
		Funding: i18n.T(i18n.Default, "funding."+string(pay.Funding)), ReceivedBy: pay.ReceivedBy, CoveredUntil: cov.CoveredUntil.String(), Status: pay.Status,
		Amount: pay.Amount, CreditUsed: pay.CreditUsed, CreditAdded: pay.CreditAdded,
		VerifyURL: verify}
	for _, m := range pay.Months {
		rc.Lines = append(rc.Lines, card.ReceiptLine{Month: m.Month.String(), Due: m.Due})
	}
	var buf bytes.Buffer
	if err := card.ReceiptPDF(&buf, rc); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+pay.ReceiptNo+`.pdf"`)
	_, err = w.Write(buf.Bytes())
	return err
}
