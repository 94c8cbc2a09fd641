package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/dashboard"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/region"
)

// Potential and targets (migration 24): figures people enter for a region, each with who
// entered it; a second entry for the same region and year replaces the first, and the audit
// log keeps both.

// MaxPotentialRows bounds one import of potential figures: every village of the nation.
const MaxPotentialRows = 100_000

// withinClause is the SQL matching a region and everything below it ("" matches all).
func withinClause(col, code string, n int) (string, []any) {
	if code == "" {
		return "1=1", nil
	}
	return fmt.Sprintf("(%s = $%d OR (%s >= $%d AND %s < $%d))", col, n, col, n+1, col, n+2), []any{code, code + ".", code + "/"}
}

// PotentialEntries lists the potential entered for a region and the regions below it.
func (db *DB) PotentialEntries(ctx context.Context, code string) ([]dashboard.PotentialEntry, error) {
	where, args := withinClause("region_code", code, 1)
	var out []dashboard.PotentialEntry
	err := scanAll(db.read.QueryContext(ctx, `SELECT region_code, year, workers, source FROM region_potential WHERE `+where+` ORDER BY region_code, year`, args...))(
		func(scan func(...any) error) error {
			var e dashboard.PotentialEntry
			err := scan(&e.Region, &e.Year, &e.Workers, &e.Source)
			out = append(out, e)
			return err
		})
	return out, err
}

// CheckPotential refuses an entry people could not have meant: an unknown region, a year
// outside 2000 to next year, a negative or absurd count (more than the nation's ~85 million
// informal workers), or no source.
func CheckPotential(e dashboard.PotentialEntry, today calendar.Date) error {
	if _, ok := region.MustDefault().Get(e.Region); !ok {
		return errs.Invalid("region_code", "no region %q", e.Region)
	}
	if e.Year < 2000 || e.Year > today.Year()+1 {
		return errs.Invalid("year", "a year from 2000 to %d", today.Year()+1)
	}
	if e.Workers < 0 || e.Workers > 200_000_000 {
		return errs.Invalid("workers", "a number of workers from 0 to 200,000,000")
	}
	e.Source = strings.TrimSpace(e.Source)
	if e.Source == "" || len(e.Source) > 200 {
		return errs.Invalid("source", "say where the figure comes from (at most 200 characters)")
	}
	return nil
}

// SetPotential records potential figures (one entered, or an import's rows) in one
// transaction: all of them or none.
func (db *DB) SetPotential(ctx context.Context, act audit.Actor, entries []dashboard.PotentialEntry, today calendar.Date) error {
	if len(entries) > MaxPotentialRows {
		return errs.Invalid("file", "at most %d rows", MaxPotentialRows)
	}
	for _, e := range entries {
		if err := CheckPotential(e, today); err != nil {
			return err
		}
	}
	t := now()
	defer db.forgetPotentials()
	return db.Transact(ctx, func(tx *Tx) error {
		for _, e := range entries {
			prov := provinceOf(e.Region)
			if _, err := tx.ExecContext(ctx, `DELETE FROM region_potential WHERE province_code = $1 AND region_code = $2 AND year = $3`, prov, e.Region, e.Year); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO region_potential (province_code, region_code, year, workers, source, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				prov, e.Region, e.Year, e.Workers, strings.TrimSpace(e.Source), act.Name, t); err != nil {
				return fmt.Errorf("potential: %w", err)
			}
		}
		detail := fmt.Sprintf("%d figure(s)", len(entries))
		if len(entries) == 1 {
			detail = fmt.Sprintf("%s %d: %d workers (%s)", entries[0].Region, entries[0].Year, entries[0].Workers, entries[0].Source)
		}
		return Audit(ctx, tx, act, "set", "region_potential", len(entries), "", detail)
	})
}

// SetTarget records a target for a region, a year and a flow figure.
func (db *DB) SetTarget(ctx context.Context, act audit.Actor, tg dashboard.Target, today calendar.Date) error {
	if _, ok := region.MustDefault().Get(tg.Region); !ok {
		return errs.Invalid("region_code", "no region %q", tg.Region)
	}
	f, ok := dashboard.FigureNamed(tg.Figure)
	if !ok || !dashboard.Targetable(f) {
		return errs.Invalid("figure", "a target is set for acquisitions, contributions collected, sponsored contributions, claims paid or incentives")
	}
	if tg.Year < today.Year()-1 || tg.Year > today.Year()+5 {
		return errs.Invalid("year", "a year from %d to %d", today.Year()-1, today.Year()+5)
	}
	if tg.Target <= 0 || tg.Target > 1e15 {
		return errs.Invalid("target", "a target above zero")
	}
	prov := provinceOf(tg.Region)
	return db.Transact(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM region_targets WHERE province_code = $1 AND region_code = $2 AND year = $3 AND figure = $4`, prov, tg.Region, tg.Year, tg.Figure); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO region_targets (province_code, region_code, year, figure, target, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			prov, tg.Region, tg.Year, tg.Figure, tg.Target, act.Name, now()); err != nil {
			return fmt.Errorf("target: %w", err)
		}
		return Audit(ctx, tx, act, "set", "region_target", tg.Year, tg.Region, fmt.Sprintf("%s %d: %d", tg.Figure, tg.Year, tg.Target))
	})
}

// TargetProgress is a target with its realisation month by month.
type TargetProgress struct {
	dashboard.Target
	Steps []dashboard.Step `json:"months"`
}

// Targets lists the targets of a region for a year, each laid against the region's months
// up to last.
func (db *DB) Targets(ctx context.Context, code string, year int, last calendar.Month) ([]TargetProgress, error) {
	var out []TargetProgress
	err := scanAll(db.read.QueryContext(ctx, `SELECT region_code, year, figure, target, set_by FROM region_targets
WHERE province_code = $1 AND region_code = $2 AND year = $3 ORDER BY figure`, provinceOf(code), code, year))(func(scan func(...any) error) error {
		var t TargetProgress
		err := scan(&t.Region, &t.Year, &t.Figure, &t.Target.Target, &t.SetBy)
		out = append(out, t)
		return err
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	b, err := db.currentBuild(ctx)
	if err != nil {
		return nil, err
	}
	p := dashboard.Period{From: calendar.MonthOf(year, 1), To: calendar.MonthOf(year, 12)}
	_, months, err := db.dashboardRegion(ctx, b.ID, code, p)
	if err != nil {
		return nil, err
	}
	for i := range out {
		f, _ := dashboard.FigureNamed(out[i].Figure)
		monthly := map[calendar.Month]int64{}
		for _, m := range months {
			monthly[m.Month] = m.Values[f]
		}
		out[i].Steps = dashboard.Realise(out[i].Target.Target, year, monthly, last)
	}
	return out, nil
}
