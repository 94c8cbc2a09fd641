package store

import (
	"context"
	"fmt"
	"time"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/incentive"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/rules"
)

// Incentive statements (migration 20). The monthly run prices each agent's work of a month
// with the incentive package, line by line, each line tied to its registration or payment,
// and freezes it: nothing on an issued statement is priced again. What comes later (a late
// payment, a payment reversed after the statement) goes on the next run's statement.

// IncentiveStatement is an agent's incentive for a month.
type IncentiveStatement struct {
	ID         int64           `json:"id"`
	AgentID    int64           `json:"agent_id"`
	WadahID    int64           `json:"wadah_id"`
	BranchID   int64           `json:"branch_id"`
	Month      calendar.Month  `json:"month"`
	State      string          `json:"state"` // issued, approved, paid
	AgentTotal int64           `json:"agent_total"`
	WadahExtra int64           `json:"wadah_extra"`
	IssuedAt   time.Time       `json:"issued_at"`
	Lines      []IncentiveLine `json:"lines,omitempty"`
}

// IncentiveLine is one line of a statement.
type IncentiveLine struct {
	ID            int64          `json:"id"`
	Rule          string         `json:"rule"`
	Source        string         `json:"source"`
	Basis         int64          `json:"basis"`
	Amount        int64          `json:"amount"`
	ParticipantID int64          `json:"participant_id,omitempty"`
	PaymentID     int64          `json:"payment_id,omitempty"`
	PaidMonth     calendar.Month `json:"paid_month,omitempty"`
	ClawbackOf    int64          `json:"clawback_of,omitempty"`
}

// RunIncentives issues the statements of a month for every agent that has work in it not yet
// on a statement: registrations made in the month, contributions received up to its end, and
// clawbacks of payments reversed since their statement. Running it again changes nothing.
func (db *DB) RunIncentives(ctx context.Context, act audit.Actor, rs *rules.Set, m calendar.Month) (int, error) {
	sc, src, err := rs.IncentiveFor(m)
	if err != nil {
		return 0, errs.Invalid("month", "no incentive scheme in force for %s", m)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT a.id, a.wadah_id, w.branch_id, substr(w.village_code, 1, 2) FROM agents a JOIN wadah w ON w.id = a.wadah_id ORDER BY a.id`)
	if err != nil {
		return 0, fmt.Errorf("incentives: %w", err)
	}
	type agentRow struct {
		id, wadah, branch int64
		prov              string
	}
	var agents []agentRow
	for rows.Next() {
		var a agentRow
		if err := rows.Scan(&a.id, &a.wadah, &a.branch, &a.prov); err != nil {
			rows.Close()
			return 0, err
		}
		agents = append(agents, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	issued := 0
	for _, a := range agents {
		made, err := db.issueStatement(ctx, act, sc, src, m, a.id, a.wadah, a.branch, a.prov)
		if err != nil {
			return issued, fmt.Errorf("incentives of agent %d: %w", a.id, err)
		}
		if made {
			issued++
		}
	}
	return issued, nil
}

func (db *DB) issueStatement(ctx context.Context, act audit.Actor, sc rules.Incentive, src string, m calendar.Month, agent, wadah, branch int64, prov string) (bool, error) {
	made := false
	err := db.Transact(ctx, func(tx *Tx) error {
		made = false
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM incentive_statements WHERE province_code = $1 AND agent_id = $2 AND month = $3`, prov, agent, int(m)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil // issued before: frozen
		}
		var lines []IncentiveLine
		// Registrations of the month (a rejected one earns nothing).
		// The month's bounds in WIB, where the business day is taken (calendar.Zone).
		from := time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, calendar.Zone)
		to := from.AddDate(0, 1, 0)
		regs, err := tx.QueryContext(ctx, `SELECT id, jht FROM participants WHERE agent_id = $1 AND created_at >= $2 AND created_at < $3 AND review <> 'rejected' ORDER BY id`, agent, from, to)
		if err != nil {
			return err
		}
		type reg struct {
			id  int64
			jht bool
		}
		var news []reg
		for regs.Next() {
			var r reg
			if err := regs.Scan(&r.id, &r.jht); err != nil {
				regs.Close()
				return err
			}
			news = append(news, r)
		}
		regs.Close()
		if err := regs.Err(); err != nil {
			return err
		}
		if blocks, amount := incentive.Blocks(sc, len(news)); blocks > 0 {
			lines = append(lines, IncentiveLine{Rule: "acquisition.block", Source: src, Basis: int64(len(news)), Amount: amount})
		}
		for _, r := range news {
			if rule, amount, ok := incentive.PerParticipant(sc, len(news), r.jht); ok {
				lines = append(lines, IncentiveLine{Rule: rule, Source: src, Basis: 1, Amount: amount, ParticipantID: r.id})
			}
		}
		// Contributions received up to the month's end by this agent and on no statement yet,
		// each paid month priced by its number in the participant's membership.
		pays, err := tx.QueryContext(ctx, `SELECT pm.payment_id, pm.participant_id, pm.month, pm.due,
(SELECT COUNT(*) FROM paid_months e WHERE e.participant_id = pm.participant_id AND e.month <= pm.month)
FROM paid_months pm JOIN payments p ON p.id = pm.payment_id
WHERE p.agent_id = $1 AND p.status = 'posted' AND p.received_at < $2
AND NOT EXISTS (SELECT 1 FROM incentive_lines l WHERE l.payment_id = pm.payment_id AND l.paid_month = pm.month AND l.clawback_of IS NULL)
ORDER BY pm.payment_id, pm.month`, agent, to)
		if err != nil {
			return err
		}
		for pays.Next() {
			var l IncentiveLine
			var month, number int
			if err := pays.Scan(&l.PaymentID, &l.ParticipantID, &month, &l.Basis, &number); err != nil {
				pays.Close()
				return err
			}
			l.PaidMonth = calendar.Month(month)
			rule, share, ok := incentive.Share(sc, number, l.Basis)
			if !ok {
				continue // past the last band: nothing
			}
			l.Rule, l.Source, l.Amount = rule, src, share
			lines = append(lines, l)
		}
		pays.Close()
		if err := pays.Err(); err != nil {
			return err
		}
		// Clawbacks: lines of issued statements whose payment was reversed since.
		back, err := tx.QueryContext(ctx, `SELECT l.id, l.rule, l.basis, l.amount, l.participant_id, l.payment_id, l.paid_month FROM incentive_lines l
JOIN incentive_statements s ON s.id = l.statement_id JOIN payments p ON p.id = l.payment_id
WHERE s.agent_id = $1 AND p.status = 'reversed' AND l.clawback_of IS NULL
AND NOT EXISTS (SELECT 1 FROM incentive_lines c WHERE c.clawback_of = l.id) ORDER BY l.id`, agent)
		if err != nil {
			return err
		}
		for back.Next() {
			var l IncentiveLine
			var orig int64
			if err := back.Scan(&orig, &l.Rule, &l.Basis, &l.Amount, &l.ParticipantID, &l.PaymentID, &l.PaidMonth); err != nil {
				back.Close()
				return err
			}
			l.Rule, l.Source, l.Amount, l.Basis, l.ClawbackOf = "clawback."+l.Rule, src, -l.Amount, -l.Basis, orig
			lines = append(lines, l)
		}
		back.Close()
		if err := back.Err(); err != nil {
			return err
		}
		if len(lines) == 0 {
			return nil
		}
		var total int64
		for _, l := range lines {
			total += l.Amount
		}
		id := idgen.Next()
		if _, err := tx.ExecContext(ctx, `INSERT INTO incentive_statements (province_code, id, agent_id, wadah_id, branch_id, month, state, agent_total, wadah_extra, issued_at)
VALUES ($1, $2, $3, $4, $5, $6, 'issued', $7, $8, $9)`, prov, id, agent, wadah, branch, int(m), total, incentive.WadahExtra(sc, total), now()); err != nil {
			return fmt.Errorf("statement: %w", err)
		}
		for _, l := range lines {
			if _, err := tx.ExecContext(ctx, `INSERT INTO incentive_lines (province_code, id, statement_id, rule, source, basis, amount, participant_id, payment_id, paid_month, clawback_of)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, prov, idgen.Next(), id, l.Rule, l.Source, l.Basis, l.Amount,
				nullZero(l.ParticipantID), nullZero(l.PaymentID), nullZero(int64(l.PaidMonth)), nullZero(l.ClawbackOf)); err != nil {
				return fmt.Errorf("statement line: %w", err)
			}
		}
		made = true
		return Audit(ctx, tx, act, "issue", "incentive_statement", id, prov, fmt.Sprintf("agent %d %s Rp %d", agent, m, total))
	})
	return made, err
}

// IncentiveStatements lists statements, newest month first, with their lines.
func (db *DB) IncentiveStatements(ctx context.Context, agentID, wadahID, branchID int64) ([]IncentiveStatement, error) {
	where, a := "1=1", args{}
	if agentID != 0 {
		where += " AND agent_id = " + a.add(agentID)
	}
	if wadahID != 0 {
		where += " AND wadah_id = " + a.add(wadahID)
	}
	if branchID != 0 {
		where += " AND branch_id = " + a.add(branchID)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, agent_id, wadah_id, branch_id, month, state, agent_total, wadah_extra, issued_at FROM incentive_statements
WHERE `+where+` ORDER BY month DESC, agent_id LIMIT 500`, a...)
	if err != nil {
		return nil, err
	}
	var out []IncentiveStatement
	for rows.Next() {
		var s IncentiveStatement
		var m int
		if err := rows.Scan(&s.ID, &s.AgentID, &s.WadahID, &s.BranchID, &m, &s.State, &s.AgentTotal, &s.WadahExtra, &s.IssuedAt); err != nil {
			rows.Close()
			return nil, err
		}
		s.Month = calendar.Month(m)
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		lr, err := db.read.QueryContext(ctx, `SELECT id, rule, source, basis, amount, COALESCE(participant_id, 0), COALESCE(payment_id, 0), COALESCE(paid_month, 0), COALESCE(clawback_of, 0)
FROM incentive_lines WHERE statement_id = $1 ORDER BY id`, out[i].ID)
		if err != nil {
			return nil, err
		}
		for lr.Next() {
			var l IncentiveLine
			var pm int
			if err := lr.Scan(&l.ID, &l.Rule, &l.Source, &l.Basis, &l.Amount, &l.ParticipantID, &l.PaymentID, &pm, &l.ClawbackOf); err != nil {
				lr.Close()
				return nil, err
			}
			l.PaidMonth = calendar.Month(pm)
			out[i].Lines = append(out[i].Lines, l)
		}
		lr.Close()
		if err := lr.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ApproveIncentive approves an issued statement (a branch officer other than whoever issued
// it: the run is the maker) and posts it payable to the wadah: the agent's total and the
// wadah's extra, from the branch's incentive expense.
func (db *DB) ApproveIncentive(ctx context.Context, act audit.Actor, branchID, id int64) error {
	return db.Transact(ctx, func(tx *Tx) error {
		var prov string
		var wadah, total, extra int64
		err := tx.QueryRowContext(ctx, `SELECT province_code, wadah_id, agent_total, wadah_extra FROM incentive_statements WHERE id = $1 AND branch_id = $2 AND state = 'issued'`+tx.ForUpdate(),
			id, branchID).Scan(&prov, &wadah, &total, &extra)
		if isNoRows(err) {
			return errs.Conflict("no issued statement %d in this branch", id)
		}
		if err != nil {
			return err
		}
		var entry int64
		if sum := total + extra; sum != 0 {
			e := ledger.Entry{Kind: "incentive", RefType: "incentive_statement", RefID: id, Region: prov}
			e.Debit(ledger.Account("incentive_expense:"+fmt.Sprint(branchID)), sum).Credit(ledger.IncentivesPayable(wadah), sum)
			if entry, err = post(ctx, tx, e, 0); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE incentive_statements SET state = 'approved', approved_by = $1, approve_entry = $2 WHERE province_code = $3 AND id = $4`,
			nullZero(act.UserID), nullZero(entry), prov, id); err != nil {
			return err
		}
		return Audit(ctx, tx, act, "approve", "incentive_statement", id, prov, fmt.Sprintf("Rp %d + wadah Rp %d", total, extra))
	})
}

// PayIncentives pays every approved statement of a branch to its wadah's partner-bank
// account (incentives payable → the branch's bank clearing), each once.
func (db *DB) PayIncentives(ctx context.Context, act audit.Actor, branchID int64) (int, error) {
	paid := 0
	err := db.Transact(ctx, func(tx *Tx) error {
		paid = 0
		rows, err := tx.QueryContext(ctx, `SELECT province_code, id, wadah_id, agent_total + wadah_extra FROM incentive_statements WHERE branch_id = $1 AND state = 'approved' ORDER BY id`+tx.ForUpdate(), branchID)
		if err != nil {
			return err
		}
		type st struct {
			prov              string
			id, wadah, amount int64
		}
		var list []st
		for rows.Next() {
			var s st
			if err := rows.Scan(&s.prov, &s.id, &s.wadah, &s.amount); err != nil {
				rows.Close()
				return err
			}
			list = append(list, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		batch := idgen.Next()
		for _, s := range list {
			var entry int64
			if s.amount != 0 {
				e := ledger.Entry{Kind: "incentive_payout", RefType: "incentive_statement", RefID: s.id, Region: s.prov}
				e.Debit(ledger.IncentivesPayable(s.wadah), s.amount).Credit(ledger.BankClearing(branchID), s.amount)
				if entry, err = post(ctx, tx, e, 0); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE incentive_statements SET state = 'paid', payout_id = $1, pay_entry = $2 WHERE province_code = $3 AND id = $4 AND state = 'approved'`,
				batch, nullZero(entry), s.prov, s.id); err != nil {
				return err
			}
			paid++
		}
		return Audit(ctx, tx, act, "pay", "incentive_payout", batch, "", fmt.Sprintf("%d statement(s)", paid))
	})
	return paid, err
}
