package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// maxParams keeps a multi-row statement under both databases' limits on bound parameters
// (SQLite 32,766; PostgreSQL 65,535).
const maxParams = 30000

// chunkSize is how many of n rows the next statement takes: all it may (per) for a bulk load,
// else the largest power of two up to 256 that fits, so that the statements of small batches
// come in a few shapes that stay prepared (stmtcache.go).
func chunkSize(n, per int) int {
	if n >= per {
		return per
	}
	c := 256
	for c > n || c > per {
		c /= 2
	}
	return max(c, 1)
}

// insertRows inserts rows in as few statements as the parameter limit allows. suffix follows
// the VALUES list (ON CONFLICT …, RETURNING …); with RETURNING, each returned row is handed to
// scan.
//
// SQLite numbers "$N" parameters by looking each name up in a list, which is quadratic in a
// statement of thousands of them; plain "?" is positional and linear, so SQLite gets those.
func insertRows(ctx context.Context, q *Tx, table string, cols []string, rows [][]any, suffix string, scan func(*sql.Rows) error) error {
	for _, st := range insertStmts(q.Dialect, table, cols, rows, suffix) {
		if scan == nil {
			if _, err := q.ExecContext(ctx, st.query, st.args...); err != nil {
				return err
			}
			continue
		}
		rs, err := q.QueryContext(ctx, st.query, st.args...)
		if err != nil {
			return err
		}
		for rs.Next() {
			if err := scan(rs); err != nil {
				rs.Close()
				return err
			}
		}
		if err := rs.Close(); err != nil {
			return err
		}
		if err := rs.Err(); err != nil {
			return err
		}
	}
	return nil
}

// statement is a query with its arguments, to run later or with others (pipeline.go).
type statement struct {
	query string
	args  []any
	what  string // for errors
}

// insertStmts builds the multi-row INSERTs of insertRows.
func insertStmts(d Dialect, table string, cols []string, rows [][]any, suffix string) []statement {
	var out []statement
	per := max(1, maxParams/len(cols))
	for start := 0; start < len(rows); {
		chunk := rows[start:min(len(rows), start+chunkSize(len(rows)-start, per))]
		start += len(chunk)
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range cols {
				if j > 0 {
					b.WriteString(", ")
				}
				if d == SQLite {
					b.WriteByte('?')
				} else {
					b.WriteString("$" + strconv.Itoa(len(args)+j+1))
				}
			}
			b.WriteByte(')')
			args = append(args, r...)
		}
		if suffix != "" {
			b.WriteString(" " + suffix)
		}
		out = append(out, statement{b.String(), args, table})
	}
	return out
}
