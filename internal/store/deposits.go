package store

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/money"
)

// Deposit is cash an agent paid into the bank, against the receipts it covers.
type Deposit struct {
	ID          int64         `json:"id"`
	AgentID     int64         `json:"agent_id"`
	BranchID    int64         `json:"branch_id"`
	Province    string        `json:"province"` // the branch's, where the deposit is kept
	SlipRef     string        `json:"slip_ref"`
	DepositedOn calendar.Date `json:"deposited_on"`
	Declared    int64         `json:"declared"` // on the bank slip
	Expected    int64         `json:"expected"` // the receipts it covers
	Variance    int64         `json:"variance"` // declared − expected
	Status      string        `json:"status"`   // balanced, variance_pending, variance_resolved
	Note        string        `json:"note,omitempty"`
	Matched     bool          `json:"matched"` // found on a bank statement
	CreatedAt   time.Time     `json:"created_at"`
	Payments    []int64       `json:"payment_ids,omitempty"`
}

// DepositRequest is what an agent records.
type DepositRequest struct {
	AgentID int64 `json:"agent_id"`
	// Province is the agent's, when the caller knows it (the user's own, or the address's).
	Province    string        `json:"-"`
	SlipRef     string        `json:"slip_ref"`
	DepositedOn calendar.Date `json:"deposited_on"`
	Amount      int64         `json:"amount"`
	PaymentIDs  []int64       `json:"payment_ids"`
}

// variance accounts hold a deposit's difference until the branch explains it.
func varianceSuspense(branchID int64) ledger.Account {
	return ledger.Account("cash_variance_suspense:" + strconv.FormatInt(branchID, 10))
}

// RecordDeposit moves the covered receipts' cash from the agent's account to the branch's bank
// clearing account. A difference between the slip and the receipts is held in suspense until
// a branch officer resolves it with a note.
func (db *DB) RecordDeposit(ctx context.Context, act audit.Actor, req DepositRequest) (Deposit, error) {
	req.SlipRef = strings.TrimSpace(req.SlipRef)
	var es errs.FieldErrors
	if req.SlipRef == "" {
		es.Add("slip_ref", "the bank slip reference is required")
	}
	if req.Amount <= 0 {
		es.Add("amount", "the amount on the slip is required")
	} else if req.Amount > money.Max {
		es.Add("amount", "at most Rp %d", money.Max)
	}
	if len(req.PaymentIDs) == 0 {
		es.Add("payment_ids", "name the receipts the deposit covers")
	}
	if req.DepositedOn.IsZero() {
		req.DepositedOn = calendar.Today()
	}
	if err := es.Err(); err != nil {
		return Deposit{}, err
	}
	var d Deposit
	err := db.Transact(ctx, func(tx *Tx) error {
		var branch int64
		var prov string
		inProv, args := inProvince("a.province_code", req.Province, []any{req.AgentID})
		if err := tx.QueryRowContext(ctx, `SELECT w.branch_id, b.province_code FROM agents a JOIN wadah w ON w.id = a.wadah_id AND w.province_code = a.province_code
JOIN branches b ON b.id = w.branch_id WHERE a.id = $1`+inProv, args...).Scan(&branch, &prov); isNoRows(err) {
			return errs.Invalid("agent_id", "no such agent")
		} else if err != nil {
			return err
		}
		var expected int64
		for _, pid := range req.PaymentIDs {
			var agent int64
			var amount int64
			var status string
			var deposit *int64
			// In the branch's province: an agent takes payments of its own province only.
			err := tx.QueryRowContext(ctx, `SELECT COALESCE(agent_id, 0), amount, status, deposit_id FROM payments WHERE id = $1 AND province_code = $2`+tx.ForUpdate(), pid, prov).
				Scan(&agent, &amount, &status, &deposit)
			switch {
			case isNoRows(err):
				return errs.Invalid("payment_ids", "no payment %d", pid)
			case err != nil:
				return err
			case agent != req.AgentID:
				return errs.Invalid("payment_ids", "payment %d was not taken by this agent", pid)
			case deposit != nil:
				return errs.Conflict("payment %d is covered by another deposit", pid)
			case status != "posted":
				return errs.Invalid("payment_ids", "payment %d is %s", pid, status)
			}
			expected += amount
		}
		d = Deposit{ID: idgen.Next(), AgentID: req.AgentID, BranchID: branch, Province: prov, SlipRef: req.SlipRef, DepositedOn: req.DepositedOn,
			Declared: req.Amount, Expected: expected, Variance: req.Amount - expected, Status: "balanced", CreatedAt: now(), Payments: req.PaymentIDs}
		if d.Variance != 0 {
			d.Status = "variance_pending"
		}
		e := ledger.Entry{Kind: "deposit", RefType: "deposit", RefID: d.ID, Memo: "slip " + d.SlipRef, Region: prov}
		e.Debit(ledger.BankClearing(branch), d.Declared).Credit(ledger.AgentCash(req.AgentID), expected).Credit(varianceSuspense(branch), d.Variance)
		entryID, err := post(ctx, tx, e, 0)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO deposits (province_code, id, agent_id, branch_id, slip_ref, deposited_on, declared, expected, variance, status, entry_id, created_at, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, prov, d.ID, d.AgentID, branch, d.SlipRef, d.DepositedOn, d.Declared, d.Expected, d.Variance,
			d.Status, entryID, d.CreatedAt, act.Name)
		if isUniqueViolation(err) {
			return errs.Conflict("slip %s was recorded before", d.SlipRef)
		}
		if err != nil {
			return err
		}
		for _, pid := range req.PaymentIDs {
			if _, err := tx.ExecContext(ctx, `UPDATE payments SET deposit_id = $1 WHERE id = $2 AND province_code = $3`, d.ID, pid, prov); err != nil {
				return err
			}
		}
		return Audit(ctx, tx, act, "deposit", "deposit", d.ID, "", fmt.Sprintf("slip %s declared %d expected %d", d.SlipRef, d.Declared, expected))
	})
	return d, err
}

// ResolveVariance closes a deposit's difference with the branch's note, posting it as a cash
// shortage or overage.
func (db *DB) ResolveVariance(ctx context.Context, act audit.Actor, ref Ref, note string) error {
	note = strings.TrimSpace(note)
	if note == "" {
		return errs.Invalid("note", "the branch must explain the difference")
	}
	ref, err := db.locate(ctx, "deposits", "deposit", ref)
	if err != nil {
		return err
	}
	depositID, province := ref.ID, ref.Province
	return db.Transact(ctx, func(tx *Tx) error {
		var branch, variance int64
		var status string
		where, args := ref.match("")
		err := tx.QueryRowContext(ctx, `SELECT branch_id, variance, status FROM deposits WHERE `+where+tx.ForUpdate(), args...).
			Scan(&branch, &variance, &status)
		if isNoRows(err) {
			return errs.NotFound("deposit")
		}
		if err != nil {
			return err
		}
		if status != "variance_pending" {
			return errs.Conflict("the deposit is %s: nothing to resolve", status)
		}
		// An overage (variance > 0) sits as a credit in suspense; a shortage as a debit.
		e := ledger.Entry{Kind: "deposit_variance", RefType: "deposit", RefID: depositID, Memo: note, Region: province}
		e.Debit(varianceSuspense(branch), variance).Credit(ledger.CashShortOver(branch), variance)
		if _, err := post(ctx, tx, e, 0); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE deposits SET status = 'variance_resolved', note = $1 WHERE id = $2 AND province_code = $3`, note, depositID, province); err != nil {
			return err
		}
		return Audit(ctx, tx, act, "resolve_variance", "deposit", depositID, "", note)
	})
}

// Deposits lists deposits of a branch or an agent, newest first.
func (db *DB) Deposits(ctx context.Context, branchID, agentID int64) ([]Deposit, error) {
	q := `SELECT ` + depositFields + ` FROM deposits WHERE 1=1`
	var args []any
	if branchID != 0 {
		args = append(args, branchID)
		q += ` AND branch_id = $` + strconv.Itoa(len(args))
	}
	if agentID != 0 {
		args = append(args, agentID)
		q += ` AND agent_id = $` + strconv.Itoa(len(args))
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Deposit{}
	for rows.Next() {
		d, err := scanDeposit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

const depositFields = `id, agent_id, branch_id, province_code, slip_ref, deposited_on, declared, expected, variance, status, note,
bank_line_id IS NOT NULL, created_at`

func scanDeposit(row interface{ Scan(...any) error }) (Deposit, error) {
	var d Deposit
	err := row.Scan(&d.ID, &d.AgentID, &d.BranchID, &d.Province, &d.SlipRef, &d.DepositedOn, &d.Declared, &d.Expected, &d.Variance, &d.Status,
		&d.Note, &d.Matched, &d.CreatedAt)
	return d, err
}

// Deposit returns one deposit.
func (db *DB) Deposit(ctx context.Context, ref Ref) (Deposit, error) {
	ref, err := db.locate(ctx, "deposits", "deposit", ref)
	if err != nil {
		return Deposit{}, err
	}
	where, args := ref.match("")
	d, err := scanDeposit(db.read.QueryRowContext(ctx, `SELECT `+depositFields+` FROM deposits WHERE `+where, args...))
	if isNoRows(err) {
		return d, errs.NotFound("deposit")
	}
	return d, err
}

// UndepositedPayments are an agent's cash receipts not yet covered by a deposit.
func (db *DB) UndepositedPayments(ctx context.Context, agent Ref) ([]Payment, error) {
	agent, err := db.locate(ctx, "agents", "agent", agent)
	if err != nil {
		return nil, err
	}
	out, err := db.scanPayments(ctx, "p.agent_id = $1 AND p.province_code = $2 AND p.deposit_id IS NULL AND p.status = 'posted' AND p.amount > 0", agent.ID, agent.Province)
	if out == nil {
		out = []Payment{}
	}
	return out, err
}

// BankLine is one line of a bank statement.
type BankLine struct {
	ID          int64         `json:"id"`
	Date        calendar.Date `json:"date"`
	Reference   string        `json:"reference"`
	Amount      int64         `json:"amount"`
	Description string        `json:"description,omitempty"`
	DepositID   int64         `json:"deposit_id,omitempty"`
}

// Reconciliation is the outcome of importing a statement.
type Reconciliation struct {
	Lines     int        `json:"lines"`
	Duplicate int        `json:"duplicate"` // lines imported before
	Matched   []BankLine `json:"matched"`
	Unmatched []BankLine `json:"unmatched"`
}

// ImportBankStatement reads a CSV statement (date,reference,amount[,description]) for a branch
// and matches credit lines to deposits by slip reference and amount; lines imported before are
// skipped. It returns what matched and every line of the branch still unmatched.
func (db *DB) ImportBankStatement(ctx context.Context, act audit.Actor, branchID int64, r io.Reader) (Reconciliation, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		return Reconciliation{}, errs.Invalid("file", "not a readable CSV statement: %v", err)
	}
	var lines []BankLine
	for i, rec := range recs {
		if i == 0 && len(rec) > 0 && strings.EqualFold(strings.TrimSpace(rec[0]), "date") {
			continue
		}
		if len(rec) < 3 {
			return Reconciliation{}, errs.Invalid("file", "line %d: want date,reference,amount[,description]", i+1)
		}
		d, err := calendar.ParseDate(rec[0])
		if err != nil {
			return Reconciliation{}, errs.Invalid("file", "line %d: %v", i+1, err)
		}
		// A debit line is written with a minus; it is kept and never matched.
		text, sign := strings.TrimSpace(rec[2]), int64(1)
		if rest, ok := strings.CutPrefix(text, "-"); ok {
			text, sign = rest, -1
		}
		amount, err := money.Parse(text)
		amount *= sign
		if err != nil {
			return Reconciliation{}, errs.Invalid("file", "line %d: %q is not an amount in rupiah", i+1, rec[2])
		}
		l := BankLine{ID: idgen.Next(), Date: d, Reference: strings.TrimSpace(rec[1]), Amount: amount}
		if len(rec) > 3 {
			l.Description = strings.TrimSpace(rec[3])
		}
		lines = append(lines, l)
	}
	var out Reconciliation
	out.Lines = len(lines)
	err = db.Transact(ctx, func(tx *Tx) error {
		out.Matched, out.Unmatched, out.Duplicate = nil, nil, 0
		// The lines are kept with the branch's province (migration 31).
		var province string
		if err := tx.QueryRowContext(ctx, `SELECT province_code FROM branches WHERE id = $1`, branchID).Scan(&province); isNoRows(err) {
			return errs.NotFound("branch")
		} else if err != nil {
			return err
		}
		for _, l := range lines {
			res, err := tx.ExecContext(ctx, `INSERT INTO bank_lines (province_code, id, branch_id, line_date, reference, amount, description, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (province_code, branch_id, line_date, reference, amount) DO NOTHING`,
				province, l.ID, branchID, l.Date, l.Reference, l.Amount, l.Description, now())
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				out.Duplicate++
			}
		}
		// Match every unmatched line of the branch, old and new, to an unmatched deposit with
		// the same slip reference and the declared amount.
		rows, err := tx.QueryContext(ctx, `SELECT l.id, d.id FROM bank_lines l JOIN deposits d ON d.province_code = l.province_code AND d.branch_id = l.branch_id
AND d.slip_ref = l.reference AND d.declared = l.amount AND d.bank_line_id IS NULL WHERE l.province_code = $2 AND l.branch_id = $1 AND l.deposit_id IS NULL
ORDER BY l.line_date, l.id, d.id`, branchID, province)
		if err != nil {
			return err
		}
		type pair struct{ line, deposit int64 }
		var pairs []pair
		for rows.Next() {
			var p pair
			if err := rows.Scan(&p.line, &p.deposit); err != nil {
				rows.Close()
				return err
			}
			pairs = append(pairs, p)
		}
		rows.Close()
		// A line matches one deposit and a deposit one line: two lines alike (or two deposits)
		// leave the second unmatched, listed for the branch to look at. The updates re-check
		// that neither side was matched meanwhile by another import.
		usedLine, usedDeposit := map[int64]bool{}, map[int64]bool{}
		matched := 0
		for _, p := range pairs {
			if usedLine[p.line] || usedDeposit[p.deposit] {
				continue
			}
			res, err := tx.ExecContext(ctx, `UPDATE deposits SET bank_line_id = $1 WHERE id = $2 AND province_code = $3 AND bank_line_id IS NULL`, p.line, p.deposit, province)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				continue
			}
			res, err = tx.ExecContext(ctx, `UPDATE bank_lines SET deposit_id = $1 WHERE province_code = $3 AND id = $2 AND deposit_id IS NULL`, p.deposit, p.line, province)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 { // the line went to another deposit meanwhile
				if _, err := tx.ExecContext(ctx, `UPDATE deposits SET bank_line_id = NULL WHERE id = $1 AND province_code = $2`, p.deposit, province); err != nil {
					return err
				}
				continue
			}
			usedLine[p.line], usedDeposit[p.deposit] = true, true
			matched++
		}
		return Audit(ctx, tx, act, "import", "bank_statement", branchID, "", fmt.Sprintf("%d lines, %d matched", len(lines), matched))
	})
	if err != nil {
		return out, err
	}
	all, err := db.BankLines(ctx, branchID)
	if err != nil {
		return out, err
	}
	for _, l := range all {
		if l.DepositID != 0 {
			out.Matched = append(out.Matched, l)
		} else {
			out.Unmatched = append(out.Unmatched, l)
		}
	}
	return out, nil
}

// BankLines lists a branch's statement lines, newest first.
func (db *DB) BankLines(ctx context.Context, branchID int64) ([]BankLine, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, line_date, reference, amount, description, COALESCE(deposit_id, 0) FROM bank_lines
WHERE province_code = (SELECT province_code FROM branches WHERE id = $1) AND branch_id = $1 ORDER BY line_date DESC, id DESC LIMIT 5000`, branchID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []BankLine{}
	for rows.Next() {
		var l BankLine
		if err := rows.Scan(&l.ID, &l.Date, &l.Reference, &l.Amount, &l.Description, &l.DepositID); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
