package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/store"
)

// pastStatements gives the incentive screens months gone by (Full only): agen.made acquired 26
// workers (3 programs, the lowest income) on the 10th two months ago and 30 on the 10th last
// month, each paying a month when registered and again the next month and today, depositing
// the cash the same day. The run then issues both months' statements (last month's is DOMAIN.md
// §4's worked example plus the older workers' second month); kc.denpasar approved and paid the
// older one, last month's waits for approval.
func (l *loader) pastStatements(ctx context.Context) error {
	u, _, err := l.db.UserByUsername(ctx, "agen.made")
	if err != nil {
		return err
	}
	agent, err := l.db.Principal(ctx, u.ID)
	if err != nil {
		return err
	}
	a, err := l.db.Agent(ctx, store.RefIn(agent.Province, agent.AgentID))
	if err != nil {
		return err
	}
	var workers []int64
	pay := func(at context.Context, on time.Time, ids []int64) error {
		day := l.today
		if !on.IsZero() {
			day = dateOf(on)
		}
		req := store.DepositRequest{AgentID: a.ID, SlipRef: "BPD-" + day.String(), DepositedOn: day}
		for _, id := range ids {
			p, err := l.db.Pay(at, agent, actor, l.rs, store.PayRequest{ParticipantID: id, Months: 1, Funding: "self"}, day)
			if err != nil {
				return fmt.Errorf("demo payment of %s: %w", day, err)
			}
			req.PaymentIDs, req.Amount = append(req.PaymentIDs, p.ID), req.Amount+p.Amount
		}
		if on.IsZero() {
			return nil // today's cash is still with the agent
		}
		if _, err := l.db.RecordDeposit(at, actor, req); err != nil {
			return fmt.Errorf("demo deposit of %s: %w", day, err)
		}
		return nil
	}
	for _, m := range []struct{ back, count int }{{2, 26}, {1, 30}} {
		on := l.today.MonthOf().Add(-m.back).First().AddDays(9).Time().Add(3 * time.Hour) // 10:00 WIB
		at := store.AsOf(ctx, on)
		for i := range m.count {
			reg := l.worker(a.Villages[i%len(a.Villages)], false, dateOf(on))
			tbl, _ := l.rs.IncomeTable(dateOf(on))
			reg.JHT, reg.DeclaredIncome = true, tbl[0]
			p, err := l.db.Register(at, agent, actor, l.rs, reg, dateOf(on))
			if err != nil {
				return fmt.Errorf("demo worker of %s: %w", dateOf(on), err)
			}
			workers = append(workers, p.ID)
		}
		if err := pay(at, on, workers); err != nil {
			return err
		}
		if _, err := l.db.RunIncentives(ctx, audit.Actor{Name: "job"}, l.rs, l.today.MonthOf().Add(-m.back)); err != nil {
			return fmt.Errorf("demo incentives: %w", err)
		}
	}
	if err := pay(ctx, time.Time{}, workers); err != nil {
		return err
	}
	officer, _, err := l.db.UserByUsername(ctx, "kc.denpasar")
	if err != nil {
		return err
	}
	sts, _, err := l.db.IncentiveStatements(ctx, store.IncentiveFilter{AgentID: a.ID})
	if err != nil || len(sts) != 2 {
		return fmt.Errorf("demo statements: %d, %w", len(sts), err)
	}
	older := sts[1] // newest month first
	by := audit.Actor{UserID: officer.ID, Name: officer.Username}
	if err := l.db.ApproveIncentive(ctx, by, older.BranchID, store.RefIn(older.Province, older.ID)); err != nil {
		return fmt.Errorf("demo statement approval: %w", err)
	}
	if _, _, err := l.db.PayIncentives(ctx, by, older.BranchID); err != nil {
		return fmt.Errorf("demo incentive payout: %w", err)
	}
	return nil
}

// dateOf is the day of a time in UTC (the demo's times are mid-morning, the same day in every zone).
func dateOf(t time.Time) calendar.Date { return calendar.D(t.Year(), t.Month(), t.Day()) }
