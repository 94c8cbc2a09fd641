package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/dashboard"
	"github.com/perisai/perisai/internal/region"
)

// DashboardRow is one region's figures for a period: what stands at the build, the flows of
// the period's months summed, and the potential.
type DashboardRow struct {
	Code      string                `json:"region_code"`
	Values    dashboard.Values      `json:"figures"`
	Potential dashboard.PotentialOf `json:"potential"`
}

// DashboardMonth is a region's flows in one month.
type DashboardMonth struct {
	Month  calendar.Month   `json:"month"`
	Values dashboard.Values `json:"figures"`
}

// DashboardView is a dashboard: a region (or the set of regions a viewer covers, summed), its
// rows below, and its months.
type DashboardView struct {
	Build    DashboardBuild   `json:"build"`
	Region   DashboardRow     `json:"region"`
	Children []DashboardRow   `json:"children"`
	Months   []DashboardMonth `json:"months"`
}

// Built reports whether a build was there to read.
func (v DashboardView) Built() bool { return v.Build.ID != 0 }

// currentBuild is the build readers take: the newest ready one (zero when none yet).
func (db *DB) currentBuild(ctx context.Context) (DashboardBuild, error) {
	var b DashboardBuild
	err := db.reports().QueryRowContext(ctx, `SELECT id, as_of, started_at, finished_at FROM dashboard_builds WHERE state = 'ready' ORDER BY id DESC LIMIT 1`).
		Scan(&b.ID, &b.AsOf, &b.StartedAt, &b.FinishedAt)
	if isNoRows(err) {
		return DashboardBuild{}, nil
	}
	return b, err
}

// Dashboard reads the figures of a region ("" for the nation) and of its children for a
// period. With regions given, it reads those instead (a branch's regencies) and sums them as
// the region.
func (db *DB) Dashboard(ctx context.Context, code string, regions []string, p dashboard.Period) (DashboardView, error) {
	var v DashboardView
	b, err := db.currentBuild(ctx)
	if err != nil || b.ID == 0 {
		return v, err
	}
	v.Build = b
	rows := map[string]*DashboardRow{}
	var order []string
	row := func(c string) *DashboardRow {
		if rows[c] == nil {
			rows[c] = &DashboardRow{Code: c}
			order = append(order, c)
		}
		return rows[c]
	}
	// What stands, then what flowed.
	where, args := `parent_code = $2`, []any{b.ID, code}
	if regions != nil {
		if len(regions) == 0 {
			return v, nil
		}
		args = []any{b.ID}
		marks := make([]string, len(regions))
		for i, r := range regions {
			marks[i] = fmt.Sprintf("$%d", i+2)
			args = append(args, r)
		}
		where = `region_code IN (` + strings.Join(marks, ", ") + `)`
	}
	err = scanAll(db.reports().QueryContext(ctx, `SELECT region_code, bumdes, bumdes_participants, wadah_in_force, active_agents, waiting, active, arrears, ended, claims_pending
FROM dashboard_figures WHERE build_id = $1 AND `+where, args...))(func(scan func(...any) error) error {
		var c string
		var x dashboard.Values
		if err := scan(&c, &x[dashboard.Bumdes], &x[dashboard.BumdesParticipants], &x[dashboard.WadahInForce], &x[dashboard.ActiveAgents],
			&x[dashboard.Waiting], &x[dashboard.Active], &x[dashboard.Arrears], &x[dashboard.Ended], &x[dashboard.ClaimsPending]); err != nil {
			return err
		}
		return row(c).Values.Add(x)
	})
	if err != nil {
		return v, fmt.Errorf("dashboard figures: %w", err)
	}
	n := len(args)
	args = append(args, p.From.Year(), p.To.Year())
	err = scanAll(db.reports().QueryContext(ctx, fmt.Sprintf(`SELECT region_code, year, acquired, collected, sponsored, claims_paid, claims_paid_amount, incentives
FROM dashboard_months WHERE build_id = $1 AND %s AND year >= $%d AND year <= $%d`, where, n+1, n+2), args...))(func(scan func(...any) error) error {
		var c string
		return scanYear(scan, &c, p, func(_ calendar.Month, x dashboard.Values) error { return row(c).Values.Add(x) })
	})
	if err != nil {
		return v, fmt.Errorf("dashboard months: %w", err)
	}
	// The region itself: its own row, or the sum of the regions given.
	if regions == nil {
		if v.Region, v.Months, err = db.dashboardRegion(ctx, b.ID, code, p); err != nil {
			return v, err
		}
	} else {
		v.Region.Code = code
		for _, c := range order {
			if err := v.Region.Values.Add(rows[c].Values); err != nil {
				return v, err
			}
		}
		for _, c := range regions {
			_, months, err := db.dashboardRegion(ctx, b.ID, c, p)
			if err != nil {
				return v, err
			}
			v.Months = addMonths(v.Months, months)
		}
	}
	for _, c := range order {
		v.Children = append(v.Children, *rows[c])
	}
	return v, db.fillPotential(ctx, &v, regions, p)
}

// scanYear reads a dashboard_months row (region code, year, the six flows' twelve months) and
// hands each month of it inside the period, with its flows, to each.
func scanYear(scan func(...any) error, code *string, p dashboard.Period, each func(calendar.Month, dashboard.Values) error) error {
	var year int
	var packed [6]string
	if err := scan(code, &year, &packed[0], &packed[1], &packed[2], &packed[3], &packed[4], &packed[5]); err != nil {
		return err
	}
	var months [12]dashboard.Values
	for i, f := range flowFigures {
		twelve, err := unpackMonths(packed[i])
		if err != nil {
			return err
		}
		for m, n := range twelve {
			months[m][f] = n
		}
	}
	for i, x := range months {
		m := calendar.MonthOf(year, time.Month(i+1))
		if m < p.From || m > p.To || x == (dashboard.Values{}) {
			continue
		}
		if err := each(m, x); err != nil {
			return err
		}
	}
	return nil
}

// dashboardRegion is one region's own row and its months.
func (db *DB) dashboardRegion(ctx context.Context, build int64, code string, p dashboard.Period) (DashboardRow, []DashboardMonth, error) {
	r := DashboardRow{Code: code}
	prov := provinceOf(code)
	x := &r.Values
	err := db.reports().QueryRowContext(ctx, `SELECT bumdes, bumdes_participants, wadah_in_force, active_agents, waiting, active, arrears, ended, claims_pending
FROM dashboard_figures WHERE province_code = $1 AND build_id = $2 AND region_code = $3`, prov, build, code).Scan(&x[dashboard.Bumdes], &x[dashboard.BumdesParticipants],
		&x[dashboard.WadahInForce], &x[dashboard.ActiveAgents], &x[dashboard.Waiting], &x[dashboard.Active], &x[dashboard.Arrears], &x[dashboard.Ended], &x[dashboard.ClaimsPending])
	if err != nil && !isNoRows(err) {
		return r, nil, fmt.Errorf("dashboard region: %w", err)
	}
	var months []DashboardMonth
	err = scanAll(db.reports().QueryContext(ctx, `SELECT region_code, year, acquired, collected, sponsored, claims_paid, claims_paid_amount, incentives
FROM dashboard_months WHERE province_code = $1 AND build_id = $2 AND region_code = $3 AND year >= $4 AND year <= $5 ORDER BY year`,
		prov, build, code, p.From.Year(), p.To.Year()))(func(scan func(...any) error) error {
		var c string
		return scanYear(scan, &c, p, func(m calendar.Month, y dashboard.Values) error {
			months = append(months, DashboardMonth{Month: m, Values: y})
			return r.Values.Add(y)
		})
	})
	return r, months, err
}

// addMonths merges two month series in month order, adding months present in both.
func addMonths(a, b []DashboardMonth) []DashboardMonth {
	by := map[calendar.Month]dashboard.Values{}
	for _, s := range [][]DashboardMonth{a, b} {
		for _, m := range s {
			v := by[m.Month]
			v.Add(m.Values) // a month of a few regions cannot overflow what the nation's did not
			by[m.Month] = v
		}
	}
	var out []DashboardMonth
	for m := range by {
		out = append(out, DashboardMonth{Month: m, Values: by[m]})
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Month < out[j-1].Month; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// potentialTTL is how long the country's potential figures are kept in memory: a figure saved
// through this process is seen at once, one saved through another server within this.
const potentialTTL = time.Minute

// potentialCache holds every potential entry of the country, resolved per year: the nation's
// dashboard needs them all (a figure per village is 83,762 rows), and they change seldom.
type potentialCache struct {
	mu      sync.Mutex
	loaded  time.Time
	entries []dashboard.PotentialEntry
	byYear  map[int]*dashboard.Potentials
}

// potentials is the country's potential resolved for a year.
func (db *DB) potentials(ctx context.Context, year int) (*dashboard.Potentials, error) {
	c := &db.potential
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.loaded) > potentialTTL {
		es, err := db.PotentialEntries(ctx, "")
		if err != nil {
			return nil, err
		}
		c.entries, c.byYear, c.loaded = es, map[int]*dashboard.Potentials{}, time.Now()
	}
	p, ok := c.byYear[year]
	if !ok {
		p = dashboard.NewPotentials(region.MustDefault(), c.entries, year)
		c.byYear[year] = p
	}
	return p, nil
}

// forgetPotentials drops the cache after a change.
func (db *DB) forgetPotentials() {
	db.potential.mu.Lock()
	db.potential.loaded = time.Time{}
	db.potential.mu.Unlock()
}

// fillPotential sets the potential of the region and its rows for the period's last year.
func (db *DB) fillPotential(ctx context.Context, v *DashboardView, regions []string, p dashboard.Period) error {
	pot, err := db.potentials(ctx, p.To.Year())
	if err != nil {
		return err
	}
	set := func(r *DashboardRow) {
		r.Potential = pot.Of(r.Code)
		r.Values[dashboard.Potential] = r.Potential.Workers
	}
	for i := range v.Children {
		set(&v.Children[i])
	}
	if regions == nil {
		set(&v.Region)
		return nil
	}
	v.Region.Potential = dashboard.PotentialOf{Summed: true}
	for _, c := range v.Children {
		v.Region.Potential.Workers += c.Potential.Workers
	}
	for _, c := range regions { // a region given with no row yet still has its potential
		if _, ok := findRow(v.Children, c); !ok {
			v.Region.Potential.Workers += pot.Of(c).Workers
		}
	}
	v.Region.Values[dashboard.Potential] = v.Region.Potential.Workers
	return nil
}

func findRow(rows []DashboardRow, code string) (DashboardRow, bool) {
	for _, r := range rows {
		if r.Code == code {
			return r, true
		}
	}
	return DashboardRow{}, false
}
