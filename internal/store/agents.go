package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/region"
	"github.com/perisai/perisai/internal/rules"
)

// CreateAgent makes a registered participant an agent of a wadah, serving villages that the
// wadah's branch serves.
func (db *DB) CreateAgent(ctx context.Context, act audit.Actor, ag *network.Agent, today calendar.Date) error {
	acct, err := db.seal("agent.bank_account", ag.BankAccount)
	if err != nil {
		return err
	}
	tree := region.MustDefault()
	return db.Transact(ctx, func(tx *Tx) error {
		var branch int64
		var province string
		err := tx.QueryRowContext(ctx, `SELECT branch_id, province_code FROM wadah WHERE id = $1`, ag.WadahID).Scan(&branch, &province)
		if isNoRows(err) {
			return errs.Invalid("wadah_id", "no such wadah")
		}
		if err != nil {
			return err
		}
		regencies, err := branchRegencies(ctx, tx, branch)
		if err != nil {
			return err
		}
		villageOK := func(v string) bool {
			a, ok := tree.Get(v)
			return ok && a.Level == region.Village && containsPrefix(regencies, v)
		}
		if err := ag.ValidateNew(villageOK, today); err != nil {
			return err
		}
		var nikMasked, kpj, name, own string
		err = tx.QueryRowContext(ctx, `SELECT name, kpj, nik_masked, province_code FROM participants WHERE id = $1`, ag.ParticipantID).Scan(&name, &kpj, &nikMasked, &own)
		if isNoRows(err) {
			return errs.Invalid("participant_id", "an agent must be a registered BPU participant: no participant %d", ag.ParticipantID)
		}
		if err != nil {
			return err
		}
		t := now()
		ag.ID, ag.Name, ag.KPJ, ag.NIKMasked, ag.Status, ag.StatusChanged, ag.CreatedAt = idgen.Next(), name, kpj, nikMasked, network.AgentActive, t, t
		ag.Province = province
		masked := network.MaskAccount(ag.BankAccount)
		_, err = tx.ExecContext(ctx, `INSERT INTO agents (id, wadah_id, name, created_at, participant_id, phone, bank_name, bank_account_enc,
bank_account_masked, trained_on, status, status_changed_at, activated_at, province_code, participant_province)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'active', $4, $4, $11, $12)`,
			ag.ID, ag.WadahID, name, t, ag.ParticipantID, ag.Phone, ag.BankName, acct, masked, ag.TrainedOn, province, own)
		if isUniqueViolation(err) {
			return errs.Conflict("participant %s is already an agent", kpj)
		}
		if err != nil {
			return fmt.Errorf("insert agent: %w", err)
		}
		ag.BankAccount = masked
		// The agent's own participant record now belongs to its wadah (unless an agent already
		// manages it): its manager sees it, other agents of the branch do not.
		if _, err := tx.ExecContext(ctx, `UPDATE participants SET wadah_id = $1, updated_at = $2 WHERE id = $3 AND province_code = $4 AND agent_id IS NULL`,
			ag.WadahID, t, ag.ParticipantID, own); err != nil {
			return fmt.Errorf("agent's own record: %w", err)
		}
		if err := setAgentVillages(ctx, tx, ag.ID, ag.Villages); err != nil {
			return err
		}
		return Audit(ctx, tx, act, "create", "agent", ag.ID, ag.Villages[0], fmt.Sprintf("%s wadah=%d villages=%s", kpj, ag.WadahID, strings.Join(ag.Villages, ",")))
	})
}

func containsPrefix(areas []string, code string) bool {
	for _, a := range areas {
		if region.Within(code, a) {
			return true
		}
	}
	return false
}

func setAgentVillages(ctx context.Context, tx *Tx, agentID int64, villages []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM agent_villages WHERE agent_id = $1`, agentID); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, v := range villages {
		if seen[v] {
			continue
		}
		seen[v] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO agent_villages (agent_id, village_code, province_code) VALUES ($1, $2, $3)`, agentID, v, provinceOf(v)); err != nil {
			return fmt.Errorf("agent village: %w", err)
		}
	}
	return nil
}

const agentColumns = `a.id, a.wadah_id, a.province_code, COALESCE(a.participant_id, 0), COALESCE(p.kpj, ''), a.name, COALESCE(p.nik_masked, ''), a.phone,
a.bank_name, a.bank_account_masked, a.trained_on, a.status, a.status_reason, a.status_changed_at, a.last_activity_at, a.created_at,
COALESCE(a.max_cash_on_hand, 0), COALESCE(a.max_receipt_age_days, 0)`

// Time columns are selected bare, never through COALESCE: SQLite returns an expression's
// value as text, which does not scan into a time.
func scanAgent(row interface{ Scan(...any) error }, extra ...any) (network.Agent, error) {
	var a network.Agent
	var changed *time.Time
	err := row.Scan(append([]any{&a.ID, &a.WadahID, &a.Province, &a.ParticipantID, &a.KPJ, &a.Name, &a.NIKMasked, &a.Phone, &a.BankName, &a.BankAccount,
		&a.TrainedOn, &a.Status, &a.StatusReason, &changed, &a.LastActivityAt, &a.CreatedAt, &a.CashLimits.MaxCashOnHand, &a.CashLimits.MaxReceiptAgeDays}, extra...)...)
	a.StatusChanged = a.CreatedAt
	if changed != nil {
		a.StatusChanged = *changed
	}
	return a, err
}

// Agent returns an agent with the villages it serves.
func (db *DB) Agent(ctx context.Context, ref Ref) (network.Agent, error) {
	ref, err := db.locate(ctx, "agents", "agent", ref)
	if err != nil {
		return network.Agent{}, err
	}
	// The agent's own participant record is joined when it is kept in the agent's province,
	// and read on its own, in its province, when not.
	where, args := ref.match("a")
	var own string
	a, err := scanAgent(db.read.QueryRowContext(ctx, `SELECT `+agentColumns+`, a.participant_province FROM agents a
LEFT JOIN participants p ON p.id = a.participant_id AND p.province_code = $2 AND a.participant_province = $2 WHERE `+where, args...), &own)
	if isNoRows(err) {
		return a, errs.NotFound("agent")
	}
	if err != nil {
		return a, err
	}
	if a.ParticipantID != 0 && own != ref.Province {
		err := db.read.QueryRowContext(ctx, `SELECT kpj, nik_masked FROM participants WHERE id = $1 AND province_code = $2`, a.ParticipantID, own).
			Scan(&a.KPJ, &a.NIKMasked)
		if err != nil && !isNoRows(err) {
			return a, err
		}
	}
	a.Villages, err = agentVillages(ctx, db.read, ref.ID, ref.Province)
	return a, err
}

// agentVillages lists the villages an agent serves, which lie in its province ("" when the
// caller does not know it).
func agentVillages(ctx context.Context, q Querier, agentID int64, province string) ([]string, error) {
	inProv, args := inProvince("province_code", province, []any{agentID})
	rows, err := q.QueryContext(ctx, `SELECT village_code FROM agent_villages WHERE agent_id = $1`+inProv+` ORDER BY village_code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// AgentFilter narrows Agents.
type AgentFilter struct {
	WadahID  int64
	BranchID int64
	Status   network.AgentStatus
}

// Agents lists agents by name.
func (db *DB) Agents(ctx context.Context, f AgentFilter) ([]network.Agent, error) {
	q := `SELECT ` + agentColumns + ` FROM agents a LEFT JOIN participants p ON p.id = a.participant_id AND p.province_code = a.participant_province
JOIN wadah w ON w.id = a.wadah_id AND w.province_code = a.province_code WHERE 1=1`
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		q += " AND " + cond + " = $" + strconv.Itoa(len(args))
	}
	if f.WadahID != 0 {
		add("a.wadah_id", f.WadahID)
	}
	if f.BranchID != 0 {
		add("w.branch_id", f.BranchID)
	}
	if f.Status != "" {
		add("a.status", string(f.Status))
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY a.name, a.id LIMIT 5000`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []network.Agent{}
	for rows.Next() {
		a, err := scanAgent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for i := range out {
		if out[i].Villages, err = agentVillages(ctx, db.read, out[i].ID, out[i].Province); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SetAgentStatus deactivates, reactivates (no earlier than the rules allow) or terminates an
// agent. Termination (e.g. for fraud) needs a reason and is final.
// SetAgentCashLimits sets an agent's own cash limits; zero fields go back to the rules' defaults.
func (db *DB) SetAgentCashLimits(ctx context.Context, act audit.Actor, ref Ref, lim network.CashLimits) error {
	if err := lim.Validate(); err != nil {
		return err
	}
	ref, err := db.locate(ctx, "agents", "agent", ref)
	if err != nil {
		return err
	}
	id := ref.ID
	return db.Transact(ctx, func(tx *Tx) error {
		var village string
		where, args := ref.match("a")
		err := tx.QueryRowContext(ctx, `SELECT w.village_code FROM agents a JOIN wadah w ON w.id = a.wadah_id AND w.province_code = a.province_code
WHERE `+where, args...).Scan(&village)
		if isNoRows(err) {
			return errs.NotFound("agent")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agents SET max_cash_on_hand = $1, max_receipt_age_days = $2 WHERE id = $3 AND province_code = $4`,
			nullZero(lim.MaxCashOnHand), nullZero(int64(lim.MaxReceiptAgeDays)), id, provinceOf(village)); err != nil {
			return err
		}
		return Audit(ctx, tx, act, "cash_limits", "agent", id, village,
			fmt.Sprintf("max cash Rp %d, oldest receipt %d day(s) (0: the rules' default)", lim.MaxCashOnHand, lim.MaxReceiptAgeDays))
	})
}

func (db *DB) SetAgentStatus(ctx context.Context, act audit.Actor, rs *rules.Set, ref Ref, to network.AgentStatus, reason string, today calendar.Date) error {
	reason = strings.TrimSpace(reason)
	n, err := rs.NetworkAt(today)
	if err != nil {
		return err
	}
	ref, err = db.locate(ctx, "agents", "agent", ref)
	if err != nil {
		return err
	}
	id, province := ref.ID, ref.Province
	return db.Transact(ctx, func(tx *Tx) error {
		var status network.AgentStatus
		var changedAt *time.Time
		var changed time.Time
		where, args := ref.match("")
		err := tx.QueryRowContext(ctx, `SELECT status, status_changed_at, created_at FROM agents WHERE `+where+tx.ForUpdate(), args...).
			Scan(&status, &changedAt, &changed)
		if changedAt != nil {
			changed = *changedAt
		}
		if isNoRows(err) {
			return errs.NotFound("agent")
		}
		if err != nil {
			return err
		}
		switch to {
		case network.AgentActive:
			if err := network.CanReactivate(status, changed, today, n); err != nil {
				return err
			}
		case network.AgentInactive:
			if status != network.AgentActive {
				return errs.Conflict("only an active agent is deactivated; this one is %s", status)
			}
			if reason == "" {
				return errs.Invalid("reason", "a reason is required to deactivate or terminate an agent")
			}
		case network.AgentTerminated:
			if status == network.AgentTerminated {
				return errs.Conflict("the agent is already terminated")
			}
			if reason == "" {
				return errs.Invalid("reason", "a reason is required to deactivate or terminate an agent")
			}
		default:
			return errs.Invalid("status", "one of active, inactive, terminated")
		}
		t := now()
		activated := "activated_at"
		if to == network.AgentActive {
			activated = "$1" // a returning agent's idle window starts again
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agents SET status = $2, status_reason = $3, status_changed_at = $1, activated_at = `+activated+`
WHERE id = $4 AND province_code = $5`, t, string(to), reason, id, province); err != nil {
			return err
		}
		if err := recordAgentStatus(ctx, tx, ref, t, to); err != nil {
			return err
		}
		return Audit(ctx, tx, act, "status:"+string(to), "agent", id, "", reason)
	})
}

// DeactivateIdleAgents applies the inactivity rule: active agents with no transaction in the
// last whole months the rules name become inactive. It is the scheduled job; running it twice
// the same day changes nothing the second time.
func (db *DB) DeactivateIdleAgents(ctx context.Context, act audit.Actor, rs *rules.Set, today calendar.Date) ([]int64, error) {
	n, err := rs.NetworkAt(today)
	if err != nil {
		return nil, err
	}
	since := network.IdleSince(today, n).Time().Add(-7 * time.Hour) // midnight WIB in UTC
	var ids []int64
	err = db.Transact(ctx, func(tx *Tx) error {
		ids = nil
		var provs []string
		rows, err := tx.QueryContext(ctx, `SELECT id, province_code, last_activity_at, activated_at, created_at FROM agents WHERE status = 'active'
AND COALESCE(last_activity_at, activated_at, created_at) < $1 AND COALESCE(activated_at, created_at) < $1`, since)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var prov string
			var last, activatedAt *time.Time
			var activated time.Time
			if err := rows.Scan(&id, &prov, &last, &activatedAt, &activated); err != nil {
				rows.Close()
				return err
			}
			if activatedAt != nil {
				activated = *activatedAt
			}
			l := time.Time{}
			if last != nil {
				l = *last
			}
			if network.ShouldDeactivate(network.AgentActive, l, activated, today, n) {
				ids = append(ids, id)
				provs = append(provs, prov)
			}
		}
		rows.Close()
		t := now()
		reason := fmt.Sprintf("no transaction since %s (%d whole months)", network.IdleSince(today, n), n.InactiveAfterMonths)
		for i, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE agents SET status = 'inactive', status_reason = $1, status_changed_at = $2 WHERE id = $3 AND province_code = $4`,
				reason, t, id, provs[i]); err != nil {
				return err
			}
			if err := recordAgentStatus(ctx, tx, Ref{ID: id, Province: provs[i]}, t, network.AgentInactive); err != nil {
				return err
			}
			if err := Audit(ctx, tx, act, "status:inactive", "agent", id, "", reason); err != nil {
				return err
			}
		}
		return nil
	})
	return ids, err
}

// HandOver moves every participant of one agent to another active agent of the same wadah, in
// one transaction, and records it.
//
// The receiving agent, of the same wadah, is of the same province as the one handing over.
func (db *DB) HandOver(ctx context.Context, act audit.Actor, ref Ref, to int64) (int, error) {
	from := ref.ID
	if from == to {
		return 0, errs.Invalid("to_agent_id", "the receiving agent must be another agent")
	}
	ref, err := db.locate(ctx, "agents", "agent", ref)
	if err != nil {
		return 0, err
	}
	var moved int
	err = db.Transact(ctx, func(tx *Tx) error {
		// Both agents locked, in id order: a status change of the receiving agent waits, or
		// this sees it (read unlocked, an agent deactivated meanwhile received participants).
		type agentState struct {
			wadah            int64
			status, province string
		}
		agents := map[int64]agentState{}
		err := scanAll(tx.QueryContext(ctx, `SELECT id, wadah_id, status, province_code FROM agents WHERE id IN ($1, $2) AND province_code = $3 ORDER BY id`+tx.ForUpdate(),
			from, to, ref.Province))(
			func(scan func(...any) error) error {
				var id int64
				var a agentState
				if err := scan(&id, &a.wadah, &a.status, &a.province); err != nil {
					return err
				}
				agents[id] = a
				return nil
			})
		if err != nil {
			return err
		}
		fromAgent, ok := agents[from]
		if !ok {
			return errs.NotFound("agent")
		}
		toAgent, ok := agents[to]
		if !ok {
			return errs.Invalid("to_agent_id", "no such agent")
		}
		fromWadah, toWadah, toStatus := fromAgent.wadah, toAgent.wadah, toAgent.status
		if fromWadah != toWadah {
			return errs.Invalid("to_agent_id", "the receiving agent must belong to the same wadah")
		}
		if toStatus != string(network.AgentActive) {
			return errs.Invalid("to_agent_id", "the receiving agent is %s", toStatus)
		}
		// The receiving agent takes over the villages too, so that it may serve the participants.
		if _, err := tx.ExecContext(ctx, `INSERT INTO agent_villages (agent_id, village_code, province_code)
SELECT $1, v.village_code, v.province_code FROM agent_villages v WHERE v.agent_id = $2 AND v.province_code = $3
AND NOT EXISTS (SELECT 1 FROM agent_villages x WHERE x.agent_id = $1 AND x.village_code = v.village_code AND x.province_code = $3)`, to, from, ref.Province); err != nil {
			return err
		}
		// The participants an agent serves are of its wadah's province.
		res, err := tx.ExecContext(ctx, `UPDATE participants SET agent_id = $1, updated_at = $2 WHERE province_code = $3 AND agent_id = $4`,
			to, now(), fromAgent.province, from)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		moved = int(n)
		return Audit(ctx, tx, act, "handover", "agent", from, "", fmt.Sprintf("%d participants to agent %d", moved, to))
	})
	return moved, err
}

// touchAgent records an agent's transaction, which keeps it active. A group commit writes an
// agent's activity at most once a minute (the idle check counts whole months): every payment
// rewriting the agent's row would cost a page write each, and make two PostgreSQL writers
// whose batches hold one agent's payments wait for each other's commit. province is the
// agent's: that of the participants it serves.
func touchAgent(ctx context.Context, tx *Tx, agentID int64, province string, at time.Time) error {
	if tx.buf != nil && tx.pre != nil {
		if a, ok := tx.pre.agents[agentID]; ok {
			last := a.lastActivity
			if t, ok := tx.buf.touched[agentID]; ok {
				last = &t.at
			}
			if last == nil || at.Sub(*last) >= time.Minute {
				tx.buf.touched[agentID] = touch{at, province}
			}
			return nil
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE agents SET last_activity_at = $1 WHERE id = $2 AND province_code = $3`, at, agentID, province)
	return err
}

// recordAgentStatus keeps a status change in the agent's history (agent_status_changes), so
// that its status on a past day can be told: an inactive agent earns no collection share.
func recordAgentStatus(ctx context.Context, tx *Tx, ref Ref, at time.Time, to network.AgentStatus) error {
	// Kept with the province of the agent's wadah (migration 29).
	_, err := tx.ExecContext(ctx, `INSERT INTO agent_status_changes (province_code, agent_id, at, status) VALUES ($1, $2, $3, $4)`,
		ref.Province, ref.ID, at, string(to))
	if err != nil {
		return fmt.Errorf("agent %d status history: %w", ref.ID, err)
	}
	return nil
}
