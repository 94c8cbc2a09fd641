package web

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/benefit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/claim"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/store"
)

// claimsPage is the queue: a branch's claims, most urgent first, overdue ones marked; a
// wadah's or an agent's own.
type claimsPage struct {
	Items    []claim.Claim
	Pager    pager
	State    string
	Program  string
	OnlyLate bool
	Today    calendar.Date
	States   []claim.State
	CanPay   bool
	Programs []benefit.Program
	Overdue  int // claims in scope past their service level, for the branch's report
}

func (s *Server) claimsPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	f, err := claimQueue(r, p)
	if err != nil {
		return err
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	f.Limit, f.Offset = perPage, max(0, page-1)*perPage
	list, total, err := s.db.Claims(r.Context(), actor(r, p), f)
	if err != nil {
		return err
	}
	pg := newPager(r, lang(r, &p), total, perPage)
	late := f
	late.Overdue, late.State, late.Program, late.Limit, late.Offset = calendar.Today(), "", "", 1, 0
	_, overdue, err := s.db.Claims(r.Context(), audit.Actor{}, late)
	if err != nil {
		return err
	}
	data := claimsPage{Items: list, Pager: pg, State: string(f.State), Program: string(f.Program), OnlyLate: !f.Overdue.IsZero(), Today: calendar.Today(), Overdue: overdue,
		States: []claim.State{claim.Submitted, claim.InReview, claim.NeedsChanges, claim.Approved, claim.Rejected, claim.Paid, claim.Draft},
		CanPay: p.Role == access.BranchOfficer, Programs: []benefit.Program{benefit.JKM, benefit.JKK, benefit.JHT, benefit.Scholarship}}
	s.renderPage(w, r, http.StatusOK, "claims", s.pageFor(r, &p, "claims.title", data))
	return nil
}

// claimNewPage is the form that starts a claim from a participant's page.
type claimNewPage struct {
	P        participant.Participant
	Programs []benefit.Program
	Reasons  []benefit.Reason
	Today    calendar.Date
	// Expect is what a JKM claim for a death today would come to on the record: what the
	// agent can tell the family before a document is gathered.
	Expect *benefit.Result
}

func (s *Server) newClaimPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	got, err := s.participantInScope(r, p, access.FileClaim)
	if err != nil {
		return err
	}
	data := claimNewPage{P: got, Programs: []benefit.Program{benefit.JKM, benefit.JKK, benefit.JHT, benefit.Scholarship}, Today: calendar.Today(),
		Reasons: []benefit.Reason{benefit.Death, benefit.Medical, benefit.HomeCare, benefit.TemporaryInjury, benefit.TotalDisability, benefit.PartialDisability,
			benefit.Age, benefit.StoppedWorking, benefit.Partial10, benefit.Partial30}}
	if res, err := s.db.PriceClaim(r.Context(), s.rs(), claim.Claim{ParticipantID: got.ID, Village: got.Village, Program: benefit.JKM, Reason: benefit.Death, EventDate: data.Today}, data.Today); err == nil {
		data.Expect = &res
	}
	pg := s.pageFor(r, &p, "claims.new", data)
	pg.Zone = calendar.ZoneOf(got.Village)
	s.renderPage(w, r, http.StatusOK, "claim_new", pg)
	return nil
}

// createClaimForm files the draft and opens it, where the documents are photographed.
func (s *Server) createClaimForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	got, err := s.participantInScope(r, p, access.FileClaim)
	if err != nil {
		return err
	}
	ev, err := calendar.ParseDate(r.PostFormValue("event_date"))
	if err != nil {
		return errs.Invalid("event_date", "%v", err)
	}
	c := claim.Claim{Program: benefit.Program(r.PostFormValue("program")), Reason: benefit.Reason(r.PostFormValue("reason")), EventDate: ev,
		Claimant: claim.Claimant{Name: r.PostFormValue("claimant_name"), BankName: r.PostFormValue("bank_name"), BankAccount: r.PostFormValue("bank_account"),
			Override: strings.TrimSpace(r.PostFormValue("override")), ArrangedBurial: r.PostFormValue("arranged_burial") == "on"},
		Facts: claim.Facts{WorkRelated: r.PostFormValue("work_related") == "on", HasNPWP: r.PostFormValue("has_npwp") == "on"}}
	if h := formInt(r, "heir_id"); h != 0 {
		c.Claimant.HeirID = h
		for _, x := range got.Heirs {
			if x.ID == h && c.Claimant.Name == "" {
				c.Claimant.Name = x.Name
			}
		}
	}
	if c.Facts.Bills, err = formAmount(r, "bills"); err != nil {
		return err
	}
	if c.Facts.JHTBalance, err = formAmount(r, "jht_balance"); err != nil {
		return err
	}
	months, err := formWhole(r, "stmb_months")
	if err != nil {
		return err
	}
	pct, err := formWhole(r, "disability_percent")
	if err != nil {
		return err
	}
	c.Facts.STMBMonths, c.Facts.DisabilityBp = int(months), pct*100
	if err := s.db.CreateClaim(r.Context(), p, actor(r, p), participantRef(got), &c, calendar.Today()); err != nil {
		return err
	}
	done(w, r, "/claims/"+strconv.FormatInt(c.ID, 10)+inProvince(c.Village), "ok.claim_created")
	return nil
}

// claimPage shows a claim beside its documents and calculation, with the steps the viewer
// may take.
type claimPage struct {
	C          claim.Claim
	Calc       *benefit.Result
	Checklist  []rules.ClaimDocs
	CanFile    bool
	CanDecide  bool
	HeldByMe   bool
	Overdue    bool
	StatusLink string
}

func (s *Server) claimPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	c, err := s.claimInScope(r, p, access.ReadClaim)
	if err != nil {
		return err
	}
	data := claimPage{C: c, HeldByMe: c.AssignedTo == p.UserID,
		CanFile:    access.Authorize(p, access.FileClaim, store.ClaimResource(c)) == nil && (c.State == claim.Draft || c.State == claim.NeedsChanges),
		CanDecide:  access.Authorize(p, access.DecideClaim, store.ClaimResource(c)) == nil,
		Overdue:    !c.Due.IsZero() && c.Due.Before(calendar.Today()) && (c.State == claim.Submitted || c.State == claim.InReview),
		StatusLink: "/claim-status?number=" + c.Number}
	if cr, err := s.rs().ClaimRulesAt(c.EventDate); err == nil {
		data.Checklist = cr.Checklist(string(c.Program), string(c.Reason))
	}
	if res, err := s.db.PriceClaim(r.Context(), s.rs(), c, calendar.Today()); err == nil {
		data.Calc = &res
	}
	pg := s.pageFor(r, &p, "claims.claim", data)
	pg.Zone = calendar.ZoneOf(c.Village)
	s.renderPage(w, r, http.StatusOK, "claim", pg)
	return nil
}

func (s *Server) claimDocumentForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	c, _, err := s.attachDocument(r, p)
	if err != nil {
		return err
	}
	done(w, r, "/claims/"+strconv.FormatInt(c.ID, 10)+inProvince(c.Village), "ok.document_attached")
	return nil
}

func (s *Server) claimDocumentFile(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	return s.apiClaimDocumentFile(w, r, p)
}

// moveClaimForm takes a step; sending back and rejecting keep a note, and a decision asks
// for the "I understand" tick.
func (s *Server) moveClaimForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	ref, err := pathRef(r, p, "id")
	if err != nil {
		return err
	}
	a := claim.Action(r.PathValue("action"))
	if a == claim.Approve || a == claim.Reject {
		if err := confirmed(r); err != nil {
			return err
		}
	}
	c, err := s.db.MoveClaim(r.Context(), p, actor(r, p), s.rs(), ref, a, r.PostFormValue("note"), calendar.Today())
	if err != nil {
		return err
	}
	done(w, r, "/claims/"+strconv.FormatInt(c.ID, 10)+inProvince(c.Village), "ok.claim_"+string(a))
	return nil
}

// payoutForm exports the branch's approved claims as the bank's CSV, each once.
func (s *Server) payoutForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	branch, err := payingBranch(r, p, access.DecideClaim)
	if err != nil {
		return err
	}
	batch, lines, err := s.db.ExportPayout(r.Context(), actor(r, p), branch)
	if err != nil {
		return err
	}
	return downloadPayout(w, "pembayaran-klaim", batch, func(f io.Writer) error { return writePayoutCSV(f, lines) })
}
