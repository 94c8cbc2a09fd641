-- Contributions and the ledger: accounts with balances kept with their postings, immutable
-- journal entries and postings (append-only, migration 5), payments with their receipts, the
-- months each payment covers, and agent cash deposits.

-- +goose Up
CREATE TABLE ledger_accounts (
    id         BIGINT PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    balance    BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE journal_entries (
    id            BIGINT PRIMARY KEY,
    at            TIMESTAMP NOT NULL,
    kind          TEXT NOT NULL,
    ref_type      TEXT NOT NULL,
    ref_id        BIGINT NOT NULL,
    memo          TEXT NOT NULL DEFAULT '',
    reverses      BIGINT REFERENCES journal_entries (id),
    province_code TEXT NOT NULL DEFAULT ''
);
CREATE INDEX journal_entries_ref ON journal_entries (ref_type, ref_id);

CREATE TABLE postings (
    id            BIGINT PRIMARY KEY,
    entry_id      BIGINT NOT NULL REFERENCES journal_entries (id),
    account_id    BIGINT NOT NULL REFERENCES ledger_accounts (id),
    amount        BIGINT NOT NULL,
    province_code TEXT NOT NULL DEFAULT ''
);
CREATE INDEX postings_entry ON postings (entry_id);
CREATE INDEX postings_account ON postings (account_id);

CREATE TABLE payments (
    id             BIGINT PRIMARY KEY,
    receipt_no     TEXT NOT NULL UNIQUE,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    province_code  TEXT NOT NULL,
    branch_id      BIGINT NOT NULL REFERENCES branches (id),
    wadah_id       BIGINT REFERENCES wadah (id),
    agent_id       BIGINT REFERENCES agents (id),
    funding        TEXT NOT NULL,
    sponsorship_id BIGINT REFERENCES sponsorships (id),
    amount         BIGINT NOT NULL,
    credit_used    BIGINT NOT NULL DEFAULT 0,
    credit_added   BIGINT NOT NULL DEFAULT 0,
    months         INTEGER NOT NULL,
    first_month    INTEGER,
    last_month     INTEGER,
    status         TEXT NOT NULL,
    entry_id       BIGINT NOT NULL REFERENCES journal_entries (id),
    reversal_entry BIGINT REFERENCES journal_entries (id),
    reversal_reason TEXT NOT NULL DEFAULT '',
    deposit_id     BIGINT,
    received_at    TIMESTAMP NOT NULL,
    received_by    TEXT NOT NULL
);
CREATE INDEX payments_participant ON payments (participant_id, received_at);
CREATE INDEX payments_agent ON payments (agent_id, deposit_id);

-- The months paid, one row per participant and month: the primary key is what stops two
-- payments covering the same month, even when two agents take them at the same moment.
CREATE TABLE paid_months (
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    month          INTEGER NOT NULL,
    payment_id     BIGINT NOT NULL REFERENCES payments (id),
    base           BIGINT NOT NULL,
    discount       BIGINT NOT NULL,
    due            BIGINT NOT NULL,
    jkk            BIGINT NOT NULL,
    jkm            BIGINT NOT NULL,
    jht            BIGINT NOT NULL,
    funding        TEXT NOT NULL,
    paid_at        TIMESTAMP NOT NULL,
    province_code  TEXT NOT NULL,
    PRIMARY KEY (participant_id, month)
);
CREATE INDEX paid_months_payment ON paid_months (payment_id);

-- +goose Down
DROP TABLE paid_months;
DROP TABLE payments;
DROP TABLE postings;
DROP TABLE journal_entries;
DROP TABLE ledger_accounts;
