// Package jobs runs the daily work the rules call for: agreements past their end expire,
// agents idle for the whole window become inactive, and participants' statuses follow their
// paid months (active, in arrears, ended), and the agents' incentive statements of the month
// just ended are issued (with clawbacks of payments reversed since); then the region dashboards
// are counted again. Each job is idempotent for a day, so the
// server runs them at start and then once a day, and `perisai jobs run` may run them again
// (from cron, say) without harm.
package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/store"
)

var actor = audit.Actor{Name: "job"}

// Result says what one run did.
type Result struct {
	ExpiredAgreements int
	DeactivatedAgents int
	StatusesChanged   int
	// Statements counts incentive statements issued for the month before today's.
	Statements int
	// ExpiredKeys counts the idempotency keys past the rules' retention, deleted.
	ExpiredKeys int
	// DashboardRegions counts the regions of the dashboard build made after the rest, so that
	// the figures of the morning include the night's status moves and statements.
	DashboardRegions int
}

// RunDaily runs every daily job for the given day.
func RunDaily(ctx context.Context, db *store.DB, rs *rules.Set, today calendar.Date) (Result, error) {
	var r Result
	var err error
	if r.ExpiredAgreements, err = db.ExpireAgreements(ctx, actor, today); err != nil {
		return r, err
	}
	ids, err := db.DeactivateIdleAgents(ctx, actor, rs, today)
	r.DeactivatedAgents = len(ids)
	if err != nil {
		return r, err
	}
	if r.StatusesChanged, err = db.RefreshStatuses(ctx, rs, today); err != nil {
		return r, err
	}
	// Every day rather than only on the 1st: a missed day is caught up, and the run issues
	// only what is not yet on a statement (late reversals become clawbacks).
	last := today.MonthOf().Add(-1)
	if _, _, err := rs.IncentiveFor(last); err == nil { // else no scheme for that month: nothing to pay
		at := ctx
		if begins := today.MonthOf().Begins(); begins.After(time.Now()) {
			at = store.AsOf(ctx, begins) // a day ahead of the clock (catching up in tests): the run is dated then
		}
		if r.Statements, err = db.RunIncentives(at, actor, rs, last); err != nil {
			return r, err
		}
	}
	if rec, err := rs.RecordsAt(today); err == nil { // rules without a retention keep every key
		d := today.AddDays(-rec.IdempotencyKeyDays)
		before := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, calendar.Zone).UTC() // keys are stamped in UTC
		if r.ExpiredKeys, err = db.PurgeIdempotencyKeys(ctx, before); err != nil {
			return r, err
		}
	}
	if _, err := db.PurgeLoginStrikes(ctx); err != nil {
		return r, err
	}
	b, err := db.RebuildDashboard(ctx, today)
	r.DashboardRegions = b.Regions
	return r, err
}

// Schedule runs RunDaily now and then whenever the date (in calendar.Zone) changes, and
// rebuilds the dashboards at every other check, until ctx ends, with the rules in force at the
// time (rs is asked at each run: rules loaded meanwhile apply). Failures are logged and tried
// again at the next check.
//
// Several servers may schedule on one database: the day's run is claimed in the database
// (store.ClaimJobRun), so it happens once across them, and a server skips a dashboard rebuild
// when another made one within the last half period.
func Schedule(ctx context.Context, db *store.DB, rs func() *rules.Set, log *slog.Logger, every time.Duration) {
	var last calendar.Date
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		today := calendar.Today()
		if today == last {
			// Between days, the dashboards are counted again at each check (hourly in serve), so
			// their figures are never older than that.
			rebuildDashboard(ctx, db, log, today, every/2)
		}
		if today != last {
			if runDay(ctx, db, rs, log, today) {
				last = today
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// staleRun is how long a day's run may go unfinished before another server takes it over.
const staleRun = 2 * time.Hour

// runDay runs the day's jobs unless another server did or does; it reports whether the day's
// run is done.
func runDay(ctx context.Context, db *store.DB, rs func() *rules.Set, log *slog.Logger, today calendar.Date) bool {
	claim, err := db.ClaimJobRun(ctx, "daily", today, staleRun)
	switch {
	case err != nil:
		log.Error("daily jobs", "err", err)
		return false
	case claim == store.RunDone:
		return true
	case claim == store.RunElsewhere:
		log.Info("daily jobs running on another server", "day", today.String())
		return false
	}
	r, err := RunDaily(ctx, db, rs(), today)
	if ferr := db.FinishJobRun(context.WithoutCancel(ctx), "daily", today, err != nil); ferr != nil && err == nil {
		err = ferr
	}
	if err != nil {
		log.Error("daily jobs", "err", err)
		return false
	}
	log.Info("daily jobs", "day", today.String(), "expired_agreements", r.ExpiredAgreements, "deactivated_agents", r.DeactivatedAgents, "statuses_changed", r.StatusesChanged, "incentive_statements", r.Statements, "expired_keys", r.ExpiredKeys, "dashboard_regions", r.DashboardRegions)
	return true
}

// rebuildDashboard counts the dashboards again unless a build started within fresh.
func rebuildDashboard(ctx context.Context, db *store.DB, log *slog.Logger, today calendar.Date, fresh time.Duration) {
	if at, err := db.LastDashboardBuild(ctx); err == nil && time.Since(at) < fresh {
		return // another server counted them a moment ago
	}
	if b, err := db.RebuildDashboard(ctx, today); err != nil {
		log.Error("dashboard rebuild", "err", err)
	} else {
		log.Info("dashboard rebuild", "regions", b.Regions, "took", b.FinishedAt.Sub(b.StartedAt).String())
	}
}
