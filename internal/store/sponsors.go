package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/region"
	"github.com/perisai/perisai/internal/sponsor"
)

// CreateSponsor registers a payer.
func (db *DB) CreateSponsor(ctx context.Context, act audit.Actor, s *sponsor.Sponsor) error {
	if err := s.Validate(region.MustDefault()); err != nil {
		return err
	}
	return db.Transact(ctx, func(tx *Tx) error {
		s.ID, s.CreatedAt = idgen.Next(), now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO sponsors (id, kind, name, region_code, created_at) VALUES ($1, $2, $3, $4, $5)`,
			s.ID, string(s.Kind), s.Name, s.Region, s.CreatedAt); err != nil {
			return fmt.Errorf("insert sponsor: %w", err)
		}
		return Audit(ctx, tx, act, "create", "sponsor", s.ID, s.Region, s.Name)
	})
}

// SponsorScope is what of the sponsors a principal may see and run: everything for an
// administrator; otherwise the sponsors of the areas it covers (and of the areas around them: a
// province's budget is seen in its regencies), and the sponsorships with a member among its
// participants, with their sponsors. A zero SponsorScope sees nothing.
type SponsorScope struct {
	All     bool
	Areas   []string
	Members ParticipantFilter
}

// SponsorScopeOf is the scope of a principal's role.
func SponsorScopeOf(p access.Principal) SponsorScope {
	switch p.Role {
	case access.Admin:
		return SponsorScope{All: true}
	case access.Government:
		return SponsorScope{Areas: []string{p.Region}, Members: ParticipantFilter{Within: p.Region}}
	case access.BranchOfficer:
		return SponsorScope{Areas: p.Regencies, Members: ParticipantFilter{BranchID: p.BranchID}}
	case access.WadahManager:
		return SponsorScope{Members: ParticipantFilter{WadahID: p.WadahID}}
	case access.Agent:
		return SponsorScope{Members: ParticipantFilter{AgentID: p.AgentID}}
	}
	return SponsorScope{}
}

// args collects a query's arguments and numbers their placeholders.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// memberCond is the condition on participants (alias p) that puts one in the filter's scope;
// with no scope at all it matches nobody, so that a forgotten scope shows nothing rather than
// all.
func memberCond(f ParticipantFilter, a *args) string { return memberCondOn("p", f, a) }

func memberCondOn(alias string, f ParticipantFilter, a *args) string {
	var cs []string
	if f.BranchID != 0 {
		cs = append(cs, alias+".branch_id = "+a.add(f.BranchID))
	}
	if f.WadahID != 0 {
		cs = append(cs, alias+".wadah_id = "+a.add(f.WadahID))
	}
	if f.AgentID != 0 {
		cs = append(cs, alias+".agent_id = "+a.add(f.AgentID))
	}
	if f.Within != "" {
		cs = append(cs, alias+".village_code LIKE "+a.add(f.Within+"%"))
	}
	if len(cs) == 0 {
		return "1 = 0"
	}
	return strings.Join(cs, " AND ")
}

// inScope is the condition that puts sponsorship s in the scope.
func (sc SponsorScope) inScope(a *args) string {
	if sc.All {
		return "1 = 1"
	}
	return `EXISTS (SELECT 1 FROM sponsorship_members m JOIN participants p ON p.id = m.participant_id AND p.province_code = m.province_code
WHERE m.sponsorship_id = s.id AND ` + memberCond(sc.Members, a) + `)`
}

// Sponsors lists the payers in the scope.
func (db *DB) Sponsors(ctx context.Context, sc SponsorScope) ([]sponsor.Sponsor, error) {
	var a args
	cond := "1 = 1"
	if !sc.All {
		// An area's sponsors, those of the areas above it, and those of the areas within it.
		var ors []string
		for _, area := range sc.Areas {
			if area == "" {
				continue
			}
			var up []string
			for c := area; c != ""; c = region.ParentCode(c) {
				up = append(up, a.add(c))
			}
			ors = append(ors, "sp.region_code IN ("+strings.Join(up, ", ")+")", "sp.region_code LIKE "+a.add(area+".%"))
		}
		ors = append(ors, `EXISTS (SELECT 1 FROM sponsorships s WHERE s.sponsor_id = sp.id AND `+sc.inScope(&a)+`)`)
		cond = "(" + strings.Join(ors, " OR ") + ")"
	}
	rows, err := db.read.QueryContext(ctx, `SELECT sp.id, sp.kind, sp.name, sp.region_code, sp.created_at FROM sponsors sp WHERE `+cond+` ORDER BY sp.name`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []sponsor.Sponsor{}
	for rows.Next() {
		var s sponsor.Sponsor
		if err := rows.Scan(&s.ID, &s.Kind, &s.Name, &s.Region, &s.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// CreateSponsorship records a sponsor paying for a cohort of participants (by participant
// number). Every number must belong to a registered participant in the caller's scope filter.
func (db *DB) CreateSponsorship(ctx context.Context, act audit.Actor, s *sponsor.Sponsorship, kpjs []string, scope ParticipantFilter) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if len(kpjs) == 0 {
		return errs.Invalid("participants", "a sponsorship covers at least one participant")
	}
	return db.Transact(ctx, func(tx *Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM sponsors WHERE id = $1`, s.SponsorID).Scan(&one); isNoRows(err) {
			return errs.Invalid("sponsor_id", "no such sponsor")
		} else if err != nil {
			return err
		}
		var members [][2]any // participant id, province
		seen := map[int64]bool{}
		var missing []string
		for _, k := range kpjs {
			var id, branch int64
			var wadah, agent int64
			var province string
			err := tx.QueryRowContext(ctx, `SELECT id, branch_id, COALESCE(wadah_id, 0), COALESCE(agent_id, 0), province_code FROM participants WHERE kpj = $1 AND review <> 'rejected'`, k).
				Scan(&id, &branch, &wadah, &agent, &province)
			if isNoRows(err) || (scope.BranchID != 0 && branch != scope.BranchID) || (scope.WadahID != 0 && wadah != scope.WadahID) {
				missing = append(missing, k)
				continue
			}
			if err != nil {
				return err
			}
			if !seen[id] {
				seen[id] = true
				members = append(members, [2]any{id, province})
			}
		}
		if len(missing) > 0 {
			if len(missing) > 10 {
				missing = append(missing[:10], "…")
			}
			return errs.Invalid("participants", "not registered participants in your scope: %v", missing)
		}
		s.ID, s.CreatedAt, s.Members = idgen.Next(), now(), len(members)
		ids := make([][]any, len(members))
		for i, m := range members {
			ids[i] = []any{s.ID, m[0], m[1]}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sponsorships (id, sponsor_id, name, month_from, month_to, jkk, jkm, jht, budget, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, s.ID, s.SponsorID, s.Name, int(s.From), int(s.To), s.JKK, s.JKM, s.JHT, s.Budget, s.CreatedAt); err != nil {
			return fmt.Errorf("insert sponsorship: %w", err)
		}
		if err := insertRows(ctx, tx, "sponsorship_members", []string{"sponsorship_id", "participant_id", "province_code"}, ids, "", nil); err != nil {
			return fmt.Errorf("sponsorship members: %w", err)
		}
		return Audit(ctx, tx, act, "create", "sponsorship", s.ID, "", fmt.Sprintf("%s %s..%s %d participants", s.Name, s.From, s.To, len(ids)))
	})
}

const sponsorshipColumns = `s.id, s.sponsor_id, (SELECT sp.name FROM sponsors sp WHERE sp.id = s.sponsor_id), s.name, s.month_from, s.month_to, s.jkk, s.jkm, s.jht, s.budget, s.created_at,
(SELECT COUNT(*) FROM sponsorship_members m WHERE m.sponsorship_id = s.id),
(SELECT COALESCE(SUM(pm.amount), 0) FROM payments pm WHERE pm.sponsorship_id = s.id AND pm.status = 'posted')`

func scanSponsorship(row interface{ Scan(...any) error }) (sponsor.Sponsorship, error) {
	var s sponsor.Sponsorship
	var from, to int
	err := row.Scan(&s.ID, &s.SponsorID, &s.Sponsor, &s.Name, &from, &to, &s.JKK, &s.JKM, &s.JHT, &s.Budget, &s.CreatedAt, &s.Members, &s.Spent)
	s.From, s.To = calendar.Month(from), calendar.Month(to)
	return s, err
}

// Sponsorships lists the sponsorships in the scope, optionally of one sponsor, latest end
// first.
func (db *DB) Sponsorships(ctx context.Context, sponsorID int64, sc SponsorScope) ([]sponsor.Sponsorship, error) {
	var a args
	q := `SELECT ` + sponsorshipColumns + ` FROM sponsorships s WHERE ` + sc.inScope(&a)
	if sponsorID != 0 {
		q += ` AND s.sponsor_id = ` + a.add(sponsorID)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY s.month_to DESC, s.id DESC`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []sponsor.Sponsorship{}
	for rows.Next() {
		s, err := scanSponsorship(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Sponsorship returns one sponsorship in the scope.
func (db *DB) Sponsorship(ctx context.Context, id int64, sc SponsorScope) (sponsor.Sponsorship, error) {
	a := args{id}
	sh, err := scanSponsorship(db.read.QueryRowContext(ctx, `SELECT `+sponsorshipColumns+` FROM sponsorships s WHERE s.id = $1 AND `+sc.inScope(&a), a...))
	if isNoRows(err) {
		return sh, errs.NotFound("sponsorship")
	}
	return sh, err
}

// SponsoredPayment is one payment a sponsorship made: a line of its report.
type SponsoredPayment struct {
	PaymentID     int64          `json:"payment_id"`
	ReceiptNo     string         `json:"receipt_no"`
	ReceivedAt    time.Time      `json:"received_at"`
	ParticipantID int64          `json:"participant_id"`
	KPJ           string         `json:"kpj"`
	Name          string         `json:"name"`
	Village       string         `json:"village"`
	FirstMonth    calendar.Month `json:"first_month,omitempty"`
	LastMonth     calendar.Month `json:"last_month,omitempty"`
	Months        int            `json:"months"`
	Amount        int64          `json:"amount"`
	Status        string         `json:"status"` // posted or reversed
}

// SponsorshipReport hands each payment the sponsorship made, oldest first, to each, for the
// members in the scope (a branch sees its own members of a sponsorship that spans branches).
func (db *DB) SponsorshipReport(ctx context.Context, id int64, sc SponsorScope, each func(SponsoredPayment) error) error {
	a := args{id}
	cond := "1 = 1"
	if !sc.All {
		cond = memberCondOn("x", sc.Members, &a)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT p.id, p.receipt_no, p.received_at, p.participant_id, x.kpj, x.name, x.village_code,
COALESCE(p.first_month, 0), COALESCE(p.last_month, 0), p.months, p.amount, p.status
FROM payments p JOIN participants x ON x.id = p.participant_id
WHERE p.sponsorship_id = $1 AND `+cond+` ORDER BY p.received_at, p.id`, a...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sp SponsoredPayment
		var first, last int
		if err := rows.Scan(&sp.PaymentID, &sp.ReceiptNo, &sp.ReceivedAt, &sp.ParticipantID, &sp.KPJ, &sp.Name, &sp.Village,
			&first, &last, &sp.Months, &sp.Amount, &sp.Status); err != nil {
			return err
		}
		sp.FirstMonth, sp.LastMonth = calendar.Month(first), calendar.Month(last)
		if err := each(sp); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EndingParticipant is a participant whose sponsorship ends soon.
type EndingParticipant struct {
	Participant participant.Participant `json:"participant"`
	Sponsorship string                  `json:"sponsorship"`
	Sponsor     string                  `json:"sponsor"`
	EndsOn      calendar.Date           `json:"ends_on"`
}

// SponsorshipsEnding lists the participants in scope whose sponsorship's last covered day falls
// within the next days days, so the Bumdes can move them to paying themselves. A participant
// with a later sponsorship that continues the cover is not listed.
func (db *DB) SponsorshipsEnding(ctx context.Context, scope ParticipantFilter, today calendar.Date, days int) ([]EndingParticipant, error) {
	lastMonth := today.AddDays(days).MonthOf()
	q := `SELECT ` + participantColumns + `, s.name, sp.name, s.month_to FROM sponsorship_members m
JOIN sponsorships s ON s.id = m.sponsorship_id
JOIN sponsors sp ON sp.id = s.sponsor_id
JOIN participants p ON p.id = m.participant_id AND p.province_code = m.province_code` + withStatus + `
WHERE s.month_to >= $1 AND s.month_to <= $2 AND p.review <> 'rejected'
AND NOT EXISTS (SELECT 1 FROM sponsorship_members m2 JOIN sponsorships s2 ON s2.id = m2.sponsorship_id
  WHERE m2.participant_id = p.id AND m2.province_code = p.province_code AND s2.month_from <= s.month_to + 1 AND s2.month_to > s.month_to)`
	args := []any{int(today.MonthOf()), int(lastMonth)}
	add := func(cond string, v any) {
		args = append(args, v)
		q += " AND " + cond + " = $" + strconv.Itoa(len(args))
	}
	if scope.BranchID != 0 {
		add("p.branch_id", scope.BranchID)
	}
	if scope.WadahID != 0 {
		add("p.wadah_id", scope.WadahID)
	}
	if scope.AgentID != 0 {
		add("p.agent_id", scope.AgentID)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY s.month_to, p.name LIMIT 5000`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []EndingParticipant{}
	for rows.Next() {
		var e EndingParticipant
		var to int
		var err error
		if e.Participant, err = scanParticipant(rows, &e.Sponsorship, &e.Sponsor, &to); err != nil {
			return nil, err
		}
		e.EndsOn = calendar.Month(to).Last()
		if !e.EndsOn.Before(today) && !e.EndsOn.After(today.AddDays(days)) {
			out = append(out, e)
		}
	}
	return out, rows.Err()
}
