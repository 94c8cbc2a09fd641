package store

import (
	"context"
	"fmt"
	"time"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/rules"
)

// Import is a bulk registration from a file and how far it has got.
type Import struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Province   string     `json:"province"` // the user's, where the import is kept ('' for a national user)
	Filename   string     `json:"filename"`
	Status     string     `json:"status"` // running, done, failed, interrupted
	Total      int        `json:"total"`
	Processed  int        `json:"processed"`
	Imported   int        `json:"imported"`
	Already    int        `json:"already_registered"`
	Refused    int        `json:"refused"`
	Error      string     `json:"error,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// ImportRow is one line of an import's report.
type ImportRow struct {
	Row     int     `json:"row"`
	Outcome Outcome `json:"outcome"`
	KPJ     string  `json:"kpj,omitempty"`
	Message string  `json:"message,omitempty"`
}

// StartImport records a new import of total rows by its owner.
func (db *DB) StartImport(ctx context.Context, o Owner, act audit.Actor, filename, fileHash string, total int) (Import, error) {
	im := Import{ID: idgen.Next(), UserID: o.UserID, Province: o.Province, Filename: filename, Status: "running", Total: total, CreatedAt: now()}
	err := db.Transact(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO imports (province_code, id, user_id, filename, file_hash, status, total, created_at, node)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, im.Province, im.ID, im.UserID, filename, fileHash, im.Status, total, im.CreatedAt, db.Node()); err != nil {
			return fmt.Errorf("insert import: %w", err)
		}
		return Audit(ctx, tx, act, "start", "import", im.ID, "", fmt.Sprintf("%s, %d rows", filename, total))
	})
	return im, err
}

// ImportChunk registers one chunk of an import (kept in p's province, as StartImport keeps it) and, in the same transaction, writes the chunk's
// report rows and advances the counters: an interrupted import leaves whole chunks only.
// lines are the rows' numbers in the file; refused holds reasons found while reading.
func (db *DB) ImportChunk(ctx context.Context, p access.Principal, act audit.Actor, rs *rules.Set, importID int64, lines []int,
	regs []participant.Registration, refused []error, today calendar.Date) ([]RowResult, error) {
	return db.registerBatch(ctx, p, act, rs, regs, refused, lines, today, importID, func(tx *Tx, results []RowResult) error {
		rows := make([][]any, len(results))
		var imported, already, refusedN int
		for i, r := range results {
			msg := ""
			if r.Err != nil {
				msg = r.Err.Error()
			}
			kpj := r.Participant.KPJ
			switch r.Outcome {
			case Imported:
				imported++
			case AlreadyRegistered:
				already++
				if d, ok := r.Err.(*participant.DuplicateError); ok {
					kpj = d.KPJ
				}
			default:
				refusedN++
			}
			rows[i] = []any{p.Province, importID, lines[i], string(r.Outcome), kpj, msg}
		}
		if err := insertRows(ctx, tx, "import_rows", []string{"province_code", "import_id", "row_no", "outcome", "kpj", "message"}, rows, "", nil); err != nil {
			return fmt.Errorf("import report: %w", err)
		}
		_, err := tx.ExecContext(ctx, `UPDATE imports SET processed = processed + $1, imported = imported + $2, already = already + $3, refused = refused + $4
WHERE id = $5 AND province_code = $6`, len(results), imported, already, refusedN, importID, p.Province)
		return err
	})
}

// FinishImport closes an import, kept in province, as done or failed.
func (db *DB) FinishImport(ctx context.Context, act audit.Actor, province string, id int64, failure error) error {
	status, msg := "done", ""
	if failure != nil {
		status, msg = "failed", failure.Error()
	}
	return db.Transact(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE imports SET status = $1, error = $2, finished_at = $3 WHERE id = $4 AND province_code = $5`, status, msg, now(), id, province); err != nil {
			return err
		}
		return Audit(ctx, tx, act, status, "import", id, "", msg)
	})
}

// InterruptImports marks imports left running by a stopped server; their finished chunks stay.
// An import runs in the server that took its file: those of this process's node (its previous
// holder stopped) and of nodes nobody holds are left over; those of other live servers are not.
func (db *DB) InterruptImports(ctx context.Context) (int, error) {
	var n int64
	err := db.Transact(ctx, func(tx *Tx) error {
		t := now()
		res, err := tx.ExecContext(ctx, `UPDATE imports SET status = 'interrupted', finished_at = $1 WHERE status = 'running'
AND (node = $2 OR node IN (SELECT node FROM nodes WHERE expires_at IS NULL OR expires_at < $1))`, t, db.Node())
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}

// GetImport returns an import's progress. Its province is its user's, ” for a national
// user's: a link to an import of someone else's carries it; a national user's own is located.
func (db *DB) GetImport(ctx context.Context, ref Ref) (Import, error) {
	ref, err := db.locate(ctx, "imports", "import", ref)
	if err != nil {
		return Import{}, err
	}
	where, args := ref.match("")
	im, err := scanImport(db.read.QueryRowContext(ctx, `SELECT `+importColumns+` FROM imports WHERE `+where, args...))
	if isNoRows(err) {
		return im, errs.NotFound("import")
	}
	return im, err
}

const importColumns = `id, user_id, province_code, filename, status, total, processed, imported, already, refused, error, created_at, finished_at`

func scanImport(row interface{ Scan(...any) error }) (Import, error) {
	var im Import
	err := row.Scan(&im.ID, &im.UserID, &im.Province, &im.Filename, &im.Status, &im.Total, &im.Processed, &im.Imported, &im.Already,
		&im.Refused, &im.Error, &im.CreatedAt, &im.FinishedAt)
	return im, err
}

// ImportRows returns an import's report in row order.
func (db *DB) ImportRows(ctx context.Context, im Import) ([]ImportRow, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT row_no, outcome, kpj, message FROM import_rows WHERE import_id = $1 AND province_code = $2 ORDER BY row_no`,
		im.ID, im.Province)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ImportRow{}
	for rows.Next() {
		var r ImportRow
		if err := rows.Scan(&r.Row, &r.Outcome, &r.KPJ, &r.Message); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Imports lists a user's imports, newest first, in the user's province.
func (db *DB) Imports(ctx context.Context, o Owner) ([]Import, error) {
	out := []Import{}
	err := scanAll(db.read.QueryContext(ctx, `SELECT `+importColumns+` FROM imports WHERE user_id = $1 AND province_code = $2 ORDER BY id DESC LIMIT 50`,
		o.UserID, o.Province))(func(scan func(...any) error) error {
		im, err := scanImport(scanner(scan))
		out = append(out, im)
		return err
	})
	return out, err
}
