-- Whom an incentive goes to (issue 19). A handover moves participants to another agent, so
-- participants.agent_id says who manages a participant now, not who acquired them or who
-- managed them when a contribution came in. Both are kept at the time of writing:
-- participants.acquired_by (the agent who registered them: the acquisition incentive) and
-- payments.managed_by (the participant's agent when the payment was received, whoever took it:
-- the collection share). Existing rows take the current agent, the best that is known.

-- +goose Up
ALTER TABLE participants ADD COLUMN acquired_by BIGINT;
UPDATE participants SET acquired_by = agent_id;
ALTER TABLE payments ADD COLUMN managed_by BIGINT;
UPDATE payments SET managed_by = (SELECT x.agent_id FROM participants x WHERE x.id = payments.participant_id);
CREATE INDEX participants_acquired_by ON participants (acquired_by, created_at);
CREATE INDEX payments_managed_by ON payments (managed_by, received_at);

-- +goose Down
DROP INDEX payments_managed_by;
DROP INDEX participants_acquired_by;
ALTER TABLE payments DROP COLUMN managed_by;
ALTER TABLE participants DROP COLUMN acquired_by;
