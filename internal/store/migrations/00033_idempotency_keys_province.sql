-- Idempotency keys keyed by province (issue 21): a key is kept in its user's province (the
-- province the user works in: a branch's, a wadah's or an agent's branch's, a government
-- viewer's region; '' for a national user), inside the primary key. The user and the key lead
-- it, as every read names them. Rebuilt as in migration 26.

-- +goose Up
CREATE TABLE idempotency_keys_keyed (
    province_code TEXT NOT NULL,
    user_id       BIGINT NOT NULL,
    idem_key      TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER NOT NULL DEFAULT 0,
    content_type  TEXT NOT NULL DEFAULT '',
    response      TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, idem_key, province_code)
);
INSERT INTO idempotency_keys_keyed (province_code, user_id, idem_key, request_hash, status, content_type, response, created_at)
SELECT COALESCE(
    (SELECT b.province_code FROM users u JOIN branches b ON b.id = u.branch_id WHERE u.id = k.user_id AND u.role = 'branch_officer'),
    (SELECT b.province_code FROM users u JOIN agents a ON a.id = u.agent_id JOIN wadah w ON w.id = a.wadah_id JOIN branches b ON b.id = w.branch_id WHERE u.id = k.user_id),
    (SELECT b.province_code FROM users u JOIN wadah w ON w.id = u.wadah_id JOIN branches b ON b.id = w.branch_id WHERE u.id = k.user_id AND u.agent_id IS NULL),
    (SELECT SUBSTR(u.region_code, 1, 2) FROM users u WHERE u.id = k.user_id AND LENGTH(u.region_code) >= 2),
    ''),
    k.user_id, k.idem_key, k.request_hash, k.status, k.content_type, k.response, k.created_at
FROM idempotency_keys k;
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_keyed RENAME TO idempotency_keys;

-- +goose Down
CREATE TABLE idempotency_keys_unkeyed (
    user_id      BIGINT NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL DEFAULT '',
    response     TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
INSERT INTO idempotency_keys_unkeyed (user_id, idem_key, request_hash, status, content_type, response, created_at)
SELECT user_id, idem_key, request_hash, status, content_type, response, created_at FROM idempotency_keys;
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_unkeyed RENAME TO idempotency_keys;
