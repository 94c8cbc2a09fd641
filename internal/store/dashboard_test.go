package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/claim"
	"github.com/perisai/perisai/internal/dashboard"
	"github.com/perisai/perisai/internal/region"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// Issue 20: after registrations, payments, a reversal, status moves and claims, every region's
// figures equal the sum of its children's and the counts taken straight from the base tables,
// at every level from the nation to a village.
func TestDashboardRollups(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newClaimFixture(t, db) // a worker paid up, in Munggu
		fx := newFixture(t, db)
		// Workers in Badung and in Gianyar, some paying, one payment reversed.
		var pays []store.Payment
		for i, ag := range append(fx.mungguAgents[:2], fx.batubulanAgents[:2]...) {
			for j := range 3 {
				nik := fmt.Sprintf("5103021203%02d%02d%02d", 85, 40+i, 10+j)
				if ag.WadahID == fx.batubulan.ID {
					nik = "5104011203" + nik[10:]
				}
				w, err := db.Register(ctx, agentPrincipal(ag), act, rs, worker(nik, ag.Villages[j%len(ag.Villages)]), fx.today)
				if err != nil {
					t.Fatal(err)
				}
				if j == 2 {
					continue
				}
				pay, err := db.Pay(ctx, agentPrincipal(ag), act, rs, store.PayRequest{ParticipantID: w.ID, Months: []int{1, 3}[j]}, fx.today)
				if err != nil {
					t.Fatal(err)
				}
				pays = append(pays, pay)
			}
		}
		if err := db.Reverse(ctx, act, rs, store.Ref{ID: pays[0].ID}, "slip ditolak bank", fx.today); err != nil {
			t.Fatal(err)
		}
		// Status moves: two months on, the one-month payers are in arrears.
		if _, err := db.RefreshStatuses(ctx, rs, fx.today.AddMonths(2)); err != nil {
			t.Fatal(err)
		}
		// A death claim paid, and one waiting.
		c, err := f.jkm(t, f.who.Heirs[0].ID, "")
		if err != nil {
			t.Fatal(err)
		}
		f.attachAll(t, c)
		for _, step := range []struct {
			by string
			a  claim.Action
		}{{"agent", claim.Submit}, {"officer", claim.Take}, {"officer", claim.Approve}} {
			p := f.agent
			if step.by == "officer" {
				p = f.officer
			}
			if _, err := f.move(t, p, c.ID, step.a, ""); err != nil {
				t.Fatalf("%s: %v", step.a, err)
			}
		}
		if _, _, err := db.ExportPayout(ctx, audit.Actor{Name: "kc"}, f.officer.BranchID); err != nil {
			t.Fatal(err)
		}
		c2, err := f.jkm(t, f.who.Heirs[0].ID, "")
		if err != nil {
			t.Fatal(err)
		}
		f.attachAll(t, c2)
		if _, err := f.move(t, f.agent, c2.ID, claim.Submit, ""); err != nil {
			t.Fatal(err)
		}

		b, err := db.RebuildDashboard(ctx, fx.today)
		if err != nil || b.Regions == 0 {
			t.Fatalf("rebuild: %+v %v", b, err)
		}
		p := dashboard.Period{From: fx.today.MonthOf().Add(-1), To: fx.today.MonthOf()}
		village := fx.mungguAgents[0].Villages[0]
		tree := region.MustDefault()
		for _, code := range []string{"", "51", "51.03", region.ParentCode(village), village, "51.04"} {
			v, err := db.Dashboard(ctx, code, nil, p)
			if err != nil || !v.Built() {
				t.Fatalf("%q: %v", code, err)
			}
			// The sum of the children (a village has none).
			if tree.Children(code) != nil && len(tree.Children(code)) > 0 {
				var sum dashboard.Values
				for _, ch := range v.Children {
					sum.Add(ch.Values)
				}
				sum[dashboard.Potential] = v.Region.Values[dashboard.Potential]
				if sum != v.Region.Values {
					t.Errorf("%q: children sum to %v, the region says %v", code, sum, v.Region.Values)
				}
			}
			// The base tables.
			for _, c := range baseCounts(code, p) {
				want, err := db.Count(ctx, c.query, c.args...)
				if err != nil {
					t.Fatalf("%q %s: %v", code, c.figure.Name(), err)
				}
				if got := v.Region.Values[c.figure]; got != want {
					t.Errorf("%q %s: dashboard %d, base tables %d", code, c.figure.Name(), got, want)
				}
			}
		}
		// Nothing is left out: the figures are not all zero where work was done.
		v, _ := db.Dashboard(ctx, "51", nil, p)
		x := v.Region.Values
		if x[dashboard.Acquired] < 13 || x[dashboard.Collected] == 0 || x[dashboard.Arrears] == 0 || x[dashboard.ClaimsPaid] != 1 ||
			x[dashboard.ClaimsPending] != 1 || x[dashboard.Bumdes] != 3 || x[dashboard.WadahInForce] != 2 || x[dashboard.ActiveAgents] != 10 {
			t.Fatalf("Bali: %v", x)
		}
		// A second build is swapped in; the one before stays for readers until the next.
		if _, err := db.RebuildDashboard(ctx, fx.today); err != nil {
			t.Fatal(err)
		}
		again, _ := db.Dashboard(ctx, "51", nil, p)
		if again.Build.ID == v.Build.ID || again.Region.Values != v.Region.Values {
			t.Fatalf("rebuild: %+v then %+v", v.Build, again.Build)
		}
	})
}

type baseCount struct {
	figure dashboard.Figure
	query  string
	args   []any
}

// baseCounts are the figures of a region counted from the base tables, with no rollup.
func baseCounts(code string, p dashboard.Period) []baseCount {
	in := func(col string) string {
		if code == "" {
			return "1=1"
		}
		return "(" + col + " = '" + code + "' OR " + col + " LIKE '" + code + ".%')"
	}
	from, to := p.From.Begins(), p.To.Add(1).Begins()
	status := func(f dashboard.Figure, s string) baseCount {
		return baseCount{f, `SELECT COUNT(*) FROM participants x JOIN participant_status s ON s.participant_id = x.id WHERE x.review <> 'rejected' AND s.status IN (` + s + `) AND ` + in("x.village_code"), nil}
	}
	return []baseCount{
		{dashboard.Bumdes, `SELECT COUNT(*) FROM wadah WHERE ` + in("village_code"), nil},
		{dashboard.ActiveAgents, `SELECT COUNT(*) FROM agents a JOIN wadah w ON w.id = a.wadah_id WHERE a.status = 'active' AND ` + in("w.village_code"), nil},
		status(dashboard.Waiting, "'waiting_first_payment'"),
		status(dashboard.Active, "'active'"),
		status(dashboard.Arrears, "'arrears'"),
		status(dashboard.Ended, "'ended', 'inactive'"),
		{dashboard.Acquired, `SELECT COUNT(*) FROM participants x WHERE x.review <> 'rejected' AND x.created_at >= $1 AND x.created_at < $2 AND ` + in("x.village_code"), []any{from, to}},
		{dashboard.Collected, `SELECT SUM(y.amount) FROM payments y JOIN participants x ON x.id = y.participant_id WHERE y.status = 'posted' AND y.received_at >= $1 AND y.received_at < $2 AND ` + in("x.village_code"), []any{from, to}},
		{dashboard.ClaimsPending, `SELECT COUNT(*) FROM claims WHERE state IN ('submitted', 'in_review', 'needs_changes', 'approved') AND ` + in("village_code"), nil},
		{dashboard.ClaimsPaid, `SELECT COUNT(*) FROM claims WHERE state = 'paid' AND ` + in("village_code"), nil},
	}
}

var _ = calendar.Today
