package store

import (
	"context"
	"fmt"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/rules"
)

// LoadRules stores a validated rules file as a new version, in force from now on.
func (db *DB) LoadRules(ctx context.Context, act audit.Actor, content []byte) (*rules.Set, error) {
	rs, err := rules.Parse(content)
	if err != nil {
		return nil, fmt.Errorf("%v: %w", err, errs.ErrInvalid)
	}
	err = db.Transact(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO rule_sets (version, content, loaded_at, loaded_by) VALUES ($1, $2, $3, $4)`,
			rs.Version, string(content), now(), act.Name)
		if isUniqueViolation(err) {
			return errs.Conflict("rules version %s was loaded before; give the new file a new version", rs.Version)
		}
		if err != nil {
			return err
		}
		return Audit(ctx, tx, act, "load", "rules", rs.Version, "", fmt.Sprintf("%d bytes", len(content)))
	})
	return rs, err
}

// ActiveRules is the newest loaded rules file, or the embedded rules when none was loaded.
func (db *DB) ActiveRules(ctx context.Context) (*rules.Set, error) {
	var content string
	err := db.read.QueryRowContext(ctx, `SELECT content FROM rule_sets ORDER BY loaded_at DESC, version DESC LIMIT 1`).Scan(&content)
	if isNoRows(err) {
		return rules.Default(), nil
	}
	if err != nil {
		return nil, err
	}
	return rules.Parse([]byte(content))
}

// ActiveRulesVersion is the version ActiveRules would return, read without parsing the file:
// a running server asks it now and then to pick up a newly loaded file.
func (db *DB) ActiveRulesVersion(ctx context.Context) (string, error) {
	var v string
	err := db.read.QueryRowContext(ctx, `SELECT version FROM rule_sets ORDER BY loaded_at DESC, version DESC LIMIT 1`).Scan(&v)
	if isNoRows(err) {
		return rules.Default().Version, nil
	}
	return v, err
}
