-- Foundation: branches and their regencies, the skeleton of wadah and agents that users are
-- scoped to, users, sessions, API tokens, the audit log and idempotency keys.
--
-- One schema for SQLite and PostgreSQL: keys are BIGINT made by the application (idgen), times
-- are TIMESTAMP always written in UTC, money is BIGINT rupiah. Tables that grow with the country
-- carry a region code so they can be distributed by region (e.g. Citus) later.

-- +goose Up
CREATE TABLE branches (
    id            BIGINT PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    province_code TEXT NOT NULL,
    address       TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL
);

-- A regency is served by exactly one branch.
CREATE TABLE branch_regencies (
    regency_code TEXT PRIMARY KEY,
    branch_id    BIGINT NOT NULL REFERENCES branches (id)
);
CREATE INDEX branch_regencies_branch ON branch_regencies (branch_id);

CREATE TABLE wadah (
    id           BIGINT PRIMARY KEY,
    branch_id    BIGINT NOT NULL REFERENCES branches (id),
    village_code TEXT NOT NULL,
    name         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX wadah_branch ON wadah (branch_id);

CREATE TABLE agents (
    id         BIGINT PRIMARY KEY,
    wadah_id   BIGINT NOT NULL REFERENCES wadah (id),
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX agents_wadah ON agents (wadah_id);

CREATE TABLE users (
    id            BIGINT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    full_name     TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    branch_id     BIGINT REFERENCES branches (id),
    wadah_id      BIGINT REFERENCES wadah (id),
    agent_id      BIGINT REFERENCES agents (id),
    region_code   TEXT NOT NULL DEFAULT '',
    locale        TEXT NOT NULL DEFAULT 'id',
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMP NOT NULL
);

-- The session cookie holds a random value; only its SHA-256 is kept.
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- API tokens are shown once; only their SHA-256 is kept.
CREATE TABLE api_tokens (
    id           BIGINT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Append-only (triggers in migration 2): who did what to which record, when, from which request.
CREATE TABLE audit_log (
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
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);

-- A write request's key, the hash of its body, and the answer it got, so a replay gets the
-- same answer. status 0 means the first request is still being served.
CREATE TABLE idempotency_keys (
    user_id      BIGINT NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL DEFAULT '',
    response     TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE agents;
DROP TABLE wadah;
DROP TABLE branch_regencies;
DROP TABLE branches;
