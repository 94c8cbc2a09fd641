package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Migration 36 keys the last four growing tables by province (issue 21): participants, and the
// network's wadah, agents and agreements (by the wadah's village). The three network tables
// gain province_code; on PostgreSQL the four primary keys become (id, province_code), the
// participant number and the agreement number unique within a province (a KPJ carries its
// province already), and an agent's participant record unique within one.
//
// References to the four become (id, province) pairs where both rows are in one province by
// construction: a participant's status, heirs, changes and sponsorships; an agent's wadah and
// status changes; an agreement's wadah and the agreement it renews. The others can cross a
// province line or come from a reference table (users, which Citus does not allow to point
// into a distributed table) and are checked by `ledger verify` instead (verifiedForeignKeys):
// an agent's own participant record, an agent's villages, a deposit's agent, a participant's
// agent and wadah, a user's agent and wadah.
//
// SQLite, which is never distributed, keeps id as the four tables' primary key: its declared
// references by id, which it checks on every write, stay as they are. The tables carry the
// province there too, and the code names it the same way on both.

// networkPairs are the references made (id, province) pairs on PostgreSQL.
var networkPairs = []struct{ table, column, references string }{
	{"participant_status", "participant_id", "participants"},
	{"heirs", "participant_id", "participants"},
	{"participant_changes", "participant_id", "participants"},
	{"sponsorship_members", "participant_id", "participants"},
	{"agents", "wadah_id", "wadah"},
	{"agent_status_changes", "agent_id", "agents"},
	{"agreements", "wadah_id", "wadah"},
	{"agreements", "renewal_of", "agreements"},
}

// networkVerified are the references to the four that `ledger verify` checks rather than the
// database.
var networkVerified = []struct{ table, column, references string }{
	{"agents", "participant_id", "participants"},
	{"agent_villages", "agent_id", "agents"},
	{"deposits", "agent_id", "agents"},
	{"participants", "agent_id", "agents"},
	{"participants", "wadah_id", "wadah"},
	{"users", "agent_id", "agents"},
	{"users", "wadah_id", "wadah"},
}

// networkProvinces fills the new province columns, the wadah's first.
var networkProvinces = []string{
	`ALTER TABLE wadah ADD COLUMN province_code TEXT NOT NULL DEFAULT ''`,
	`UPDATE wadah SET province_code = SUBSTR(village_code, 1, 2)`,
	`ALTER TABLE agents ADD COLUMN province_code TEXT NOT NULL DEFAULT ''`,
	`UPDATE agents SET province_code = COALESCE((SELECT w.province_code FROM wadah w WHERE w.id = agents.wadah_id), '')`,
	`ALTER TABLE agreements ADD COLUMN province_code TEXT NOT NULL DEFAULT ''`,
	`UPDATE agreements SET province_code = COALESCE((SELECT w.province_code FROM wadah w WHERE w.id = agreements.wadah_id), '')`,
}

func keyNetwork(ctx context.Context, tx *sql.Tx, d Dialect) error {
	if err := execAll(ctx, tx, networkProvinces); err != nil {
		return err
	}
	if d == SQLite {
		return nil
	}
	if err := dropReferencesTo(ctx, tx); err != nil {
		return err
	}
	stmts := []string{
		`ALTER TABLE wadah ALTER COLUMN province_code DROP DEFAULT`,
		`ALTER TABLE agents ALTER COLUMN province_code DROP DEFAULT`,
		`ALTER TABLE agreements ALTER COLUMN province_code DROP DEFAULT`,
		`ALTER TABLE wadah DROP CONSTRAINT wadah_pkey, ADD PRIMARY KEY (id, province_code)`,
		`ALTER TABLE agents DROP CONSTRAINT agents_pkey, ADD PRIMARY KEY (id, province_code)`,
		`DROP INDEX agents_participant`,
		`CREATE UNIQUE INDEX agents_participant ON agents (participant_id, province_code)`,
		`ALTER TABLE agreements DROP CONSTRAINT agreements_pkey, ADD PRIMARY KEY (id, province_code)`,
		`ALTER TABLE agreements DROP CONSTRAINT agreements_number_key, ADD CONSTRAINT agreements_number_key UNIQUE (number, province_code)`,
		`ALTER TABLE participants DROP CONSTRAINT participants_pkey, ADD PRIMARY KEY (id, province_code)`,
		`ALTER TABLE participants DROP CONSTRAINT participants_kpj_key, ADD CONSTRAINT participants_kpj_key UNIQUE (kpj, province_code)`,
	}
	for _, k := range networkPairs {
		stmts = append(stmts, fmt.Sprintf(`ALTER TABLE %s ADD CONSTRAINT %s_%s_fkey FOREIGN KEY (%s, province_code) REFERENCES %s (id, province_code)`,
			k.table, k.table, k.column, k.column, k.references))
	}
	return execAll(ctx, tx, stmts)
}

func unkeyNetwork(ctx context.Context, tx *sql.Tx, d Dialect) error {
	var stmts []string
	if d == Postgres {
		if err := dropReferencesTo(ctx, tx); err != nil {
			return err
		}
		stmts = []string{
			`ALTER TABLE participants DROP CONSTRAINT participants_kpj_key, ADD CONSTRAINT participants_kpj_key UNIQUE (kpj)`,
			`ALTER TABLE participants DROP CONSTRAINT participants_pkey, ADD PRIMARY KEY (id)`,
			`ALTER TABLE agreements DROP CONSTRAINT agreements_number_key, ADD CONSTRAINT agreements_number_key UNIQUE (number)`,
			`ALTER TABLE agreements DROP CONSTRAINT agreements_pkey, ADD PRIMARY KEY (id)`,
			`DROP INDEX agents_participant`,
			`CREATE UNIQUE INDEX agents_participant ON agents (participant_id)`,
			`ALTER TABLE agents DROP CONSTRAINT agents_pkey, ADD PRIMARY KEY (id)`,
			`ALTER TABLE wadah DROP CONSTRAINT wadah_pkey, ADD PRIMARY KEY (id)`,
		}
		for _, k := range append(networkPairs[:len(networkPairs):len(networkPairs)], networkVerified...) {
			stmts = append(stmts, fmt.Sprintf(`ALTER TABLE %s ADD CONSTRAINT %s_%s_fkey FOREIGN KEY (%s) REFERENCES %s (id)`,
				k.table, k.table, k.column, k.column, k.references))
		}
	}
	stmts = append(stmts, `ALTER TABLE agreements DROP COLUMN province_code`, `ALTER TABLE agents DROP COLUMN province_code`,
		`ALTER TABLE wadah DROP COLUMN province_code`)
	return execAll(ctx, tx, stmts)
}

// dropReferencesTo drops every foreign key that points to one of the four tables (their names
// vary with the migrations that made them).
func dropReferencesTo(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT conrelid::regclass::text, conname FROM pg_constraint
WHERE contype = 'f' AND conparentid = 0 AND confrelid IN ('participants'::regclass, 'wadah'::regclass, 'agents'::regclass, 'agreements'::regclass)`)
	if err != nil {
		return err
	}
	var stmts []string
	for rows.Next() {
		var table, name string
		if err := rows.Scan(&table, &name); err != nil {
			rows.Close()
			return err
		}
		stmts = append(stmts, fmt.Sprintf(`ALTER TABLE %s DROP CONSTRAINT %s`, table, name))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return execAll(ctx, tx, stmts)
}
