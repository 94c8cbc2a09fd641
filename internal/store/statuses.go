package store

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/contribution"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/rules"
)

// RefreshStatuses moves every participant's status to what their paid months say on a day (the
// scheduled job): active, in arrears, ended as months pass. The status depends on the last paid
// month alone and is monotonic in it, so the rule (contribution.Assess) gives two thresholds
// and a set-based UPDATE of participant_status (narrow, apart from the wide participants rows)
// applies them. Held statuses (a rejected registration) are left alone.
//
// The table is taken in ranges of ids (statusChunk rows), each range in a transaction of its
// own: payments are taken between two ranges instead of waiting a minute for one transaction
// over millions of rows, SQLite's WAL stays small, and on PostgreSQL two ranges run at once.
// Each row's new status depends on nothing but the row and the day, so a run cut short
// leaves no row wrong for long: the next run (or running it again) finishes the rest.
func (db *DB) RefreshStatuses(ctx context.Context, rs *rules.Set, today calendar.Date) (int, error) {
	return db.refreshStatuses(ctx, rs, today, statusChunk)
}

func (db *DB) refreshStatuses(ctx context.Context, rs *rules.Set, today calendar.Date, chunk int) (int, error) {
	if chunk <= 0 {
		chunk = statusChunk
	}
	pr, err := rs.PaymentAt(today)
	if err != nil {
		return 0, err
	}
	current := today.MonthOf()
	activeFrom, arrearsFrom := current.Add(pr.MaxMonthsAhead+1), current.Add(pr.MaxMonthsAhead+1)
	for l := current.Add(pr.MaxMonthsAhead); l >= current.Add(-pr.ArrearsWindowMonths-2); l-- {
		switch contribution.Assess([]calendar.Month{l}, today, pr).Status {
		case participant.Active:
			activeFrom, arrearsFrom = l, l
		case participant.Arrears:
			arrearsFrom = l
		}
	}
	workers := 1 // SQLite has one writer
	if db.Dialect == Postgres {
		workers = 2
	}
	ranges := make(chan [2]int64)
	var moved atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(ranges)
		return db.idRanges(gctx, "participant_status", "participant_id", chunk, func(lo, hi int64) error {
			select {
			case ranges <- [2]int64{lo, hi}:
				return nil
			case <-gctx.Done():
				return gctx.Err()
			}
		})
	})
	for range workers {
		g.Go(func() error {
			for r := range ranges {
				var n int64 // set by the attempt that commits: Transact may run fn again
				err := db.Transact(gctx, func(tx *Tx) error {
					res, err := tx.ExecContext(gctx, `UPDATE participant_status SET status = CASE WHEN last_paid >= $1 THEN 'active' WHEN last_paid >= $2 THEN 'arrears' ELSE 'ended' END
WHERE participant_id >= $3 AND participant_id <= $4 AND last_paid IS NOT NULL AND NOT held AND status IN ('active', 'arrears', 'ended', 'waiting_first_payment')
AND status <> CASE WHEN last_paid >= $1 THEN 'active' WHEN last_paid >= $2 THEN 'arrears' ELSE 'ended' END`, int(activeFrom), int(arrearsFrom), r[0], r[1])
					if err != nil {
						return err
					}
					n, err = res.RowsAffected()
					return err
				})
				if err != nil {
					return fmt.Errorf("move statuses of ids %d–%d: %w", r[0], r[1], err)
				}
				moved.Add(n)
			}
			return nil
		})
	}
	err = g.Wait()
	return int(moved.Load()), err
}

// statusChunk is how many participants one transaction of RefreshStatuses takes: on this
// machine about 15 ms of SQLite's writer when every one of them moves.
const statusChunk = 20_000

// idRanges hands each range of about n values of table's integer key, in order, to each: [lo,
// hi] inclusive, together covering every value there is when it starts. Ranges are found on
// the primary key, one walk of n entries each.
func (db *DB) idRanges(ctx context.Context, table, key string, n int, each func(lo, hi int64) error) error {
	lo := int64(math.MinInt64)
	for {
		var hi int64
		err := db.read.QueryRowContext(ctx, `SELECT `+key+` FROM `+table+` WHERE `+key+` >= $1 ORDER BY `+key+` LIMIT 1 OFFSET $2`, lo, n-1).Scan(&hi)
		if isNoRows(err) {
			return each(lo, math.MaxInt64)
		}
		if err != nil {
			return fmt.Errorf("%s ids from %d: %w", table, lo, err)
		}
		if err := each(lo, hi); err != nil {
			return err
		}
		if hi == math.MaxInt64 {
			return nil
		}
		lo = hi + 1
	}
}
