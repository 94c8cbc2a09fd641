-- What a sponsorship has charged so far (the sponsors page shows it against the budget): an
-- index on the payments a sponsor made, partial so that the payments people make themselves,
-- nearly all of them, cost it nothing.

-- +goose Up
CREATE INDEX payments_sponsorship ON payments (sponsorship_id) WHERE sponsorship_id IS NOT NULL;

-- +goose Down
DROP INDEX payments_sponsorship;
