-- Agent network and participant acquisition: the wadah register, agreements (PKS), agents as
-- participants with their villages, participants with heirs and change history, bulk imports,
-- sponsors and their cohorts.
--
-- Personal fields (NIK, bank accounts) are stored sealed (AES-GCM, base64) with a masked copy
-- for display and, where the system must find a record by them, a keyed hash ("blind index").
-- participants carries province_code, the column it would be distributed by.

-- +goose Up
ALTER TABLE wadah ADD COLUMN legal_number TEXT NOT NULL DEFAULT '';
ALTER TABLE wadah ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE wadah ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE wadah ADD COLUMN bank_name TEXT NOT NULL DEFAULT '';
ALTER TABLE wadah ADD COLUMN bank_account_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE wadah ADD COLUMN bank_account_masked TEXT NOT NULL DEFAULT '';
ALTER TABLE wadah ADD COLUMN is_participant BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE wadah ADD COLUMN is_perisai BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX wadah_village ON wadah (village_code);

CREATE TABLE agreements (
    id            BIGINT PRIMARY KEY,
    branch_id     BIGINT NOT NULL REFERENCES branches (id),
    wadah_id      BIGINT NOT NULL REFERENCES wadah (id),
    number        TEXT NOT NULL UNIQUE,
    starts_on     DATE NOT NULL,
    ends_on       DATE NOT NULL,
    status        TEXT NOT NULL,
    renewal_of    BIGINT REFERENCES agreements (id),
    status_reason TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX agreements_wadah ON agreements (wadah_id, ends_on);

CREATE TABLE participants (
    id              BIGINT PRIMARY KEY,
    kpj             TEXT NOT NULL UNIQUE,
    province_code   TEXT NOT NULL,
    village_code    TEXT NOT NULL,
    nik_blind       TEXT NOT NULL,
    nik_enc         TEXT NOT NULL,
    nik_masked      TEXT NOT NULL,
    name            TEXT NOT NULL,
    name_lower      TEXT NOT NULL,
    birth_date      DATE NOT NULL,
    sex             TEXT NOT NULL,
    phone           TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    occupation      TEXT NOT NULL,
    sector          TEXT NOT NULL,
    declared_income BIGINT NOT NULL,
    jkk             BOOLEAN NOT NULL,
    jkm             BOOLEAN NOT NULL,
    jht             BOOLEAN NOT NULL,
    status          TEXT NOT NULL,
    review          TEXT NOT NULL DEFAULT 'pending',
    review_reason   TEXT NOT NULL DEFAULT '',
    branch_id       BIGINT NOT NULL REFERENCES branches (id),
    wadah_id        BIGINT REFERENCES wadah (id),
    agent_id        BIGINT REFERENCES agents (id),
    registered_by   BIGINT REFERENCES users (id),
    consent_at      TIMESTAMP NOT NULL,
    consent_by      TEXT NOT NULL,
    import_id       BIGINT,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX participants_branch ON participants (branch_id, review);
CREATE INDEX participants_agent ON participants (agent_id);
CREATE INDEX participants_wadah ON participants (wadah_id);
CREATE INDEX participants_village ON participants (village_code);
CREATE INDEX participants_name ON participants (name_lower);

-- The duplicate gate: one row per NIK ever registered, keyed by the NIK's blind index. It is
-- written first, with ON CONFLICT DO NOTHING, in the transaction that inserts the participant, so
-- two agents registering the same NIK at once cannot both succeed. Kept apart from participants
-- (and without a foreign key) so that it can be distributed by NIK while participants are
-- distributed by province.
CREATE TABLE nik_registry (
    nik_blind      TEXT PRIMARY KEY,
    participant_id BIGINT NOT NULL
);

CREATE TABLE heirs (
    id             BIGINT PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    name           TEXT NOT NULL,
    relationship   TEXT NOT NULL,
    birth_date     DATE NOT NULL,
    nik_enc        TEXT NOT NULL DEFAULT '',
    nik_masked     TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX heirs_participant ON heirs (participant_id);

-- Every edit of a participant: who, which field, before and after (personal fields masked).
CREATE TABLE participant_changes (
    id             BIGINT PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    at             TIMESTAMP NOT NULL,
    actor_id       BIGINT,
    actor          TEXT NOT NULL,
    field          TEXT NOT NULL,
    before_value   TEXT NOT NULL,
    after_value    TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX participant_changes_participant ON participant_changes (participant_id, at);

ALTER TABLE agents ADD COLUMN participant_id BIGINT REFERENCES participants (id);
ALTER TABLE agents ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN bank_name TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN bank_account_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN bank_account_masked TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN trained_on DATE;
ALTER TABLE agents ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE agents ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN status_changed_at TIMESTAMP;
ALTER TABLE agents ADD COLUMN activated_at TIMESTAMP;
ALTER TABLE agents ADD COLUMN last_activity_at TIMESTAMP;
CREATE UNIQUE INDEX agents_participant ON agents (participant_id);

CREATE TABLE agent_villages (
    agent_id     BIGINT NOT NULL REFERENCES agents (id),
    village_code TEXT NOT NULL,
    PRIMARY KEY (agent_id, village_code)
);

CREATE TABLE imports (
    id         BIGINT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    filename   TEXT NOT NULL,
    file_hash  TEXT NOT NULL,
    status     TEXT NOT NULL,
    total      INTEGER NOT NULL DEFAULT 0,
    processed  INTEGER NOT NULL DEFAULT 0,
    imported   INTEGER NOT NULL DEFAULT 0,
    already    INTEGER NOT NULL DEFAULT 0,
    refused    INTEGER NOT NULL DEFAULT 0,
    error      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX imports_user ON imports (user_id, created_at);

CREATE TABLE import_rows (
    import_id BIGINT NOT NULL REFERENCES imports (id),
    row_no    INTEGER NOT NULL,
    outcome   TEXT NOT NULL,
    kpj       TEXT NOT NULL DEFAULT '',
    message   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (import_id, row_no)
);

CREATE TABLE sponsors (
    id          BIGINT PRIMARY KEY,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    region_code TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE sponsorships (
    id          BIGINT PRIMARY KEY,
    sponsor_id  BIGINT NOT NULL REFERENCES sponsors (id),
    name        TEXT NOT NULL,
    month_from  INTEGER NOT NULL,
    month_to    INTEGER NOT NULL,
    jkk         BOOLEAN NOT NULL,
    jkm         BOOLEAN NOT NULL,
    jht         BOOLEAN NOT NULL,
    budget      BIGINT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX sponsorships_sponsor ON sponsorships (sponsor_id);
CREATE INDEX sponsorships_to ON sponsorships (month_to);

CREATE TABLE sponsorship_members (
    sponsorship_id BIGINT NOT NULL REFERENCES sponsorships (id),
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    PRIMARY KEY (sponsorship_id, participant_id)
);
CREATE INDEX sponsorship_members_participant ON sponsorship_members (participant_id);

-- +goose Down
DROP TABLE sponsorship_members;
DROP TABLE sponsorships;
DROP TABLE sponsors;
DROP TABLE import_rows;
DROP TABLE imports;
DROP TABLE agent_villages;
DROP INDEX agents_participant;
DROP TABLE participant_changes;
DROP TABLE heirs;
DROP TABLE nik_registry;
DROP TABLE participants;
DROP TABLE agreements;
DROP INDEX wadah_village;
