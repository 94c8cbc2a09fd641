package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/rules"
)

const agreementColumns = `id, branch_id, wadah_id, province_code, number, starts_on, ends_on, status, COALESCE(renewal_of, 0), status_reason, created_at`

func scanAgreement(row interface{ Scan(...any) error }) (network.Agreement, error) {
	var a network.Agreement
	err := row.Scan(&a.ID, &a.BranchID, &a.WadahID, &a.Province, &a.Number, &a.Starts, &a.Ends, &a.Status, &a.RenewalOf, &a.StatusReason, &a.CreatedAt)
	return a, err
}

// CreateAgreement records a draft agreement between a Perisai wadah and its branch.
func (db *DB) CreateAgreement(ctx context.Context, act audit.Actor, rs *rules.Set, ag *network.Agreement) error {
	n, err := rs.NetworkAt(ag.Starts)
	if err != nil {
		return errs.Invalid("starts", "%v", err)
	}
	ag.Number = strings.TrimSpace(ag.Number)
	if err := ag.ValidateTerm(n); err != nil {
		return err
	}
	return db.Transact(ctx, func(tx *Tx) error {
		var branch int64
		var perisai bool
		err := tx.QueryRowContext(ctx, `SELECT branch_id, is_perisai, province_code FROM wadah WHERE id = $1`, ag.WadahID).Scan(&branch, &perisai, &ag.Province)
		if isNoRows(err) {
			return errs.Invalid("wadah_id", "no such wadah")
		}
		if err != nil {
			return err
		}
		if !perisai {
			return errs.Invalid("wadah_id", "the Bumdes is not registered as a Perisai wadah")
		}
		ag.ID, ag.BranchID, ag.Status, ag.CreatedAt = idgen.Next(), branch, network.Draft, now()
		return insertAgreement(ctx, tx, act, ag)
	})
}

func insertAgreement(ctx context.Context, tx *Tx, act audit.Actor, ag *network.Agreement) error {
	var renewal any
	if ag.RenewalOf != 0 {
		renewal = ag.RenewalOf
	}
	// Kept in its wadah's province.
	_, err := tx.ExecContext(ctx, `INSERT INTO agreements (id, branch_id, wadah_id, number, starts_on, ends_on, status, renewal_of, created_at, updated_at, province_code)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)`,
		ag.ID, ag.BranchID, ag.WadahID, ag.Number, ag.Starts, ag.Ends, string(ag.Status), renewal, ag.CreatedAt, ag.Province)
	if isUniqueViolation(err) {
		return errs.Conflict("agreement number %s is taken", ag.Number)
	}
	if err != nil {
		return fmt.Errorf("insert agreement: %w", err)
	}
	return Audit(ctx, tx, act, "create", "agreement", ag.ID, "", fmt.Sprintf("%s wadah=%d %s..%s %s", ag.Number, ag.WadahID, ag.Starts, ag.Ends, ag.Status))
}

// Agreement returns one agreement.
func (db *DB) Agreement(ctx context.Context, ref Ref) (network.Agreement, error) {
	ref, err := db.locate(ctx, "agreements", "agreement", ref)
	if err != nil {
		return network.Agreement{}, err
	}
	where, args := ref.match("")
	a, err := scanAgreement(db.read.QueryRowContext(ctx, `SELECT `+agreementColumns+` FROM agreements WHERE `+where, args...))
	if isNoRows(err) {
		return a, errs.NotFound("agreement")
	}
	return a, err
}

// AgreementFilter narrows Agreements.
type AgreementFilter struct {
	BranchID int64
	WadahID  int64
}

// Agreements lists agreements, newest end first.
func (db *DB) Agreements(ctx context.Context, f AgreementFilter) ([]network.Agreement, error) {
	q := `SELECT ` + agreementColumns + ` FROM agreements WHERE 1=1`
	var args []any
	if f.BranchID != 0 {
		args = append(args, f.BranchID)
		q += ` AND branch_id = $` + strconv.Itoa(len(args))
	}
	if f.WadahID != 0 {
		args = append(args, f.WadahID)
		q += ` AND wadah_id = $` + strconv.Itoa(len(args))
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY ends_on DESC, id DESC LIMIT 2000`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []network.Agreement{}
	for rows.Next() {
		a, err := scanAgreement(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func activeAgents(ctx context.Context, q Querier, wadahID int64, province string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM agents WHERE wadah_id = $1 AND province_code = $2 AND status = 'active'`, wadahID, province).Scan(&n)
	return n, err
}

// ActivateAgreement signs a draft: the wadah needs enough active agents (rule in data) and no
// other agreement in force over the same days.
func (db *DB) ActivateAgreement(ctx context.Context, act audit.Actor, rs *rules.Set, ref Ref, today calendar.Date) (network.Agreement, error) {
	var out network.Agreement
	ref, err := db.locate(ctx, "agreements", "agreement", ref)
	if err != nil {
		return out, err
	}
	err = db.Transact(ctx, func(tx *Tx) error {
		where, args := ref.match("")
		a, err := scanAgreement(tx.QueryRowContext(ctx, `SELECT `+agreementColumns+` FROM agreements WHERE `+where+tx.ForUpdate(), args...))
		if isNoRows(err) {
			return errs.NotFound("agreement")
		}
		if err != nil {
			return err
		}
		if a.Status != network.Draft {
			return errs.Conflict("only a draft can be activated; this agreement is %s", a.Status)
		}
		if today.After(a.Ends) {
			return errs.Conflict("the agreement ended on %s", a.Ends)
		}
		if err := activate(ctx, tx, act, rs, &a); err != nil {
			return err
		}
		out = a
		return nil
	})
	return out, err
}

func activate(ctx context.Context, tx *Tx, act audit.Actor, rs *rules.Set, a *network.Agreement) error {
	n, err := rs.NetworkAt(a.Starts)
	if err != nil {
		return err
	}
	agents, err := activeAgents(ctx, tx, a.WadahID, a.Province)
	if err != nil {
		return err
	}
	if err := network.CanActivate(agents, n); err != nil {
		return err
	}
	var clash int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM agreements WHERE wadah_id = $1 AND province_code = $5 AND id <> $2 AND status = 'active'
AND starts_on <= $3 AND ends_on >= $4`, a.WadahID, a.ID, a.Ends, a.Starts, a.Province).Scan(&clash); err != nil {
		return err
	}
	if clash > 0 {
		return errs.Conflict("another agreement of this wadah is in force over these dates")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE agreements SET status = 'active', updated_at = $1 WHERE id = $2 AND province_code = $3`, now(), a.ID, a.Province); err != nil {
		return err
	}
	a.Status = network.InForce
	return Audit(ctx, tx, act, "activate", "agreement", a.ID, "", fmt.Sprintf("%s with %d active agents", a.Number, agents))
}

// TerminateAgreement ends an agreement early, with a reason.
func (db *DB) TerminateAgreement(ctx context.Context, act audit.Actor, ref Ref, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return errs.Invalid("reason", "a reason is required to terminate an agreement")
	}
	ref, err := db.locate(ctx, "agreements", "agreement", ref)
	if err != nil {
		return err
	}
	id := ref.ID
	return db.Transact(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE agreements SET status = 'terminated', status_reason = $1, updated_at = $2
WHERE id = $3 AND province_code = $4 AND status IN ('draft', 'active')`, reason, now(), id, ref.Province)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Conflict("no draft or active agreement %d", id)
		}
		return Audit(ctx, tx, act, "terminate", "agreement", id, "", reason)
	})
}

// RenewAgreement signs the follow-on agreement: it starts the day after the old one ends, lasts
// as long as the rules allow, and is active at once when the wadah meets the rules.
func (db *DB) RenewAgreement(ctx context.Context, act audit.Actor, rs *rules.Set, ref Ref, number string) (network.Agreement, error) {
	var out network.Agreement
	ref, err := db.locate(ctx, "agreements", "agreement", ref)
	if err != nil {
		return out, err
	}
	err = db.Transact(ctx, func(tx *Tx) error {
		where, args := ref.match("")
		old, err := scanAgreement(tx.QueryRowContext(ctx, `SELECT `+agreementColumns+` FROM agreements WHERE `+where+tx.ForUpdate(), args...))
		if isNoRows(err) {
			return errs.NotFound("agreement")
		}
		if err != nil {
			return err
		}
		if old.Status != network.InForce && old.Status != network.Expired {
			return errs.Conflict("only an active or expired agreement is renewed; this one is %s", old.Status)
		}
		n, err := rs.NetworkAt(old.Ends.AddDays(1))
		if err != nil {
			return err
		}
		starts, ends := network.RenewalTerm(old, n)
		out = network.Agreement{ID: idgen.Next(), BranchID: old.BranchID, WadahID: old.WadahID, Province: old.Province, Number: strings.TrimSpace(number),
			Starts: starts, Ends: ends, Status: network.Draft, RenewalOf: old.ID, CreatedAt: now()}
		if err := out.ValidateTerm(n); err != nil {
			return err
		}
		if err := insertAgreement(ctx, tx, act, &out); err != nil {
			return err
		}
		return activate(ctx, tx, act, rs, &out)
	})
	return out, err
}

// ExpireAgreements marks active agreements past their end as expired (nightly job).
func (db *DB) ExpireAgreements(ctx context.Context, act audit.Actor, today calendar.Date) (int, error) {
	var n int
	err := db.Transact(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, province_code FROM agreements WHERE status = 'active' AND ends_on < $1`, today)
		if err != nil {
			return err
		}
		var ids []int64
		var provs []string
		for rows.Next() {
			var id int64
			var prov string
			if err := rows.Scan(&id, &prov); err != nil {
				rows.Close()
				return err
			}
			ids, provs = append(ids, id), append(provs, prov)
		}
		rows.Close()
		for i, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE agreements SET status = 'expired', updated_at = $1 WHERE id = $2 AND province_code = $3`, now(), id, provs[i]); err != nil {
				return err
			}
			if err := Audit(ctx, tx, act, "expire", "agreement", id, "", "ended "+today.AddDays(-1).String()); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}

// agreementInForce reports whether the wadah may act today.
// province is the wadah's ("" when the caller does not know it).
func agreementInForce(ctx context.Context, q Querier, wadahID int64, province string, today calendar.Date) (bool, error) {
	var n int
	inProv, args := inProvince("province_code", province, []any{wadahID, today})
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM agreements WHERE wadah_id = $1 AND status = 'active' AND starts_on <= $2 AND ends_on >= $2`+inProv,
		args...).Scan(&n)
	return n > 0, err
}
