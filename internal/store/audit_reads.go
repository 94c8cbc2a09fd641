package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/participant"
)

// RecordRead appends one audit entry for a read (action "read", or "export" for a download)
// that showed the given participants, and ties each of them to it (person_reads), so that "who
// saw this person" can be answered. A read that showed nobody records nothing: the audit log is
// of personal data seen, not of page views.
func (db *DB) RecordRead(ctx context.Context, a audit.Actor, action, entity string, entityID any, regionCode, detail string, people []int64) error {
	if len(people) == 0 || a.Name == "" {
		return nil
	}
	people = slices.Compact(slices.Sorted(slices.Values(people)))
	return db.Transact(ctx, func(tx *Tx) error {
		id, err := auditEntry(ctx, tx, a, action, entity, entityID, regionCode, detail)
		if err != nil {
			return err
		}
		t := now()
		// The province comes from each participant's own row, in the same statement. The
		// people of a read in a region are looked for in its province first; any not found
		// there (a list can cross it) are then found by id alone.
		province := ""
		if len(regionCode) >= 2 {
			province = regionCode[:2]
		}
		for chunk := range slices.Chunk(people, 500) {
			args := []any{id, t}
			marks := make([]string, len(chunk))
			for i, p := range chunk {
				args = append(args, p)
				marks[i] = fmt.Sprintf("$%d", i+3)
			}
			insert := `INSERT INTO person_reads (province_code, participant_id, audit_id, at)
SELECT substr(village_code, 1, 2), id, $1, $2 FROM participants WHERE id IN (` + strings.Join(marks, ", ") + `)`
			if province != "" {
				inProv, named := inProvince("province_code", province, args)
				res, err := tx.ExecContext(ctx, insert+inProv, named...)
				if err != nil {
					return fmt.Errorf("audit read %s: %w", entity, err)
				}
				if n, _ := res.RowsAffected(); n == int64(len(chunk)) {
					continue
				}
				insert += ` AND NOT EXISTS (SELECT 1 FROM person_reads r WHERE r.audit_id = $1 AND r.participant_id = participants.id)`
			}
			if _, err := tx.ExecContext(ctx, insert, args...); err != nil {
				return fmt.Errorf("audit read %s: %w", entity, err)
			}
		}
		return nil
	})
}

// WhoSawQuery names one person, by participant id, participant number (KPJ) or NIK, and a
// period (From inclusive, To exclusive; zero means unbounded).
type WhoSawQuery struct {
	ParticipantID int64
	Province      string // the participant's, when known
	KPJ           string
	NIK           string
	From, To      time.Time
}

// WhoSaw answers "who saw this person?": every read that showed the participant and every
// change made to their record, oldest first, at most 10,000 entries. The question is itself a
// read of the person, recorded under act.
func (db *DB) WhoSaw(ctx context.Context, act audit.Actor, q WhoSawQuery) (participant.Participant, []audit.Entry, error) {
	var who participant.Participant
	var err error
	switch {
	case q.ParticipantID != 0:
		who, err = db.Participant(ctx, audit.Actor{}, Ref{ID: q.ParticipantID, Province: q.Province})
	case q.KPJ != "":
		who, err = db.participantWhere(ctx, audit.Actor{}, "p.kpj = $1", q.KPJ)
	case q.NIK != "":
		b, berr := db.blind("nik", q.NIK)
		if berr != nil {
			return who, nil, berr
		}
		who, err = db.participantWhere(ctx, audit.Actor{}, "p.id IN (SELECT participant_id FROM nik_registry WHERE province_code = $1 AND nik_blind = $2)", provinceOf(q.NIK), b)
	default:
		return who, nil, errs.Invalid("participant", "name the person by participant id, KPJ or NIK")
	}
	if err != nil {
		return who, nil, err
	}
	if err := db.RecordRead(ctx, act, "read", "audit", who.ID, who.Village, "who-saw", []int64{who.ID}); err != nil {
		return who, nil, err
	}
	from, to := q.From, q.To
	if from.IsZero() {
		from = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if to.IsZero() {
		to = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor, action, entity, entity_id, region_code, detail, request_id
FROM audit_log WHERE at >= $2 AND at < $3 AND (
  id IN (SELECT audit_id FROM person_reads WHERE participant_id = $1 AND province_code = $5 AND at >= $2 AND at < $3)
  OR (entity = 'participant' AND entity_id = $4))
ORDER BY id LIMIT 10000`, who.ID, from.UTC(), to.UTC(), fmt.Sprint(who.ID), who.Province())
	if err != nil {
		return who, nil, fmt.Errorf("who saw: %w", err)
	}
	defer rows.Close()
	out := []audit.Entry{}
	for rows.Next() {
		var e audit.Entry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.Region, &e.Detail, &e.RequestID); err != nil {
			return who, nil, err
		}
		out = append(out, e)
	}
	return who, out, rows.Err()
}

// ParseWhoSaw reads a who-saw question as the API and the CLI take it: one of participant id,
// KPJ or NIK, and a period of days (to inclusive).
func ParseWhoSaw(id, kpj, nikStr, from, to string) (WhoSawQuery, error) {
	var q WhoSawQuery
	var err error
	if id != "" {
		if q.ParticipantID, err = strconv.ParseInt(id, 10, 64); err != nil || q.ParticipantID <= 0 {
			return q, errs.Invalid("participant_id", "must be a positive integer")
		}
	}
	q.KPJ = strings.TrimSpace(kpj)
	q.NIK = strings.TrimSpace(nikStr)
	if q.NIK != "" && (len(q.NIK) != 16 || strings.Trim(q.NIK, "0123456789") != "") {
		return q, errs.Invalid("nik", "16 digits")
	}
	if from != "" {
		d, err := calendar.ParseDate(from)
		if err != nil {
			return q, errs.Invalid("from", "a date is written YYYY-MM-DD")
		}
		q.From = d.Time()
	}
	if to != "" {
		d, err := calendar.ParseDate(to)
		if err != nil {
			return q, errs.Invalid("to", "a date is written YYYY-MM-DD")
		}
		q.To = d.AddDays(1).Time()
	}
	return q, nil
}
