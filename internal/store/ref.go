package store

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/perisai/perisai/internal/errs"
)

// Ref names one row of a table distributed by province: its id and the province it is kept
// in. A page's link and an API call carry the province with the id (?province=51), and the
// reads, locks and updates a Ref leads name it, so on Citus each is one node's work.
//
// Province is "" only for a national user's API call that left it out: the row is then found
// by its id alone, which is correct (the id leads the key) but on Citus a look on every node.
type Ref struct {
	ID       int64
	Province string
}

// RefIn is the Ref of row id kept in the province of code (a province, or any region in it).
func RefIn(code string, id int64) Ref {
	if len(code) > 2 {
		code = code[:2]
	}
	return Ref{ID: id, Province: code}
}

// match is the condition that picks r's row of the table aliased alias ("" for none), with
// its arguments numbered from $1: "p.id = $1 AND p.province_code = $2". r is located.
func (r Ref) match(alias string) (string, []any) {
	if alias != "" {
		alias += "."
	}
	return alias + "id = $1 AND " + alias + "province_code = $2", []any{r.ID, r.Province}
}

// inProvince returns " AND col = $n" and args with the province appended, or nothing when
// the province is "".
func inProvince(col, province string, args []any) (string, []any) {
	if province == "" {
		return "", args
	}
	out := append(args[:len(args):len(args)], province)
	return ` AND ` + col + ` = $` + strconv.Itoa(len(out)), out
}

// Statement tracing, for the test that every read by a Ref stays in its province: a context
// made by TraceSQL (export_test.go) records each statement run with it. tracing keeps the
// look-up off the paths of contexts that never trace.
type sqlTrace struct {
	mu    sync.Mutex
	stmts []traced
}

type traced struct {
	query string
	args  []any
}

type traceKey struct{}

var tracing atomic.Bool

func trace(ctx context.Context, query string, args []any) {
	if !tracing.Load() {
		return
	}
	if t, ok := ctx.Value(traceKey{}).(*sqlTrace); ok {
		t.mu.Lock()
		t.stmts = append(t.stmts, traced{query, args})
		t.mu.Unlock()
	}
}

// locate fills in r's province, when the caller could not name it, from the row of table with
// r's id: the one read by id alone, after which everything r leads names its province. what
// names the row for a not-found error.
func (db *DB) locate(ctx context.Context, table, what string, r Ref) (Ref, error) {
	if r.Province != "" {
		return r, nil
	}
	err := db.read.QueryRowContext(ctx, `SELECT province_code FROM `+table+` WHERE id = $1`, r.ID).Scan(&r.Province)
	if isNoRows(err) {
		return r, errs.NotFound(what)
	}
	return r, err
}
