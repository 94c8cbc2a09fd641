package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/incentive"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/money"
	"github.com/perisai/perisai/internal/rules"
)

// Incentive statements (migration 20). The monthly run prices each agent's work of a month
// with the incentive package, line by line, each line tied to its registration or payment,
// and freezes it: nothing on an issued statement is priced again. What comes later (a late
// payment, a payment reversed after the statement) goes on the next run's statement.

// IncentiveStatement is an agent's incentive for a month.
type IncentiveStatement struct {
	ID         int64          `json:"id"`
	AgentID    int64          `json:"agent_id"`
	AgentName  string         `json:"agent_name"`
	WadahID    int64          `json:"wadah_id"`
	WadahName  string         `json:"wadah_name"`
	BranchID   int64          `json:"branch_id"`
	Province   string         `json:"province"` // the wadah's, where the statement is kept
	Month      calendar.Month `json:"month"`
	State      string         `json:"state"` // issued, approved, paid
	AgentTotal int64          `json:"agent_total"`
	WadahExtra int64          `json:"wadah_extra"`
	// Tax is withheld from the agent's total and the wadah's extra; the wadah is paid the rest.
	Tax      int64           `json:"tax"`
	IssuedAt time.Time       `json:"issued_at"`
	Lines    []IncentiveLine `json:"lines,omitempty"`
}

// Net is what the wadah is paid: the agent's total and the wadah's extra, less the tax.
func (s IncentiveStatement) Net() int64 { return s.AgentTotal + s.WadahExtra - s.Tax }

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
// A month is issued once it has ended (in WIB, where the business day is taken): a statement
// issued while the month still runs would leave the rest of its registrations unpriced.
func (db *DB) RunIncentives(ctx context.Context, act audit.Actor, rs *rules.Set, m calendar.Month) (int, error) {
	if stamp(ctx).Before(m.Add(1).Begins()) {
		return 0, errs.Invalid("month", "%s has not ended: its statements are issued from the 1st of the next month", m)
	}
	sc, src, err := rs.IncentiveFor(m)
	if err != nil {
		return 0, errs.Invalid("month", "no incentive scheme in force for %s", m)
	}
	tax, _ := rs.IncentiveTaxFor(m)
	type agentRow struct {
		id, wadah, branch int64
		prov              string
	}
	var agents []agentRow
	err = scanAll(db.read.QueryContext(ctx, `SELECT a.id, a.wadah_id, w.branch_id, substr(w.village_code, 1, 2) FROM agents a JOIN wadah w ON w.id = a.wadah_id AND w.province_code = a.province_code ORDER BY a.id`))(
		func(scan func(...any) error) error {
			var a agentRow
			err := scan(&a.id, &a.wadah, &a.branch, &a.prov)
			agents = append(agents, a)
			return err
		})
	if err != nil {
		return 0, fmt.Errorf("incentives: %w", err)
	}
	// Agents a batch at a time, each batch in one transaction: one commit per agent was most of
	// a national run's time. A batch that fails is tried again whole (Transact); one that is
	// written stays, and running the month again issues the rest.
	issued := 0
	for batch := range slices.Chunk(agents, incentiveBatch) {
		n := 0
		err := db.Transact(ctx, func(tx *Tx) error {
			n = 0
			for _, a := range batch {
				made, err := issueStatement(ctx, tx, act, sc, tax, src, m, a.id, a.wadah, a.branch, a.prov)
				if err != nil {
					return fmt.Errorf("incentives of agent %d: %w", a.id, err)
				}
				if made {
					n++
				}
			}
			return nil
		})
		if err != nil {
			return issued, err
		}
		issued += n
	}
	return issued, nil
}

// incentiveBatch is how many agents' statements one transaction issues.
const incentiveBatch = 200

func issueStatement(ctx context.Context, tx *Tx, act audit.Actor, sc rules.Incentive, tax rules.IncentiveTax, src string, m calendar.Month, agent, wadah, branch int64, prov string) (bool, error) {
	made, err := func() (bool, error) {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM incentive_statements WHERE province_code = $1 AND agent_id = $2 AND month = $3`, prov, agent, int(m)).Scan(&n); err != nil {
			return false, err
		}
		if n > 0 {
			return false, nil // issued before: frozen
		}
		lines, err := monthLines(ctx, tx, sc, src, m, Ref{ID: agent, Province: prov})
		if err != nil {
			return false, err
		}
		if len(lines) == 0 {
			return false, nil
		}
		var total int64
		for _, l := range lines {
			total += l.Amount
		}
		id := idgen.Next()
		extra := incentive.WadahExtra(sc, total)
		if _, err := tx.ExecContext(ctx, `INSERT INTO incentive_statements (province_code, id, agent_id, wadah_id, branch_id, month, state, agent_total, wadah_extra, tax, issued_at)
VALUES ($1, $2, $3, $4, $5, $6, 'issued', $7, $8, $9, $10)`, prov, id, agent, wadah, branch, int(m), total, extra, incentive.Tax(tax, total+extra), stamp(ctx)); err != nil {
			return false, fmt.Errorf("statement: %w", err)
		}
		rows := make([][]any, len(lines))
		for i, l := range lines {
			rows[i] = []any{prov, idgen.Next(), id, l.Rule, l.Source, l.Basis, l.Amount,
				nullZero(l.ParticipantID), nullZero(l.PaymentID), nullZero(int64(l.PaidMonth)), nullZero(l.ClawbackOf)}
		}
		if err := insertRows(ctx, tx, "incentive_lines", lineCols, rows, "", nil); err != nil {
			return false, fmt.Errorf("statement lines: %w", err)
		}
		return true, Audit(ctx, tx, act, "issue", "incentive_statement", id, prov, fmt.Sprintf("agent %d %s Rp %d", agent, m, total))
	}()
	return made, err
}

var lineCols = []string{"province_code", "id", "statement_id", "rule", "source", "basis", "amount", "participant_id", "payment_id", "paid_month", "clawback_of"}

// monthLines gathers an agent's work of month m not yet on a statement, priced line by line:
// the month's registrations, contributions received up to its end, and clawbacks of lines
// whose payment was reversed since. It writes nothing: the run freezes it, the agent's page
// shows it as "this month so far".
//
// Everything is read in the agent's province: the participants it serves and their payments
// are of it.
func monthLines(ctx context.Context, q Querier, sc rules.Incentive, src string, m calendar.Month, ag Ref) ([]IncentiveLine, error) {
	agent, province := ag.ID, ag.Province
	var lines []IncentiveLine
	// Registrations of the month not yet on a statement (a rejected one earns nothing).
	// The month's bounds in WIB, where the business day is taken (calendar.Zone).
	from, to := m.Begins(), m.Add(1).Begins()
	type reg struct {
		id  int64
		jht bool
	}
	var news []reg
	err := scanAll(q.QueryContext(ctx, `SELECT p.id, p.jht FROM participants p WHERE p.province_code = $4 AND p.acquired_by = $1 AND p.created_at >= $2 AND p.created_at < $3
AND p.review <> 'rejected'
AND NOT EXISTS (SELECT 1 FROM incentive_lines l WHERE l.province_code = $4 AND l.participant_id = p.id AND l.payment_id IS NULL) ORDER BY p.id`,
		agent, from, to, province))(
		func(scan func(...any) error) error {
			var r reg
			err := scan(&r.id, &r.jht)
			news = append(news, r)
			return err
		})
	if err != nil {
		return nil, err
	}
	if blocks, amount := incentive.Blocks(sc, len(news)); blocks > 0 {
		lines = append(lines, IncentiveLine{Rule: "acquisition.block", Source: src, Basis: int64(len(news)), Amount: amount})
	}
	for _, r := range news {
		if rule, amount, ok := incentive.PerParticipant(sc, len(news), r.jht); ok {
			lines = append(lines, IncentiveLine{Rule: rule, Source: src, Basis: 1, Amount: amount, ParticipantID: r.id})
		}
	}
	// Contributions received since the agent's last statement (what came in before it was on
	// it, or on none because the agent had nothing that month) up to the month's end, for
	// participants this agent managed at the time (payments.managed_by: a handover moves the
	// share from its date on), while it was active (none while inactive:
	// agent_status_changes), and on no statement yet, each paid month priced by its number in
	// the participant's membership. The paid months are found from each payment by the
	// participant and the payment's months (the primary key): paid_months has no index by
	// payment, and a national run must not scan it.
	since := time.Unix(0, 0).UTC()
	var last sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT MAX(s.month) FROM incentive_statements s
WHERE s.province_code = $1 AND s.agent_id = $2 AND s.month < $3`, province, agent, int(m)).Scan(&last); err != nil {
		return nil, err
	}
	if last.Valid {
		since = calendar.Month(last.Int64).Add(1).Begins()
	}
	err = scanAll(q.QueryContext(ctx, `SELECT pm.payment_id, pm.participant_id, pm.month, pm.due,
(SELECT COUNT(*) FROM paid_months e WHERE e.province_code = $4 AND e.participant_id = pm.participant_id AND e.month <= pm.month)
FROM payments p JOIN paid_months pm ON pm.province_code = p.province_code AND pm.participant_id = p.participant_id AND pm.month >= p.first_month AND pm.month <= p.last_month AND pm.payment_id = p.id
WHERE p.province_code = $4 AND p.managed_by = $1 AND p.status = 'posted' AND p.received_at < $2 AND p.received_at >= $3
AND COALESCE((SELECT c.status FROM agent_status_changes c WHERE c.province_code = $4 AND c.agent_id = $1 AND c.at <= p.received_at ORDER BY c.at DESC LIMIT 1), 'active') = 'active'
AND NOT EXISTS (SELECT 1 FROM incentive_lines l WHERE l.province_code = $4 AND l.payment_id = pm.payment_id AND l.paid_month = pm.month AND l.clawback_of IS NULL)
ORDER BY pm.payment_id, pm.month`, agent, to, since, province))(func(scan func(...any) error) error {
		var l IncentiveLine
		var month, number int
		if err := scan(&l.PaymentID, &l.ParticipantID, &month, &l.Basis, &number); err != nil {
			return err
		}
		l.PaidMonth = calendar.Month(month)
		rule, share, ok := incentive.Share(sc, number, l.Basis)
		if ok { // past the last band: nothing
			l.Rule, l.Source, l.Amount = rule, src, share
			lines = append(lines, l)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Clawbacks: lines of issued statements whose payment was reversed since. Read from the
	// agent's statements, their lines and those lines' payments in that order (CROSS JOIN:
	// SQLite keeps the order as written), and a clawback looked for by the reversed payment:
	// led by the province instead, SQLite read every line of it for each of the agent's.
	err = scanAll(q.QueryContext(ctx, `SELECT l.id, l.rule, l.basis, l.amount, l.participant_id, l.payment_id, l.paid_month
FROM incentive_statements s CROSS JOIN incentive_lines l CROSS JOIN payments p
WHERE s.province_code = $2 AND s.agent_id = $1 AND l.province_code = $2 AND l.statement_id = s.id AND l.clawback_of IS NULL
AND p.province_code = $2 AND p.id = l.payment_id AND p.status = 'reversed'
AND NOT EXISTS (SELECT 1 FROM incentive_lines c WHERE c.province_code = $2 AND c.payment_id = p.id AND c.clawback_of = l.id) ORDER BY l.id`, agent, province))(func(scan func(...any) error) error {
		var l IncentiveLine
		var orig int64
		if err := scan(&orig, &l.Rule, &l.Basis, &l.Amount, &l.ParticipantID, &l.PaymentID, &l.PaidMonth); err != nil {
			return err
		}
		l.Rule, l.Source, l.Amount, l.Basis, l.ClawbackOf = "clawback."+l.Rule, src, -l.Amount, -l.Basis, orig
		lines = append(lines, l)
		return nil
	})
	return lines, err
}

// IncentiveSoFar is an agent's month so far: the lines a run would put on its statement now,
// and the number of new participants toward the acquisition threshold.
func (db *DB) IncentiveSoFar(ctx context.Context, rs *rules.Set, agent Ref, m calendar.Month) (incentive.Result, int, error) {
	agent, err := db.locate(ctx, "agents", "agent", agent)
	if err != nil {
		return incentive.Result{}, 0, err
	}
	sc, src, err := rs.IncentiveFor(m)
	if err != nil {
		return incentive.Result{}, 0, errs.Invalid("month", "no incentive scheme in force for %s", m)
	}
	lines, err := monthLines(ctx, db.read, sc, src, m, agent)
	if err != nil {
		return incentive.Result{}, 0, fmt.Errorf("incentive so far: %w", err)
	}
	var res incentive.Result
	for _, l := range lines {
		res.Lines = append(res.Lines, incentive.Line{Rule: l.Rule, Source: l.Source, Basis: l.Basis, Amount: l.Amount})
		if res.AgentTotal, err = money.Add(res.AgentTotal, l.Amount); err != nil {
			return res, 0, err
		}
	}
	res.WadahExtra = incentive.WadahExtra(sc, res.AgentTotal)
	from := time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, calendar.Zone)
	var n int
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM participants p WHERE p.province_code = $4 AND p.acquired_by = $1 AND p.created_at >= $2 AND p.created_at < $3
AND p.review <> 'rejected'
AND NOT EXISTS (SELECT 1 FROM incentive_lines l WHERE l.province_code = $4 AND l.participant_id = p.id AND l.payment_id IS NULL)`,
		agent.ID, from, from.AddDate(0, 1, 0), agent.Province).Scan(&n)
	return res, n, err
}

// IncentiveFilter picks statements: zero fields do not filter.
type IncentiveFilter struct {
	ID, AgentID, WadahID, BranchID int64
	Province                       string // where the statements are kept; "" for all
	State                          string
	Limit, Offset                  int
}

// IncentiveStatements lists statements, newest month first, with their lines, and how many
// match in all.
func (db *DB) IncentiveStatements(ctx context.Context, f IncentiveFilter) ([]IncentiveStatement, int, error) {
	where, a := "1=1", args{}
	for _, c := range []struct {
		col string
		v   int64
	}{{"s.id", f.ID}, {"s.agent_id", f.AgentID}, {"s.wadah_id", f.WadahID}, {"s.branch_id", f.BranchID}} {
		if c.v != 0 {
			where += " AND " + c.col + " = " + a.add(c.v)
		}
	}
	if f.State != "" {
		where += " AND s.state = " + a.add(f.State)
	}
	if f.Province != "" {
		where += " AND s.province_code = " + a.add(f.Province)
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM incentive_statements s WHERE `+where, a...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("incentive statements: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 100
	}
	var out []IncentiveStatement
	err := scanAll(db.read.QueryContext(ctx, `SELECT s.id, s.agent_id, a.name, s.wadah_id, w.name, s.branch_id, s.province_code, s.month, s.state,
s.agent_total, s.wadah_extra, s.tax, s.issued_at
FROM incentive_statements s JOIN agents a ON a.id = s.agent_id AND a.province_code = s.province_code
JOIN wadah w ON w.id = s.wadah_id AND w.province_code = s.province_code
WHERE `+where+` ORDER BY s.month DESC, a.name, s.id LIMIT `+fmt.Sprint(f.Limit)+` OFFSET `+fmt.Sprint(max(f.Offset, 0)), a...))(
		func(scan func(...any) error) error {
			var s IncentiveStatement
			var m int
			err := scan(&s.ID, &s.AgentID, &s.AgentName, &s.WadahID, &s.WadahName, &s.BranchID, &s.Province, &m, &s.State, &s.AgentTotal, &s.WadahExtra, &s.Tax, &s.IssuedAt)
			s.Month = calendar.Month(m)
			out = append(out, s)
			return err
		})
	if err != nil {
		return nil, 0, fmt.Errorf("incentive statements: %w", err)
	}
	for i := range out {
		err := scanAll(db.read.QueryContext(ctx, `SELECT id, rule, source, basis, amount, COALESCE(participant_id, 0), COALESCE(payment_id, 0), COALESCE(paid_month, 0), COALESCE(clawback_of, 0)
FROM incentive_lines WHERE statement_id = $1 AND province_code = $2 ORDER BY id`, out[i].ID, out[i].Province))(func(scan func(...any) error) error {
			var l IncentiveLine
			var pm int
			err := scan(&l.ID, &l.Rule, &l.Source, &l.Basis, &l.Amount, &l.ParticipantID, &l.PaymentID, &pm, &l.ClawbackOf)
			l.PaidMonth = calendar.Month(pm)
			out[i].Lines = append(out[i].Lines, l)
			return err
		})
		if err != nil {
			return nil, 0, fmt.Errorf("incentive lines: %w", err)
		}
	}
	return out, total, nil
}

// IncentiveStatementByID is one statement with its lines.
func (db *DB) IncentiveStatementByID(ctx context.Context, ref Ref) (IncentiveStatement, error) {
	ref, err := db.locate(ctx, "incentive_statements", "incentive statement", ref)
	if err != nil {
		return IncentiveStatement{}, err
	}
	id := ref.ID
	list, _, err := db.IncentiveStatements(ctx, IncentiveFilter{ID: id, Province: ref.Province, Limit: 1})
	if err != nil {
		return IncentiveStatement{}, err
	}
	if len(list) == 0 {
		return IncentiveStatement{}, errs.NotFound(fmt.Sprintf("incentive statement %d", id))
	}
	return list[0], nil
}

// ApproveIncentive approves an issued statement (a branch officer other than whoever issued
// it: the run is the maker) and posts it payable to the wadah: the agent's total and the
// wadah's extra, from the branch's incentive expense.
func (db *DB) ApproveIncentive(ctx context.Context, act audit.Actor, branchID int64, ref Ref) error {
	ref, err := db.locate(ctx, "incentive_statements", "incentive statement", ref)
	if err != nil {
		return err
	}
	id, prov := ref.ID, ref.Province
	return db.Transact(ctx, func(tx *Tx) error {
		var wadah, total, extra, tax int64
		err := tx.QueryRowContext(ctx, `SELECT wadah_id, agent_total, wadah_extra, tax FROM incentive_statements
WHERE id = $1 AND province_code = $2 AND branch_id = $3 AND state = 'issued'`+tx.ForUpdate(),
			id, prov, branchID).Scan(&wadah, &total, &extra, &tax)
		if isNoRows(err) {
			return errs.Conflict("no issued statement %d in this branch", id)
		}
		if err != nil {
			return err
		}
		var entry int64
		if sum := total + extra; sum != 0 {
			e := ledger.Entry{Kind: "incentive", RefType: "incentive_statement", RefID: id, Region: prov}
			e.Debit(ledger.Account("incentive_expense:"+fmt.Sprint(branchID)), sum).Credit(ledger.IncentivesPayable(wadah), sum-tax).
				Credit(ledger.Account("incentive_tax_payable:"+fmt.Sprint(branchID)), tax)
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

// IncentivePayoutLine is one statement in an incentive payout file.
type IncentivePayoutLine struct {
	StatementID int64          `json:"statement_id"`
	Month       calendar.Month `json:"month"`
	AgentName   string         `json:"agent_name"`
	WadahName   string         `json:"wadah_name"`
	BankName    string         `json:"bank_name"`
	BankAccount string         `json:"bank_account"`
	Amount      int64          `json:"amount"`
}

// PayIncentives pays every approved statement of a branch to its wadah's partner-bank
// account (incentives payable → the branch's bank clearing), each once, and returns the
// payout's lines for the bank's bulk transfer: paying again never lists a statement twice.
func (db *DB) PayIncentives(ctx context.Context, act audit.Actor, branchID int64) (int64, []IncentivePayoutLine, error) {
	batch := idgen.Next()
	var out []IncentivePayoutLine
	err := db.Transact(ctx, func(tx *Tx) error {
		out = nil
		type st struct {
			prov  string
			wadah int64
			enc   string
			line  IncentivePayoutLine
		}
		var list []st
		err := scanAll(tx.QueryContext(ctx, `SELECT s.province_code, s.id, s.month, s.wadah_id, a.name, w.name, w.bank_name, COALESCE(w.bank_account_enc, ''), s.agent_total + s.wadah_extra - s.tax
FROM incentive_statements s JOIN agents a ON a.id = s.agent_id JOIN wadah w ON w.id = s.wadah_id
WHERE s.branch_id = $1 AND s.state = 'approved' ORDER BY s.id`+tx.ForUpdate(), branchID))(func(scan func(...any) error) error {
			var s st
			var m int
			err := scan(&s.prov, &s.line.StatementID, &m, &s.wadah, &s.line.AgentName, &s.line.WadahName, &s.line.BankName, &s.enc, &s.line.Amount)
			s.line.Month = calendar.Month(m)
			list = append(list, s)
			return err
		})
		if err != nil {
			return err
		}
		for _, s := range list {
			if s.line.BankAccount, err = db.open("wadah.bank_account", s.enc); err != nil {
				return fmt.Errorf("wadah %d: %w", s.wadah, err)
			}
			var entry int64
			if s.line.Amount != 0 {
				e := ledger.Entry{Kind: "incentive_payout", RefType: "incentive_statement", RefID: s.line.StatementID, Region: s.prov}
				e.Debit(ledger.IncentivesPayable(s.wadah), s.line.Amount).Credit(ledger.BankClearing(branchID), s.line.Amount)
				if entry, err = post(ctx, tx, e, 0); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE incentive_statements SET state = 'paid', payout_id = $1, pay_entry = $2 WHERE province_code = $3 AND id = $4 AND state = 'approved'`,
				batch, nullZero(entry), s.prov, s.line.StatementID); err != nil {
				return err
			}
			out = append(out, s.line)
		}
		return Audit(ctx, tx, act, "pay", "incentive_payout", batch, "", fmt.Sprintf("%d statement(s)", len(out)))
	})
	return batch, out, err
}
