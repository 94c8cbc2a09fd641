// Package claim holds what a claim is and the rules of its life (DOMAIN.md §3): its states and
// who may move it between them, the documents each program and reason asks for, who may claim
// for a dead participant (the order of heirs), the branch's maker-checker rule and the service
// clock in working days. The amounts are the benefit package's. Plain Go: no SQL, no HTTP.
package claim

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // photos from a phone may be PNG
	"slices"
	"time"

	xdraw "golang.org/x/image/draw"

	"github.com/perisai/perisai/internal/benefit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/rules"
)

// State is where a claim is.
type State string

const (
	Draft        State = "draft"         // the agent is gathering it
	Submitted    State = "submitted"     // complete, waiting for the branch
	InReview     State = "in_review"     // one officer holds it
	NeedsChanges State = "needs_changes" // back to the agent with what is missing
	Approved     State = "approved"      // the amount is decided and posted as payable
	Rejected     State = "rejected"      // with a reason
	Paid         State = "paid"          // in a payout file for the bank
)

// Action moves a claim.
type Action string

const (
	Submit   Action = "submit"
	Take     Action = "take"    // an officer takes it for review
	Release  Action = "release" // gives it back to the queue
	SendBack Action = "send_back"
	Approve  Action = "approve"
	Reject   Action = "reject"
	Pay      Action = "pay"
)

// moves are the transitions: from which states an action is taken, and where it leads.
var moves = map[Action]struct {
	from []State
	to   State
}{
	Submit:   {[]State{Draft, NeedsChanges}, Submitted},
	Take:     {[]State{Submitted}, InReview},
	Release:  {[]State{InReview}, Submitted},
	SendBack: {[]State{InReview}, NeedsChanges},
	Approve:  {[]State{InReview}, Approved},
	Reject:   {[]State{InReview}, Rejected},
	Pay:      {[]State{Approved}, Paid},
}

// Move is where a claim in state from goes by action a, or an error saying why it cannot.
func Move(from State, a Action) (State, error) {
	m, ok := moves[a]
	if !ok {
		return "", errs.Invalid("action", "one of submit, take, release, send_back, approve, reject, pay")
	}
	if !slices.Contains(m.from, from) {
		return "", errs.Conflict("a claim that is %s cannot be sent to %s", from, a)
	}
	return m.to, nil
}

// Claim is one claim.
type Claim struct {
	ID            int64             `json:"id"`
	Number        string            `json:"number"` // for the family: KL-…
	ParticipantID int64             `json:"participant_id"`
	KPJ           string            `json:"kpj,omitempty"`
	Name          string            `json:"name,omitempty"`
	Program       benefit.Program   `json:"program"`
	Reason        benefit.Reason    `json:"reason"`
	EventDate     calendar.Date     `json:"event_date"`
	Claimant      Claimant          `json:"claimant"`
	Facts         Facts             `json:"facts"`
	State         State             `json:"state"`
	AssignedTo    int64             `json:"assigned_to,omitempty"`
	ReviewedBy    int64             `json:"reviewed_by,omitempty"`
	Amount        int64             `json:"amount"`
	Refund        int64             `json:"refund"`
	Decision      string            `json:"decision,omitempty"` // the reason of a rejection or what to change
	Result        *benefit.Result   `json:"result,omitempty"`   // the calculation line by line
	BranchID      int64             `json:"branch_id"`
	WadahID       int64             `json:"wadah_id,omitempty"`
	AgentID       int64             `json:"agent_id,omitempty"`
	Village       string            `json:"village"`
	CompleteOn    calendar.Date     `json:"complete_on,omitempty"` // the day the file was complete (submitted)
	Due           calendar.Date     `json:"due,omitempty"`         // the service level's last day
	Documents     []Document        `json:"documents,omitempty"`
	Timeline      []Event           `json:"timeline,omitempty"`
	CreatedAt     time.Time         `json:"created_at"`
	Missing       []rules.ClaimDocs `json:"missing,omitempty"` // required documents not yet attached
}

// Claimant is who claims and receives: the participant, or for a death an heir.
type Claimant struct {
	Name           string                   `json:"name"`
	Relationship   participant.Relationship `json:"relationship,omitempty"` // for a death
	HeirID         int64                    `json:"heir_id,omitempty"`
	BankName       string                   `json:"bank_name"`
	BankAccount    string                   `json:"bank_account"`              // input; shown masked
	Override       string                   `json:"override,omitempty"`        // an officer's reason to pass a higher heir by
	ArrangedBurial bool                     `json:"arranged_burial,omitempty"` // no heir: whoever arranged the burial gets the funeral amount
}

// Facts are what the record does not hold and the claim states: bills, months unable to
// work, the disability's percentage, the children at school, whether it was work.
type Facts struct {
	WorkRelated  bool            `json:"work_related"`
	Bills        int64           `json:"bills,omitempty"`
	STMBMonths   int             `json:"stmb_months,omitempty"`
	DisabilityBp int64           `json:"disability_bp,omitempty"`
	Children     []benefit.Child `json:"children,omitempty"`
	JHTBalance   int64           `json:"jht_balance,omitempty"`
	HasNPWP      bool            `json:"has_npwp,omitempty"`
	ReportedOn   *calendar.Date  `json:"reported_on,omitempty"`
}

// Document is a file attached to a claim.
type Document struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by"`
	At          time.Time `json:"at"`
}

// Event is one line of a claim's timeline.
type Event struct {
	At    time.Time `json:"at"`
	Actor string    `json:"actor"`
	From  State     `json:"from,omitempty"`
	To    State     `json:"to"`
	Note  string    `json:"note,omitempty"`
}

// CheckClaimant applies the order of heirs (DOMAIN.md §3) to a death claim: the claimant is an
// heir on the record; a lower-ranked heir is refused while a higher one is on the record,
// unless an officer overrides with a reason; with no heir at all, whoever arranged the burial
// may claim the funeral amount.
func CheckClaimant(reason benefit.Reason, c Claimant, heirs []participant.Heir) error {
	if reason != benefit.Death {
		return nil
	}
	if len(heirs) == 0 {
		if !c.ArrangedBurial {
			return errs.Invalid("claimant", "the participant has no heir on record: only whoever arranged the burial may claim, for the funeral amount")
		}
		return nil
	}
	var mine *participant.Heir
	best := 99
	for i, h := range heirs {
		if r := participant.HeirRank[h.Relationship]; r < best {
			best = r
		}
		if h.ID == c.HeirID {
			mine = &heirs[i]
		}
	}
	if mine == nil {
		return errs.Invalid("claimant", "a death claim is made by an heir on the participant's record")
	}
	if participant.HeirRank[mine.Relationship] > best && c.Override == "" {
		return errs.Conflict("a higher-ranked heir is on the record; a branch officer may pass them by only with a reason")
	}
	return nil
}

// Missing are the required documents of a checklist that are not attached.
func Missing(list []rules.ClaimDocs, docs []Document) []rules.ClaimDocs {
	have := map[string]bool{}
	for _, d := range docs {
		have[d.Kind] = true
	}
	var out []rules.ClaimDocs
	for _, c := range list {
		if c.Required && !have[c.Kind] {
			out = append(out, c)
		}
	}
	return out
}

// CheckApprover is the maker-checker rule: the officer who reviewed a claim may not approve it
// above the limit; another officer must.
func CheckApprover(c Claim, approver int64, limit int64) error {
	if c.ReviewedBy == approver && c.Amount > limit {
		return errs.Forbidden("a claim above Rp %d is approved by an officer other than the one who reviewed it", limit)
	}
	return nil
}

// DueOn is the last day of the service level: n working days after the file was complete.
func DueOn(complete calendar.Date, n int, pr rules.Payment) calendar.Date {
	d := complete
	for left := n; left > 0; {
		d = d.AddDays(1)
		if pr.WorkingDay(d) {
			left--
		}
	}
	return d
}

// BenefitFacts is what the engine needs, from the claim and the participant's record.
func BenefitFacts(c Claim, p participant.Participant, paid []calendar.Month, monthly int64, today calendar.Date) benefit.Facts {
	f := benefit.Facts{Program: c.Program, Reason: c.Reason, EventDate: c.EventDate, ClaimDate: today, DeclaredIncome: p.DeclaredIncome,
		WorkRelated: c.Facts.WorkRelated, STMBMonths: c.Facts.STMBMonths, DisabilityBp: c.Facts.DisabilityBp, Bills: c.Facts.Bills,
		Children: c.Facts.Children, JHTBalance: c.Facts.JHTBalance, BirthDate: p.BirthDate, HasNPWP: c.Facts.HasNPWP, ReportedOn: c.Facts.ReportedOn,
		MonthlyContribution: monthly, FuneralOnly: c.Claimant.ArrangedBurial && c.Claimant.HeirID == 0}
	covered := false
	ev := c.EventDate.MonthOf()
	for _, m := range paid {
		if m == ev {
			covered = true
		}
		if m < ev {
			f.ContributionMonths++
		}
		if m > f.PaidThrough {
			f.PaidThrough = m
		}
	}
	f.CoveredOnEvent = &covered
	if today.Before(c.EventDate) {
		f.ClaimDate = c.EventDate
	}
	return f
}

// NewNumber is a claim's public number: KL-, the province, the event's year and month, and
// the id's last digits (unique with the id).
func NewNumber(id int64, province string, event calendar.Date) string {
	return fmt.Sprintf("KL-%s%04d%02d-%d", province, event.Year(), int(event.Month()), id%1_000_000_000)
}

// Downscale makes a phone photo smaller before it is kept: a JPEG or PNG longer than longest
// pixels on its longer side is scaled down (and kept as JPEG); anything else passes as it is.
func Downscale(data []byte, contentType string, longest int) ([]byte, string, error) {
	if contentType != "image/jpeg" && contentType != "image/png" {
		return data, contentType, nil
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", errs.Invalid("file", "not a readable picture: %v", err)
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if max(w, h) <= longest {
		return data, contentType, nil
	}
	if w >= h {
		w, h = longest, h*longest/w
	} else {
		w, h = w*longest/h, longest
	}
	dst := image.NewRGBA(image.Rect(0, 0, max(1, w), max(1, h)))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, b, xdraw.Src, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 80}); err != nil {
		return nil, "", err
	}
	return out.Bytes(), "image/jpeg", nil
}
