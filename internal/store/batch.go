package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/rules"
)

// PayItem is one payment request for the group-commit writer, with its idempotency key.
type PayItem struct {
	P     access.Principal
	Act   audit.Actor
	Req   PayRequest
	Today calendar.Date
	Key   string // Idempotency-Key; the user is P.UserID
	Hash  string // of the request
	// Render turns the outcome into the HTTP answer that is stored under the key, so that a
	// replay gets the same answer.
	Render func(Payment, error) (status int, contentType string, body []byte)
}

// PayResult is what the writer answers.
type PayResult struct {
	Status      int
	ContentType string
	Body        []byte
	Replayed    bool
	Err         error // a failure of the server's, not of the request: nothing was stored
}

type pending struct {
	item PayItem
	done chan PayResult
}

// Payer takes payments through a group commit: concurrent requests queue, and one writer runs
// a batch of them in a single transaction, each inside its own savepoint (a refused payment
// rolls back alone), then commits once. An acknowledged payment is on disk, yet many agents
// share one fsync instead of paying one each.
type Payer struct {
	db      *DB
	rules   atomic.Pointer[rules.Set]
	queue   chan pending
	maxSize int
	stats   payerStats
	// provinces remembers the participants' provinces, to split batches by (batch_province.go).
	provinces provinceCache
}

// PayerStats is where the writers' time went, for the benchmark and for tuning.
type PayerStats struct {
	Batches, Payments                    int64
	Begin, Prefetch, Work, Flush, Commit time.Duration
	// Careful counts the batches the database refused on the fast way and that ran again the
	// careful way (commit): a few mean rare conflicts; many, something wrong with the fast way.
	Careful int64
}

type payerStats struct {
	mu sync.Mutex
	s  PayerStats
}

// Stats returns the totals since the writer started.
func (py *Payer) Stats() PayerStats {
	py.stats.mu.Lock()
	defer py.stats.mu.Unlock()
	return py.stats.s
}

// NewPayer starts writers writers (1 on SQLite: it has one writer anyway; 0 means 2 on
// PostgreSQL, which measured best on 2 cores) taking batches of at most maxBatch payments,
// until ctx ends.
func (db *DB) NewPayer(ctx context.Context, rs *rules.Set, writers, maxBatch int) *Payer {
	switch {
	case db.Dialect == SQLite:
		writers = 1
	case writers <= 0:
		writers = 2
	}
	py := &Payer{db: db, queue: make(chan pending, 4096), maxSize: maxBatch}
	py.rules.Store(rs)
	for range max(1, writers) {
		go py.run(ctx)
	}
	return py
}

// SetRules puts a newly loaded rules file in force for the batches that follow.
func (py *Payer) SetRules(rs *rules.Set) { py.rules.Store(rs) }

// Pay queues the item and waits for its batch to commit.
func (py *Payer) Pay(ctx context.Context, it PayItem) PayResult {
	p := pending{item: it, done: make(chan PayResult, 1)}
	select {
	case py.queue <- p:
	case <-ctx.Done():
		return PayResult{Err: ctx.Err()}
	}
	select {
	case r := <-p.done:
		return r
	case <-ctx.Done():
		// The batch may still commit; the idempotency key makes a retry safe.
		return PayResult{Err: ctx.Err()}
	}
}

func (py *Payer) run(ctx context.Context) {
	for {
		var batch []pending
		select {
		case <-ctx.Done():
			return
		case p := <-py.queue:
			batch = append(batch, p)
		}
		// Take whatever else is already waiting, without waiting for more: under light load a
		// payment commits at once; under heavy load batches grow by themselves.
	fill:
		for len(batch) < py.maxSize {
			select {
			case p := <-py.queue:
				batch = append(batch, p)
			default:
				break fill
			}
		}
		parts, err := py.byProvince(ctx, batch)
		if err != nil { // the batch still commits, only not split: nothing is filtered by province
			parts = []provinceBatch{{items: batch}}
		}
		for _, part := range parts {
			py.commit(ctx, part.province, part.items)
		}
	}
}

// commit runs a batch. The fast way gathers every insert of the batch and writes them table by
// table at the end, without savepoints: a refused payment writes nothing before it is refused,
// and what it buffered is dropped. If anything fails on the database's side, the batch is run
// again the careful way, each payment in a savepoint of its own. If that commit fails too,
// every item is answered with the failure and nothing is stored, so the clients' retries with
// the same keys are safe.
func (py *Payer) commit(ctx context.Context, province string, batch []pending) {
	results, err := py.runBatch(ctx, province, batch, true)
	if err != nil {
		py.stats.mu.Lock()
		py.stats.s.Careful++
		py.stats.mu.Unlock()
		results, err = py.runBatch(ctx, province, batch, false)
	}
	for i, p := range batch {
		if err != nil {
			results[i] = PayResult{Err: fmt.Errorf("group commit: %w", err)}
		}
		p.done <- results[i]
	}
}

func (py *Payer) runBatch(ctx context.Context, province string, batch []pending, fast bool) ([]PayResult, error) {
	results := make([]PayResult, len(batch))
	var st PayerStats
	var t0, done time.Time
	begin := time.Now()
	err := py.db.Transact(context.WithoutCancel(ctx), func(tx *Tx) error {
		t0, st = time.Now(), PayerStats{Batches: 1, Payments: int64(len(batch))}
		st.Begin = t0.Sub(begin)
		tx.deltas = map[balanceKey]int64{}
		if fast {
			tx.buf = newWriteBuffer()
			items := make([]PayItem, len(batch))
			for i, p := range batch {
				items[i] = p.item
			}
			pre, err := loadPrefetch(ctx, tx, province, items)
			if err != nil {
				return err
			}
			tx.pre = pre
			st.Prefetch = time.Since(t0)
		}
		t1 := time.Now()
		for i, p := range batch {
			if !fast {
				results[i] = py.one(ctx, tx, i, p.item)
				continue
			}
			mark, before := tx.buf.mark(), maps.Clone(tx.deltas)
			res, keep := py.try(ctx, tx, p.item)
			if !keep {
				tx.buf.restore(mark)
				tx.deltas = before
				if res.Err != storeAnswerLater {
					return res.Err // a database failure: run the batch the careful way
				}
				res.Err = nil
				storeAnswer(tx, p.item, res)
			}
			results[i] = res
		}
		t2 := time.Now()
		st.Work = t2.Sub(t1)
		var writes []statement
		if fast {
			writes = tx.buf.statements(tx.Dialect)
			tx.buf, tx.pre = nil, nil
		}
		err := tx.execAll(ctx, append(writes, tx.balanceStatements()...))
		done = time.Now()
		st.Flush = done.Sub(t2)
		return err
	})
	if err == nil {
		st.Commit = time.Since(done)
		py.stats.mu.Lock()
		s := &py.stats.s
		s.Batches, s.Payments = s.Batches+st.Batches, s.Payments+st.Payments
		s.Begin, s.Prefetch, s.Work, s.Flush, s.Commit = s.Begin+st.Begin, s.Prefetch+st.Prefetch, s.Work+st.Work, s.Flush+st.Flush, s.Commit+st.Commit
		py.stats.mu.Unlock()
	}
	return results, err
}

// storeAnswer keeps a refusal's answer under its key (buffered with the batch's writes).
func storeAnswer(tx *Tx, it PayItem, res PayResult) {
	tx.buf.add("idempotency_keys", idemCols, []any{it.P.UserID, it.Key, it.Hash, res.Status, res.ContentType, string(res.Body), now(), it.P.Province})
}

// idemCols are the columns of a stored answer: the key is kept in the user's province
// (store.Owner).
var idemCols = []string{"user_id", "idem_key", "request_hash", "status", "content_type", "response", "created_at", "province_code"}

// one runs one payment inside the batch's transaction, in a savepoint of its own.
func (py *Payer) one(ctx context.Context, tx *Tx, i int, it PayItem) PayResult {
	sp := "p" + strconv.Itoa(i)
	if _, err := tx.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
		return PayResult{Err: err}
	}
	before := maps.Clone(tx.deltas) // a rolled-back payment's balance changes go with it
	res, keep := py.try(ctx, tx, it)
	if !keep {
		tx.deltas = before
	}
	if keep {
		if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT "+sp); err != nil {
			return PayResult{Err: err}
		}
		return res
	}
	if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+sp); err != nil {
		return PayResult{Err: err}
	}
	if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT "+sp); err != nil {
		return PayResult{Err: err}
	}
	if res.Err == storeAnswerLater { // a refusal: its answer is kept for replays
		res.Err = nil
		if _, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, idem_key, request_hash, status, content_type, response, created_at, province_code)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, it.P.UserID, it.Key, it.Hash, res.Status, res.ContentType, string(res.Body), now(), it.P.Province); err != nil {
			return PayResult{Err: err}
		}
	}
	return res
}

// try answers a replay from the key, or takes the payment and stores its answer under the key.
// keep is false when the savepoint must be rolled back.
func (py *Payer) try(ctx context.Context, tx *Tx, it PayItem) (PayResult, bool) {
	var hash, ctype, body string
	var status int
	var err error
	if tx.pre != nil {
		r, ok := tx.pre.idem[idemID{it.P.UserID, it.Key}]
		hash, status, ctype, body = r.hash, r.status, r.ctype, r.body
		if !ok {
			err = sql.ErrNoRows
		}
	} else {
		err = tx.QueryRowContext(ctx, `SELECT request_hash, status, content_type, response FROM idempotency_keys
WHERE user_id = $1 AND idem_key = $2 AND province_code = $3`, it.P.UserID, it.Key, it.P.Province).Scan(&hash, &status, &ctype, &body)
	}
	if isNoRows(err) && tx.buf != nil { // the same key earlier in this batch
		for _, r := range tx.buf.rows("idempotency_keys") {
			if r[0].(int64) == it.P.UserID && r[1].(string) == it.Key {
				hash, status, ctype, body, err = r[2].(string), r[3].(int), r[4].(string), r[5].(string), nil
			}
		}
	}
	switch {
	case err == nil && hash != it.Hash:
		s, ct, b := it.Render(Payment{}, errs.Conflict("Idempotency-Key was already used for a different request"))
		return PayResult{Status: s, ContentType: ct, Body: b}, true
	case err == nil && status == 0:
		s, ct, b := it.Render(Payment{}, ErrKeyInUse)
		return PayResult{Status: s, ContentType: ct, Body: b}, true
	case err == nil && status == carriedOut:
		s, ct, b := it.Render(Payment{}, ErrKeyDone)
		return PayResult{Status: s, ContentType: ct, Body: b}, true
	case err == nil:
		return PayResult{Status: status, ContentType: ctype, Body: []byte(body), Replayed: true}, true
	case !isNoRows(err):
		return PayResult{Err: err}, false
	}
	rs := py.rules.Load()
	pr, err := rs.PaymentAt(it.Today)
	var pay Payment
	if err == nil {
		if err = checkPayRequest(&it.Req); err == nil {
			pay, err = py.db.payTx(ctx, tx, it.P, it.Act, rs, pr, it.Req, it.Today)
		}
	}
	if err != nil && !isDomain(err) {
		return PayResult{Err: err}, false
	}
	s, ct, b := it.Render(pay, err)
	if err != nil {
		// A refused payment wrote nothing; roll its work back, then store the refusal.
		return PayResult{Status: s, ContentType: ct, Body: b, Err: storeAnswerLater}, false
	}
	if err := tx.insert(ctx, "idempotency_keys", idemCols, []any{it.P.UserID, it.Key, it.Hash, s, ct, string(b), now(), it.P.Province}); err != nil {
		return PayResult{Err: err}, false
	}
	return PayResult{Status: s, ContentType: ct, Body: b}, true
}

// storeAnswerLater marks a refusal whose answer is stored after its savepoint is rolled back.
var storeAnswerLater = errors.New("refused")

// isDomain tells a refusal of the request (invalid, forbidden, conflict …) from a failure.
func isDomain(err error) bool {
	for _, k := range []error{errs.ErrInvalid, errs.ErrNotFound, errs.ErrConflict, errs.ErrForbidden, errs.ErrUnauthorized, errs.ErrRateLimited} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}
