package store

import (
	"context"
	"fmt"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/contribution"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/participant"
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

// RefreshStatuses moves every participant's status to what their paid months say on a day (the
// scheduled job): active, in arrears, ended as months pass. It reads the last paid month of all
// participants in one pass and writes only the statuses that change.
func (db *DB) RefreshStatuses(ctx context.Context, rs *rules.Set, today calendar.Date) (int, error) {
	pr, err := rs.PaymentAt(today)
	if err != nil {
		return 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT p.id, p.status, m.last FROM participants p
JOIN (SELECT participant_id, MAX(month) AS last FROM paid_months GROUP BY participant_id) m ON m.participant_id = p.id
WHERE p.review <> 'rejected'`)
	if err != nil {
		return 0, err
	}
	type change struct {
		id     int64
		status participant.Status
	}
	var changes []change
	for rows.Next() {
		var id int64
		var status string
		var last int
		if err := rows.Scan(&id, &status, &last); err != nil {
			rows.Close()
			return 0, err
		}
		// The status depends on the last paid month alone.
		now := contribution.Assess([]calendar.Month{calendar.Month(last)}, today, pr).Status
		if string(now) != status {
			changes = append(changes, change{id, now})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for start := 0; start < len(changes); start += 5000 {
		chunk := changes[start:min(len(changes), start+5000)]
		err := db.Transact(ctx, func(tx *Tx) error {
			for _, c := range chunk {
				if _, err := tx.ExecContext(ctx, `UPDATE participants SET status = $1 WHERE id = $2`, string(c.status), c.id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return len(changes), nil
}
