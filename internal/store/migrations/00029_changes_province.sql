-- Two histories keyed by province (issue 21): a participant's changes by the participant's
-- province, an agent's status changes by its wadah's. Each table is rebuilt with the province
-- in its primary key, as in migration 26.

-- +goose Up
CREATE TABLE participant_changes_keyed (
    province_code  TEXT NOT NULL,
    id             BIGINT NOT NULL,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    at             TIMESTAMP NOT NULL,
    actor_id       BIGINT,
    actor          TEXT NOT NULL,
    field          TEXT NOT NULL,
    before_value   TEXT NOT NULL,
    after_value    TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (province_code, id)
);
INSERT INTO participant_changes_keyed (province_code, id, participant_id, at, actor_id, actor, field, before_value, after_value, reason)
SELECT p.province_code, c.id, c.participant_id, c.at, c.actor_id, c.actor, c.field, c.before_value, c.after_value, c.reason
FROM participant_changes c JOIN participants p ON p.id = c.participant_id;
DROP TABLE participant_changes;
ALTER TABLE participant_changes_keyed RENAME TO participant_changes;
CREATE INDEX participant_changes_participant ON participant_changes (province_code, participant_id, at);

CREATE TABLE agent_status_changes_keyed (
    province_code TEXT NOT NULL,
    agent_id      BIGINT NOT NULL REFERENCES agents (id),
    at            TIMESTAMP NOT NULL,
    status        TEXT NOT NULL,
    PRIMARY KEY (province_code, agent_id, at)
);
INSERT INTO agent_status_changes_keyed (province_code, agent_id, at, status)
SELECT SUBSTR(w.village_code, 1, 2), c.agent_id, c.at, c.status
FROM agent_status_changes c JOIN agents a ON a.id = c.agent_id JOIN wadah w ON w.id = a.wadah_id;
DROP TABLE agent_status_changes;
ALTER TABLE agent_status_changes_keyed RENAME TO agent_status_changes;

-- +goose Down
CREATE TABLE agent_status_changes_unkeyed (
    agent_id BIGINT NOT NULL REFERENCES agents (id),
    at       TIMESTAMP NOT NULL,
    status   TEXT NOT NULL,
    PRIMARY KEY (agent_id, at)
);
INSERT INTO agent_status_changes_unkeyed (agent_id, at, status) SELECT agent_id, at, status FROM agent_status_changes;
DROP TABLE agent_status_changes;
ALTER TABLE agent_status_changes_unkeyed RENAME TO agent_status_changes;

CREATE TABLE participant_changes_unkeyed (
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
INSERT INTO participant_changes_unkeyed (id, participant_id, at, actor_id, actor, field, before_value, after_value, reason)
SELECT id, participant_id, at, actor_id, actor, field, before_value, after_value, reason FROM participant_changes;
DROP TABLE participant_changes;
ALTER TABLE participant_changes_unkeyed RENAME TO participant_changes;
CREATE INDEX participant_changes_participant ON participant_changes (participant_id, at);
