package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/region"
)

// CreateBranch validates and stores a branch with its regencies, and audits it.
func (db *DB) CreateBranch(ctx context.Context, a audit.Actor, b *network.Branch) error {
	if err := b.Validate(region.MustDefault()); err != nil {
		return err
	}
	return db.Transact(ctx, func(tx *Tx) error {
		b.ID, b.CreatedAt = idgen.Next(), now()
		_, err := tx.ExecContext(ctx, `INSERT INTO branches (id, code, name, province_code, address, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			b.ID, b.Code, b.Name, b.Province, b.Address, b.CreatedAt)
		if isUniqueViolation(err) {
			return errs.Conflict("branch code %s is taken", b.Code)
		}
		if err != nil {
			return fmt.Errorf("insert branch: %w", err)
		}
		for _, r := range b.Regencies {
			_, err := tx.ExecContext(ctx, `INSERT INTO branch_regencies (regency_code, branch_id) VALUES ($1, $2)`, r, b.ID)
			if isUniqueViolation(err) {
				return errs.Conflict("regency %s is already served by another branch", r)
			}
			if err != nil {
				return fmt.Errorf("insert branch regency: %w", err)
			}
		}
		return Audit(ctx, tx, a, "create", "branch", b.ID, b.Province, b.Code+" "+strings.Join(b.Regencies, ","))
	})
}

// Branch returns the branch with the id.
func (db *DB) Branch(ctx context.Context, id int64) (network.Branch, error) {
	bs, err := db.branches(ctx, "WHERE b.id = $1", id)
	if err != nil {
		return network.Branch{}, err
	}
	if len(bs) == 0 {
		return network.Branch{}, errs.NotFound("branch")
	}
	return bs[0], nil
}

// BranchByCode returns the branch with the code.
func (db *DB) BranchByCode(ctx context.Context, code string) (network.Branch, error) {
	bs, err := db.branches(ctx, "WHERE b.code = $1", strings.ToUpper(code))
	if err != nil {
		return network.Branch{}, err
	}
	if len(bs) == 0 {
		return network.Branch{}, errs.NotFound("branch " + code)
	}
	return bs[0], nil
}

// Branches lists every branch by code. There are a few hundred nationally; callers filter by
// scope with access.Authorize.
func (db *DB) Branches(ctx context.Context) ([]network.Branch, error) {
	return db.branches(ctx, "")
}

func (db *DB) branches(ctx context.Context, where string, args ...any) ([]network.Branch, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT b.id, b.code, b.name, b.province_code, b.address, b.created_at, r.regency_code
FROM branches b LEFT JOIN branch_regencies r ON r.branch_id = b.id `+where+` ORDER BY b.code, r.regency_code`, args...)
	if err != nil {
		return nil, fmt.Errorf("list branches: %w", err)
	}
	defer rows.Close()
	var out []network.Branch
	for rows.Next() {
		var b network.Branch
		var reg *string
		if err := rows.Scan(&b.ID, &b.Code, &b.Name, &b.Province, &b.Address, &b.CreatedAt, &reg); err != nil {
			return nil, err
		}
		if n := len(out); n > 0 && out[n-1].ID == b.ID {
			out[n-1].Regencies = append(out[n-1].Regencies, *reg)
			continue
		}
		if reg != nil {
			b.Regencies = []string{*reg}
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// branchForRegency is the branch serving a regency.
func branchForRegency(ctx context.Context, q Querier, regency string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT branch_id FROM branch_regencies WHERE regency_code = $1`, regency).Scan(&id)
	if isNoRows(err) {
		return 0, errs.Invalid("village", "no branch office serves regency %s", regency)
	}
	return id, err
}

// branchRegencies lists the regencies a branch serves.
func branchRegencies(ctx context.Context, q Querier, branchID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT regency_code FROM branch_regencies WHERE branch_id = $1 ORDER BY regency_code`, branchID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
