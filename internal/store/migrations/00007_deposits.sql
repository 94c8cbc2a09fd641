-- Agent cash deposits and the bank statements they are reconciled against.

-- +goose Up
CREATE TABLE deposits (
    id           BIGINT PRIMARY KEY,
    agent_id     BIGINT NOT NULL REFERENCES agents (id),
    branch_id    BIGINT NOT NULL REFERENCES branches (id),
    slip_ref     TEXT NOT NULL,
    deposited_on DATE NOT NULL,
    declared     BIGINT NOT NULL,
    expected     BIGINT NOT NULL,
    variance     BIGINT NOT NULL,
    status       TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    entry_id     BIGINT NOT NULL REFERENCES journal_entries (id),
    bank_line_id BIGINT,
    created_at   TIMESTAMP NOT NULL,
    created_by   TEXT NOT NULL,
    UNIQUE (branch_id, slip_ref)
);
CREATE INDEX deposits_agent ON deposits (agent_id, created_at);

CREATE TABLE bank_lines (
    id          BIGINT PRIMARY KEY,
    branch_id   BIGINT NOT NULL REFERENCES branches (id),
    line_date   DATE NOT NULL,
    reference   TEXT NOT NULL,
    amount      BIGINT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    deposit_id  BIGINT REFERENCES deposits (id),
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (branch_id, line_date, reference, amount)
);

-- +goose Down
DROP TABLE bank_lines;
DROP TABLE deposits;
