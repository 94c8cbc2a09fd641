-- The index on participants.last_paid served no query: the daily status move scans the table
-- (it touches most rows anyway), and a payment looks a participant up by id. Kept, it cost
-- every payment two more index pages to write (the entry leaves its old month for the new),
-- and on PostgreSQL it made each status update a non-HOT update of all the table's indexes.

-- +goose Up
DROP INDEX participants_last_paid;

-- +goose Down
CREATE INDEX participants_last_paid ON participants (last_paid);
