-- The NIK registry, the duplicate gate of registration, keyed by province (issue 21): by the
-- NIK's own province digits (its first two, where it was issued), which every NIK typed in
-- carries, so the gate for a NIK is one province's rows and never a table every insert must
-- lock cluster-wide. The digits are the participant's masked NIK's first two.

-- +goose Up
CREATE TABLE nik_registry_keyed (
    province_code  TEXT NOT NULL,
    nik_blind      TEXT NOT NULL,
    participant_id BIGINT NOT NULL,
    PRIMARY KEY (province_code, nik_blind)
);
INSERT INTO nik_registry_keyed (province_code, nik_blind, participant_id)
SELECT SUBSTR(p.nik_masked, 1, 2), r.nik_blind, r.participant_id FROM nik_registry r JOIN participants p ON p.id = r.participant_id;
DROP TABLE nik_registry;
ALTER TABLE nik_registry_keyed RENAME TO nik_registry;

-- +goose Down
CREATE TABLE nik_registry_unkeyed (
    nik_blind      TEXT PRIMARY KEY,
    participant_id BIGINT NOT NULL
);
INSERT INTO nik_registry_unkeyed (nik_blind, participant_id) SELECT nik_blind, participant_id FROM nik_registry;
DROP TABLE nik_registry;
ALTER TABLE nik_registry_unkeyed RENAME TO nik_registry;
