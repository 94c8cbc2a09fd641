package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/dashboard"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/region"
)

// Dashboard rollups (migration 24). A build counts the base tables village by village, adds
// each village into its district, regency, province and the nation, and writes the rows under
// a new build id. Readers take the newest ready build, so they see the last whole build until
// the new one is swapped in; the build before stays until the next rebuild, for a reader that
// took its id just before the swap.
//
// A province at a time: its counts are read, summed up its tree and written in a transaction
// of their own, so memory holds one province (a big one is ~8,500 villages × months) and the
// writer is never held for the whole nation.

// DashboardBuild describes a build.
type DashboardBuild struct {
	ID         int64         `json:"id"`
	AsOf       calendar.Date `json:"as_of"`
	StartedAt  time.Time     `json:"started_at"`
	FinishedAt time.Time     `json:"finished_at"`
	Regions    int           `json:"regions"` // rows of figures written
	Months     int           `json:"months"`  // region-months with flows written
}

// buildStale is how long a build may run before another may start (a build cut short by a
// crash leaves its row "building").
const buildStale = time.Hour

// RebuildDashboard counts every region's figures as they stand on today into a new build and
// swaps it in.
func (db *DB) RebuildDashboard(ctx context.Context, today calendar.Date) (DashboardBuild, error) {
	b := DashboardBuild{ID: idgen.Next(), AsOf: today, StartedAt: now()}
	err := db.Transact(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM dashboard_builds WHERE state = 'building' AND started_at > $1`, b.StartedAt.Add(-buildStale)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("dashboard: another rebuild is running")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO dashboard_builds (id, state, started_at, as_of) VALUES ($1, 'building', $2, $3)`, b.ID, b.StartedAt, today)
		return err
	})
	if err != nil {
		return b, err
	}
	tree := region.MustDefault()
	var nation dashboard.Values
	nationMonths := map[calendar.Month]*dashboard.Values{}
	for _, p := range tree.Children("") {
		c, err := db.countProvince(ctx, p.Code, today)
		if err != nil {
			return b, fmt.Errorf("dashboard %s: %w", p.Code, err)
		}
		if err := nation.Add(c.snap[p.Code]); err != nil {
			return b, err
		}
		for k, v := range c.flows {
			if k.code != p.Code {
				continue
			}
			if nationMonths[k.month] == nil {
				nationMonths[k.month] = &dashboard.Values{}
			}
			if err := nationMonths[k.month].Add(*v); err != nil {
				return b, err
			}
		}
		if err := db.writeProvince(ctx, b.ID, p.Code, c); err != nil {
			return b, fmt.Errorf("dashboard %s: %w", p.Code, err)
		}
		b.Regions += len(c.snap)
		b.Months += len(c.flows)
	}
	nat := counted{snap: map[string]dashboard.Values{"": nation}, flows: map[flowKey]*dashboard.Values{}}
	for m, v := range nationMonths {
		nat.flows[flowKey{"", m}] = v
	}
	b.FinishedAt = now()
	return b, db.Transact(ctx, func(tx *Tx) error {
		if err := writeCounted(ctx, tx, b.ID, "", nat); err != nil {
			return err
		}
		// The swap: the new build is the one readers take from now on.
		if _, err := tx.ExecContext(ctx, `UPDATE dashboard_builds SET state = 'retired' WHERE state = 'ready'`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE dashboard_builds SET state = 'ready', finished_at = $1 WHERE id = $2`, b.FinishedAt, b.ID); err != nil {
			return err
		}
		// Builds retired before this one (kept until now for readers), and dead ones.
		var old []int64
		err := scanAll(tx.QueryContext(ctx, `SELECT id FROM dashboard_builds WHERE id <> $1 AND (state = 'retired' AND finished_at < $2 OR state = 'building' AND started_at < $3)`,
			b.ID, b.StartedAt, b.StartedAt.Add(-buildStale)))(func(scan func(...any) error) error {
			var id int64
			err := scan(&id)
			old = append(old, id)
			return err
		})
		if err != nil {
			return err
		}
		for _, id := range old {
			for _, t := range []string{"dashboard_figures", "dashboard_months", "dashboard_units", "dashboard_builds"} {
				col := "build_id"
				if t == "dashboard_builds" {
					col = "id"
				}
				if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE `+col+` = $1`, id); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

type flowKey struct {
	code  string
	month calendar.Month
}

type unitKey struct {
	kind string // agent, wadah
	id   int64
	year int
}

type unitRow struct {
	branch              int64
	village             string
	acquired, collected int64
}

// counted is one province's figures: what stands per region, what flowed per region and
// month, and per agent and wadah and year.
type counted struct {
	snap  map[string]dashboard.Values
	flows map[flowKey]*dashboard.Values
	units map[unitKey]*unitRow
}

// up is the village and its ancestors: district, regency, province.
func up(village string) []string {
	var out []string
	for c := village; c != ""; c = region.ParentCode(c) {
		out = append(out, c)
	}
	return out
}

func (c *counted) add(village string, f dashboard.Figure, n int64) {
	for _, code := range up(village) {
		v := c.snap[code]
		v[f] += n
		c.snap[code] = v
	}
}

func (c *counted) flow(village string, m calendar.Month, f dashboard.Figure, n int64) {
	for _, code := range up(village) {
		k := flowKey{code, m}
		if c.flows[k] == nil {
			c.flows[k] = &dashboard.Values{}
		}
		c.flows[k][f] += n
	}
}

// countProvince reads a province's counts, village by village, from the base tables.
func (db *DB) countProvince(ctx context.Context, prov string, today calendar.Date) (counted, error) {
	c := counted{snap: map[string]dashboard.Values{}, flows: map[flowKey]*dashboard.Values{}, units: map[unitKey]*unitRow{}}
	lo, hi := prov+".", prov+"/" // the province's village codes, as an index range
	month := func(col string) string { return db.Dialect.monthOf(col) }
	steps := []struct {
		query string
		row   func(scan func(...any) error) error
	}{
		{`SELECT w.village_code, COUNT(*), SUM(CASE WHEN w.is_participant THEN 1 ELSE 0 END),
SUM(CASE WHEN EXISTS (SELECT 1 FROM agreements g WHERE g.wadah_id = w.id AND g.status = 'active' AND g.starts_on <= $3 AND g.ends_on >= $3) THEN 1 ELSE 0 END)
FROM wadah w WHERE w.village_code >= $1 AND w.village_code < $2 GROUP BY w.village_code`, func(scan func(...any) error) error {
			var v string
			var n, part, force int64
			if err := scan(&v, &n, &part, &force); err != nil {
				return err
			}
			c.add(v, dashboard.Bumdes, n)
			c.add(v, dashboard.BumdesParticipants, part)
			c.add(v, dashboard.WadahInForce, force)
			return nil
		}},
		{`SELECT w.village_code, COUNT(*) FROM agents a JOIN wadah w ON w.id = a.wadah_id
WHERE a.status = 'active' AND w.village_code >= $1 AND w.village_code < $2 GROUP BY w.village_code`, func(scan func(...any) error) error {
			var v string
			var n int64
			if err := scan(&v, &n); err != nil {
				return err
			}
			c.add(v, dashboard.ActiveAgents, n)
			return nil
		}},
		{`SELECT p.village_code, s.status, COUNT(*) FROM participants p JOIN participant_status s ON s.participant_id = p.id
WHERE p.review <> 'rejected' AND p.village_code >= $1 AND p.village_code < $2 GROUP BY p.village_code, s.status`, func(scan func(...any) error) error {
			var v, status string
			var n int64
			if err := scan(&v, &status, &n); err != nil {
				return err
			}
			c.add(v, statusFigure(status), n)
			return nil
		}},
		{`SELECT village_code, COUNT(*) FROM claims WHERE state IN ('submitted', 'in_review', 'needs_changes', 'approved')
AND village_code >= $1 AND village_code < $2 GROUP BY village_code`, func(scan func(...any) error) error {
			var v string
			var n int64
			if err := scan(&v, &n); err != nil {
				return err
			}
			c.add(v, dashboard.ClaimsPending, n)
			return nil
		}},
		{`SELECT village_code, ` + month("created_at") + `, COUNT(*) FROM participants
WHERE review <> 'rejected' AND village_code >= $1 AND village_code < $2 GROUP BY 1, 2`, func(scan func(...any) error) error {
			var v string
			var m, n int64
			if err := scan(&v, &m, &n); err != nil {
				return err
			}
			c.flow(v, calendar.Month(m), dashboard.Acquired, n)
			return nil
		}},
		{`SELECT x.village_code, ` + month("p.received_at") + `, SUM(p.amount), SUM(CASE WHEN p.funding <> 'self' THEN p.amount ELSE 0 END)
FROM payments p JOIN participants x ON x.id = p.participant_id
WHERE p.status = 'posted' AND x.village_code >= $1 AND x.village_code < $2 GROUP BY 1, 2`, func(scan func(...any) error) error {
			var v string
			var m, sum, sponsored int64
			if err := scan(&v, &m, &sum, &sponsored); err != nil {
				return err
			}
			c.flow(v, calendar.Month(m), dashboard.Collected, sum)
			c.flow(v, calendar.Month(m), dashboard.Sponsored, sponsored)
			return nil
		}},
		{`SELECT c.village_code, ` + month("e.at") + `, COUNT(*), SUM(c.amount) FROM claim_events e
JOIN claims c ON c.province_code = e.province_code AND c.id = e.claim_id
WHERE e.to_state = 'paid' AND c.village_code >= $1 AND c.village_code < $2 GROUP BY 1, 2`, func(scan func(...any) error) error {
			var v string
			var m, n, sum int64
			if err := scan(&v, &m, &n, &sum); err != nil {
				return err
			}
			c.flow(v, calendar.Month(m), dashboard.ClaimsPaid, n)
			c.flow(v, calendar.Month(m), dashboard.ClaimsPaidAmount, sum)
			return nil
		}},
		{`SELECT w.village_code, s.month, SUM(s.agent_total + s.wadah_extra) FROM incentive_statements s JOIN wadah w ON w.id = s.wadah_id
WHERE w.village_code >= $1 AND w.village_code < $2 GROUP BY 1, 2`, func(scan func(...any) error) error {
			var v string
			var m, sum int64
			if err := scan(&v, &m, &sum); err != nil {
				return err
			}
			c.flow(v, calendar.Month(m), dashboard.Incentives, sum)
			return nil
		}},
	}
	for i, s := range steps {
		args := []any{lo, hi}
		if i == 0 {
			args = append(args, today) // agreements in force on the day
		}
		if err := scanAll(db.read.QueryContext(ctx, s.query, args...))(s.row); err != nil {
			return c, err
		}
	}
	return c, db.countUnits(ctx, &c, lo, hi)
}

// countUnits gathers each agent's acquisitions and collections per year, and its wadah's as the
// sum of its agents', for the rankings.
func (db *DB) countUnits(ctx context.Context, c *counted, lo, hi string) error {
	type agentOf struct {
		wadah, branch int64
		village       string
	}
	agents := map[int64]agentOf{}
	err := scanAll(db.read.QueryContext(ctx, `SELECT a.id, a.wadah_id, w.branch_id, w.village_code FROM agents a JOIN wadah w ON w.id = a.wadah_id
WHERE w.village_code >= $1 AND w.village_code < $2`, lo, hi))(func(scan func(...any) error) error {
		var id int64
		var a agentOf
		err := scan(&id, &a.wadah, &a.branch, &a.village)
		agents[id] = a
		return err
	})
	if err != nil {
		return err
	}
	add := func(agent int64, m calendar.Month, acquired, collected int64) {
		a, ok := agents[agent]
		if !ok {
			return // an agent of another province's wadah
		}
		for _, k := range []unitKey{{"agent", agent, m.Year()}, {"wadah", a.wadah, m.Year()}} {
			if c.units[k] == nil {
				c.units[k] = &unitRow{branch: a.branch, village: a.village}
			}
			c.units[k].acquired += acquired
			c.units[k].collected += collected
		}
	}
	month := db.Dialect.monthOf
	err = scanAll(db.read.QueryContext(ctx, `SELECT acquired_by, `+month("created_at")+`, COUNT(*) FROM participants
WHERE acquired_by IS NOT NULL AND review <> 'rejected' AND village_code >= $1 AND village_code < $2 GROUP BY 1, 2`, lo, hi))(func(scan func(...any) error) error {
		var agent, m, n int64
		err := scan(&agent, &m, &n)
		add(agent, calendar.Month(m), n, 0)
		return err
	})
	if err != nil {
		return err
	}
	return scanAll(db.read.QueryContext(ctx, `SELECT p.managed_by, `+month("p.received_at")+`, SUM(p.amount) FROM payments p JOIN participants x ON x.id = p.participant_id
WHERE p.managed_by IS NOT NULL AND p.status = 'posted' AND x.village_code >= $1 AND x.village_code < $2 GROUP BY 1, 2`, lo, hi))(func(scan func(...any) error) error {
		var agent, m, sum int64
		err := scan(&agent, &m, &sum)
		add(agent, calendar.Month(m), 0, sum)
		return err
	})
}

// statusFigure is where a participant status is counted: an inactive membership (ended after
// JHT was paid) is ended.
func statusFigure(s string) dashboard.Figure {
	switch s {
	case "active":
		return dashboard.Active
	case "arrears":
		return dashboard.Arrears
	case "waiting_first_payment":
		return dashboard.Waiting
	}
	return dashboard.Ended
}

func (db *DB) writeProvince(ctx context.Context, build int64, prov string, c counted) error {
	return db.Transact(ctx, func(tx *Tx) error { return writeCounted(ctx, tx, build, prov, c) })
}

var (
	figureCols = []string{"province_code", "build_id", "region_code", "parent_code", "bumdes", "bumdes_participants", "wadah_in_force", "active_agents", "waiting", "active", "arrears", "ended", "claims_pending"}
	monthCols  = []string{"province_code", "build_id", "region_code", "parent_code", "year", "acquired", "collected", "sponsored", "claims_paid", "claims_paid_amount", "incentives"}
	// flowFigures are dashboard_months' columns after the year, in order.
	flowFigures = dashboard.Flows()
	unitCols    = []string{"province_code", "build_id", "kind", "unit_id", "month", "branch_id", "village_code", "acquired", "collected"}
)

// parentOf is the region a row is listed under: a province under the nation (""), the nation
// under nothing ("-").
func parentOf(code string) string {
	if code == "" {
		return "-"
	}
	return region.ParentCode(code)
}

func writeCounted(ctx context.Context, tx *Tx, build int64, prov string, c counted) error {
	var figs, months, units [][]any
	for _, code := range sortedKeys(c.snap) {
		v := c.snap[code]
		figs = append(figs, []any{prov, build, code, parentOf(code), v[dashboard.Bumdes], v[dashboard.BumdesParticipants], v[dashboard.WadahInForce],
			v[dashboard.ActiveAgents], v[dashboard.Waiting], v[dashboard.Active], v[dashboard.Arrears], v[dashboard.Ended], v[dashboard.ClaimsPending]})
	}
	// A row per region and year, each flow as its twelve months.
	type yearKey struct {
		code string
		year int
	}
	years := map[yearKey]*[12]dashboard.Values{}
	for k, v := range c.flows {
		y := yearKey{k.code, k.month.Year()}
		if years[y] == nil {
			years[y] = &[12]dashboard.Values{}
		}
		years[y][k.month.Month()-1] = *v
	}
	for k, ms := range years {
		row := []any{prov, build, k.code, parentOf(k.code), k.year}
		for _, f := range flowFigures {
			var twelve [12]int64
			for i := range ms {
				twelve[i] = ms[i][f]
			}
			row = append(row, packMonths(twelve))
		}
		months = append(months, row)
	}
	for k, u := range c.units {
		// The year is kept in month's column as its January: rankings are by year.
		units = append(units, []any{prov, build, k.kind, k.id, int(calendar.MonthOf(k.year, 1)), u.branch, u.village, u.acquired, u.collected})
	}
	for _, t := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{{"dashboard_figures", figureCols, figs}, {"dashboard_months", monthCols, months}, {"dashboard_units", unitCols, units}} {
		if len(t.rows) == 0 {
			continue
		}
		if err := insertRows(ctx, tx, t.table, t.cols, t.rows, "", nil); err != nil {
			return fmt.Errorf("%s: %w", t.table, err)
		}
	}
	return nil
}

// packMonths writes twelve months of a flow as "5,0,12,…" (trailing zeros left out).
func packMonths(m [12]int64) string {
	n := len(m)
	for n > 0 && m[n-1] == 0 {
		n--
	}
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(m[i], 10))
	}
	return b.String()
}

// unpackMonths reads what packMonths wrote.
func unpackMonths(s string) ([12]int64, error) {
	var m [12]int64
	if s == "" {
		return m, nil
	}
	for i, part := range strings.SplitN(s, ",", 13) {
		if i == 12 {
			return m, fmt.Errorf("dashboard months %q: more than twelve", s)
		}
		n, err := strconv.ParseInt(part, 10, 64)
		if err != nil {
			return m, fmt.Errorf("dashboard months %q: %w", s, err)
		}
		m[i] = n
	}
	return m, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
