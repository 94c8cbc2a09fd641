package store

import (
	"context"
	"fmt"
	"strconv"

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

// Sponsors lists payers, optionally only those of a region.
func (db *DB) Sponsors(ctx context.Context, within string) ([]sponsor.Sponsor, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, kind, name, region_code, created_at FROM sponsors WHERE region_code LIKE $1 ORDER BY name`, within+"%")
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
		var members []int64
		seen := map[int64]bool{}
		var missing []string
		for _, k := range kpjs {
			var id, branch int64
			var wadah, agent int64
			err := tx.QueryRowContext(ctx, `SELECT id, branch_id, COALESCE(wadah_id, 0), COALESCE(agent_id, 0) FROM participants WHERE kpj = $1 AND review <> 'rejected'`, k).
				Scan(&id, &branch, &wadah, &agent)
			if isNoRows(err) || (scope.BranchID != 0 && branch != scope.BranchID) || (scope.WadahID != 0 && wadah != scope.WadahID) {
				missing = append(missing, k)
				continue
			}
			if err != nil {
				return err
			}
			if !seen[id] {
				seen[id] = true
				members = append(members, id)
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
			ids[i] = []any{s.ID, m}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sponsorships (id, sponsor_id, name, month_from, month_to, jkk, jkm, jht, budget, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, s.ID, s.SponsorID, s.Name, int(s.From), int(s.To), s.JKK, s.JKM, s.JHT, s.Budget, s.CreatedAt); err != nil {
			return fmt.Errorf("insert sponsorship: %w", err)
		}
		if err := insertRows(ctx, tx, "sponsorship_members", []string{"sponsorship_id", "participant_id"}, ids, "", nil); err != nil {
			return fmt.Errorf("sponsorship members: %w", err)
		}
		return Audit(ctx, tx, act, "create", "sponsorship", s.ID, "", fmt.Sprintf("%s %s..%s %d participants", s.Name, s.From, s.To, len(ids)))
	})
}

const sponsorshipColumns = `s.id, s.sponsor_id, s.name, s.month_from, s.month_to, s.jkk, s.jkm, s.jht, s.budget, s.created_at,
(SELECT COUNT(*) FROM sponsorship_members m WHERE m.sponsorship_id = s.id)`

func scanSponsorship(row interface{ Scan(...any) error }) (sponsor.Sponsorship, error) {
	var s sponsor.Sponsorship
	var from, to int
	err := row.Scan(&s.ID, &s.SponsorID, &s.Name, &from, &to, &s.JKK, &s.JKM, &s.JHT, &s.Budget, &s.CreatedAt, &s.Members)
	s.From, s.To = calendar.Month(from), calendar.Month(to)
	return s, err
}

// Sponsorships lists sponsorships, optionally of one sponsor, latest end first.
func (db *DB) Sponsorships(ctx context.Context, sponsorID int64) ([]sponsor.Sponsorship, error) {
	q := `SELECT ` + sponsorshipColumns + ` FROM sponsorships s`
	var args []any
	if sponsorID != 0 {
		q += ` WHERE s.sponsor_id = $1`
		args = append(args, sponsorID)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY s.month_to DESC, s.id DESC`, args...)
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
JOIN participants p ON p.id = m.participant_id
WHERE s.month_to >= $1 AND s.month_to <= $2 AND p.review <> 'rejected'
AND NOT EXISTS (SELECT 1 FROM sponsorship_members m2 JOIN sponsorships s2 ON s2.id = m2.sponsorship_id
  WHERE m2.participant_id = p.id AND s2.month_from <= s.month_to + 1 AND s2.month_to > s.month_to)`
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
