-- An agent's own participant record belongs to its wadah (security issue 16 §1). Such records
-- were stored with no wadah and no agent, and a scope check read "no agent" as "the whole
-- branch": every agent of the branch could see and pay for them. Now the wadah manager sees
-- them; other agents do not.

-- +goose Up
UPDATE participants SET wadah_id = (SELECT a.wadah_id FROM agents a WHERE a.participant_id = participants.id)
WHERE agent_id IS NULL AND wadah_id IS NULL AND id IN (SELECT participant_id FROM agents WHERE participant_id IS NOT NULL);

-- +goose Down
SELECT 1;
