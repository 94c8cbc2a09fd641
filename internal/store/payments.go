package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/contribution"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/money"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/rules"
)

// PayRequest is a payment for a participant: for a number of months (1, 3, 6, 12) or for an
// amount, from a source of funds.
type PayRequest struct {
	ParticipantID int64 `json:"participant_id"`
	// Province is the participant's, when the caller knows it (the payer's own, or the page's):
	// the participant is then found in it.
	Province string               `json:"province,omitempty"`
	Months   int                  `json:"months,omitempty"`
	Amount   int64                `json:"amount,omitempty"`
	Funding  contribution.Funding `json:"funding"`
}

// Payment is a posted (or reversed) payment with its receipt.
type Payment struct {
	ID             int64                   `json:"id"`
	ReceiptNo      string                  `json:"receipt_no"`
	ParticipantID  int64                   `json:"participant_id"`
	KPJ            string                  `json:"kpj"`
	Name           string                  `json:"name"`
	Village        string                  `json:"village,omitempty"` // the participant's: receipts show its local time
	Funding        contribution.Funding    `json:"funding"`
	Amount         int64                   `json:"amount"` // money received
	CreditUsed     int64                   `json:"credit_used"`
	CreditAdded    int64                   `json:"credit_added"`
	Months         []contribution.MonthDue `json:"months"`
	Status         string                  `json:"status"` // posted, reversed
	ReversalReason string                  `json:"reversal_reason,omitempty"`
	AgentID        int64                   `json:"agent_id,omitempty"`
	BranchID       int64                   `json:"branch_id"`
	ReceivedAt     time.Time               `json:"received_at"`
	ReceivedBy     string                  `json:"received_by"`
	Coverage       *contribution.Coverage  `json:"coverage,omitempty"` // after the payment
}

type payee struct {
	id                   int64
	kpj, name, village   string
	income               int64
	programs             participant.Programs
	sector               rules.Sector
	branch, wadah, agent int64
	review               string
}

// province is the participant's province, the key their rows are distributed by.
func (py payee) province() string { return py.village[:2] }

func (py payee) scope() access.Resource {
	return access.Resource{BranchID: py.branch, WadahID: py.wadah, AgentID: py.agent, Regions: []string{py.village}}
}

func lockPayee(ctx context.Context, tx *Tx, ref Ref) (payee, error) {
	if tx.pre != nil {
		if p, ok := tx.pre.payees[ref.ID]; ok {
			return p, nil // locked by the batch's read
		}
		// Not among the batch's province's participants: found by id, to say why not.
	}
	return loadPayee(ctx, tx, ref, tx.ForUpdate())
}

// loadPayee reads the participant ref names; by the id alone when it names no province (the
// read then locates the participant itself).
func loadPayee(ctx context.Context, q Querier, ref Ref, lock string) (payee, error) {
	var p payee
	where, args := "id = $1", []any{ref.ID}
	if ref.Province != "" {
		where, args = ref.match("")
	}
	err := q.QueryRowContext(ctx, `SELECT id, kpj, name, village_code, declared_income, jkk, jkm, jht, sector, branch_id,
COALESCE(wadah_id, 0), COALESCE(agent_id, 0), review FROM participants WHERE `+where+lock, args...).
		Scan(&p.id, &p.kpj, &p.name, &p.village, &p.income, &p.programs.JKK, &p.programs.JKM, &p.programs.JHT, &p.sector,
			&p.branch, &p.wadah, &p.agent, &p.review)
	if isNoRows(err) {
		return p, errs.NotFound("participant")
	}
	return p, err
}

// paidMonths lists a participant's paid months; province is the participant's (the table is
// keyed by it).
func paidMonths(ctx context.Context, q Querier, province string, participantID int64) ([]calendar.Month, error) {
	if tx, ok := q.(*Tx); ok && tx.pre != nil {
		if _, ok := tx.pre.payees[participantID]; ok {
			return withBuffered(tx, participantID, append([]calendar.Month(nil), tx.pre.paid[participantID]...)), nil
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT month FROM paid_months WHERE province_code = $1 AND participant_id = $2 ORDER BY month`, province, participantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []calendar.Month
	for rows.Next() {
		var m int
		if err := rows.Scan(&m); err != nil {
			return nil, err
		}
		out = append(out, calendar.Month(m))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if tx, ok := q.(*Tx); ok {
		out = withBuffered(tx, participantID, out)
	}
	return out, nil
}

// withBuffered adds the months a group commit paid but has not written yet.
func withBuffered(tx *Tx, participantID int64, out []calendar.Month) []calendar.Month {
	if tx.buf == nil {
		return out
	}
	var mine []calendar.Month
	for _, r := range tx.buf.rows("paid_months") {
		if r[0].(int64) == participantID {
			mine = append(mine, calendar.Month(r[1].(int)))
		}
	}
	if len(mine) > 0 {
		out = mergeMonths(out, mine)
	}
	return out
}

// receiver is the account the money lands in: the agent's cash, or the branch counter.
// An agent's own cash limits come with it.
func (db *DB) receiver(ctx context.Context, tx *Tx, p access.Principal, py payee, today calendar.Date) (ledger.Account, int64, network.CashLimits, error) {
	var own network.CashLimits
	switch p.Role {
	case access.Agent:
		a, batch, err := payingAgent(ctx, tx, p.AgentID, p.Province)
		if err != nil {
			return "", 0, own, err
		}
		if a.status != "active" {
			return "", 0, own, errs.Forbidden("agent %d is %s and cannot take payments", p.AgentID, a.status)
		}
		ok := false
		if batch { // the batch read the agreements of its agents' wadah
			for _, per := range tx.pre.agreements[a.wadah] {
				ok = ok || (!today.Before(per[0]) && !per[1].Before(today))
			}
		} else if ok, err = agreementInForce(ctx, tx, a.wadah, py.province(), today); err != nil {
			return "", 0, own, err
		}
		if !ok {
			return "", 0, own, errs.Forbidden("the wadah has no agreement in force, so its agents cannot take payments")
		}
		own = a.limits
		return ledger.AgentCash(p.AgentID), p.AgentID, own, nil
	case access.BranchOfficer, access.Admin:
		return ledger.BranchCounter(py.branch), 0, own, nil
	}
	return "", 0, own, errs.Forbidden("%s users do not take payments", p.Role)
}

// checkCashLimits stops an agent collecting more cash when the undeposited cash would pass the
// limit, or when the oldest undeposited receipt is older than allowed: the agent's own limits
// where the branch set them, the rules' elsewhere.
func checkCashLimits(ctx context.Context, tx *Tx, rs *rules.Set, province string, agentID int64, own network.CashLimits, adding int64, today calendar.Date) error {
	def, err := rs.CashLimitsAt(today)
	if err != nil {
		return err
	}
	lim := own.Over(def)
	onHand, err := balance(ctx, tx, ledger.AgentCash(agentID), province)
	if err != nil {
		return err
	}
	after, err := money.Add(onHand, adding)
	if err != nil || after > lim.MaxCashOnHand {
		return errs.Conflict("cash on hand would be Rp %d, over the limit of Rp %d: deposit the cash collected before taking more", after, lim.MaxCashOnHand)
	}
	oldest, err := oldestUndeposited(ctx, tx, agentID)
	if err != nil {
		return err
	}
	if oldest != nil && calendar.Of(*oldest).AddDays(lim.MaxReceiptAgeDays).Before(today) {
		return errs.Conflict("cash received on %s is still undeposited (limit %d days): deposit it before taking more", calendar.Of(*oldest), lim.MaxReceiptAgeDays)
	}
	return nil
}

// payingAgent reads the agent taking a payment, kept in province (its principal's, when the
// principal names one); batch tells that it came from the batch's read.
func payingAgent(ctx context.Context, tx *Tx, id int64, province string) (a agentRow, batch bool, err error) {
	if tx.pre != nil {
		if a, ok := tx.pre.agents[id]; ok {
			return a, true, nil
		}
	}
	// Locked before the agent's cash and receipts are read, so that concurrent payments by one
	// agent take turns and cannot pass its cash limit together.
	q, args := `SELECT status, wadah_id, COALESCE(max_cash_on_hand, 0), COALESCE(max_receipt_age_days, 0), last_activity_at
FROM agents WHERE id = $1`, []any{id}
	if province != "" {
		q, args = q+` AND province_code = $2`, append(args, province)
	}
	err = tx.QueryRowContext(ctx, q+tx.ForUpdate(), args...).Scan(&a.status, &a.wadah, &a.limits.MaxCashOnHand, &a.limits.MaxReceiptAgeDays, &a.lastActivity)
	if isNoRows(err) { // a user whose agent record is gone: refused alone, not a failure of its batch
		return a, false, errs.Forbidden("agent %d does not exist", id)
	}
	return a, false, err
}

// oldestUndeposited is when the agent's oldest receipt not yet deposited was taken, or nil.
// Inside a batch, payments the batch itself takes are newer than any before it.
func oldestUndeposited(ctx context.Context, tx *Tx, agentID int64) (*time.Time, error) {
	if tx.pre != nil {
		if _, ok := tx.pre.agents[agentID]; ok {
			if t, ok := tx.pre.oldest[agentID]; ok {
				return &t, nil
			}
			return nil, nil
		}
	}
	var oldest *time.Time
	rows, err := tx.QueryContext(ctx, `SELECT received_at FROM payments WHERE agent_id = $1 AND deposit_id IS NULL AND status = 'posted' AND amount > 0
ORDER BY received_at LIMIT 1`, agentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		oldest = &t
	}
	return oldest, rows.Err()
}

// Pay takes a payment: it spreads the money over the payable months as the rules order them,
// posts a balanced ledger entry, records the months and moves the participant's status, all in
// one transaction. The participant's row is locked first, so two payments for one person are
// taken one after the other and never pay the same month twice.
func (db *DB) Pay(ctx context.Context, p access.Principal, act audit.Actor, rs *rules.Set, req PayRequest, today calendar.Date) (Payment, error) {
	if err := checkPayRequest(&req); err != nil {
		return Payment{}, err
	}
	pr, err := rs.PaymentAt(today)
	if err != nil {
		return Payment{}, errs.Invalid("date", "%v", err)
	}
	var out Payment
	err = db.Transact(ctx, func(tx *Tx) error {
		out, err = db.payTx(ctx, tx, p, act, rs, pr, req, today)
		return err
	})
	return out, err
}

// payTx is Pay inside a transaction the caller holds (a group commit runs many).
func (db *DB) payTx(ctx context.Context, tx *Tx, p access.Principal, act audit.Actor, rs *rules.Set, pr rules.Payment, req PayRequest, today calendar.Date) (Payment, error) {
	py, err := lockPayee(ctx, tx, Ref{ID: req.ParticipantID, Province: req.Province})
	if errors.Is(err, errs.ErrNotFound) {
		return Payment{}, errs.Invalid("participant_id", "no such participant")
	}
	if err != nil {
		return Payment{}, err
	}
	// Authorized here, on the row the payment locks, rather than by a read of its own before.
	if err := access.Authorize(p, access.TakePayment, py.scope()); err != nil {
		return Payment{}, err
	}
	if py.review == string(participant.Rejected) {
		return Payment{}, errs.Conflict("the registration was rejected; no payment can be taken")
	}
	into, agentID, own, err := db.receiver(ctx, tx, p, py, today)
	if err != nil {
		return Payment{}, err
	}
	pl, err := planPayment(ctx, tx, rs, pr, py, req, today)
	if err != nil {
		return Payment{}, err
	}
	if agentID != 0 && pl.received > 0 {
		if err := checkCashLimits(ctx, tx, rs, py.province(), agentID, own, pl.received, today); err != nil {
			return Payment{}, err
		}
	}
	return takePayment(ctx, tx, act, py, req.Funding, pl, into, agentID, 0, today)
}

// takePayment writes a planned payment: the ledger entry, the payment with its receipt, the
// months, the participant's status, the agent's activity and the audit line.
func takePayment(ctx context.Context, tx *Tx, act audit.Actor, py payee, funding contribution.Funding, pl plan, into ledger.Account,
	agentID, sponsorshipID int64, today calendar.Date) (Payment, error) {
	var out Payment
	alloc, q := pl.alloc, pl.quote
	received, creditUsed, creditAdded := pl.received, pl.creditUsed, pl.creditAdded
	err := func() error {
		t := stamp(ctx)
		id := idgen.Next()
		out = Payment{ID: id, ReceiptNo: receiptNo(id, py.village[:2], today), ParticipantID: py.id, KPJ: py.kpj, Name: py.name, Village: py.village, Funding: funding,
			Amount: received, CreditUsed: creditUsed, CreditAdded: creditAdded, Months: q.Months, Status: "posted",
			AgentID: agentID, BranchID: py.branch, ReceivedAt: t, ReceivedBy: act.Name}

		e := ledger.Entry{Kind: "payment", RefType: "payment", RefID: id, Region: py.village[:2],
			Memo: fmt.Sprintf("%s %s %d month(s)", out.ReceiptNo, py.kpj, len(alloc.Months))}
		e.Debit(into, received).Debit(ledger.ParticipantCredit(py.id), creditUsed)
		perProgram := map[contribution.Program]int64{}
		for _, l := range q.Lines {
			perProgram[l.Program] += l.Due
		}
		for _, prog := range []contribution.Program{contribution.JKK, contribution.JKM, contribution.JHT} {
			e.Credit(ledger.ProgramFund(string(prog)), perProgram[prog])
		}
		e.Credit(ledger.ParticipantCredit(py.id), creditAdded)
		if len(e.Postings) < 2 {
			return errs.Invalid("amount", "nothing to pay: the amount is zero and there is no credit")
		}
		entryID, err := post(ctx, tx, e, 0)
		if err != nil {
			return err
		}
		var first, last any
		if len(alloc.Months) > 0 {
			first, last = int(alloc.Months[0]), int(alloc.Months[len(alloc.Months)-1])
		}
		if err := tx.insert(ctx, "payments", []string{"id", "receipt_no", "participant_id", "province_code", "branch_id", "wadah_id", "agent_id",
			"funding", "sponsorship_id", "amount", "credit_used", "credit_added", "months", "first_month", "last_month", "status", "entry_id",
			"received_at", "received_by", "managed_by"},
			[]any{id, out.ReceiptNo, py.id, py.village[:2], py.branch, nullZero(py.wadah), nullZero(agentID), string(funding), nullZero(sponsorshipID),
				received, creditUsed, creditAdded, len(alloc.Months), first, last, "posted", entryID, t, act.Name, nullZero(py.agent)}); err != nil {
			return fmt.Errorf("insert payment: %w", err)
		}
		rows := make([][]any, 0, len(q.Months))
		for _, md := range q.Months {
			by := map[contribution.Program]int64{}
			for _, l := range q.Lines {
				if l.Month == md.Month {
					by[l.Program] = l.Due
				}
			}
			rows = append(rows, []any{py.id, int(md.Month), id, md.Base, md.Discount, md.Due, by[contribution.JKK], by[contribution.JKM],
				by[contribution.JHT], string(funding), t, py.village[:2]})
		}
		if err := tx.insert(ctx, "paid_months", []string{"participant_id", "month", "payment_id", "base", "discount", "due", "jkk", "jkm", "jht",
			"funding", "paid_at", "province_code"}, rows...); err != nil {
			if isUniqueViolation(err) {
				return errs.Conflict("a month in this payment was paid meanwhile; quote again")
			}
			return fmt.Errorf("paid months: %w", err)
		}
		after := pl.after
		out.Coverage = &after
		if tx.buf != nil {
			tx.buf.statuses[py.id] = statusUpdate{py.province(), string(after.Status), lastPaid(mergeMonths(pl.paid, alloc.Months))}
		} else if _, err := tx.ExecContext(ctx, `UPDATE participant_status SET status = $1, last_paid = $2 WHERE participant_id = $3 AND province_code = $4`,
			string(after.Status), lastPaid(mergeMonths(pl.paid, alloc.Months)), py.id, py.province()); err != nil {
			return err
		}
		if agentID != 0 {
			if err := touchAgent(ctx, tx, agentID, py.province(), t); err != nil { // the agent's villages are the payee's province
				return err
			}
		}
		return Audit(ctx, tx, act, "pay", "payment", id, py.village, fmt.Sprintf("%s Rp %d %d month(s)", py.kpj, received, len(alloc.Months)))
	}()
	return out, err
}

// creditOf is a participant's credit: money held for them, a liability (credit-normal).
func creditOf(ctx context.Context, q Querier, province string, participantID int64) (int64, error) {
	b, err := balance(ctx, q, ledger.ParticipantCredit(participantID), province)
	return -b, err
}

// plan is what a payment would do, computed before anything is written.
type plan struct {
	paid                              []calendar.Month
	member                            contribution.Member
	alloc                             contribution.Allocation
	quote                             contribution.Quote
	received, creditUsed, creditAdded int64
	before, after                     contribution.Coverage
}

func planPayment(ctx context.Context, q Querier, rs *rules.Set, pr rules.Payment, py payee, req PayRequest, today calendar.Date) (plan, error) {
	var pl plan
	var err error
	if pl.paid, err = paidMonths(ctx, q, py.province(), py.id); err != nil {
		return pl, err
	}
	pl.before = contribution.Assess(pl.paid, today, pr)
	payable := contribution.Payable(pl.before, today, pr)
	pl.member = contribution.Member{Income: py.income, Programs: py.programs, Sector: py.sector}
	price := contribution.MonthPrice(rs, pl.member, req.Funding)
	credit, err := creditOf(ctx, q, py.province(), py.id)
	if err != nil {
		return pl, err
	}
	if req.Months > 0 {
		if pl.alloc, err = contribution.AllocateMonths(payable, req.Months, pr, price); err != nil {
			return pl, err
		}
		pl.creditUsed = min(credit, pl.alloc.Spent)
		pl.received = pl.alloc.Spent - pl.creditUsed
	} else {
		// An amount is bounded by what every month payable now (the arrears window and the
		// months ahead the rules allow) costs this participant: nothing larger is a contribution.
		most, err := contribution.MostPayable(payable, price)
		if err != nil {
			return pl, err
		}
		if req.Amount > most {
			return pl, errs.Invalid("amount", "at most Rp %d can be paid now: the %d month(s) that can be paid cost that much", most, len(payable))
		}
		available, err := money.Add(req.Amount, credit)
		if err != nil {
			return pl, errs.Invalid("amount", "out of range")
		}
		if pl.alloc, err = contribution.AllocateAmount(payable, available, price); err != nil {
			return pl, err
		}
		pl.received, pl.creditUsed, pl.creditAdded = req.Amount, credit, pl.alloc.Remainder
	}
	if pl.quote, err = contribution.QuoteMonths(rs, pl.member, req.Funding, pl.alloc.Months); err != nil {
		return pl, err
	}
	pl.after = contribution.Assess(mergeMonths(pl.paid, pl.alloc.Months), today, pr)
	return pl, nil
}

// Preview is what a payment would take and cover, without taking it.
type Preview struct {
	Amount      int64                 `json:"amount"` // to collect
	CreditUsed  int64                 `json:"credit_used"`
	CreditAdded int64                 `json:"credit_added"`
	Quote       contribution.Quote    `json:"quote"`
	Before      contribution.Coverage `json:"before"`
	After       contribution.Coverage `json:"after"`
}

// PreviewPayment plans a payment as Pay would on the same day.
func (db *DB) PreviewPayment(ctx context.Context, rs *rules.Set, req PayRequest, today calendar.Date) (Preview, error) {
	if err := checkPayRequest(&req); err != nil {
		return Preview{}, err
	}
	pr, err := rs.PaymentAt(today)
	if err != nil {
		return Preview{}, err
	}
	py, err := loadPayee(ctx, db.read, Ref{ID: req.ParticipantID, Province: req.Province}, "")
	if err != nil {
		return Preview{}, err
	}
	pl, err := planPayment(ctx, db.read, rs, pr, py, req, today)
	if err != nil {
		return Preview{}, err
	}
	return Preview{Amount: pl.received, CreditUsed: pl.creditUsed, CreditAdded: pl.creditAdded, Quote: pl.quote, Before: pl.before, After: pl.after}, nil
}

func checkPayRequest(req *PayRequest) error {
	if req.Funding == "" {
		req.Funding = contribution.Self
	}
	if !req.Funding.Valid() {
		return errs.Invalid("funding", "one of self, apbn, apbd, apbdes, csr, donor")
	}
	if (req.Months == 0) == (req.Amount == 0) || req.Amount < 0 || req.Months < 0 {
		return errs.Invalid("months", "give either a number of months or an amount")
	}
	if req.Amount > money.Max || req.Months > 120 {
		return errs.Invalid("amount", "out of range")
	}
	if req.Province != "" && (len(req.Province) != 2 || strings.Trim(req.Province, "0123456789") != "") {
		return errs.Invalid("province", "a province code is two digits, such as 51")
	}
	return nil
}

// lastPaid is the newest month paid, or NULL.
func lastPaid(paid []calendar.Month) any {
	if len(paid) == 0 {
		return nil
	}
	return int(paid[len(paid)-1])
}

func mergeMonths(a, b []calendar.Month) []calendar.Month {
	out := append(append([]calendar.Month(nil), a...), b...)
	for i := 1; i < len(out); i++ { // insertion sort: both parts are short and sorted
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// receiptNo is unique because the payment id is: KW-<province>-YYYYMM-<id in base 36>. The
// province names where the payment's rows live (issue 21); receipts printed before it
// (KW-YYYYMM-…) are still found by their number.
func receiptNo(id int64, province string, day calendar.Date) string {
	return fmt.Sprintf("KW-%s-%04d%02d-%s", province, day.Year(), int(day.Month()), strings.ToUpper(strconv.FormatInt(id, 36)))
}

// Reverse undoes a payment with a reversing entry (the original postings stay), frees its
// months and moves the participant's status back. Payments are reversed newest first, so that
// coverage never has a hole in the middle.
func (db *DB) Reverse(ctx context.Context, act audit.Actor, rs *rules.Set, ref Ref, reason string, today calendar.Date) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return errs.Invalid("reason", "a reason is required to reverse a payment")
	}
	pr, err := rs.PaymentAt(today)
	if err != nil {
		return err
	}
	ref, err = db.locate(ctx, "payments", "payment", ref)
	if err != nil {
		return err
	}
	paymentID, province := ref.ID, ref.Province
	return db.Transact(ctx, func(tx *Tx) error {
		var participantID, entryID int64
		var status string
		// Locked: two reversals of one payment at once take turns, and the second finds it
		// reversed (the status read without the lock let both post a reversing entry).
		where, args := ref.match("")
		err := tx.QueryRowContext(ctx, `SELECT participant_id, entry_id, status FROM payments WHERE `+where+tx.ForUpdate(), args...).
			Scan(&participantID, &entryID, &status)
		if isNoRows(err) {
			return errs.NotFound("payment")
		}
		if err != nil {
			return err
		}
		if _, err := lockPayee(ctx, tx, Ref{ID: participantID, Province: province}); err != nil {
			return err
		}
		if status != "posted" {
			return errs.Conflict("the payment is %s already", status)
		}
		var later int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM payments WHERE participant_id = $1 AND status = 'posted' AND id > $2 AND province_code = $3`,
			participantID, paymentID, province).Scan(&later); err != nil {
			return err
		}
		if later > 0 {
			return errs.Conflict("a later payment of this participant is posted: reverse that one first")
		}
		orig, err := entryPostings(ctx, tx, province, entryID)
		if err != nil {
			return err
		}
		revID, err := post(ctx, tx, orig.Reversal(reason), entryID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM paid_months WHERE province_code = $1 AND participant_id = $2 AND payment_id = $3`, province, participantID, paymentID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE payments SET status = 'reversed', reversal_entry = $1, reversal_reason = $2 WHERE id = $3 AND province_code = $4`,
			revID, reason, paymentID, province); err != nil {
			return err
		}
		paid, err := paidMonths(ctx, tx, province, participantID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE participant_status SET status = $1, last_paid = $2 WHERE participant_id = $3 AND province_code = $4`,
			string(contribution.Assess(paid, today, pr).Status), lastPaid(paid), participantID, province); err != nil {
			return err
		}
		return Audit(ctx, tx, act, "reverse", "payment", paymentID, "", reason)
	})
}

// CoverageOf tells where a participant stands today, with the months paid and the credit held.
type CoverageOf struct {
	contribution.Coverage
	Paid []calendar.Month `json:"paid_months"`
	// ByProgram are the months paid per program: a month paid by a sponsor that left JHT out
	// counts for JKK and JKM only.
	ByProgram     map[contribution.Program][]calendar.Month `json:"paid_by_program"`
	NextDueAmount int64                                     `json:"next_due_amount"` // for the next due month, paid by the participant
	Credit        int64                                     `json:"credit"`
}

// Coverage assesses a participant on a day from the months paid.
func (db *DB) Coverage(ctx context.Context, rs *rules.Set, ref Ref, day calendar.Date) (CoverageOf, error) {
	pr, err := rs.PaymentAt(day)
	if err != nil {
		return CoverageOf{}, errs.Invalid("date", "%v", err)
	}
	py, err := loadPayee(ctx, db.read, ref, "")
	if err != nil {
		return CoverageOf{}, err
	}
	out := CoverageOf{Paid: []calendar.Month{}, ByProgram: map[contribution.Program][]calendar.Month{
		contribution.JKK: {}, contribution.JKM: {}, contribution.JHT: {}}}
	rows, err := db.read.QueryContext(ctx, `SELECT month, jkk, jkm, jht FROM paid_months WHERE province_code = $1 AND participant_id = $2 ORDER BY month`, py.province(), py.id)
	if err != nil {
		return out, err
	}
	err = scanAll(rows, nil)(func(scan func(...any) error) error {
		var m int
		var jkk, jkm, jht int64
		if err := scan(&m, &jkk, &jkm, &jht); err != nil {
			return err
		}
		out.Paid = append(out.Paid, calendar.Month(m))
		for prog, amount := range map[contribution.Program]int64{contribution.JKK: jkk, contribution.JKM: jkm, contribution.JHT: jht} {
			if amount > 0 {
				out.ByProgram[prog] = append(out.ByProgram[prog], calendar.Month(m))
			}
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	if out.Credit, err = creditOf(ctx, db.read, py.province(), py.id); err != nil {
		return out, err
	}
	out.Coverage = contribution.Assess(out.Paid, day, pr)
	member := contribution.Member{Income: py.income, Programs: py.programs, Sector: py.sector}
	// A month the rules do not price (past the dates they cover) leaves the amount 0.
	if q, err := contribution.QuoteMonths(rs, member, contribution.Self, []calendar.Month{out.NextDue}); err == nil {
		out.NextDueAmount = q.Total
	}
	return out, nil
}

// PaidMonths lists a participant's paid months.
func (db *DB) PaidMonths(ctx context.Context, ref Ref) ([]calendar.Month, error) {
	ref, err := db.locate(ctx, "participants", "participant", ref)
	if err != nil {
		return nil, err
	}
	return paidMonths(ctx, db.read, ref.Province, ref.ID)
}

const paymentColumns = `p.id, p.receipt_no, p.participant_id, x.kpj, x.name, p.funding, p.amount, p.credit_used, p.credit_added, p.status,
p.reversal_reason, COALESCE(p.agent_id, 0), p.branch_id, p.received_at, p.received_by, x.village_code`

func (db *DB) scanPayments(ctx context.Context, where string, args ...any) ([]Payment, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+paymentColumns+` FROM payments p JOIN participants x ON x.id = p.participant_id AND x.province_code = p.province_code
WHERE `+where+` ORDER BY p.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	var out []Payment
	for rows.Next() {
		var p Payment
		if err := rows.Scan(&p.ID, &p.ReceiptNo, &p.ParticipantID, &p.KPJ, &p.Name, &p.Funding, &p.Amount, &p.CreditUsed, &p.CreditAdded,
			&p.Status, &p.ReversalReason, &p.AgentID, &p.BranchID, &p.ReceivedAt, &p.ReceivedBy, &p.Village); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		ms, err := db.read.QueryContext(ctx, `SELECT month, base, discount, due FROM paid_months WHERE province_code = $1 AND participant_id = $2 AND payment_id = $3 ORDER BY month`,
			out[i].Village[:2], out[i].ParticipantID, out[i].ID)
		if err != nil {
			return nil, err
		}
		for ms.Next() {
			var md contribution.MonthDue
			var m int
			if err := ms.Scan(&m, &md.Base, &md.Discount, &md.Due); err != nil {
				ms.Close()
				return nil, err
			}
			md.Month = calendar.Month(m)
			out[i].Months = append(out[i].Months, md)
		}
		ms.Close()
	}
	return out, nil
}

// PaymentsOf lists a participant's payments, newest first.
func (db *DB) PaymentsOf(ctx context.Context, ref Ref) ([]Payment, error) {
	ref, err := db.locate(ctx, "participants", "participant", ref)
	if err != nil {
		return nil, err
	}
	out, err := db.scanPayments(ctx, "p.participant_id = $1 AND p.province_code = $2", ref.ID, ref.Province)
	if out == nil {
		out = []Payment{}
	}
	return out, err
}

// PaymentByID returns one payment.
func (db *DB) PaymentByID(ctx context.Context, ref Ref) (Payment, error) {
	ref, err := db.locate(ctx, "payments", "payment", ref)
	if err != nil {
		return Payment{}, err
	}
	where, args := ref.match("p")
	return db.onePayment(ctx, where, args...)
}

// PaymentByReceipt returns the payment with a receipt number.
func (db *DB) PaymentByReceipt(ctx context.Context, no string) (Payment, error) {
	// A receipt number names its province (KW-51-…), where it is looked for first; one
	// printed before that is then found by number alone.
	if f := strings.SplitN(no, "-", 3); len(f) == 3 && len(f[1]) == 2 {
		p, err := db.onePayment(ctx, "p.receipt_no = $1 AND p.province_code = $2", no, f[1])
		if !errors.Is(err, errs.ErrNotFound) {
			return p, err
		}
	}
	return db.onePayment(ctx, "p.receipt_no = $1", no)
}

func (db *DB) onePayment(ctx context.Context, where string, args ...any) (Payment, error) {
	ps, err := db.scanPayments(ctx, where, args...)
	if err != nil {
		return Payment{}, err
	}
	if len(ps) == 0 {
		return Payment{}, errs.NotFound("payment")
	}
	return ps[0], nil
}
