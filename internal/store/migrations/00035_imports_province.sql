-- Imports and their report rows keyed by province (issue 21): an import is kept in the
-- province of the user who uploaded it (as idempotency keys, migration 33; '' for a national
-- user), inside the primary keys; a report row names its import by (id, province). Rebuilt as
-- in migration 26; the report rows reference the new imports table by its new name until the
-- rename, which carries the reference over.

-- +goose Up
CREATE TABLE imports_keyed (
    province_code TEXT NOT NULL,
    id            BIGINT NOT NULL,
    user_id       BIGINT NOT NULL REFERENCES users (id),
    filename      TEXT NOT NULL,
    file_hash     TEXT NOT NULL,
    status        TEXT NOT NULL,
    total         INTEGER NOT NULL DEFAULT 0,
    processed     INTEGER NOT NULL DEFAULT 0,
    imported      INTEGER NOT NULL DEFAULT 0,
    already       INTEGER NOT NULL DEFAULT 0,
    refused       INTEGER NOT NULL DEFAULT 0,
    error         TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    node          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (id, province_code)
);
INSERT INTO imports_keyed (province_code, id, user_id, filename, file_hash, status, total, processed, imported, already, refused, error, created_at, finished_at, node)
SELECT COALESCE(
    (SELECT b.province_code FROM users u JOIN branches b ON b.id = u.branch_id WHERE u.id = i.user_id AND u.role = 'branch_officer'),
    (SELECT b.province_code FROM users u JOIN agents a ON a.id = u.agent_id JOIN wadah w ON w.id = a.wadah_id JOIN branches b ON b.id = w.branch_id WHERE u.id = i.user_id),
    (SELECT b.province_code FROM users u JOIN wadah w ON w.id = u.wadah_id JOIN branches b ON b.id = w.branch_id WHERE u.id = i.user_id AND u.agent_id IS NULL),
    (SELECT SUBSTR(u.region_code, 1, 2) FROM users u WHERE u.id = i.user_id AND LENGTH(u.region_code) >= 2),
    ''),
    i.id, i.user_id, i.filename, i.file_hash, i.status, i.total, i.processed, i.imported, i.already, i.refused, i.error, i.created_at, i.finished_at, i.node
FROM imports i;

CREATE TABLE import_rows_keyed (
    province_code TEXT NOT NULL,
    import_id     BIGINT NOT NULL,
    row_no        INTEGER NOT NULL,
    outcome       TEXT NOT NULL,
    kpj           TEXT NOT NULL DEFAULT '',
    message       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (import_id, row_no, province_code),
    FOREIGN KEY (import_id, province_code) REFERENCES imports_keyed (id, province_code)
);
INSERT INTO import_rows_keyed (province_code, import_id, row_no, outcome, kpj, message)
SELECT i.province_code, r.import_id, r.row_no, r.outcome, r.kpj, r.message FROM import_rows r JOIN imports_keyed i ON i.id = r.import_id;
DROP TABLE import_rows;
DROP TABLE imports;
ALTER TABLE imports_keyed RENAME TO imports;
ALTER TABLE import_rows_keyed RENAME TO import_rows;
CREATE INDEX imports_user ON imports (user_id, created_at);

-- +goose Down
CREATE TABLE imports_unkeyed (
    id          BIGINT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    filename    TEXT NOT NULL,
    file_hash   TEXT NOT NULL,
    status      TEXT NOT NULL,
    total       INTEGER NOT NULL DEFAULT 0,
    processed   INTEGER NOT NULL DEFAULT 0,
    imported    INTEGER NOT NULL DEFAULT 0,
    already     INTEGER NOT NULL DEFAULT 0,
    refused     INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    node        INTEGER NOT NULL DEFAULT 0
);
INSERT INTO imports_unkeyed (id, user_id, filename, file_hash, status, total, processed, imported, already, refused, error, created_at, finished_at, node)
SELECT id, user_id, filename, file_hash, status, total, processed, imported, already, refused, error, created_at, finished_at, node FROM imports;
CREATE TABLE import_rows_unkeyed (
    import_id BIGINT NOT NULL REFERENCES imports_unkeyed (id),
    row_no    INTEGER NOT NULL,
    outcome   TEXT NOT NULL,
    kpj       TEXT NOT NULL DEFAULT '',
    message   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (import_id, row_no)
);
INSERT INTO import_rows_unkeyed (import_id, row_no, outcome, kpj, message) SELECT import_id, row_no, outcome, kpj, message FROM import_rows;
DROP TABLE import_rows;
DROP TABLE imports;
ALTER TABLE imports_unkeyed RENAME TO imports;
ALTER TABLE import_rows_unkeyed RENAME TO import_rows;
CREATE INDEX imports_user ON imports (user_id, created_at);
