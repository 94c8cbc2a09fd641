package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/ledger"
)

// accountIDs makes sure the accounts exist and returns their ids. Creation is an upsert that
// does nothing on conflict, so two transactions creating the same account both succeed.
func accountIDs(ctx context.Context, tx *Tx, codes []ledger.Account) (map[ledger.Account]int64, error) {
	out := make(map[ledger.Account]int64, len(codes))
	t := now()
	for _, c := range codes {
		if _, ok := out[c]; ok {
			continue
		}
		if id, ok := tx.accounts.Load(c); ok {
			out[c] = id.(int64)
			continue
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO ledger_accounts (id, code, kind, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (code) DO NOTHING`, idgen.Next(), string(c), c.Kind(), t)
		if err != nil {
			return nil, fmt.Errorf("account %s: %w", c, err)
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM ledger_accounts WHERE code = $1`, string(c)).Scan(&id); err != nil {
			return nil, fmt.Errorf("account %s: %w", c, err)
		}
		// Cache only an account that existed before this transaction: one it created could
		// still be rolled back (and a second insert of it in the same transaction affects no
		// row either, so the transaction remembers what it created).
		switch n, _ := res.RowsAffected(); {
		case n > 0:
			if tx.created == nil {
				tx.created = map[ledger.Account]bool{}
			}
			tx.created[c] = true
			if tx.pre != nil { // a batch that knew it absent now knows its id, balance 0
				tx.pre.balance[c] = acctBalance{id: id}
			}
		case !tx.created[c]:
			tx.accounts.Store(c, id)
		}
		out[c] = id
	}
	return out, nil
}

// post writes a balanced entry and moves the balances of its accounts in the same
// transaction. reverses names the entry this one undoes, if any.
func post(ctx context.Context, tx *Tx, e ledger.Entry, reverses int64) (int64, error) {
	if err := e.Validate(); err != nil {
		return 0, err
	}
	codes := make([]ledger.Account, len(e.Postings))
	for i, p := range e.Postings {
		codes[i] = p.Account
	}
	ids, err := accountIDs(ctx, tx, codes)
	if err != nil {
		return 0, err
	}
	entryID := idgen.Next()
	var rev any
	if reverses != 0 {
		rev = reverses
	}
	if err := tx.insert(ctx, "journal_entries", []string{"id", "at", "kind", "ref_type", "ref_id", "memo", "reverses", "province_code"},
		[]any{entryID, stamp(ctx), e.Kind, e.RefType, e.RefID, e.Memo, rev, e.Region}); err != nil {
		return 0, fmt.Errorf("journal entry: %w", err)
	}
	rows := make([][]any, len(e.Postings))
	for i, p := range e.Postings {
		rows[i] = []any{idgen.Next(), entryID, ids[p.Account], p.Amount, e.Region}
	}
	if err := tx.insert(ctx, "postings", []string{"id", "entry_id", "account_id", "amount", "province_code"}, rows...); err != nil {
		return 0, fmt.Errorf("postings: %w", err)
	}
	for _, p := range e.Postings {
		k := balanceKey{ids[p.Account], e.Region}
		if tx.deltas != nil {
			tx.deltas[k] += p.Amount
			continue
		}
		if err := tx.addBalance(ctx, k, p.Amount); err != nil {
			return 0, fmt.Errorf("balance %s: %w", p.Account, err)
		}
	}
	return entryID, nil
}

// entryPostings reads back an entry, for its reversal.
func entryPostings(ctx context.Context, q Querier, province string, entryID int64) (ledger.Entry, error) {
	var e ledger.Entry
	if err := q.QueryRowContext(ctx, `SELECT kind, ref_type, ref_id, memo, province_code FROM journal_entries WHERE id = $1 AND province_code = $2`, entryID, province).
		Scan(&e.Kind, &e.RefType, &e.RefID, &e.Memo, &e.Region); err != nil {
		return e, err
	}
	rows, err := q.QueryContext(ctx, `SELECT a.code, p.amount FROM postings p JOIN ledger_accounts a ON a.id = p.account_id
WHERE p.entry_id = $1 AND p.province_code = $2 ORDER BY p.id`, entryID, province)
	if err != nil {
		return e, err
	}
	defer rows.Close()
	for rows.Next() {
		var p ledger.Posting
		if err := rows.Scan(&p.Account, &p.Amount); err != nil {
			return e, err
		}
		e.Postings = append(e.Postings, p)
	}
	return e, rows.Err()
}

// Balance is an account's balance (debit-positive); 0 for an account never posted to.
func (db *DB) Balance(ctx context.Context, a ledger.Account) (int64, error) {
	return balance(ctx, db.read, a, "")
}

// BalanceIn is an account's balance in one province: all of it for an account that lives in
// one (an agent's cash, a participant's credit).
func (db *DB) BalanceIn(ctx context.Context, a ledger.Account, province string) (int64, error) {
	return balance(ctx, db.read, a, province)
}

// balance reads an account's balance in province, or over all provinces when it is "".
func balance(ctx context.Context, q Querier, a ledger.Account, province string) (int64, error) {
	if tx, ok := q.(*Tx); ok && tx.pre != nil {
		if b, ok := tx.pre.balance[a]; ok {
			return b.balance + tx.delta(b.id), nil
		}
	}
	var b int64
	var id int64
	inProv, args := inProvince("b.province_code", province, []any{string(a)})
	err := q.QueryRowContext(ctx, `SELECT a.id, COALESCE(SUM(b.balance), 0) FROM ledger_accounts a
LEFT JOIN ledger_balances b ON b.account_id = a.id`+inProv+` WHERE a.code = $1 GROUP BY a.id`, args...).Scan(&id, &b)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	// Inside a group commit, add what this transaction has posted but not yet applied.
	if tx, ok := q.(*Tx); ok && tx.deltas != nil {
		b += tx.delta(id)
	}
	return b, err
}

// Problem is one broken ledger invariant.
type Problem struct {
	What string `json:"what"`
	Ref  string `json:"ref"`
}

// VerifyLedger checks every invariant: each entry balances and has two postings or more, each
// account's balance in each province equals the sum of its postings there, each posting is
// kept in its entry's province, each reversal mirrors the entry it undoes, the accounts of each
// province (and so of the system as a whole) sum to zero, and every reference of the money
// tables points to a row.
func (db *DB) VerifyLedger(ctx context.Context) ([]Problem, error) {
	var out []Problem
	check := func(what, q string) error {
		rows, err := db.read.QueryContext(ctx, q)
		if err == nil {
			defer rows.Close()
			for rows.Next() {
				var ref string
				if err = rows.Scan(&ref); err != nil {
					break
				}
				out = append(out, Problem{What: what, Ref: ref})
			}
			if err == nil {
				err = rows.Err()
			}
		}
		// A sum past int64 (SQLite's SUM refuses it) is itself a broken invariant: report
		// it, and go on with the other checks.
		if err != nil && isOverflow(err) {
			out = append(out, Problem{What: what, Ref: "a sum is out of range: " + err.Error()})
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
	checks := []struct{ what, q string }{
		{"entry does not balance", `SELECT CAST(e.id AS TEXT) FROM journal_entries e LEFT JOIN postings p ON p.entry_id = e.id
GROUP BY e.id HAVING COALESCE(SUM(p.amount), 0) <> 0 OR COUNT(p.id) < 2`},
		// Per province: an account's balance is kept in each province it has postings in.
		{"account balance differs from its postings", `SELECT a.code || ' in ' || k.province_code FROM
(SELECT account_id, province_code FROM ledger_balances UNION SELECT account_id, province_code FROM postings) k
JOIN ledger_accounts a ON a.id = k.account_id
LEFT JOIN (SELECT account_id, province_code, SUM(balance) AS s FROM ledger_balances GROUP BY account_id, province_code) b
  ON b.account_id = k.account_id AND b.province_code = k.province_code
LEFT JOIN (SELECT account_id, province_code, SUM(amount) AS s FROM postings GROUP BY account_id, province_code) p
  ON p.account_id = k.account_id AND p.province_code = k.province_code
WHERE COALESCE(b.s, 0) <> COALESCE(p.s, 0)`},
		{"posting kept in another province than its entry", `SELECT CAST(p.id AS TEXT) FROM postings p
JOIN journal_entries e ON e.id = p.entry_id WHERE e.province_code <> p.province_code`},
		{"reversal does not mirror the entry it reverses", `SELECT CAST(r.id AS TEXT) FROM journal_entries r
WHERE r.reverses IS NOT NULL AND EXISTS (
  SELECT 1 FROM (SELECT account_id, SUM(amount) AS s FROM postings WHERE entry_id = r.id GROUP BY account_id) rp
  LEFT JOIN (SELECT account_id, SUM(amount) AS s FROM postings WHERE entry_id = r.reverses GROUP BY account_id) op ON op.account_id = rp.account_id
  WHERE op.s IS NULL OR op.s <> -rp.s)`},
		{"accounts do not sum to zero", `SELECT 'province ' || province_code FROM ledger_balances GROUP BY province_code HAVING SUM(balance) <> 0`},
		{"paid month without a posted payment", `SELECT CAST(m.participant_id AS TEXT) || '/' || CAST(m.month AS TEXT) FROM paid_months m
JOIN payments p ON p.id = m.payment_id WHERE p.status <> 'posted'`},
	}
	// Every reference of the money tables points to a row (PostgreSQL does not enforce them;
	// migration 14).
	for _, k := range verifiedForeignKeys {
		checks = append(checks, struct{ what, q string }{
			k.table + "." + k.column + " points to no " + k.references + " row",
			`SELECT CAST(t.` + k.column + ` AS TEXT) FROM ` + k.table + ` t WHERE t.` + k.column + ` IS NOT NULL
AND NOT EXISTS (SELECT 1 FROM ` + k.references + ` r WHERE r.id = t.` + k.column + `)`})
	}
	for _, c := range checks {
		if err := check(c.what, c.q); err != nil {
			return nil, err
		}
	}
	return out, nil
}
