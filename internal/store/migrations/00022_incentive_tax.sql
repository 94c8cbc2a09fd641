-- The tax withheld from an incentive statement (issue 19; the rate is dated in the rules file,
-- UNCONFIRMED): fixed when the statement is issued, like everything on it.

-- +goose Up
ALTER TABLE incentive_statements ADD COLUMN tax BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE incentive_statements DROP COLUMN tax;
