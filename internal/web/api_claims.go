package web

import (
	"encoding/csv"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/benefit"
	"github.com/perisai/perisai/internal/bulkimport"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/claim"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/i18n"
	"github.com/perisai/perisai/internal/store"
)

// claimInScope loads a claim p may do a to. It is loaded unaudited and the read recorded only
// once allowed: a refused look is not a read.
func (s *Server) claimInScope(r *http.Request, p access.Principal, a access.Action) (claim.Claim, error) {
	ref, err := pathRef(r, p, "id")
	if err != nil {
		return claim.Claim{}, err
	}
	c, err := s.db.Claim(r.Context(), audit.Actor{}, ref)
	if err != nil {
		return c, err
	}
	if err := access.Authorize(p, a, store.ClaimResource(c)); err != nil {
		return c, err
	}
	if cr, err := s.rs().ClaimRulesAt(c.EventDate); err == nil {
		c.Missing = claim.Missing(cr.Checklist(string(c.Program), string(c.Reason)), c.Documents)
	}
	return c, s.db.RecordRead(r.Context(), actor(r, p), "read", "claim", c.ID, c.Village, c.Number, []int64{c.ParticipantID})
}

// claimQueue is the claims a principal sees: the branch's for an officer, the wadah's for a
// manager, the agent's own.
func claimQueue(r *http.Request, p access.Principal) (store.ClaimFilter, error) {
	if err := access.Authorize(p, access.ReadClaim, access.Resource{BranchID: p.BranchID, WadahID: p.WadahID, AgentID: p.AgentID, Regions: scopeRegions(p)}); err != nil {
		return store.ClaimFilter{}, err
	}
	q := r.URL.Query()
	f := store.ClaimFilter{Program: benefit.Program(q.Get("program")), State: claim.State(q.Get("state"))}
	switch p.Role {
	case access.BranchOfficer:
		f.BranchID = p.BranchID
	case access.WadahManager:
		f.WadahID = p.WadahID
	case access.Agent:
		f.AgentID = p.AgentID
	}
	if q.Get("overdue") == "true" {
		f.Overdue = calendar.Today()
	}
	return f, nil
}

func (s *Server) apiClaims(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	f, err := claimQueue(r, p)
	if err != nil {
		return err
	}
	f.Limit, f.Offset = limitOffset(r)
	list, total, err := s.db.Claims(r.Context(), actor(r, p), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listAnswer(r, list, total, f.Limit, f.Offset))
	return nil
}

func (s *Server) apiCreateClaim(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var c claim.Claim
	if err := decode(r, &c); err != nil {
		return err
	}
	c.ID, c.State, c.Amount, c.Result, c.Documents, c.Timeline = 0, "", 0, nil, nil, nil
	prov, err := refProvince(r, p)
	if err != nil {
		return err
	}
	if err := s.db.CreateClaim(r.Context(), p, actor(r, p), store.Ref{ID: c.ParticipantID, Province: prov}, &c, calendar.Today()); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/claims/"+strconv.FormatInt(c.ID, 10)+inProvince(c.Village))
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) apiClaim(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	c, err := s.claimInScope(r, p, access.ReadClaim)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// apiClaimCalculation is the engine's answer on the claim's record, line by line, for the
// branch to read beside the documents.
func (s *Server) apiClaimCalculation(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	c, err := s.claimInScope(r, p, access.ReadClaim)
	if err != nil {
		return err
	}
	res, err := s.db.PriceClaim(r.Context(), s.rs(), c, calendar.Today())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// apiClaimDocument attaches a document: a photo from the phone's camera or a PDF, as the
// multipart field "file" with the kind from the checklist.
func (s *Server) apiClaimDocument(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	_, d, err := s.attachDocument(r, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

// attachDocument keeps the uploaded document on the path's claim, for the API and the form.
func (s *Server) attachDocument(r *http.Request, p access.Principal) (claim.Claim, claim.Document, error) {
	c, err := s.claimInScope(r, p, access.FileClaim)
	if err != nil {
		return c, claim.Document{}, err
	}
	d, data, err := readDocument(r)
	if err != nil {
		return c, d, err
	}
	return c, d, s.db.AttachDocument(r.Context(), actor(r, p), s.rs(), c, &d, data)
}

// readDocument reads an uploaded document: its kind, and the file with the type its bytes
// say (not the name or the browser's word).
func readDocument(r *http.Request) (claim.Document, []byte, error) {
	var d claim.Document
	f, hdr, err := r.FormFile("file")
	if err != nil {
		if tooLarge(err) {
			return d, nil, errTooLarge()
		}
		return d, nil, errs.Invalid("file", "attach the document as the form field \"file\"")
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return d, nil, errs.Invalid("file", "cannot read the upload")
	}
	d.Kind, d.Filename, d.ContentType = r.FormValue("kind"), hdr.Filename, http.DetectContentType(data)
	return d, data, nil
}

func (s *Server) apiClaimDocumentFile(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	c, err := s.claimInScope(r, p, access.ReadClaim)
	if err != nil {
		return err
	}
	docID, err := pathID(r, "doc")
	if err != nil {
		return err
	}
	d, data, err := s.db.Document(r.Context(), actor(r, p), c, docID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", d.ContentType)
	w.Header().Set("Content-Disposition", `inline; filename="`+strings.ReplaceAll(d.Filename, `"`, "")+`"`)
	_, err = w.Write(data)
	return err
}

// apiMoveClaim takes one step: submit, take, release, send_back, approve, reject.
func (s *Server) apiMoveClaim(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	ref, err := pathRef(r, p, "id")
	if err != nil {
		return err
	}
	var in struct {
		Note string `json:"note"`
	}
	if r.ContentLength != 0 {
		if err := decode(r, &in); err != nil {
			return err
		}
	}
	c, err := s.db.MoveClaim(r.Context(), p, actor(r, p), s.rs(), ref, claim.Action(r.PathValue("action")), in.Note, calendar.Today())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// apiClaimPayout exports the branch's approved claims for the bank, each once.
func (s *Server) apiClaimPayout(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	branch, err := payingBranch(r, p, access.DecideClaim)
	if err != nil {
		return err
	}
	batch, lines, err := s.db.ExportPayout(r.Context(), actor(r, p), branch)
	if err != nil {
		return err
	}
	answerPayout(w, batch, lines)
	return nil
}

// writePayoutCSV writes a payout for the bank's bulk transfer.
func writePayoutCSV(w io.Writer, lines []store.PayoutLine) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"claim_number", "beneficiary", "bank", "account", "amount", "benefit", "refund"})
	for _, l := range lines {
		_ = cw.Write([]string{bulkimport.SafeCell(l.Number), bulkimport.SafeCell(l.Beneficiary), bulkimport.SafeCell(l.BankName), l.BankAccount,
			strconv.FormatInt(l.Amount+l.Refund, 10), strconv.FormatInt(l.Amount, 10), strconv.FormatInt(l.Refund, 10)})
	}
	cw.Flush()
	return cw.Error()
}

// claimStatus is the public status page: a claim's number and the participant's birth date
// show its state and the next step, nothing else.
func (s *Server) claimStatus(w http.ResponseWriter, r *http.Request) {
	l := lang(r, nil)
	pg := page{Lang: l, Title: "", Data: map[string]any{}}
	pg.Title = i18n.T(l, "claimstatus.title")
	q := r.URL.Query()
	data := map[string]any{"Number": q.Get("number"), "Birth": q.Get("birth_date")}
	code := http.StatusOK
	if q.Get("number") != "" {
		birth, err := calendar.ParseDate(q.Get("birth_date"))
		st, err2 := s.db.ClaimStatusFor(r.Context(), q.Get("number"), birth)
		if err != nil || err2 != nil {
			code = http.StatusNotFound
			pg.Error = i18n.T(l, "claimstatus.not_found")
		} else {
			data["Status"] = st
		}
	}
	pg.Data = data
	s.renderPage(w, r, code, "claim_status", pg)
}
