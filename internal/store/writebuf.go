package store

import (
	"context"
	"fmt"
)

// writeBuffer holds the rows a group commit writes, to insert them table by table in
// multi-row statements when the batch ends instead of one statement each. Tables are flushed in
// the order they were first written to, which keeps foreign keys satisfied (an entry before its
// postings, a payment before its months).
type writeBuffer struct {
	order  []string
	tables map[string]*bufTable
}

type bufTable struct {
	cols []string
	rows [][]any
}

func newWriteBuffer() *writeBuffer { return &writeBuffer{tables: map[string]*bufTable{}} }

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
func (b *writeBuffer) mark() map[string]int {
	m := make(map[string]int, len(b.tables))
	for name, t := range b.tables {
		m[name] = len(t.rows)
	}
	return m
}

func (b *writeBuffer) restore(m map[string]int) {
	for name, t := range b.tables {
		t.rows = t.rows[:m[name]]
	}
}

func (b *writeBuffer) flush(ctx context.Context, tx *Tx) error {
	for _, name := range b.order {
		t := b.tables[name]
		if len(t.rows) == 0 {
			continue
		}
		if err := insertRows(ctx, tx, name, t.cols, t.rows, "", nil); err != nil {
			return fmt.Errorf("flush %s: %w", name, err)
		}
		t.rows = nil
	}
	return nil
}

// insert writes rows now, or buffers them when the transaction gathers its writes.
func (tx *Tx) insert(ctx context.Context, table string, cols []string, rows ...[]any) error {
	if tx.buf != nil {
		tx.buf.add(table, cols, rows...)
		return nil
	}
	return insertRows(ctx, tx, table, cols, rows, "", nil)
}
