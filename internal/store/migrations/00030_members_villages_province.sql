-- Sponsorship members and agents' villages keyed by province (issue 21): a member by the
-- participant's province, a village by its own. Their keys keep leading with how they are
-- read (a sponsorship's members, an agent's villages: a sponsorship may pay for workers of
-- several provinces) and take the province in; the tables are rebuilt as in migration 26.

-- +goose Up
CREATE TABLE sponsorship_members_keyed (
    sponsorship_id BIGINT NOT NULL REFERENCES sponsorships (id),
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    province_code  TEXT NOT NULL,
    PRIMARY KEY (sponsorship_id, participant_id, province_code)
);
INSERT INTO sponsorship_members_keyed (sponsorship_id, participant_id, province_code)
SELECT m.sponsorship_id, m.participant_id, p.province_code FROM sponsorship_members m JOIN participants p ON p.id = m.participant_id;
DROP TABLE sponsorship_members;
ALTER TABLE sponsorship_members_keyed RENAME TO sponsorship_members;
CREATE INDEX sponsorship_members_participant ON sponsorship_members (participant_id);

CREATE TABLE agent_villages_keyed (
    agent_id      BIGINT NOT NULL REFERENCES agents (id),
    village_code  TEXT NOT NULL,
    province_code TEXT NOT NULL,
    PRIMARY KEY (agent_id, village_code, province_code)
);
INSERT INTO agent_villages_keyed (agent_id, village_code, province_code)
SELECT agent_id, village_code, SUBSTR(village_code, 1, 2) FROM agent_villages;
DROP TABLE agent_villages;
ALTER TABLE agent_villages_keyed RENAME TO agent_villages;

-- +goose Down
CREATE TABLE agent_villages_unkeyed (
    agent_id     BIGINT NOT NULL REFERENCES agents (id),
    village_code TEXT NOT NULL,
    PRIMARY KEY (agent_id, village_code)
);
INSERT INTO agent_villages_unkeyed (agent_id, village_code) SELECT agent_id, village_code FROM agent_villages;
DROP TABLE agent_villages;
ALTER TABLE agent_villages_unkeyed RENAME TO agent_villages;

CREATE TABLE sponsorship_members_unkeyed (
    sponsorship_id BIGINT NOT NULL REFERENCES sponsorships (id),
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    PRIMARY KEY (sponsorship_id, participant_id)
);
INSERT INTO sponsorship_members_unkeyed (sponsorship_id, participant_id) SELECT sponsorship_id, participant_id FROM sponsorship_members;
DROP TABLE sponsorship_members;
ALTER TABLE sponsorship_members_unkeyed RENAME TO sponsorship_members;
CREATE INDEX sponsorship_members_participant ON sponsorship_members (participant_id);
