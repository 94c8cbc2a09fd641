package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// execAll runs statements in order. On PostgreSQL they go in one pipeline (a pgx batch): one
// round trip instead of one each, which is most of what a group commit's writes cost there.
// SQLite, in the process, runs them one by one.
func (tx *Tx) execAll(ctx context.Context, stmts []statement) error {
	if tx.conn == nil {
		for _, st := range stmts {
			if _, err := tx.ExecContext(ctx, st.query, st.args...); err != nil {
				return fmt.Errorf("%s: %w", st.what, err)
			}
		}
		return nil
	}
	return tx.pipeline(ctx, stmts, func(br pgx.BatchResults, _ int) error {
		_, err := br.Exec()
		return err
	})
}

// read is a query and what to do with each of its rows.
type read struct {
	statement
	row func(scan func(dest ...any) error) error
}

// queryAll runs reads in order, on PostgreSQL in one pipeline.
func (tx *Tx) queryAll(ctx context.Context, reads []read) error {
	if tx.conn == nil {
		for _, r := range reads {
			if err := scanAll(tx.QueryContext(ctx, r.query, r.args...))(r.row); err != nil {
				return fmt.Errorf("%s: %w", r.what, err)
			}
		}
		return nil
	}
	stmts := make([]statement, len(reads))
	for i, r := range reads {
		stmts[i] = r.statement
	}
	return tx.pipeline(ctx, stmts, func(br pgx.BatchResults, i int) error {
		rows, err := br.Query()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := reads[i].row(rows.Scan); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// pipeline sends stmts as one pgx batch on the connection the transaction runs on (so they run
// inside it) and hands each result, in order, to each.
func (tx *Tx) pipeline(ctx context.Context, stmts []statement, each func(br pgx.BatchResults, i int) error) error {
	if len(stmts) == 0 {
		return nil
	}
	return tx.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("pipeline: a %T is not a pgx connection", dc)
		}
		b := &pgx.Batch{}
		for _, st := range stmts {
			b.Queue(st.query, st.args...)
		}
		br := c.Conn().SendBatch(ctx, b)
		for i, st := range stmts {
			if err := each(br, i); err != nil {
				br.Close()
				return fmt.Errorf("%s: %w", st.what, err)
			}
		}
		return br.Close()
	})
}

// scanAll hands each row of a database/sql result to row.
func scanAll(rows *sql.Rows, err error) func(row func(scan func(dest ...any) error) error) error {
	return func(row func(scan func(dest ...any) error) error) error {
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := row(rows.Scan); err != nil {
				return err
			}
		}
		return rows.Err()
	}
}

// scanner makes a scanAll row's scan function a row, for the scanX functions that take one.
type scanner func(dest ...any) error

func (s scanner) Scan(dest ...any) error { return s(dest...) }
