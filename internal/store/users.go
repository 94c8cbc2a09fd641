package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/region"
)

const userColumns = `u.id, u.username, u.full_name, u.role, COALESCE(u.branch_id, 0), COALESCE(u.wadah_id, 0),
COALESCE(u.agent_id, 0), u.region_code, u.locale, u.active, u.created_at`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (access.User, error) {
	var u access.User
	dest := append([]any{&u.ID, &u.Username, &u.Name, &u.Role, &u.Scope.BranchID, &u.Scope.WadahID,
		&u.Scope.AgentID, &u.Scope.Region, &u.Locale, &u.Active, &u.CreatedAt}, extra...)
	err := row.Scan(dest...)
	return u, err
}

// CreateUser validates, hashes the password, stores the user and audits it.
func (db *DB) CreateUser(ctx context.Context, a audit.Actor, n access.NewUser) (access.User, error) {
	if err := n.Validate(); err != nil {
		return access.User{}, err
	}
	if n.Scope.Region != "" {
		ar, ok := region.MustDefault().Get(n.Scope.Region)
		if !ok || ar.Level > region.Regency {
			return access.User{}, errs.Invalid("region", "%q is not a province or regency code", n.Scope.Region)
		}
	}
	hash, err := access.HashPassword(n.Password)
	if err != nil {
		return access.User{}, err
	}
	u := access.User{ID: idgen.Next(), Username: n.Username, Name: n.Name, Role: n.Role, Scope: n.Scope,
		Locale: n.Locale, Active: true, CreatedAt: now()}
	err = db.Transact(ctx, func(tx *Tx) error {
		if err := checkScopeExists(ctx, tx, n.Scope); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, username, full_name, password_hash, role, branch_id, wadah_id, agent_id, region_code, locale, active, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			u.ID, u.Username, u.Name, hash, string(u.Role), nullZero(u.Scope.BranchID), nullZero(u.Scope.WadahID), nullZero(u.Scope.AgentID),
			u.Scope.Region, u.Locale, true, u.CreatedAt)
		if isUniqueViolation(err) {
			return errs.Conflict("username %s is taken", u.Username)
		}
		if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		return Audit(ctx, tx, a, "create", "user", u.ID, u.Scope.Region, fmt.Sprintf("%s role=%s", u.Username, u.Role))
	})
	return u, err
}

func checkScopeExists(ctx context.Context, q Querier, s access.Scope) error {
	check := func(table string, id int64, field string) error {
		if id == 0 {
			return nil
		}
		var one int
		err := q.QueryRowContext(ctx, "SELECT 1 FROM "+table+" WHERE id = $1", id).Scan(&one)
		if isNoRows(err) {
			return errs.Invalid(field, "no %s with id %d", table, id)
		}
		return err
	}
	if err := check("branches", s.BranchID, "branch_id"); err != nil {
		return err
	}
	if err := check("wadah", s.WadahID, "wadah_id"); err != nil {
		return err
	}
	return check("agents", s.AgentID, "agent_id")
}

// nullZero stores 0 as NULL: no reference, or no value of its own.
func nullZero(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// User returns a user by id.
func (db *DB) User(ctx context.Context, id int64) (access.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id))
	if isNoRows(err) {
		return u, errs.NotFound("user")
	}
	return u, err
}

// UserByUsername returns a user and the password hash, for login.
func (db *DB) UserByUsername(ctx context.Context, username string) (access.User, string, error) {
	var hash string
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u WHERE u.username = $1`, username), &hash)
	if isNoRows(err) {
		return u, "", errs.NotFound("user")
	}
	return u, hash, err
}

// UserFilter narrows Users. BranchID keeps the users anchored in that branch: its officers,
// and the managers and agents of its wadah.
type UserFilter struct {
	BranchID int64
}

// Users lists users by username.
func (db *DB) Users(ctx context.Context, f UserFilter) ([]access.User, error) {
	q := `SELECT ` + userColumns + `, COALESCE(u.branch_id, w.branch_id, aw.branch_id, 0)
FROM users u
LEFT JOIN wadah w ON w.id = u.wadah_id
LEFT JOIN agents ag ON ag.id = u.agent_id
LEFT JOIN wadah aw ON aw.id = ag.wadah_id`
	var args []any
	if f.BranchID != 0 {
		q += ` WHERE COALESCE(u.branch_id, w.branch_id, aw.branch_id) = $1`
		args = append(args, f.BranchID)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY u.username`, args...)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []access.User
	for rows.Next() {
		var branch int64
		u, err := scanUser(rows, &branch)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UserBranch is the branch a user is anchored in (0 for admins and government viewers), for
// deciding whether a branch officer may manage them.
func (db *DB) UserBranch(ctx context.Context, s access.Scope) (int64, error) {
	var branch sql.NullInt64
	var err error
	switch {
	case s.BranchID != 0:
		return s.BranchID, nil
	case s.WadahID != 0:
		err = db.read.QueryRowContext(ctx, `SELECT branch_id FROM wadah WHERE id = $1`, s.WadahID).Scan(&branch)
	case s.AgentID != 0:
		err = db.read.QueryRowContext(ctx, `SELECT w.branch_id FROM agents a JOIN wadah w ON w.id = a.wadah_id WHERE a.id = $1`, s.AgentID).Scan(&branch)
	default:
		return 0, nil
	}
	if isNoRows(err) {
		return 0, errs.Invalid("scope", "the wadah or agent does not exist")
	}
	return branch.Int64, err
}

// Principal loads an active user with the scope they act in.
func (db *DB) Principal(ctx context.Context, userID int64) (access.Principal, error) {
	u, err := db.User(ctx, userID)
	if err != nil {
		return access.Principal{}, err
	}
	if !u.Active {
		return access.Principal{}, fmt.Errorf("user %s is disabled: %w", u.Username, errs.ErrUnauthorized)
	}
	p := access.Principal{UserID: u.ID, Username: u.Username, Name: u.Name, Role: u.Role, Locale: u.Locale,
		BranchID: u.Scope.BranchID, WadahID: u.Scope.WadahID, AgentID: u.Scope.AgentID, Region: u.Scope.Region}
	if p.AgentID != 0 {
		if err := db.read.QueryRowContext(ctx, `SELECT a.wadah_id, w.branch_id, b.province_code FROM agents a JOIN wadah w ON w.id = a.wadah_id
JOIN branches b ON b.id = w.branch_id WHERE a.id = $1`, p.AgentID).Scan(&p.WadahID, &p.BranchID, &p.Province); err != nil {
			return p, fmt.Errorf("agent scope: %w", err)
		}
	} else if p.WadahID != 0 {
		if err := db.read.QueryRowContext(ctx, `SELECT w.branch_id, b.province_code FROM wadah w JOIN branches b ON b.id = w.branch_id WHERE w.id = $1`,
			p.WadahID).Scan(&p.BranchID, &p.Province); err != nil {
			return p, fmt.Errorf("wadah scope: %w", err)
		}
	}
	if len(p.Region) >= 2 {
		p.Province = p.Region[:2]
	}
	if p.Role == access.BranchOfficer {
		b, err := db.Branch(ctx, p.BranchID)
		if err != nil {
			return p, err
		}
		p.Regencies, p.Province = b.Regencies, b.Province
	}
	return p, nil
}

// SetPassword replaces a user's password and ends their sessions.
func (db *DB) SetPassword(ctx context.Context, a audit.Actor, userID int64, pw string) error {
	hash, err := access.HashPassword(pw)
	if err != nil {
		return err
	}
	return db.Transact(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("user")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return err
		}
		return Audit(ctx, tx, a, "set_password", "user", userID, "", "")
	})
}

// SetLocale remembers the language a user chose, for every device they log in from.
func (db *DB) SetLocale(ctx context.Context, userID int64, locale string) error {
	return db.Transact(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET locale = $1 WHERE id = $2`, locale, userID)
		return err
	})
}
