package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/ledger"
)

// StatementLine is one movement on an account.
type StatementLine struct {
	At      time.Time `json:"at"`
	EntryID int64     `json:"entry_id"`
	Kind    string    `json:"kind"` // payment, reversal, deposit, …
	RefType string    `json:"ref_type"`
	RefID   int64     `json:"ref_id"`
	Memo    string    `json:"memo,omitempty"`
	Amount  int64     `json:"amount"`  // debit > 0 (cash in, for an agent's cash), credit < 0
	Balance int64     `json:"balance"` // after the line
}

// Statement is an account's movements over days (in WIB), with the balance before and after.
type Statement struct {
	Account   ledger.Account  `json:"account"`
	Province  string          `json:"province"` // the account's postings in this province
	From      calendar.Date   `json:"from"`
	To        calendar.Date   `json:"to"`
	Opening   int64           `json:"opening"`
	Closing   int64           `json:"closing"`
	Lines     []StatementLine `json:"lines"`
	Truncated bool            `json:"truncated,omitempty"` // more lines than MaxStatementLines; the closing balance counts them all
}

// MaxStatementLines bounds a statement's lines; a longer period is asked for in parts.
const MaxStatementLines = 2000

// Statement lists an account's postings in a province from the start of day from to the end of
// day to, oldest first, each with the running balance; at most a year at a time.
func (db *DB) Statement(ctx context.Context, a ledger.Account, province string, from, to calendar.Date) (Statement, error) {
	st := Statement{Account: a, Province: province, From: from, To: to, Lines: []StatementLine{}}
	if province == "" {
		return st, errs.Invalid("province", "a statement is of one province's postings")
	}
	if to.Before(from) {
		return st, errs.Invalid("to", "the end comes before the start")
	}
	if from.AddDays(366).Before(to) {
		return st, errs.Invalid("to", "a statement covers at most a year")
	}
	start := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, calendar.Zone)
	end := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, calendar.Zone).AddDate(0, 0, 1)
	var id int64
	err := db.read.QueryRowContext(ctx, `SELECT id FROM ledger_accounts WHERE code = $1`, string(a)).Scan(&id)
	if err == sql.ErrNoRows {
		return st, nil // never posted to
	}
	if err != nil {
		return st, err
	}
	var inPeriod int64
	if err := db.read.QueryRowContext(ctx, `SELECT
  COALESCE(SUM(CASE WHEN e.at < $2 THEN p.amount ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN e.at >= $2 AND e.at < $3 THEN p.amount ELSE 0 END), 0)
FROM postings p JOIN journal_entries e ON e.id = p.entry_id AND e.province_code = p.province_code
WHERE p.account_id = $1 AND p.province_code = $4 AND e.at < $3`, id, start.UTC(), end.UTC(), province).
		Scan(&st.Opening, &inPeriod); err != nil {
		return st, err
	}
	st.Closing = st.Opening + inPeriod
	rows, err := db.read.QueryContext(ctx, `SELECT e.at, e.id, e.kind, e.ref_type, e.ref_id, e.memo, p.amount
FROM postings p JOIN journal_entries e ON e.id = p.entry_id AND e.province_code = p.province_code
WHERE p.account_id = $1 AND p.province_code = $5 AND e.at >= $2 AND e.at < $3 ORDER BY e.at, p.id LIMIT $4`, id, start.UTC(), end.UTC(), MaxStatementLines+1, province)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	bal := st.Opening
	for rows.Next() {
		var l StatementLine
		if err := rows.Scan(&l.At, &l.EntryID, &l.Kind, &l.RefType, &l.RefID, &l.Memo, &l.Amount); err != nil {
			return st, err
		}
		if len(st.Lines) == MaxStatementLines {
			st.Truncated = true
			break
		}
		bal += l.Amount
		l.Balance = bal
		st.Lines = append(st.Lines, l)
	}
	return st, rows.Err()
}

// StatementPeople are the persons an agent's cash statement shows: the agent and the
// participants of the payments on its lines.
func (db *DB) StatementPeople(ctx context.Context, agentID int64, st Statement) ([]int64, error) {
	var people []int64
	var self sql.NullInt64
	if err := db.read.QueryRowContext(ctx, `SELECT participant_id FROM agents WHERE id = $1 AND province_code = $2`, agentID, st.Province).Scan(&self); err != nil && !isNoRows(err) {
		return nil, err
	}
	if self.Valid {
		people = append(people, self.Int64)
	}
	var pays []int64
	for _, l := range st.Lines {
		if l.RefType == "payment" {
			pays = append(pays, l.RefID)
		}
	}
	for chunk := range slices.Chunk(pays, 500) {
		marks := make([]string, len(chunk))
		args := make([]any, len(chunk), len(chunk)+1)
		for i, id := range chunk {
			marks[i], args[i] = "$"+strconv.Itoa(i+1), id
		}
		args = append(args, st.Province)
		rows, err := db.read.QueryContext(ctx, `SELECT participant_id FROM payments WHERE id IN (`+strings.Join(marks, ", ")+`) AND province_code = $`+strconv.Itoa(len(args)), args...)
		if err != nil {
			return nil, fmt.Errorf("statement people: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			people = append(people, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return people, nil
}
