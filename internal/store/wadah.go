package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/region"
)

// CreateWadah registers a Bumdes. Its branch is the one serving its village's regency.
func (db *DB) CreateWadah(ctx context.Context, a audit.Actor, w *network.Wadah) error {
	if err := w.Validate(region.MustDefault()); err != nil {
		return err
	}
	acct, err := db.seal("wadah.bank_account", w.BankAccount)
	if err != nil {
		return err
	}
	return db.Transact(ctx, func(tx *Tx) error {
		branch, err := branchForRegency(ctx, tx, w.Village[:5])
		if err != nil {
			return err
		}
		if w.BranchID != 0 && w.BranchID != branch {
			return errs.Invalid("village", "the village is served by another branch")
		}
		w.ID, w.BranchID, w.CreatedAt = idgen.Next(), branch, now()
		masked := ""
		if w.BankAccount != "" {
			masked = network.MaskAccount(w.BankAccount)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO wadah (id, branch_id, village_code, name, legal_number, contact_name, contact_phone,
bank_name, bank_account_enc, bank_account_masked, is_participant, is_perisai, created_at, province_code)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			w.ID, w.BranchID, w.Village, w.Name, w.LegalNumber, w.ContactName, w.ContactPhone, w.BankName, acct, masked,
			w.IsParticipant, w.IsPerisai, w.CreatedAt, provinceOf(w.Village)); err != nil {
			return fmt.Errorf("insert wadah: %w", err)
		}
		w.BankAccount = masked
		return Audit(ctx, tx, a, "create", "wadah", w.ID, w.Village, w.Name)
	})
}

// wadahColumns are a wadah's columns with its count of active agents and its newest
// agreement's status, read in province (the wadah's: an SQL expression).
func wadahColumns(province string) string {
	return `w.id, w.branch_id, w.village_code, w.name, w.legal_number, w.contact_name, w.contact_phone, w.bank_name,
w.bank_account_masked, w.is_participant, w.is_perisai, w.created_at,
(SELECT COUNT(*) FROM agents ag WHERE ag.wadah_id = w.id AND ag.province_code = ` + province + ` AND ag.status = 'active'),
COALESCE((SELECT ar.status FROM agreements ar WHERE ar.wadah_id = w.id AND ar.province_code = ` + province + `
ORDER BY ar.ends_on DESC, ar.id DESC LIMIT 1), '')`
}

func scanWadah(row interface{ Scan(...any) error }) (network.Wadah, error) {
	var w network.Wadah
	err := row.Scan(&w.ID, &w.BranchID, &w.Village, &w.Name, &w.LegalNumber, &w.ContactName, &w.ContactPhone, &w.BankName,
		&w.BankAccount, &w.IsParticipant, &w.IsPerisai, &w.CreatedAt, &w.ActiveAgents, &w.Agreement)
	return w, err
}

// Wadah returns one wadah with its count of active agents and its newest agreement's status.
func (db *DB) Wadah(ctx context.Context, ref Ref) (network.Wadah, error) {
	ref, err := db.locate(ctx, "wadah", "wadah", ref)
	if err != nil {
		return network.Wadah{}, err
	}
	where, args := ref.match("w")
	w, err := scanWadah(db.read.QueryRowContext(ctx, `SELECT `+wadahColumns("$2")+` FROM wadah w WHERE `+where, args...))
	if isNoRows(err) {
		return w, errs.NotFound("wadah")
	}
	return w, err
}

// WadahFilter narrows WadahList; zero fields match everything.
type WadahFilter struct {
	BranchID    int64
	PerisaiOnly bool
	Within      string // a region code the village lies in
	Limit       int
}

// WadahList lists wadah by village.
func (db *DB) WadahList(ctx context.Context, f WadahFilter) ([]network.Wadah, error) {
	q := `SELECT ` + wadahColumns("w.province_code") + ` FROM wadah w WHERE 1=1`
	var args []any
	if f.BranchID != 0 {
		args = append(args, f.BranchID)
		q += ` AND w.branch_id = $` + strconv.Itoa(len(args))
	}
	if f.PerisaiOnly {
		q += ` AND w.is_perisai = TRUE`
	}
	if f.Within != "" {
		args = append(args, f.Within+"%")
		q += ` AND w.village_code LIKE $` + strconv.Itoa(len(args))
	}
	if f.Limit <= 0 || f.Limit > 5000 {
		f.Limit = 1000
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY w.village_code, w.id LIMIT `+strconv.Itoa(f.Limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list wadah: %w", err)
	}
	defer rows.Close()
	out := []network.Wadah{}
	for rows.Next() {
		w, err := scanWadah(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
