package store

import "context"

// balanceShards is how many rows each account's balance is split into on PostgreSQL, where
// writers run side by side. SQLite has one writer, so one row is enough there.
const balanceShards = 16

// nextShard spreads transactions over the shards in turn.
func (db *DB) nextShard() int {
	if db.Dialect == SQLite {
		return 0
	}
	return int(db.shards.Add(1) % balanceShards)
}

// addBalance moves an account's balance by amount, in this transaction's shard.
func (tx *Tx) addBalance(ctx context.Context, accountID, amount int64) error {
	st := tx.balanceStatement(accountID, amount)
	_, err := tx.ExecContext(ctx, st.query, st.args...)
	return err
}

func (tx *Tx) balanceStatement(accountID, amount int64) statement {
	return statement{`INSERT INTO ledger_balances (account_id, shard, balance) VALUES ($1, $2, $3)
ON CONFLICT (account_id, shard) DO UPDATE SET balance = ledger_balances.balance + excluded.balance`,
		[]any{accountID, tx.shard, amount}, "balance"}
}
