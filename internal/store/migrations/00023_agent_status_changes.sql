-- When each agent was active (issue 19: an inactive agent earns no collection share while it is
-- inactive). agents.status keeps only the latest change; this keeps them all, so the status on
-- any past day can be told. Agents already not active are seeded with their latest change.

-- +goose Up
CREATE TABLE agent_status_changes (
    agent_id BIGINT NOT NULL REFERENCES agents (id),
    at       TIMESTAMP NOT NULL,
    status   TEXT NOT NULL,
    PRIMARY KEY (agent_id, at)
);
INSERT INTO agent_status_changes (agent_id, at, status)
SELECT id, status_changed_at, status FROM agents WHERE status <> 'active' AND status_changed_at IS NOT NULL;

-- +goose Down
DROP TABLE agent_status_changes;
