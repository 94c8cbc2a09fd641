package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/idgen"
)

var auditCols = []string{"province_code", "id", "at", "actor_id", "actor", "action", "entity", "entity_id", "region_code", "detail", "request_id"}

// Audit appends one entry. Call it inside the transaction that makes the change it records.
func Audit(ctx context.Context, q Querier, a audit.Actor, action, entity string, entityID any, regionCode, detail string) error {
	_, err := auditEntry(ctx, q, a, action, entity, entityID, regionCode, detail)
	return err
}

// auditEntry is Audit, returning the entry's id (for rows that tie themselves to the entry).
func auditEntry(ctx context.Context, q Querier, a audit.Actor, action, entity string, entityID any, regionCode, detail string) (int64, error) {
	var actorID any
	if a.UserID != 0 {
		actorID = a.UserID
	}
	id := idgen.Next()
	row := []any{provinceOf(regionCode), id, now(), actorID, a.Name, action, entity, fmt.Sprint(entityID), regionCode, detail, a.RequestID}
	if tx, ok := q.(*Tx); ok && tx.buf != nil {
		tx.buf.add("audit_log", auditCols, row)
		return id, nil
	}
	_, err := q.ExecContext(ctx, `INSERT INTO audit_log (province_code, id, at, actor_id, actor, action, entity, entity_id, region_code, detail, request_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, row...)
	if err != nil {
		return 0, fmt.Errorf("audit %s %s: %w", action, entity, err)
	}
	return id, nil
}

// Record appends one entry in a transaction of its own: for reads of personal data, which
// change nothing else.
func (db *DB) Record(ctx context.Context, a audit.Actor, action, entity string, entityID any, regionCode, detail string) error {
	return db.Transact(ctx, func(tx *Tx) error { return Audit(ctx, tx, a, action, entity, entityID, regionCode, detail) })
}

// AuditFilter narrows ListAudit; zero fields match everything.
type AuditFilter struct {
	Entity   string
	EntityID string
	ActorID  int64
	Limit    int
}

// ListAudit returns entries newest first.
func (db *DB) ListAudit(ctx context.Context, f AuditFilter) ([]audit.Entry, error) {
	q := `SELECT id, at, COALESCE(actor_id, 0), actor, action, entity, entity_id, region_code, detail, request_id FROM audit_log WHERE 1=1`
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		q += " AND " + cond + " $" + strconv.Itoa(len(args))
	}
	if f.Entity != "" {
		add("entity =", f.Entity)
	}
	if f.EntityID != "" {
		add("entity_id =", f.EntityID)
	}
	if f.ActorID != 0 {
		add("actor_id =", f.ActorID)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	q += " ORDER BY id DESC LIMIT " + strconv.Itoa(f.Limit)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	out := []audit.Entry{}
	for rows.Next() {
		var e audit.Entry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.Region, &e.Detail, &e.RequestID); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// now is the time written to every row: UTC, to the microsecond (what PostgreSQL keeps).
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
