package store

import (
	"cmp"
	"context"
)

// balanceShards is how many rows each account's balance is split into on PostgreSQL, where
// writers run side by side. SQLite has one writer, so one row is enough there.
const balanceShards = 16

// An account's balance is kept per province (migration 32): a single-province transaction
// moves only its province's rows, and the account's balance is the sum over provinces.
type balanceKey struct {
	account  int64
	province string
}

func compareBalanceKeys(a, b balanceKey) int {
	if c := cmp.Compare(a.account, b.account); c != 0 {
		return c
	}
	return cmp.Compare(a.province, b.province)
}

// nextShard spreads transactions over the shards in turn.
func (db *DB) nextShard() int {
	if db.Dialect == SQLite {
		return 0
	}
	return int(db.shards.Add(1) % balanceShards)
}

// addBalance moves an account's balance in a province by amount, in this transaction's shard.
func (tx *Tx) addBalance(ctx context.Context, k balanceKey, amount int64) error {
	st := tx.balanceStatement(k, amount)
	_, err := tx.ExecContext(ctx, st.query, st.args...)
	return err
}

func (tx *Tx) balanceStatement(k balanceKey, amount int64) statement {
	return statement{`INSERT INTO ledger_balances (province_code, account_id, shard, balance) VALUES ($1, $2, $3, $4)
ON CONFLICT (account_id, shard, province_code) DO UPDATE SET balance = ledger_balances.balance + excluded.balance`,
		[]any{k.province, k.account, tx.shard, amount}, "balance"}
}

// delta is what this transaction has posted to an account and not yet applied, in every
// province. A batch of one province posts in that province alone: one look, where a walk over
// every delta of a batch for each payment's balances would cost the batch's size squared.
func (tx *Tx) delta(account int64) int64 {
	if tx.pre != nil && tx.pre.province != "" {
		return tx.deltas[balanceKey{account, tx.pre.province}]
	}
	var sum int64
	for k, d := range tx.deltas {
		if k.account == account {
			sum += d
		}
	}
	return sum
}
