-- Who saw a person (UU 27/2022: a breach notice within 3 × 24 hours must say whose data was
-- seen, and by whom). Every read that shows participants writes one audit entry and one row
-- here per participant shown, so "who saw this person" is one indexed lookup. It grows with
-- the country, so the province leads its key.

-- +goose Up
CREATE TABLE person_reads (
    province_code  TEXT NOT NULL,
    participant_id BIGINT NOT NULL,
    audit_id       BIGINT NOT NULL,
    at             TIMESTAMP NOT NULL,
    PRIMARY KEY (province_code, participant_id, audit_id)
);
CREATE INDEX person_reads_participant ON person_reads (participant_id, at);

-- +goose Down
DROP TABLE person_reads;
