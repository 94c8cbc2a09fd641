package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/perisai/perisai/internal/idgen"
)

// Node leases (migration 25). Keys carry the node number of the process that made them
// (idgen), so two servers on one database must never hold the same number. A process takes a
// free or expired number, renews it while it runs and gives it back when it stops. The lease
// records the last millisecond its keys used, so that whoever takes the number over starts
// after it, even if the holder died with its keys ahead of the clock.
//
// The servers' clocks are assumed to agree within a few seconds (NTP): a lease is taken over
// only when the taker's clock is past its end, and the holder stops making keys nodeMargin
// before that end by its own clock.

const (
	nodeTTL    = time.Minute
	nodeRenew  = 15 * time.Second
	nodeMargin = 5 * time.Second
	// nodeAhead is how far past its last recorded millisecond a holder that died may have got
	// (a burst of keys runs ahead of the clock at 128 a millisecond).
	nodeAhead = time.Minute
)

// NodeLease is this process's hold on a node number.
type NodeLease struct {
	Node   int
	Holder string // who holds it: host, process and a random part, unique to this claim
	Until  time.Time

	stop chan struct{}
	done chan struct{}
	lost chan struct{}
	once sync.Once
}

// Lost is closed when the lease could not be kept: another process took the node, or it could
// not be renewed before it ended. The process must stop writing.
func (l *NodeLease) Lost() <-chan struct{} { return l.lost }

// ClaimNode takes the lowest node number no live process holds, points the process's key
// generator at it and keeps it renewed until Close. It fails when every number is held.
func (db *DB) ClaimNode(ctx context.Context) (*NodeLease, error) {
	host, _ := os.Hostname()
	var rnd [4]byte
	rand.Read(rnd[:])
	l := &NodeLease{Holder: fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(rnd[:])),
		stop: make(chan struct{}), done: make(chan struct{}), lost: make(chan struct{})}
	var floor int64
	err := db.Transact(ctx, func(tx *Tx) error {
		t := now()
		type free struct {
			node   int
			holder string
			last   int64
		}
		var cands []free
		err := scanAll(tx.QueryContext(ctx, `SELECT node, holder, last_ms FROM nodes WHERE expires_at IS NULL OR expires_at < $1 ORDER BY node`, t))(func(scan func(...any) error) error {
			var f free
			err := scan(&f.node, &f.holder, &f.last)
			cands = append(cands, f)
			return err
		})
		if err != nil {
			return err
		}
		l.Until = t.Add(nodeTTL)
		for _, f := range cands {
			// Taken only if still free: another server may be claiming at the same moment.
			res, err := tx.ExecContext(ctx, `UPDATE nodes SET holder = $1, expires_at = $2 WHERE node = $3 AND (expires_at IS NULL OR expires_at < $4)`,
				l.Holder, l.Until, f.node, t)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				l.Node, floor = f.node, f.last
				if f.holder != "" { // not given back: its holder died, perhaps with keys ahead of its last record
					floor += nodeAhead.Milliseconds()
				}
				return nil
			}
		}
		return fmt.Errorf("all %d node numbers are held by running servers", idgen.Nodes)
	})
	if err != nil {
		return nil, fmt.Errorf("claim node: %w", err)
	}
	idgen.Use(l.Node, floor, l.Until.Add(-nodeMargin))
	db.lease = l
	go db.keepNode(l)
	return l, nil
}

// keepNode renews the lease until it is stopped or lost.
func (db *DB) keepNode(l *NodeLease) {
	defer close(l.done)
	tick := time.NewTicker(nodeRenew)
	defer tick.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-tick.C:
		}
		until := now().Add(nodeTTL)
		ctx, cancel := context.WithTimeout(context.Background(), nodeRenew)
		var n int64
		err := db.Transact(ctx, func(tx *Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE nodes SET expires_at = $1, last_ms = $2 WHERE node = $3 AND holder = $4`,
				until, idgen.Last(), l.Node, l.Holder)
			if err != nil {
				return err
			}
			n, _ = res.RowsAffected()
			return nil
		})
		cancel()
		switch {
		case err == nil && n == 1:
			l.Until = until
			idgen.Extend(until.Add(-nodeMargin))
		case err == nil || now().After(l.Until.Add(-nodeMargin)):
			// Taken by another server, or not renewed in time: this process may no longer make keys.
			l.once.Do(func() { close(l.lost) })
			return
		}
	}
}

// releaseNode gives the node back, with the last millisecond its keys used, so the next
// process to take it need not wait for the lease to end.
func (db *DB) releaseNode() {
	l := db.lease
	if l == nil {
		return
	}
	db.lease = nil
	close(l.stop)
	<-l.done
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	db.Transact(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE nodes SET holder = '', expires_at = NULL, last_ms = $1 WHERE node = $2 AND holder = $3`,
			idgen.Last(), l.Node, l.Holder)
		return err
	})
	idgen.Release()
}

// Node returns the node number this process holds on the database (0 without a lease).
func (db *DB) Node() int {
	if db.lease == nil {
		return 0
	}
	return db.lease.Node
}
