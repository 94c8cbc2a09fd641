-- An agent's own cash limits, set by the branch: a trusted agent may hold more, a new one less.
-- NULL takes the rules' defaults (cash_limits).

-- +goose Up
ALTER TABLE agents ADD COLUMN max_cash_on_hand BIGINT;
ALTER TABLE agents ADD COLUMN max_receipt_age_days INTEGER;

-- +goose Down
ALTER TABLE agents DROP COLUMN max_receipt_age_days;
ALTER TABLE agents DROP COLUMN max_cash_on_hand;
