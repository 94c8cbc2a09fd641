-- Several app servers on one database (issue 21). Each process that writes leases a node
-- number (nodes) that goes into every key it makes (idgen), renews it while it runs and records
-- how far its keys got, so whoever takes the node over after the lease ended starts beyond them.
-- The daily jobs run once a day across all servers (job_runs: the first to insert the day's row
-- runs them). Failed logins are counted here, so every server sees the same count. An import
-- names the node that runs it, so a server starting up marks only its own (or a dead node's)
-- imports interrupted.

-- +goose Up
CREATE TABLE nodes (
    node       INTEGER PRIMARY KEY,
    holder     TEXT NOT NULL DEFAULT '',
    expires_at TIMESTAMP,
    last_ms    BIGINT NOT NULL DEFAULT 0
);
INSERT INTO nodes (node) VALUES
    (0),
    (1),
    (2),
    (3),
    (4),
    (5),
    (6),
    (7),
    (8),
    (9),
    (10),
    (11),
    (12),
    (13),
    (14),
    (15),
    (16),
    (17),
    (18),
    (19),
    (20),
    (21),
    (22),
    (23),
    (24),
    (25),
    (26),
    (27),
    (28),
    (29),
    (30),
    (31);

CREATE TABLE job_runs (
    job         TEXT NOT NULL,
    day         DATE NOT NULL,
    node        INTEGER NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    PRIMARY KEY (job, day)
);

CREATE TABLE login_failures (
    key           TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL,
    last_at       TIMESTAMP NOT NULL,
    blocked_until TIMESTAMP
);

ALTER TABLE imports ADD COLUMN node INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE imports DROP COLUMN node;
DROP TABLE login_failures;
DROP TABLE job_runs;
DROP TABLE nodes;
