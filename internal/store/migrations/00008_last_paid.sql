-- The last paid month of each participant, kept with every payment and reversal, so that the
-- daily status move is one set-based UPDATE over participants (10 million in under a minute)
-- instead of a scan of every paid month.

-- +goose Up
ALTER TABLE participants ADD COLUMN last_paid INTEGER;
UPDATE participants SET last_paid = (SELECT MAX(month) FROM paid_months m WHERE m.participant_id = participants.id);
CREATE INDEX participants_last_paid ON participants (last_paid);

-- +goose Down
DROP INDEX participants_last_paid;
