-- Claims (issue 18): a claim, its timeline and its documents. Each grows with the country, so
-- the province leads every key. Amounts are whole rupiah; the bank account is sealed like the
-- agents'; the stated facts and the calculation are kept as JSON, as they were decided on.

-- +goose Up
CREATE TABLE claims (
    province_code       TEXT NOT NULL,
    id                  BIGINT NOT NULL,
    number              TEXT NOT NULL,
    participant_id      BIGINT NOT NULL,
    program             TEXT NOT NULL,
    reason              TEXT NOT NULL,
    event_date          DATE NOT NULL,
    claimant_name       TEXT NOT NULL,
    claimant_relation   TEXT NOT NULL DEFAULT '',
    heir_id             BIGINT,
    bank_name           TEXT NOT NULL DEFAULT '',
    bank_account_enc    TEXT NOT NULL DEFAULT '',
    bank_account_masked TEXT NOT NULL DEFAULT '',
    override_reason     TEXT NOT NULL DEFAULT '',
    arranged_burial     BOOLEAN NOT NULL DEFAULT FALSE,
    facts               TEXT NOT NULL DEFAULT '{}',
    state               TEXT NOT NULL,
    assigned_to         BIGINT,
    reviewed_by         BIGINT,
    amount              BIGINT NOT NULL DEFAULT 0,
    refund              BIGINT NOT NULL DEFAULT 0,
    decision            TEXT NOT NULL DEFAULT '',
    result              TEXT NOT NULL DEFAULT '',
    branch_id           BIGINT NOT NULL,
    wadah_id            BIGINT,
    agent_id            BIGINT,
    village_code        TEXT NOT NULL,
    complete_on         DATE,
    due_on              DATE,
    approve_entry       BIGINT,
    pay_entry           BIGINT,
    payout_id           BIGINT,
    created_by          TEXT NOT NULL,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    PRIMARY KEY (province_code, id),
    UNIQUE (province_code, number)
);
CREATE INDEX claims_queue ON claims (branch_id, state, due_on);
CREATE INDEX claims_participant ON claims (participant_id);
CREATE INDEX claims_number ON claims (number);

CREATE TABLE claim_events (
    province_code TEXT NOT NULL,
    id            BIGINT NOT NULL,
    claim_id      BIGINT NOT NULL,
    at            TIMESTAMP NOT NULL,
    actor         TEXT NOT NULL,
    from_state    TEXT NOT NULL DEFAULT '',
    to_state      TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (province_code, id)
);
CREATE INDEX claim_events_claim ON claim_events (claim_id, id);

CREATE TABLE claim_documents (
    province_code TEXT NOT NULL,
    id            BIGINT NOT NULL,
    claim_id      BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    filename      TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    storage_key   TEXT NOT NULL,
    uploaded_by   TEXT NOT NULL,
    at            TIMESTAMP NOT NULL,
    PRIMARY KEY (province_code, id)
);
CREATE INDEX claim_documents_claim ON claim_documents (claim_id);

-- +goose Down
DROP TABLE claim_documents;
DROP TABLE claim_events;
DROP TABLE claims;
