package store

import (
	"context"
	"fmt"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
)

// Ranked is an agent or a Bumdes in a ranking by acquisitions or collections.
type Ranked struct {
	Rank      int    `json:"rank"`
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Village   string `json:"village_code"`
	Acquired  int64  `json:"acquired"`
	Collected int64  `json:"collected"`
}

// RankQuery asks for a ranking: of agents or wadah ("agent", "wadah"), within a region and
// optionally a branch, for a year, by "acquired" or "collected".
type RankQuery struct {
	Kind     string
	Region   string
	BranchID int64
	Year     int
	By       string
	Limit    int
	Offset   int
}

// Rankings ranks agents or Bumdes from the current build, and how many there are in all. A
// ranking of agents names persons: the read is recorded under act.
func (db *DB) Rankings(ctx context.Context, act audit.Actor, q RankQuery) ([]Ranked, int, error) {
	if q.Kind != "agent" && q.Kind != "wadah" {
		return nil, 0, errs.Invalid("kind", "agent or wadah")
	}
	if q.By != "acquired" && q.By != "collected" {
		return nil, 0, errs.Invalid("by", "acquired or collected")
	}
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 20
	}
	b, err := db.currentBuild(ctx)
	if err != nil || b.ID == 0 {
		return nil, 0, err
	}
	within, args := withinClause("u.village_code", q.Region, 4)
	args = append([]any{b.ID, q.Kind, int(calendar.MonthOf(q.Year, 1))}, args...)
	where := `u.build_id = $1 AND u.kind = $2 AND u.month = $3 AND ` + within
	if q.BranchID != 0 {
		args = append(args, q.BranchID)
		where += fmt.Sprintf(" AND u.branch_id = $%d", len(args))
	}
	var total int
	if err := db.reports().QueryRowContext(ctx, `SELECT COUNT(*) FROM dashboard_units u WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("ranking: %w", err)
	}
	name := `(SELECT w.name FROM wadah w WHERE w.id = u.unit_id)`
	if q.Kind == "agent" {
		name = `(SELECT x.name FROM agents a JOIN participants x ON x.id = a.participant_id WHERE a.id = u.unit_id)`
	}
	order := "u.acquired DESC, u.collected DESC"
	if q.By == "collected" {
		order = "u.collected DESC, u.acquired DESC"
	}
	var out []Ranked
	var people []int64
	err = scanAll(db.reports().QueryContext(ctx, fmt.Sprintf(`SELECT u.unit_id, COALESCE(%s, ''), u.village_code, u.acquired, u.collected,
COALESCE((SELECT a.participant_id FROM agents a WHERE a.id = u.unit_id AND u.kind = 'agent'), 0)
FROM dashboard_units u WHERE %s ORDER BY %s, u.unit_id LIMIT %d OFFSET %d`, name, where, order, q.Limit, max(0, q.Offset)), args...))(func(scan func(...any) error) error {
		r := Ranked{Rank: q.Offset + len(out) + 1}
		var person int64
		if err := scan(&r.ID, &r.Name, &r.Village, &r.Acquired, &r.Collected, &person); err != nil {
			return err
		}
		out = append(out, r)
		if person != 0 {
			people = append(people, person)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("ranking: %w", err)
	}
	return out, total, db.RecordRead(ctx, act, "read", "agent_ranking", q.Year, q.Region, fmt.Sprintf("%d agents by %s", len(people), q.By), people)
}
