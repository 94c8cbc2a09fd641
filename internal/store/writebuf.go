package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// writeBuffer holds the rows a group commit writes, to insert them table by table in
// multi-row statements when the batch ends instead of one statement each. Tables are flushed in
// the order they were first written to, which keeps foreign keys satisfied (an entry before its
// postings, a payment before its months).
type writeBuffer struct {
	order  []string
	tables map[string]*bufTable
	// statuses are the participants' new status and last paid month, applied in one UPDATE.
	statuses map[int64]statusUpdate
	// touched are the agents whose activity the batch records, with when (touchAgent).
	touched map[int64]touch
}

// touch is when an agent of a province was last active.
type touch struct {
	at       time.Time
	province string
}

type statusUpdate struct {
	province string
	status   string
	lastPaid any
}

type bufTable struct {
	cols []string
	rows [][]any
}

func newWriteBuffer() *writeBuffer {
	return &writeBuffer{tables: map[string]*bufTable{}, statuses: map[int64]statusUpdate{}, touched: map[int64]touch{}}
}

func (b *writeBuffer) add(table string, cols []string, rows ...[]any) {
	t, ok := b.tables[table]
	if !ok {
		t = &bufTable{cols: cols}
		b.tables[table] = t
		b.order = append(b.order, table)
	}
	t.rows = append(t.rows, rows...)
}

// rows returns what is buffered for a table, for reads that must see it.
func (b *writeBuffer) rows(table string) [][]any {
	if t, ok := b.tables[table]; ok {
		return t.rows
	}
	return nil
}

// mark and restore drop what one refused payment buffered.
type bufMark struct {
	rows     map[string]int
	statuses map[int64]statusUpdate
	touched  map[int64]touch
}

func (b *writeBuffer) mark() bufMark {
	m := bufMark{rows: make(map[string]int, len(b.tables)), statuses: maps.Clone(b.statuses), touched: maps.Clone(b.touched)}
	for name, t := range b.tables {
		m.rows[name] = len(t.rows)
	}
	return m
}

func (b *writeBuffer) restore(m bufMark) {
	for name, t := range b.tables {
		t.rows = t.rows[:m.rows[name]]
	}
	b.statuses, b.touched = m.statuses, m.touched
}

// statements returns the buffered writes as statements, table by table, then the statuses and
// the agents' activity, and empties the buffer.
func (b *writeBuffer) statements(d Dialect) []statement {
	var out []statement
	for _, name := range b.order {
		t := b.tables[name]
		out = append(out, insertStmts(d, name, t.cols, t.rows, "")...)
		t.rows = nil
	}
	if len(b.statuses) > 0 {
		out = append(out, b.statusStatement(d))
		b.statuses = map[int64]statusUpdate{}
	}
	for _, id := range slices.Sorted(maps.Keys(b.touched)) { // in id order: concurrent writers lock rows in one order
		tc := b.touched[id]
		out = append(out, statement{`UPDATE agents SET last_activity_at = $1 WHERE id = $2 AND province_code = $3`, []any{tc.at, id, tc.province}, "agent activity"})
	}
	b.touched = map[int64]touch{}
	return out
}

// statusStatement moves every participant the batch paid for in one statement.
func (b *writeBuffer) statusStatement(d Dialect) statement {
	var q strings.Builder
	q.WriteString("WITH v(id, province, status, last_paid) AS (VALUES ")
	args := make([]any, 0, 4*len(b.statuses))
	for _, id := range slices.Sorted(maps.Keys(b.statuses)) { // in id order, as the rows were locked
		u := b.statuses[id]
		if len(args) > 0 {
			q.WriteString(", ")
		}
		n := len(args)
		if d == Postgres { // VALUES gives PostgreSQL no column types to infer the parameters' from
			fmt.Fprintf(&q, "($%d::bigint, $%d::text, $%d::text, $%d::integer)", n+1, n+2, n+3, n+4)
		} else {
			fmt.Fprintf(&q, "($%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4)
		}
		args = append(args, id, u.province, u.status, u.lastPaid)
	}
	q.WriteString(`) UPDATE participant_status SET status = v.status, last_paid = v.last_paid FROM v
WHERE participant_status.participant_id = v.id AND participant_status.province_code = v.province`)
	return statement{q.String(), args, "statuses"}
}

// insert writes rows now, or buffers them when the transaction gathers its writes.
func (tx *Tx) insert(ctx context.Context, table string, cols []string, rows ...[]any) error {
	if tx.buf != nil {
		tx.buf.add(table, cols, rows...)
		return nil
	}
	return insertRows(ctx, tx, table, cols, rows, "", nil)
}
