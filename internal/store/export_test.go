package store

import (
	"context"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/rules"
)

// InsertRows lets the benchmarks of package store_test load rows in bulk, as the store does.
var InsertRows = insertRows

// RefreshStatusesIn is RefreshStatuses taking chunk participants per transaction (0: the
// default), so that a test can cut a few participants into several ranges.
func (db *DB) RefreshStatusesIn(ctx context.Context, rs *rules.Set, today calendar.Date, chunk int) (int, error) {
	return db.refreshStatuses(ctx, rs, today, chunk)
}

// MigrateTo moves the schema up or down to version v.
func (db *DB) MigrateTo(ctx context.Context, v int64) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	cur, err := p.GetDBVersion(ctx)
	if err != nil {
		return err
	}
	if v < cur {
		_, err = p.DownTo(ctx, v)
	} else {
		_, err = p.UpTo(ctx, v)
	}
	return err
}

// PayHeld takes a payment as Pay does, but tells held once it is taken and commits only when
// release is closed: a test runs other payments while this one holds what it locked.
func (db *DB) PayHeld(ctx context.Context, p access.Principal, act audit.Actor, rs *rules.Set, req PayRequest, today calendar.Date,
	held chan<- struct{}, release <-chan struct{}) (Payment, error) {
	if err := checkPayRequest(&req); err != nil {
		return Payment{}, err
	}
	pr, err := rs.PaymentAt(today)
	if err != nil {
		return Payment{}, err
	}
	var out Payment
	err = db.Transact(ctx, func(tx *Tx) error {
		if out, err = db.payTx(ctx, tx, p, act, rs, pr, req, today); err != nil {
			return err
		}
		held <- struct{}{}
		<-release
		return nil
	})
	return out, err
}
