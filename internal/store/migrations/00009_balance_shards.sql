-- Account balances split into shards, one row per account and shard; an account's balance is
-- the sum of its shards. Concurrent PostgreSQL transactions that post to the same hot account
-- (the program funds take every payment) update different rows instead of queueing on one row
-- lock until the other commits. Rows could also spread over nodes by shard.

-- +goose Up
CREATE TABLE ledger_balances (
    account_id BIGINT NOT NULL REFERENCES ledger_accounts (id),
    shard      INTEGER NOT NULL,
    balance    BIGINT NOT NULL,
    PRIMARY KEY (account_id, shard)
);
INSERT INTO ledger_balances (account_id, shard, balance) SELECT id, 0, balance FROM ledger_accounts WHERE balance <> 0;
ALTER TABLE ledger_accounts DROP COLUMN balance;

-- +goose Down
ALTER TABLE ledger_accounts ADD COLUMN balance BIGINT NOT NULL DEFAULT 0;
UPDATE ledger_accounts SET balance = COALESCE((SELECT SUM(balance) FROM ledger_balances b WHERE b.account_id = ledger_accounts.id), 0);
DROP TABLE ledger_balances;
