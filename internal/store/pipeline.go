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
	if len(stmts) == 0 {
		return nil
	}
	if tx.conn == nil {
		for _, st := range stmts {
			if _, err := tx.ExecContext(ctx, st.query, st.args...); err != nil {
				return fmt.Errorf("%s: %w", st.what, err)
			}
		}
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
		// The statements run inside the transaction open on this connection.
		br := c.Conn().SendBatch(ctx, b)
		for _, st := range stmts {
			if _, err := br.Exec(); err != nil {
				br.Close()
				return fmt.Errorf("%s: %w", st.what, err)
			}
		}
		return br.Close()
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
	return tx.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("pipeline: a %T is not a pgx connection", dc)
		}
		b := &pgx.Batch{}
		for _, r := range reads {
			b.Queue(r.query, r.args...)
		}
		br := c.Conn().SendBatch(ctx, b)
		for _, r := range reads {
			rows, err := br.Query()
			if err == nil {
				for rows.Next() {
					if err = r.row(rows.Scan); err != nil {
						break
					}
				}
				rows.Close()
				if err == nil {
					err = rows.Err()
				}
			}
			if err != nil {
				br.Close()
				return fmt.Errorf("%s: %w", r.what, err)
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
