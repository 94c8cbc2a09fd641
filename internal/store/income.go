package store

import (
	"context"
	"fmt"

	"github.com/perisai/perisai/internal/calendar"
)

// IncomeMonth is one month of a Bumdes's income from incentives: what its agents' statements
// of the month came to, its own extra, and how much of it has been paid.
type IncomeMonth struct {
	Month      calendar.Month `json:"month"`
	Statements int            `json:"statements"`
	Agents     int64          `json:"agents"`
	WadahExtra int64          `json:"wadah_extra"`
	Total      int64          `json:"total"`
	Tax        int64          `json:"tax"`
	Paid       int64          `json:"paid"` // into the Bumdes's account, after tax
}

// VillageIncome is a Bumdes's incentive income month by month for a year, from its issued
// statements (all of which are paid into the Bumdes's account).
func (db *DB) VillageIncome(ctx context.Context, wadah Ref, year int) ([]IncomeMonth, error) {
	from, to := calendar.MonthOf(year, 1), calendar.MonthOf(year, 12)
	var out []IncomeMonth
	err := scanAll(db.read.QueryContext(ctx, `SELECT month, COUNT(*), SUM(agent_total), SUM(wadah_extra),
SUM(tax), SUM(CASE WHEN state = 'paid' THEN agent_total + wadah_extra - tax ELSE 0 END)
FROM incentive_statements WHERE province_code = $4 AND wadah_id = $1 AND month >= $2 AND month <= $3 GROUP BY month ORDER BY month`,
		wadah.ID, int(from), int(to), wadah.Province))(
		func(scan func(...any) error) error {
			var m IncomeMonth
			var month int
			err := scan(&month, &m.Statements, &m.Agents, &m.WadahExtra, &m.Tax, &m.Paid)
			m.Month, m.Total = calendar.Month(month), m.Agents+m.WadahExtra
			out = append(out, m)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("village income: %w", err)
	}
	return out, nil
}
