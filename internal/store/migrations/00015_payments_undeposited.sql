-- An agent's undeposited receipts, oldest first: the cash limit on their age is checked on
-- every payment an agent takes, and a deposit lists them. Only undeposited payments are in the
-- index (it was every payment, by agent and deposit), so it stays small, and the oldest is its
-- first entry for the agent: ordered by deposit_id IS NULL and then by time, PostgreSQL read
-- and sorted every undeposited payment of the agent to find it.

-- +goose Up
DROP INDEX payments_agent;
CREATE INDEX payments_undeposited ON payments (agent_id, received_at)
    WHERE deposit_id IS NULL AND status = 'posted' AND amount > 0;

-- +goose Down
DROP INDEX payments_undeposited;
CREATE INDEX payments_agent ON payments (agent_id, deposit_id);
