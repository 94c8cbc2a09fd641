-- Every read of incentive lines names their province (issue 21). Led by the province alone,
-- the primary key looked as good to the planners as the index of the statement, the payment or
-- the participant, and on a table without statistics PostgreSQL (and SQLite always, for a
-- clawback) read every line of the province for each agent. The three indexes now hold the
-- province beside the column they are for, so that a read naming both finds its lines at once.
-- A claim's documents, read the same way, likewise; the lines of a statement and the documents
-- of a claim in id order, as they are listed.

-- +goose Up
DROP INDEX incentive_lines_statement;
DROP INDEX incentive_lines_payment;
DROP INDEX incentive_lines_participant;
CREATE INDEX incentive_lines_statement ON incentive_lines (statement_id, province_code, id);
CREATE INDEX incentive_lines_payment ON incentive_lines (payment_id, province_code);
CREATE INDEX incentive_lines_participant ON incentive_lines (participant_id, province_code);
DROP INDEX claim_documents_claim;
CREATE INDEX claim_documents_claim ON claim_documents (claim_id, province_code, id);

-- +goose Down
DROP INDEX incentive_lines_statement;
DROP INDEX incentive_lines_payment;
DROP INDEX incentive_lines_participant;
CREATE INDEX incentive_lines_statement ON incentive_lines (statement_id);
CREATE INDEX incentive_lines_payment ON incentive_lines (payment_id);
CREATE INDEX incentive_lines_participant ON incentive_lines (participant_id);
DROP INDEX claim_documents_claim;
CREATE INDEX claim_documents_claim ON claim_documents (claim_id);
