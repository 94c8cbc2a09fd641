package store

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

// goMigrations are the steps whose SQL differs between the dialects. Each keeps its version
// number in the same sequence as the .sql files.
func goMigrations(d Dialect) []*goose.Migration {
	return []*goose.Migration{
		goose.NewGoMigration(2,
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				return execAll(ctx, tx, appendOnly(d, "audit_log"))
			}},
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				return execAll(ctx, tx, dropAppendOnly(d, "audit_log"))
			}}),
		// The ledger: entries and postings are never updated or deleted.
		goose.NewGoMigration(5,
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				return execAll(ctx, tx, append(appendOnly(d, "journal_entries"), appendOnly(d, "postings")...))
			}},
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				return execAll(ctx, tx, append(dropAppendOnly(d, "journal_entries"), dropAppendOnly(d, "postings")...))
			}}),
		// PostgreSQL: room in each page of participants for a row's new version, so that the
		// daily status move and a payment's status change are HOT updates (no index touched:
		// status and last_paid are in none). Without it, moving every status took ~2.7 s per
		// 200,000 participants, each update writing eight index entries; SQLite has no such knob.
		goose.NewGoMigration(12,
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				return execAll(ctx, tx, onPostgres(d, `ALTER TABLE participants SET (fillfactor = 80)`))
			}},
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				return execAll(ctx, tx, onPostgres(d, `ALTER TABLE participants RESET (fillfactor)`))
			}}),
	}
}

// onPostgres is stmts on PostgreSQL and nothing on SQLite.
func onPostgres(d Dialect, stmts ...string) []string {
	if d == Postgres {
		return stmts
	}
	return nil
}

// appendOnly makes the database itself refuse UPDATE and DELETE on a table, so that history
// tables (the audit log, later the ledger) stay whole even against a careless operator.
func appendOnly(d Dialect, table string) []string {
	if d == Postgres {
		return []string{
			`CREATE OR REPLACE FUNCTION perisai_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`,
			`CREATE TRIGGER ` + table + `_append_only BEFORE UPDATE OR DELETE ON ` + table +
				` FOR EACH ROW EXECUTE FUNCTION perisai_append_only()`,
		}
	}
	return []string{
		`CREATE TRIGGER ` + table + `_no_update BEFORE UPDATE ON ` + table +
			` BEGIN SELECT RAISE(ABORT, '` + table + ` is append-only'); END`,
		`CREATE TRIGGER ` + table + `_no_delete BEFORE DELETE ON ` + table +
			` BEGIN SELECT RAISE(ABORT, '` + table + ` is append-only'); END`,
	}
}

func dropAppendOnly(d Dialect, table string) []string {
	if d == Postgres {
		return []string{`DROP TRIGGER IF EXISTS ` + table + `_append_only ON ` + table}
	}
	return []string{`DROP TRIGGER IF EXISTS ` + table + `_no_update`, `DROP TRIGGER IF EXISTS ` + table + `_no_delete`}
}

func execAll(ctx context.Context, tx *sql.Tx, stmts []string) error {
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	return nil
}
