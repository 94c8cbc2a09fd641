package store

// Migration 34 keys a participant's status and heirs by the participant's province (issue 21).
// Both tables are rebuilt with province_code. The heirs' primary key is (id, province_code),
// led by the id as the ledger's (migration 32). The status's key differs by dialect: on
// PostgreSQL it is (participant_id, province_code), what partitioning and Citus ask; on SQLite
// the participant id stays the rowid itself (INTEGER PRIMARY KEY, migration 12), one b-tree
// where a composite key would add an index to every payment's and the daily move's writes, and
// a participant id alone is unique there anyway.

func rebuildPeople(d Dialect, keyed bool) []string {
	statusKey, statusPK, with := "BIGINT PRIMARY KEY", "", " WITH (fillfactor = 80)"
	switch {
	case d == SQLite:
		statusKey, with = "INTEGER PRIMARY KEY", ""
	case keyed:
		statusKey, statusPK = "BIGINT NOT NULL", ",\n    PRIMARY KEY (participant_id, province_code)"
	}
	prov, heirsKey, heirsPK := "", "BIGINT PRIMARY KEY", ""
	statusCols, fromStatus := "participant_id, status, last_paid, held", "s.participant_id, s.status, s.last_paid, s.held"
	heirCols := "id, participant_id, name, relationship, birth_date, nik_enc, nik_masked, created_at"
	fromHeirs := prefixed("h.", heirCols)
	if keyed {
		prov = "province_code  TEXT NOT NULL,\n    "
		heirsKey, heirsPK = "BIGINT NOT NULL", ",\n    PRIMARY KEY (id, province_code)"
		statusCols, fromStatus = "province_code, "+statusCols, "p.province_code, "+fromStatus
		heirCols, fromHeirs = "province_code, "+heirCols, "p.province_code, "+fromHeirs
	}
	return []string{
		`CREATE TABLE participant_status_next (
    ` + prov + `participant_id ` + statusKey + ` REFERENCES participants (id),
    status         TEXT NOT NULL,
    last_paid      INTEGER,
    held           BOOLEAN NOT NULL DEFAULT FALSE` + statusPK + `
)` + with,
		`INSERT INTO participant_status_next (` + statusCols + `) SELECT ` + fromStatus + `
FROM participant_status s JOIN participants p ON p.id = s.participant_id`,
		`CREATE TABLE heirs_next (
    ` + prov + `id             ` + heirsKey + `,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    name           TEXT NOT NULL,
    relationship   TEXT NOT NULL,
    birth_date     DATE NOT NULL,
    nik_enc        TEXT NOT NULL DEFAULT '',
    nik_masked     TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL` + heirsPK + `
)`,
		`INSERT INTO heirs_next (` + heirCols + `) SELECT ` + fromHeirs + ` FROM heirs h JOIN participants p ON p.id = h.participant_id`,
		`DROP TABLE participant_status`,
		`DROP TABLE heirs`,
		`ALTER TABLE participant_status_next RENAME TO participant_status`,
		`ALTER TABLE heirs_next RENAME TO heirs`,
		`CREATE INDEX heirs_participant ON heirs (participant_id)`,
	}
}
