-- Incentive statements (issue 19): what each agent earned for a month, line by line, each line
-- tied to the registration or payment it pays for. A statement is frozen once issued: a payment
-- reversed afterwards becomes a negative line (clawback) on a later statement, linked to the
-- line it takes back. Keyed by province, like everything that grows with the country.

-- +goose Up
CREATE TABLE incentive_statements (
    province_code TEXT NOT NULL,
    id            BIGINT NOT NULL,
    agent_id      BIGINT NOT NULL,
    wadah_id      BIGINT NOT NULL,
    branch_id     BIGINT NOT NULL,
    month         INTEGER NOT NULL,
    state         TEXT NOT NULL,
    agent_total   BIGINT NOT NULL,
    wadah_extra   BIGINT NOT NULL,
    issued_at     TIMESTAMP NOT NULL,
    approved_by   BIGINT,
    approve_entry BIGINT,
    payout_id     BIGINT,
    pay_entry     BIGINT,
    PRIMARY KEY (province_code, id),
    UNIQUE (province_code, agent_id, month)
);
CREATE INDEX incentive_statements_branch ON incentive_statements (branch_id, state);

CREATE TABLE incentive_lines (
    province_code  TEXT NOT NULL,
    id             BIGINT NOT NULL,
    statement_id   BIGINT NOT NULL,
    rule           TEXT NOT NULL,
    source         TEXT NOT NULL,
    basis          BIGINT NOT NULL,
    amount         BIGINT NOT NULL,
    participant_id BIGINT,
    payment_id     BIGINT,
    paid_month     INTEGER,
    clawback_of    BIGINT,
    PRIMARY KEY (province_code, id)
);
CREATE INDEX incentive_lines_statement ON incentive_lines (statement_id);
CREATE INDEX incentive_lines_payment ON incentive_lines (payment_id);
CREATE INDEX incentive_lines_participant ON incentive_lines (participant_id);

-- +goose Down
DROP TABLE incentive_lines;
DROP TABLE incentive_statements;
