package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/rules"
)

// prefetch is what a group commit reads for its whole batch in a few queries, instead of a few
// queries per payment: the payees (locked), their paid months, their credit balances and the
// idempotency keys; for payments agents take, the agents, their wadah's agreements, their cash
// on hand and their oldest undeposited receipt. Reads inside the batch consult it first; what
// the batch itself writes is added by the write buffer and the balance deltas.
type prefetch struct {
	// province is the batch's ("" when it names none): every row it reads and writes is of it.
	province string
	payees   map[int64]payee
	paid     map[int64][]calendar.Month
	balance  map[ledger.Account]acctBalance
	idem     map[idemID]idemRow
	agents   map[int64]agentRow
	// agreements are the periods of each wadah's agreements in force (status active).
	agreements map[int64][][2]calendar.Date
	// oldest is each agent's oldest undeposited receipt; absent when there is none.
	oldest map[int64]time.Time
}

// agentRow is what taking a payment needs of the agent who takes it.
type agentRow struct {
	status       string
	wadah        int64
	limits       network.CashLimits
	lastActivity *time.Time
}

type acctBalance struct{ id, balance int64 }

type idemID struct {
	user int64
	key  string
}

type idemRow struct {
	hash, ctype, body string
	status            int
}

// padIn pads the values of an IN list to a power of two by repeating the last one (which changes
// nothing the list matches), so that its statement comes in a few shapes that stay prepared.
func padIn(vals []any) []any {
	n := 1
	for n < len(vals) {
		n *= 2
	}
	for len(vals) < n && len(vals) > 0 {
		vals = append(vals, vals[len(vals)-1])
	}
	return vals
}

// padKeys pads a list of (user, key, province) triples to a power of two triples, as padIn does
// values.
func padKeys(vals []any) []any {
	n := 1
	for n < len(vals)/3 {
		n *= 2
	}
	for len(vals)/3 < n && len(vals) > 0 {
		vals = append(vals, vals[len(vals)-3:]...)
	}
	return vals
}

// keyList is n rows of a VALUES list of (user id, key, province) parameters; PostgreSQL is told
// their types, which a VALUES list does not give it.
func keyList(d Dialect, n int) string {
	row := "($%d, $%d, $%d)"
	if d == Postgres {
		row = "($%d::bigint, $%d::text, $%d::text)"
	}
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, row, 3*i+1, 3*i+2, 3*i+3)
	}
	return b.String()
}

func inList(start, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(start+i))
	}
	return b.String()
}

func loadPrefetch(ctx context.Context, tx *Tx, province string, items []PayItem) (*prefetch, error) {
	pf := &prefetch{province: province, payees: map[int64]payee{}, paid: map[int64][]calendar.Month{}, balance: map[ledger.Account]acctBalance{}, idem: map[idemID]idemRow{},
		agents: map[int64]agentRow{}, agreements: map[int64][][2]calendar.Date{}, oldest: map[int64]time.Time{}}
	seen, seenAgent := map[int64]bool{}, map[int64]bool{}
	var ids, codes, agents []any
	var keys []any // user, key, province, user, key, province …: the key's index is (user_id, idem_key, province_code)
	seenKey := map[idemID]bool{}
	for _, it := range items {
		if !seen[it.Req.ParticipantID] {
			seen[it.Req.ParticipantID] = true
			ids = append(ids, it.Req.ParticipantID)
			codes = append(codes, string(ledger.ParticipantCredit(it.Req.ParticipantID)))
		}
		if a := it.P.AgentID; it.P.Role == access.Agent && a != 0 && !seenAgent[a] {
			seenAgent[a] = true
			agents = append(agents, a)
			codes = append(codes, string(ledger.AgentCash(a)))
		}
		if k := (idemID{it.P.UserID, it.Key}); !seenKey[k] {
			seenKey[k] = true
			keys = append(keys, it.P.UserID, it.Key, it.P.Province)
		}
	}
	ids, codes = padIn(ids), padIn(codes)
	for _, c := range codes {
		pf.balance[ledger.Account(c.(string))] = acctBalance{} // no account yet: no credit
	}
	var in string // the agents' IN list
	if len(agents) > 0 {
		agents = padIn(agents)
		in = inList(1, len(agents))
	}
	// The payees in the batch's province: a participant of another province than the payer's
	// (whose payment the scope check will refuse) is not read here, and is read on its own.
	inProv, payeeArgs := inProvince("province_code", province, ids)
	payees := `SELECT id, kpj, name, village_code, declared_income, jkk, jkm, jht, sector, branch_id,
COALESCE(wadah_id, 0), COALESCE(agent_id, 0), review FROM participants WHERE id IN (` + inList(1, len(ids)) + `)` + inProv
	reads := []read{
		// Ascending ids: concurrent writers lock participants in the same order.
		{statement{payees + ` ORDER BY id` + tx.ForUpdate(), payeeArgs, "payees"},
			func(scan func(...any) error) error {
				var p payee
				var sector string
				if err := scan(&p.id, &p.kpj, &p.name, &p.village, &p.income, &p.programs.JKK, &p.programs.JKM, &p.programs.JHT, &sector,
					&p.branch, &p.wadah, &p.agent, &p.review); err != nil {
					return err
				}
				p.sector = rules.Sector(sector)
				pf.payees[p.id] = p
				return nil
			}},
	}
	if len(agents) > 0 {
		// The agents are locked (on PostgreSQL, in id order as the payees) before their cash and
		// receipts are read: two batches on two writers with payments by one agent take turns,
		// so that together they cannot pass the agent's cash limit.
		// In the batch's province: an agent's principal names its own, which the batch is of.
		inProv, args := inProvince("province_code", province, agents)
		reads = append(reads, read{statement{`SELECT id, status, wadah_id, COALESCE(max_cash_on_hand, 0), COALESCE(max_receipt_age_days, 0), last_activity_at
FROM agents WHERE id IN (` + in + `)` + inProv + ` ORDER BY id` + tx.ForUpdate(), args, "agents"},
			func(scan func(...any) error) error {
				var id int64
				var a agentRow
				if err := scan(&id, &a.status, &a.wadah, &a.limits.MaxCashOnHand, &a.limits.MaxReceiptAgeDays, &a.lastActivity); err != nil {
					return err
				}
				pf.agents[id] = a
				return nil
			}})
	}
	reads = append(reads, []read{
		// In the batch's province (a batch is one province's: batch_province.go), checked
		// against the payees below. The primary key leads with the participant (migration
		// 26): a join through participants to name the province cost the database about 40 µs
		// a payment; naming it as a value costs nothing.
		paidMonthsRead(pf, province, ids),
		// The participants' credit and the agents' cash, in the batch's province: every posting
		// to them is (a payment's is its participant's province, a deposit's its branch's).
		balanceRead(pf, province, codes),
	}...)
	if len(agents) > 0 {
		inAgreements, args := inProvince("province_code", province, agents)
		inAgents, _ := inProvince("a.province_code", province, agents)
		reads = append(reads,
			read{statement{`SELECT wadah_id, starts_on, ends_on FROM agreements WHERE status = 'active'` + inAgreements + `
AND wadah_id IN (SELECT wadah_id FROM agents WHERE id IN (` + in + `)` + inAgreements + `)`, args, "agreements"},
				func(scan func(...any) error) error {
					var w int64
					var p [2]calendar.Date
					if err := scan(&w, &p[0], &p[1]); err != nil {
						return err
					}
					pf.agreements[w] = append(pf.agreements[w], p)
					return nil
				}},
			// Each agent's oldest undeposited receipt: one look each in the index on (agent_id,
			// deposit_id, received_at).
			read{statement{oldestReceipts(tx.Dialect, in+")"+inAgents), args, "oldest receipts"},
				func(scan func(...any) error) error {
					var id int64
					var t time.Time
					if err := scan(&id, &t); err != nil {
						return err
					}
					pf.oldest[id] = t
					return nil
				}})
	}
	// Every key of the batch in one statement: the batch's pairs as a VALUES list joined to the
	// index (each user's keys apart cost a statement per agent in the batch).
	keys = padKeys(keys)
	reads = append(reads, read{statement{`WITH v (user_id, idem_key, province_code) AS (VALUES ` + keyList(tx.Dialect, len(keys)/3) + `)
SELECT k.user_id, k.idem_key, k.request_hash, k.status, k.content_type, k.response
FROM v JOIN idempotency_keys k ON k.user_id = v.user_id AND k.idem_key = v.idem_key AND k.province_code = v.province_code`, keys, "idempotency keys"},
		func(scan func(...any) error) error {
			var k idemID
			var r idemRow
			if err := scan(&k.user, &k.key, &r.hash, &r.status, &r.ctype, &r.body); err != nil {
				return err
			}
			pf.idem[k] = r
			return nil
		}})
	if err := tx.queryAll(ctx, reads); err != nil {
		return nil, err
	}
	return pf, nil
}

// paidMonthsRead reads the batch's participants' paid months, in its province when it has one.
func paidMonthsRead(pf *prefetch, province string, ids []any) read {
	inProv, args := inProvince("province_code", province, ids)
	return read{statement{`SELECT participant_id, month FROM paid_months WHERE participant_id IN (` + inList(1, len(ids)) + `)` + inProv +
		` ORDER BY participant_id, month`, args, "paid months"},
		func(scan func(...any) error) error {
			var id int64
			var m int
			if err := scan(&id, &m); err != nil {
				return err
			}
			pf.paid[id] = append(pf.paid[id], calendar.Month(m))
			return nil
		}}
}

// oldestReceipts reads each agent's oldest undeposited receipt, of the agent's province; where
// ends the agents' condition (their IN list's closing parenthesis and what follows it).
// PostgreSQL runs the LIMIT 1 per agent as a lateral join; SQLite, which has none, finds the
// payment's id in a scalar subquery per agent and joins it back, so that received_at comes as
// a typed column (a subquery's value comes untyped).
func oldestReceipts(d Dialect, where string) string {
	const first = `FROM payments o WHERE o.agent_id = a.id AND o.province_code = a.province_code AND o.deposit_id IS NULL
AND o.status = 'posted' AND o.amount > 0 ORDER BY o.received_at LIMIT 1`
	if d == Postgres {
		return `SELECT a.id, o.received_at FROM agents a CROSS JOIN LATERAL (SELECT o.received_at ` + first + `) o WHERE a.id IN (` + where
	}
	return `SELECT p.agent_id, p.received_at FROM agents a JOIN payments p ON p.id = (SELECT o.id ` + first + `) WHERE a.id IN (` + where
}

// balanceRead reads the balances of the batch's accounts, in its province when it has one.
func balanceRead(pf *prefetch, province string, codes []any) read {
	inProv, args := inProvince("b.province_code", province, codes)
	return read{statement{`SELECT a.code, a.id, COALESCE(SUM(b.balance), 0) FROM ledger_accounts a
LEFT JOIN ledger_balances b ON b.account_id = a.id` + inProv + ` WHERE a.code IN (` + inList(1, len(codes)) + `) GROUP BY a.id, a.code`, args, "credit"},
		func(scan func(...any) error) error {
			var code string
			var b acctBalance
			if err := scan(&code, &b.id, &b.balance); err != nil {
				return err
			}
			pf.balance[ledger.Account(code)] = b
			return nil
		}}
}
