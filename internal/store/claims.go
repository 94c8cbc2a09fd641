package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/benefit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/claim"
	"github.com/perisai/perisai/internal/contribution"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/filestore"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/rules"
)

// Claims are kept with their timeline and documents (migration 19). The province leads every
// key; a claim is found by id through its participant's province, read once.

// UseFiles gives the store where claim documents are kept (sealed before they are stored).
func (db *DB) UseFiles(fs filestore.Store) { db.files = fs }

// ClaimResource describes where a claim belongs, for access.Authorize.
func ClaimResource(c claim.Claim) access.Resource {
	return access.Resource{BranchID: c.BranchID, WadahID: c.WadahID, AgentID: c.AgentID, Regions: []string{c.Village}}
}

// CreateClaim files a draft claim for a participant in the principal's scope: the claimant is
// checked against the heirs on record for a death, the bank account is sealed, and the
// timeline starts.
func (db *DB) CreateClaim(ctx context.Context, p access.Principal, act audit.Actor, of Ref, c *claim.Claim, today calendar.Date) error {
	if !c.EventDate.IsZero() && c.EventDate.After(today) {
		return errs.Invalid("event_date", "is in the future")
	}
	if c.EventDate.IsZero() {
		return errs.Invalid("event_date", "is required (YYYY-MM-DD)")
	}
	if c.Claimant.Name = strings.TrimSpace(c.Claimant.Name); c.Claimant.Name == "" {
		return errs.Invalid("claimant", "the claimant's name is required")
	}
	acct := strings.TrimSpace(c.Claimant.BankAccount)
	if len(acct) < 6 || len(acct) > 20 || strings.Trim(acct, "0123456789") != "" {
		return errs.Invalid("bank_account", "6–20 digits")
	}
	switch c.Program {
	case benefit.JKK, benefit.JKM, benefit.JHT, benefit.Scholarship:
	default:
		return errs.Invalid("program", "one of jkk, jkm, jht, scholarship")
	}
	if c.Claimant.Override != "" && p.Role != access.BranchOfficer && p.Role != access.Admin {
		return errs.Forbidden("only a branch officer passes a higher-ranked heir by")
	}
	who, err := db.Participant(ctx, act, of)
	if err != nil {
		return err
	}
	c.ParticipantID = who.ID
	if err := access.Authorize(p, access.FileClaim, ParticipantResource(who)); err != nil {
		return err
	}
	if err := claim.CheckClaimant(c.Reason, c.Claimant, who.Heirs); err != nil {
		return err
	}
	if c.Claimant.HeirID != 0 {
		for _, h := range who.Heirs {
			if h.ID == c.Claimant.HeirID {
				c.Claimant.Relationship = h.Relationship
			}
		}
	}
	sealed, err := db.seal("claim.bank_account", acct)
	if err != nil {
		return err
	}
	facts, err := json.Marshal(c.Facts)
	if err != nil {
		return err
	}
	t := now()
	c.ID = idgen.Next()
	c.Number = claim.NewNumber(c.ID, who.Village[:2], c.EventDate)
	c.State, c.BranchID, c.WadahID, c.AgentID, c.Village, c.CreatedAt = claim.Draft, who.BranchID, who.WadahID, who.AgentID, who.Village, t
	c.KPJ, c.Name = who.KPJ, who.Name
	c.Claimant.BankAccount = network.MaskAccount(acct)
	return db.Transact(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO claims (province_code, id, number, participant_id, program, reason, event_date, claimant_name,
claimant_relation, heir_id, bank_name, bank_account_enc, bank_account_masked, override_reason, arranged_burial, facts, state, branch_id,
wadah_id, agent_id, village_code, created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $23)`,
			who.Village[:2], c.ID, c.Number, who.ID, string(c.Program), string(c.Reason), c.EventDate, c.Claimant.Name,
			string(c.Claimant.Relationship), nullZero(c.Claimant.HeirID), c.Claimant.BankName, sealed, c.Claimant.BankAccount, c.Claimant.Override,
			c.Claimant.ArrangedBurial, string(facts), string(claim.Draft), who.BranchID, nullZero(who.WadahID), nullZero(who.AgentID), who.Village, act.Name, t); err != nil {
			return fmt.Errorf("insert claim: %w", err)
		}
		note := ""
		if c.Claimant.Override != "" {
			note = "heir order overridden: " + c.Claimant.Override
		}
		if err := claimEvent(ctx, tx, act, *c, "", claim.Draft, note); err != nil {
			return err
		}
		return Audit(ctx, tx, act, "create", "claim", c.ID, who.Village, c.Number)
	})
}

func claimEvent(ctx context.Context, tx *Tx, act audit.Actor, c claim.Claim, from, to claim.State, note string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO claim_events (province_code, id, claim_id, at, actor, from_state, to_state, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		c.Village[:2], idgen.Next(), c.ID, now(), act.Name, string(from), string(to), note)
	if err != nil {
		return fmt.Errorf("claim event: %w", err)
	}
	return nil
}

const claimColumns = `c.id, c.number, c.participant_id, p.kpj, p.name, c.program, c.reason, c.event_date, c.claimant_name, c.claimant_relation,
COALESCE(c.heir_id, 0), c.bank_name, c.bank_account_masked, c.override_reason, c.arranged_burial, c.facts, c.state, COALESCE(c.assigned_to, 0),
COALESCE(c.reviewed_by, 0), c.amount, c.refund, c.decision, c.result, c.branch_id, COALESCE(c.wadah_id, 0), COALESCE(c.agent_id, 0), c.village_code,
c.complete_on, c.due_on, c.created_at`

func scanClaim(row interface{ Scan(...any) error }) (claim.Claim, error) {
	var c claim.Claim
	var facts, result string
	var complete, due sql.Null[calendar.Date]
	err := row.Scan(&c.ID, &c.Number, &c.ParticipantID, &c.KPJ, &c.Name, &c.Program, &c.Reason, &c.EventDate, &c.Claimant.Name, &c.Claimant.Relationship,
		&c.Claimant.HeirID, &c.Claimant.BankName, &c.Claimant.BankAccount, &c.Claimant.Override, &c.Claimant.ArrangedBurial, &facts, &c.State, &c.AssignedTo,
		&c.ReviewedBy, &c.Amount, &c.Refund, &c.Decision, &result, &c.BranchID, &c.WadahID, &c.AgentID, &c.Village, &complete, &due, &c.CreatedAt)
	if err != nil {
		return c, err
	}
	c.CompleteOn, c.Due = complete.V, due.V
	if err := json.Unmarshal([]byte(facts), &c.Facts); err != nil {
		return c, fmt.Errorf("claim %d facts: %w", c.ID, err)
	}
	if result != "" {
		var r benefit.Result
		if err := json.Unmarshal([]byte(result), &r); err == nil {
			c.Result = &r
		}
	}
	return c, nil
}

// Claim reads a claim with its documents and timeline. The caller authorizes; the read of a
// claim (health data, a family's) is audited here.
func (db *DB) Claim(ctx context.Context, act audit.Actor, ref Ref) (claim.Claim, error) {
	ref, err := db.locate(ctx, "claims", "claim", ref)
	if err != nil {
		return claim.Claim{}, err
	}
	where, args := ref.match("c")
	c, err := scanClaim(db.read.QueryRowContext(ctx, `SELECT `+claimColumns+` FROM claims c
JOIN participants p ON p.id = c.participant_id AND p.province_code = c.province_code WHERE `+where, args...))
	if isNoRows(err) {
		return c, errs.NotFound("claim")
	}
	if err != nil {
		return c, err
	}
	if c.Documents, err = db.claimDocuments(ctx, ref); err != nil {
		return c, err
	}
	err = scanAll(db.read.QueryContext(ctx, `SELECT at, actor, from_state, to_state, note FROM claim_events WHERE claim_id = $1 AND province_code = $2 ORDER BY id`,
		ref.ID, ref.Province))(
		func(scan func(...any) error) error {
			var e claim.Event
			err := scan(&e.At, &e.Actor, &e.From, &e.To, &e.Note)
			c.Timeline = append(c.Timeline, e)
			return err
		})
	if err != nil {
		return c, fmt.Errorf("claim timeline: %w", err)
	}
	return c, db.RecordRead(ctx, act, "read", "claim", c.ID, c.Village, c.Number, []int64{c.ParticipantID})
}

func (db *DB) claimDocuments(ctx context.Context, ref Ref) ([]claim.Document, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, kind, filename, content_type, size, sha256, uploaded_by, at FROM claim_documents
WHERE claim_id = $1 AND province_code = $2 ORDER BY id`, ref.ID, ref.Province)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []claim.Document
	for rows.Next() {
		var d claim.Document
		if err := rows.Scan(&d.ID, &d.Kind, &d.Filename, &d.ContentType, &d.Size, &d.SHA256, &d.UploadedBy, &d.At); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ClaimFilter narrows a branch's queue.
type ClaimFilter struct {
	BranchID, WadahID, AgentID int64
	Program                    benefit.Program
	State                      claim.State
	Overdue                    calendar.Date // non-zero: only claims due before this day and not decided
	Limit, Offset              int
}

// Claims lists claims in a scope, the most urgent first, and how many there are in all.
func (db *DB) Claims(ctx context.Context, act audit.Actor, f ClaimFilter) ([]claim.Claim, int, error) {
	where := "1=1"
	var a args
	if f.BranchID != 0 {
		where += " AND c.branch_id = " + a.add(f.BranchID)
	}
	if f.WadahID != 0 {
		where += " AND c.wadah_id = " + a.add(f.WadahID)
	}
	if f.AgentID != 0 {
		where += " AND c.agent_id = " + a.add(f.AgentID)
	}
	if f.Program != "" {
		where += " AND c.program = " + a.add(string(f.Program))
	}
	if f.State != "" {
		where += " AND c.state = " + a.add(string(f.State))
	}
	if !f.Overdue.IsZero() {
		where += " AND c.due_on < " + a.add(f.Overdue) + " AND c.state IN ('submitted', 'in_review')"
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM claims c WHERE `+where, a...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count claims: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+claimColumns+` FROM claims c JOIN participants p ON p.id = c.participant_id WHERE `+where+
		` ORDER BY CASE WHEN c.due_on IS NULL THEN 1 ELSE 0 END, c.due_on, c.id LIMIT `+strconv.Itoa(f.Limit)+` OFFSET `+strconv.Itoa(max(0, f.Offset)), a...)
	if err != nil {
		return nil, 0, fmt.Errorf("claims: %w", err)
	}
	defer rows.Close()
	out := []claim.Claim{}
	var people []int64
	for rows.Next() {
		c, err := scanClaim(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, c)
		people = append(people, c.ParticipantID)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, total, db.RecordRead(ctx, act, "read", "claim", "", "", fmt.Sprintf("queue %d of %d", len(out), total), people)
}

// AttachDocument keeps a document of a draft or sent-back claim: sealed (health data) in the
// file store, its checksum and kind on the claim.
func (db *DB) AttachDocument(ctx context.Context, act audit.Actor, rs *rules.Set, c claim.Claim, d *claim.Document, data []byte) error {
	if c.State != claim.Draft && c.State != claim.NeedsChanges {
		return errs.Conflict("documents are added while the claim is a draft or sent back; this one is %s", c.State)
	}
	cr, err := rs.ClaimRulesAt(c.EventDate)
	if err != nil {
		return errs.Invalid("event_date", "no claim rules in force")
	}
	known := false
	for _, k := range cr.Checklist(string(c.Program), string(c.Reason)) {
		known = known || k.Kind == d.Kind
	}
	if !known {
		return errs.Invalid("kind", "%q is not on this claim's checklist", d.Kind)
	}
	if int64(len(data)) > cr.MaxUploadBytes {
		return errs.TooLarge("file", "a document is at most %d MiB", cr.MaxUploadBytes>>20)
	}
	allowed := false
	for _, t := range cr.UploadTypes {
		allowed = allowed || t == d.ContentType
	}
	if !allowed {
		return errs.Invalid("file", "a photo (JPEG, PNG) or a PDF")
	}
	if data, d.ContentType, err = claim.Downscale(data, d.ContentType, cr.ImageLongestPx); err != nil {
		return err
	}
	if db.files == nil {
		return fmt.Errorf("store: no file store for documents (UseFiles was not called)")
	}
	k, err := db.sealer()
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	d.ID, d.Size, d.SHA256, d.UploadedBy, d.At = idgen.Next(), int64(len(data)), hex.EncodeToString(sum[:]), act.Name, now()
	key := "claim-" + strconv.FormatInt(c.ID, 10) + "-" + strconv.FormatInt(d.ID, 10)
	if err := db.files.Put(ctx, key, k.Seal("claim.document:"+key, data)); err != nil {
		return err
	}
	return db.Transact(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO claim_documents (province_code, id, claim_id, kind, filename, content_type, size, sha256, storage_key, uploaded_by, at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, c.Village[:2], d.ID, c.ID, d.Kind, d.Filename, d.ContentType, d.Size, d.SHA256, key, d.UploadedBy, d.At); err != nil {
			return fmt.Errorf("claim document: %w", err)
		}
		return Audit(ctx, tx, act, "attach", "claim", c.ID, c.Village, d.Kind+" "+d.SHA256[:12])
	})
}

// Document reads a document back, opened; the caller authorized the claim. The read is audited.
func (db *DB) Document(ctx context.Context, act audit.Actor, c claim.Claim, docID int64) (claim.Document, []byte, error) {
	var d claim.Document
	var key string
	err := db.read.QueryRowContext(ctx, `SELECT id, kind, filename, content_type, size, sha256, uploaded_by, at, storage_key FROM claim_documents WHERE id = $1 AND claim_id = $2 AND province_code = $3`,
		docID, c.ID, c.Village[:2]).Scan(&d.ID, &d.Kind, &d.Filename, &d.ContentType, &d.Size, &d.SHA256, &d.UploadedBy, &d.At, &key)
	if isNoRows(err) {
		return d, nil, errs.NotFound("document")
	}
	if err != nil {
		return d, nil, err
	}
	sealed, err := db.files.Get(ctx, key)
	if err != nil {
		return d, nil, err
	}
	k, err := db.sealer()
	if err != nil {
		return d, nil, err
	}
	data, err := k.Open("claim.document:"+key, sealed)
	if err != nil {
		return d, nil, err
	}
	return d, data, db.RecordRead(ctx, act, "read", "claim_document", d.ID, c.Village, c.Number+" "+d.Kind, []int64{c.ParticipantID})
}

// MoveClaim takes a claim through one step of its life, as the principal: an agent submits,
// an officer takes, releases, sends back (with what is missing), approves (the amount from the
// engine, posted as payable; maker-checker) or rejects (with a reason). Every step is on the
// timeline and in the audit log; a step another officer holds is refused.
func (db *DB) MoveClaim(ctx context.Context, p access.Principal, act audit.Actor, rs *rules.Set, ref Ref, a claim.Action, note string, today calendar.Date) (claim.Claim, error) {
	c, err := db.Claim(ctx, audit.Actor{}, ref)
	if err != nil {
		return c, err
	}
	need := access.DecideClaim
	if a == claim.Submit {
		need = access.FileClaim
	}
	if err := access.Authorize(p, need, ClaimResource(c)); err != nil {
		return c, err
	}
	to, err := claim.Move(c.State, a)
	if err != nil {
		return c, err
	}
	note = strings.TrimSpace(note)
	cr, err := rs.ClaimRulesAt(c.EventDate)
	if err != nil {
		return c, errs.Invalid("event_date", "no claim rules in force")
	}
	sets := map[string]any{}
	var refundBy map[string]int64
	switch a {
	case claim.Submit:
		if missing := claim.Missing(cr.Checklist(string(c.Program), string(c.Reason)), c.Documents); len(missing) > 0 {
			names := make([]string, len(missing))
			for i, m := range missing {
				names[i] = m.Name
			}
			return c, errs.Invalid("documents", "the file is not complete: %s", strings.Join(names, ", "))
		}
		pr, err := rs.PaymentAt(today)
		if err != nil {
			return c, err
		}
		sets["complete_on"], sets["due_on"], sets["assigned_to"] = today, claim.DueOn(today, cr.ServiceDays[string(c.Program)], pr), nil
	case claim.Take:
		sets["assigned_to"], sets["reviewed_by"] = p.UserID, p.UserID
	case claim.Release:
		if c.AssignedTo != p.UserID && p.Role != access.Admin {
			return c, errs.Conflict("another officer holds this claim")
		}
		sets["assigned_to"] = nil
	case claim.SendBack, claim.Reject:
		if c.AssignedTo != p.UserID && p.Role != access.Admin {
			return c, errs.Conflict("another officer holds this claim")
		}
		if note == "" {
			return c, errs.Invalid("note", "say what is missing or why it is refused")
		}
		sets["decision"], sets["assigned_to"] = note, nil
	case claim.Approve:
		res, err := db.priceClaim(ctx, rs, c, today)
		if err != nil {
			return c, err
		}
		if !res.Eligible {
			return c, errs.Conflict("the claim does not meet %s: %s", res.Refusals[0].Rule, res.Refusals[0].Reason)
		}
		c.Amount = res.Total
		if err := claim.CheckApprover(c, p.UserID, cr.ApprovalLimit); err != nil {
			return c, err
		}
		raw, _ := json.Marshal(res)
		sets["amount"], sets["result"], sets["assigned_to"] = res.Total, string(raw), nil
		if res.Refund.Months > 0 {
			// What was actually paid for those months, from the record, not the engine's estimate.
			jkk, jkm, jht, err := refundAfter(ctx, db.read, c.Village[:2], c.ParticipantID, c.EventDate.MonthOf())
			if err != nil {
				return c, err
			}
			c.Refund = jkk + jkm + jht
			refundBy = map[string]int64{"jkk": jkk, "jkm": jkm, "jht": jht}
		}
		sets["refund"] = c.Refund
	case claim.Pay:
		return c, errs.Invalid("action", "claims are paid by exporting the payout file")
	}
	err = db.Transact(ctx, func(tx *Tx) error {
		// The state is re-checked in the update: two officers at once cannot both move it.
		q := `UPDATE claims SET state = $1, updated_at = $2`
		args := []any{string(to), now()}
		for _, col := range []string{"assigned_to", "reviewed_by", "decision", "amount", "refund", "result", "complete_on", "due_on"} {
			if v, ok := sets[col]; ok {
				args = append(args, v)
				q += ", " + col + " = $" + strconv.Itoa(len(args))
			}
		}
		args = append(args, c.Village[:2], c.ID, string(c.State))
		n := len(args)
		res, err := tx.ExecContext(ctx, q+` WHERE province_code = $`+strconv.Itoa(n-2)+` AND id = $`+strconv.Itoa(n-1)+` AND state = $`+strconv.Itoa(n), args...)
		if err != nil {
			return fmt.Errorf("move claim: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return errs.Conflict("the claim was moved meanwhile; open it again")
		}
		if a == claim.Approve {
			e := ledger.Entry{Kind: "claim", RefType: "claim", RefID: c.ID, Memo: c.Number, Region: c.Village[:2]}
			e.Debit(ledger.ProgramFund(string(c.Program)), c.Amount).Credit(ledger.ClaimsPayable(c.ID), c.Amount)
			// Contributions for months after the event go back, from each fund that took them.
			for _, prog := range []string{"jkk", "jkm", "jht"} {
				e.Debit(ledger.ProgramFund(prog), refundBy[prog])
			}
			e.Credit(ledger.RefundsPayable(c.ParticipantID), c.Refund)
			if c.Amount+c.Refund > 0 {
				entry, err := post(ctx, tx, e, 0)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE claims SET approve_entry = $1 WHERE province_code = $2 AND id = $3`, entry, c.Village[:2], c.ID); err != nil {
					return err
				}
			}
		}
		if err := claimEvent(ctx, tx, act, c, c.State, to, note); err != nil {
			return err
		}
		return Audit(ctx, tx, act, string(a), "claim", c.ID, c.Village, c.Number+" "+note)
	})
	if err != nil {
		return c, err
	}
	return db.Claim(ctx, audit.Actor{}, RefIn(c.Village, c.ID))
}

// priceClaim runs the benefit engine on the claim and the participant's record.
func (db *DB) priceClaim(ctx context.Context, rs *rules.Set, c claim.Claim, today calendar.Date) (benefit.Result, error) {
	who, err := db.Participant(ctx, audit.Actor{}, RefIn(c.Village, c.ParticipantID))
	if err != nil {
		return benefit.Result{}, err
	}
	paid, err := paidMonths(ctx, db.read, who.Province(), c.ParticipantID)
	if err != nil {
		return benefit.Result{}, err
	}
	monthly := int64(0)
	if q, err := contribution.QuoteMonths(rs, contribution.Member{Income: who.DeclaredIncome, Programs: who.Programs, Sector: who.Sector},
		contribution.Self, []calendar.Month{c.EventDate.MonthOf()}); err == nil {
		monthly = q.Total
	}
	f := claim.BenefitFacts(c, who, paid, monthly, today)
	// JHT from the record: each year's JHT contributions up to the event (the engine adds the
	// declared returns), unless the claim states a balance.
	if c.Program == benefit.JHT && c.Facts.JHTBalance == 0 {
		rows, err := db.read.QueryContext(ctx, `SELECT month, jht FROM paid_months WHERE province_code = $1 AND participant_id = $2 AND month <= $3 AND jht > 0 ORDER BY month`,
			who.Province(), c.ParticipantID, int(c.EventDate.MonthOf()))
		if err != nil {
			return benefit.Result{}, err
		}
		defer rows.Close()
		byYear := map[int]int64{}
		var years []int
		for rows.Next() {
			var m int
			var amount int64
			if err := rows.Scan(&m, &amount); err != nil {
				return benefit.Result{}, err
			}
			y := calendar.Month(m).Year()
			if _, ok := byYear[y]; !ok {
				years = append(years, y)
			}
			byYear[y] += amount
		}
		if err := rows.Err(); err != nil {
			return benefit.Result{}, err
		}
		for _, y := range years {
			f.JHTContributions = append(f.JHTContributions, benefit.YearAmount{Year: y, Amount: byYear[y]})
		}
	}
	return benefit.Quote(rs, f)
}

// refundAfter is what was paid, program by program, for months after the event: refunded with
// the claim, from the funds that took it (DOMAIN.md §2).
func refundAfter(ctx context.Context, q Querier, province string, participantID int64, event calendar.Month) (jkk, jkm, jht int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT COALESCE(SUM(jkk), 0), COALESCE(SUM(jkm), 0), COALESCE(SUM(jht), 0) FROM paid_months WHERE province_code = $1 AND participant_id = $2 AND month > $3`,
		province, participantID, int(event)).Scan(&jkk, &jkm, &jht)
	return
}

// PriceClaim is the calculation a branch sees beside the documents before it decides.
func (db *DB) PriceClaim(ctx context.Context, rs *rules.Set, c claim.Claim, today calendar.Date) (benefit.Result, error) {
	return db.priceClaim(ctx, rs, c, today)
}

// PayoutLine is one approved claim in a payout file for the bank.
type PayoutLine struct {
	ClaimID     int64  `json:"claim_id"`
	Number      string `json:"number"`
	Beneficiary string `json:"beneficiary"`
	BankName    string `json:"bank_name"`
	BankAccount string `json:"bank_account"` // opened: the bank needs it
	Amount      int64  `json:"amount"`       // the benefit
	Refund      int64  `json:"refund"`       // contributions paid for months after the event
}

// ExportPayout lists every approved claim of a branch not yet in a payout file, marks each
// paid and posts it (claims payable → the branch's bank clearing) in one transaction: exporting
// again never lists a claim twice.
func (db *DB) ExportPayout(ctx context.Context, act audit.Actor, branchID int64) (int64, []PayoutLine, error) {
	batch := idgen.Next()
	var out []PayoutLine
	err := db.Transact(ctx, func(tx *Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, `SELECT province_code, id, number, participant_id, claimant_name, bank_name, bank_account_enc, amount, refund FROM claims
WHERE branch_id = $1 AND state = 'approved' AND payout_id IS NULL ORDER BY id`+tx.ForUpdate(), branchID)
		if err != nil {
			return err
		}
		type row struct {
			prov        string
			participant int64
			line        PayoutLine
		}
		var list []row
		for rows.Next() {
			var r row
			var enc string
			if err := rows.Scan(&r.prov, &r.line.ClaimID, &r.line.Number, &r.participant, &r.line.Beneficiary, &r.line.BankName, &enc, &r.line.Amount, &r.line.Refund); err != nil {
				rows.Close()
				return err
			}
			if r.line.BankAccount, err = db.open("claim.bank_account", enc); err != nil {
				rows.Close()
				return fmt.Errorf("claim %d bank account: %w", r.line.ClaimID, err)
			}
			list = append(list, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range list {
			var entry int64
			if r.line.Amount+r.line.Refund > 0 {
				e := ledger.Entry{Kind: "claim_payout", RefType: "claim", RefID: r.line.ClaimID, Memo: r.line.Number, Region: r.prov}
				e.Debit(ledger.ClaimsPayable(r.line.ClaimID), r.line.Amount).Debit(ledger.RefundsPayable(r.participant), r.line.Refund).
					Credit(ledger.BankClearing(branchID), r.line.Amount+r.line.Refund)
				if entry, err = post(ctx, tx, e, 0); err != nil {
					return err
				}
			}
			res, err := tx.ExecContext(ctx, `UPDATE claims SET state = 'paid', payout_id = $1, pay_entry = $2, updated_at = $3
WHERE province_code = $4 AND id = $5 AND state = 'approved' AND payout_id IS NULL`, batch, nullZero(entry), now(), r.prov, r.line.ClaimID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errs.Conflict("claim %s was paid meanwhile; export again", r.line.Number)
			}
			c := claim.Claim{ID: r.line.ClaimID, Village: r.prov}
			if err := claimEvent(ctx, tx, act, c, claim.Approved, claim.Paid, fmt.Sprintf("payout %d", batch)); err != nil {
				return err
			}
			out = append(out, r.line)
		}
		return Audit(ctx, tx, act, "export", "claim_payout", batch, "", fmt.Sprintf("%d claim(s)", len(out)))
	})
	return batch, out, err
}

// ClaimStatus is what the public status page shows: the state and the next step, no more.
type ClaimStatus struct {
	Number  string        `json:"number"`
	State   claim.State   `json:"state"`
	Program string        `json:"program"`
	Since   time.Time     `json:"since"`
	Due     calendar.Date `json:"due,omitempty"`
}

// ClaimStatusFor answers someone holding a claim's number and the participant's birth date;
// anything else is not found, whichever part was wrong.
func (db *DB) ClaimStatusFor(ctx context.Context, number string, birth calendar.Date) (ClaimStatus, error) {
	var s ClaimStatus
	var due sql.Null[calendar.Date]
	var born calendar.Date
	err := db.read.QueryRowContext(ctx, `SELECT c.number, c.state, c.program, c.updated_at, c.due_on, p.birth_date FROM claims c
JOIN participants p ON p.id = c.participant_id WHERE c.number = $1`, strings.TrimSpace(number)).Scan(&s.Number, &s.State, &s.Program, &s.Since, &due, &born)
	if isNoRows(err) || (err == nil && born != birth) {
		return ClaimStatus{}, errs.NotFound("claim")
	}
	s.Due = due.V
	return s, err
}
