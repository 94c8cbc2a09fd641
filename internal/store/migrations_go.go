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
		// Each participant's status and last paid month, apart from the wide participants row.
		// The daily status move rewrites every page holding a row it moves, and moved rows are
		// spread over the whole table: at 10 million participants that was 3.5 GB of
		// participants pages (59.5 s on SQLite when every status moves); this table is a few
		// bytes a row. Payments write here too, and no longer touch the participants row they
		// lock. held: the daily move leaves this status alone (a rejected registration stays
		// ended). On SQLite the key is the rowid itself (INTEGER PRIMARY KEY): one b-tree, not
		// two. On PostgreSQL each page keeps room for its rows' new versions (fillfactor), so
		// that a status change is a HOT update that touches no index; without it, moving every
		// status of the wide table took ~2.7 s per 200,000 participants.
		goose.NewGoMigration(12,
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				key, with := "BIGINT PRIMARY KEY", " WITH (fillfactor = 80)"
				if d == SQLite {
					key, with = "INTEGER PRIMARY KEY", ""
				}
				return execAll(ctx, tx, []string{
					`CREATE TABLE participant_status (
    participant_id ` + key + ` REFERENCES participants (id),
    status         TEXT NOT NULL,
    last_paid      INTEGER,
    held           BOOLEAN NOT NULL DEFAULT FALSE
)` + with,
					`INSERT INTO participant_status (participant_id, status, last_paid, held)
SELECT id, status, last_paid, review = 'rejected' FROM participants`,
					`ALTER TABLE participants DROP COLUMN status`,
					`ALTER TABLE participants DROP COLUMN last_paid`,
				})
			}},
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				return execAll(ctx, tx, []string{
					`ALTER TABLE participants ADD COLUMN status TEXT NOT NULL DEFAULT 'waiting_first_payment'`,
					`ALTER TABLE participants ADD COLUMN last_paid INTEGER`,
					`UPDATE participants SET
    status = (SELECT s.status FROM participant_status s WHERE s.participant_id = participants.id),
    last_paid = (SELECT s.last_paid FROM participant_status s WHERE s.participant_id = participants.id)`,
					`DROP TABLE participant_status`,
				})
			}}),
		// On PostgreSQL the tables a payment writes (journal entries, postings, payments, paid
		// months) keep no foreign keys. Each key checked on insert locks the row it points to
		// (SELECT … FOR KEY SHARE), and a lock is a write: a WAL record on the participant's,
		// the payment's, the entry's page, and on the rows every payment shares (the branch,
		// the wadah, the agent, the program funds), where the two group-commit writers' locks
		// meet in multixacts. Without them the payment writers did 20–35 % more (see README,
		// Benchmarks). The rows they point to are never deleted, the writer takes every id from
		// rows it read in the same transaction, and `ledger verify` checks each reference. A
		// distributed PostgreSQL (Citus) would drop most of them anyway. SQLite keeps them: its
		// checks are reads.
		goose.NewGoMigration(14,
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				if d != Postgres {
					return nil
				}
				var stmts []string
				for _, k := range moneyForeignKeys {
					stmts = append(stmts, `ALTER TABLE `+k.table+` DROP CONSTRAINT IF EXISTS `+k.table+`_`+k.column+`_fkey`)
				}
				return execAll(ctx, tx, stmts)
			}},
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				if d != Postgres {
					return nil
				}
				var stmts []string
				for _, k := range moneyForeignKeys {
					stmts = append(stmts, `ALTER TABLE `+k.table+` ADD CONSTRAINT `+k.table+`_`+k.column+`_fkey FOREIGN KEY (`+k.column+`) REFERENCES `+k.references+` (id)`)
				}
				return execAll(ctx, tx, stmts)
			}}),
		// The audit log keyed by province (issue 21): province_code is its region's province
		// ('' for what concerns no region), inside the primary key. The id leads it: "who saw
		// this person" finds entries by id through person_reads, which do not know the entry's
		// province (a search's entry has the searcher's region). The table is rebuilt, and its
		// append-only triggers with it.
		goose.NewGoMigration(28,
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				return execAll(ctx, tx, rebuildAudit(d, auditKeyed,
					`CASE WHEN LENGTH(region_code) >= 2 THEN SUBSTR(region_code, 1, 2) ELSE '' END, `+auditColumnList))
			}},
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				return execAll(ctx, tx, rebuildAudit(d, auditUnkeyed, auditColumnList))
			}}),
		// The ledger, payments and deposits keyed by province (migrate_ledger.go).
		goose.NewGoMigration(32,
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				return execAll(ctx, tx, rebuildLedger(d, true))
			}},
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				return execAll(ctx, tx, rebuildLedger(d, false))
			}}),
		// A participant's status and heirs keyed by province (migrate_people.go).
		goose.NewGoMigration(34,
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				return execAll(ctx, tx, rebuildPeople(d, true))
			}},
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				return execAll(ctx, tx, rebuildPeople(d, false))
			}}),
		// Participants and the network keyed by province (migrate_network.go).
		goose.NewGoMigration(36,
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return keyNetwork(ctx, tx, d) }},
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return unkeyNetwork(ctx, tx, d) }}),
	}
}

const auditColumnList = `id, at, actor_id, actor, action, entity, entity_id, region_code, detail, request_id`

const auditUnkeyed = `(
    id          BIGINT PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor_id    BIGINT,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    region_code TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    request_id  TEXT NOT NULL DEFAULT ''
)`

const auditKeyed = `(
    province_code TEXT NOT NULL,
    id          BIGINT NOT NULL,
    at          TIMESTAMP NOT NULL,
    actor_id    BIGINT,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    region_code TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    request_id  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (id, province_code)
)`

// rebuildAudit makes the audit log again with the columns of def, filled from the old one by
// selecting cols, with its indexes and append-only triggers.
func rebuildAudit(d Dialect, def, cols string) []string {
	target := auditColumnList
	if def == auditKeyed {
		target = "province_code, " + auditColumnList
	}
	stmts := dropAppendOnly(d, "audit_log")
	stmts = append(stmts,
		`CREATE TABLE audit_log_next `+def,
		`INSERT INTO audit_log_next (`+target+`) SELECT `+cols+` FROM audit_log`,
		`DROP TABLE audit_log`,
		`ALTER TABLE audit_log_next RENAME TO audit_log`,
		`CREATE INDEX audit_log_entity ON audit_log (entity, entity_id)`,
		`CREATE INDEX audit_log_actor ON audit_log (actor_id, at)`,
	)
	return append(stmts, appendOnly(d, "audit_log")...)
}

// moneyForeignKeys are the references of the tables a payment writes, which PostgreSQL does
// not enforce (migration 14) and `ledger verify` checks.
var moneyForeignKeys = []struct{ table, column, references string }{
	{"journal_entries", "reverses", "journal_entries"},
	{"postings", "entry_id", "journal_entries"},
	{"postings", "account_id", "ledger_accounts"},
	{"payments", "participant_id", "participants"},
	{"payments", "branch_id", "branches"},
	{"payments", "wadah_id", "wadah"},
	{"payments", "agent_id", "agents"},
	{"payments", "sponsorship_id", "sponsorships"},
	{"payments", "entry_id", "journal_entries"},
	{"payments", "reversal_entry", "journal_entries"},
	{"paid_months", "participant_id", "participants"},
	{"paid_months", "payment_id", "payments"},
}

// verifiedForeignKeys are all the references `ledger verify` checks: migration 14's, and those
// that migrations 32 and 36 stopped declaring.
var verifiedForeignKeys = append(append(moneyForeignKeys[:len(moneyForeignKeys):len(moneyForeignKeys)],
	struct{ table, column, references string }{"deposits", "entry_id", "journal_entries"},
	struct{ table, column, references string }{"bank_lines", "deposit_id", "deposits"}),
	networkVerified...) // migration 36

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
