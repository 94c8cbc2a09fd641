package store

import (
	"context"
	"time"

	"github.com/perisai/perisai/internal/calendar"
)

// Job runs (migration 25): the daily jobs run once a day across every server on the database.
// The first server to record the day's run does it; a run left unfinished for longer than
// stale (its server died) may be taken over, and a run that failed is dropped so that another
// check tries again.

// JobRun says what became of a claim on a day's run.
type JobRun int

const (
	RunMine      JobRun = iota // this server runs it now
	RunDone                    // it ran today already
	RunElsewhere               // another server is running it
)

// ClaimJobRun claims the run of job on day for this process's node.
func (db *DB) ClaimJobRun(ctx context.Context, job string, day calendar.Date, stale time.Duration) (JobRun, error) {
	var out JobRun
	err := db.Transact(ctx, func(tx *Tx) error {
		var started time.Time
		var finished *time.Time
		err := tx.QueryRowContext(ctx, `SELECT started_at, finished_at FROM job_runs WHERE job = $1 AND day = $2`+tx.ForUpdate(), job, day).Scan(&started, &finished)
		t := now()
		switch {
		case isNoRows(err):
			_, err := tx.ExecContext(ctx, `INSERT INTO job_runs (job, day, node, started_at) VALUES ($1, $2, $3, $4)`, job, day, db.Node(), t)
			if isUniqueViolation(err) {
				out = RunElsewhere
				return nil
			}
			out = RunMine
			return err
		case err != nil:
			return err
		case finished != nil:
			out = RunDone
			return nil
		case t.Sub(started) < stale:
			out = RunElsewhere
			return nil
		}
		// Left unfinished by a server that stopped: take it over, unless another just did.
		res, err := tx.ExecContext(ctx, `UPDATE job_runs SET node = $1, started_at = $2 WHERE job = $3 AND day = $4 AND started_at = $5 AND finished_at IS NULL`,
			db.Node(), t, job, day, started)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			out = RunMine
		} else {
			out = RunElsewhere
		}
		return nil
	})
	return out, err
}

// FinishJobRun records that the claimed run succeeded; failed=true drops the claim instead,
// so that the next check, on any server, tries again.
func (db *DB) FinishJobRun(ctx context.Context, job string, day calendar.Date, failed bool) error {
	return db.Transact(ctx, func(tx *Tx) error {
		if failed {
			_, err := tx.ExecContext(ctx, `DELETE FROM job_runs WHERE job = $1 AND day = $2 AND finished_at IS NULL`, job, day)
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE job_runs SET finished_at = $1 WHERE job = $2 AND day = $3`, now(), job, day)
		return err
	})
}

// JobRuns counts the recorded runs of job (a test checks that two servers ran a day once).
func (db *DB) JobRuns(ctx context.Context, job string) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM job_runs WHERE job = $1 AND finished_at IS NOT NULL`, job).Scan(&n)
	return n, err
}

// LastDashboardBuild returns when the build readers see now was started (zero: none yet).
func (db *DB) LastDashboardBuild(ctx context.Context) (time.Time, error) {
	var at time.Time
	err := db.read.QueryRowContext(ctx, `SELECT started_at FROM dashboard_builds WHERE state = 'ready' ORDER BY id DESC LIMIT 1`).Scan(&at)
	if isNoRows(err) {
		return time.Time{}, nil
	}
	return at, err
}
