package demo

import (
	"context"
	"testing"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/claim"
	"github.com/perisai/perisai/internal/dashboard"
	"github.com/perisai/perisai/internal/filestore"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

func TestSmallLoadTwiceAndEveryRole(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for range 2 {
			if _, err := Load(ctx, db, Small); err != nil {
				t.Fatal(err)
			}
		}
		bs, _ := db.Branches(ctx)
		if len(bs) != 2 || len(bs[0].Regencies)+len(bs[1].Regencies) != 9 {
			t.Fatalf("branches: %+v", bs)
		}
		us, _ := db.Users(ctx, store.UserFilter{})
		roles := map[access.Role]bool{}
		for _, u := range us {
			roles[u.Role] = true
			if _, err := db.Principal(ctx, u.ID); err != nil {
				t.Errorf("%s: %v", u.Username, err)
			}
		}
		for _, r := range access.Roles {
			if !roles[r] {
				t.Errorf("no demo login for %s", r)
			}
		}
		if len(us) != 6 {
			t.Errorf("%d users after loading twice", len(us))
		}
		ps, _ := db.Participants(ctx, audit.Actor{}, store.ParticipantFilter{Limit: 500})
		if len(ps) != 10+12 {
			t.Errorf("%d participants: 10 agents and 12 workers expected", len(ps))
		}
	})
}

// The full set has the shape of the 2022 Bali seed (DOMAIN.md §1).
func TestFullShape(t *testing.T) {
	if testing.Short() {
		t.Skip("full demo load")
	}
	db := storetest.SQLite(t)
	db.UseFiles(filestore.Dir{Path: t.TempDir()})
	ctx := context.Background()
	if _, err := Load(ctx, db, Full); err != nil {
		t.Fatal(err)
	}
	// A claim in every state, for the branch's queue (issue 18).
	states := map[claim.State]int{}
	all, _, err := db.Claims(ctx, audit.Actor{}, store.ClaimFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		states[c.State]++
	}
	for _, s := range []claim.State{claim.Draft, claim.Submitted, claim.InReview, claim.NeedsChanges, claim.Approved, claim.Rejected, claim.Paid} {
		if states[s] != 1 {
			t.Errorf("demo claims in %s: %d", s, states[s])
		}
	}
	ws, err := db.WadahList(ctx, store.WadahFilter{Limit: 5000})
	if err != nil {
		t.Fatal(err)
	}
	var participants, perisai, active int
	for _, w := range ws {
		if w.IsParticipant {
			participants++
		}
		if w.IsPerisai {
			perisai++
			if w.Agreement == "active" && w.ActiveAgents == 5 {
				active++
			}
		}
	}
	if len(ws) != 615 || participants != 130 || perisai != 87 || active != 87 {
		t.Fatalf("%d Bumdes, %d participants, %d wadah, %d with agreement and 5 agents", len(ws), participants, perisai, active)
	}
	ps, _ := db.Participants(ctx, audit.Actor{}, store.ParticipantFilter{Limit: 500})
	if len(ps) != 500 {
		t.Fatalf("participants: %d", len(ps))
	}
	checkMoney(t, db)
	checkHistory(t, db)
	// The dashboard of Bali says the seed's figures (issue 20).
	y2022 := dashboard.Period{From: calendar.MonthOf(2022, 1), To: calendar.MonthOf(2022, 12)}
	v, err := db.Dashboard(context.Background(), "51", nil, y2022)
	if err != nil || !v.Built() {
		t.Fatalf("dashboard: %v", err)
	}
	x := v.Region.Values
	if x[dashboard.Bumdes] != 615 || x[dashboard.BumdesParticipants] != 130 || x[dashboard.WadahInForce] != 87 || x[dashboard.Acquired] != 350 ||
		x[dashboard.Potential] != 477 || v.Region.Potential.Year != 2022 {
		t.Fatalf("Bali: %v %+v", x, v.Region.Potential)
	}
}

// The seed's 350 workers were acquired in 2022 (DOMAIN.md §1), and agen.made has issued
// statements for the two months gone by: the older one paid, last month's waiting for the
// branch (issue 19).
func checkHistory(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	in2022 := 0
	for off := 0; ; off += 500 {
		ps, err := db.Participants(ctx, audit.Actor{}, store.ParticipantFilter{Limit: 500, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.CreatedAt.Year() == 2022 {
				in2022++
			}
		}
		if len(ps) < 500 {
			break
		}
	}
	if in2022 != 350 {
		t.Errorf("acquired in 2022: %d", in2022)
	}
	u, _, _ := db.UserByUsername(ctx, "agen.made")
	made, _ := db.Principal(ctx, u.ID)
	sts, _, err := db.IncentiveStatements(ctx, store.IncentiveFilter{AgentID: made.AgentID})
	if err != nil || len(sts) != 2 {
		t.Fatalf("statements: %+v %v", sts, err)
	}
	this := calendar.Today().MonthOf()
	if sts[0].Month != this.Add(-1) || sts[0].State != "issued" || sts[1].Month != this.Add(-2) || sts[1].State != "paid" {
		t.Fatalf("statements: %s %s, %s %s", sts[0].Month, sts[0].State, sts[1].Month, sts[1].State)
	}
	// Last month: 30 new 3-program workers, Rp 15,000 each (the threshold of 25 is met), and
	// 15 % of every first or second contribution month.
	newcomers := 0
	for _, l := range sts[0].Lines {
		switch {
		case l.PaymentID == 0 && l.Amount == 15_000:
			newcomers++
		case l.PaymentID == 0 || l.Amount != l.Basis*15/100:
			t.Errorf("last month's line: %+v", l)
		}
	}
	if newcomers != 30 || len(sts[0].Lines) != 30+30+26 {
		t.Fatalf("last month: %d newcomers, %d lines", newcomers, len(sts[0].Lines))
	}
}

// The money screens have something to show: the demo agent holds cash and has made a
// deposit, a colleague's slip is short (a variance for the branch), the village sponsors the
// workers who have not paid, and the ledger balances.
func checkMoney(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	u, _, err := db.UserByUsername(ctx, "agen.made")
	if err != nil {
		t.Fatal(err)
	}
	made, err := db.Principal(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	cash, err := db.Balance(ctx, ledger.AgentCash(made.AgentID))
	if err != nil || cash <= 0 {
		t.Fatalf("agen.made's cash on hand: %d, %v", cash, err)
	}
	ds, err := db.Deposits(ctx, 0, made.AgentID)
	if err != nil || len(ds) != 3 {
		t.Fatalf("agen.made's deposits (two past months and today): %+v, %v", ds, err)
	}
	for _, d := range ds {
		if d.Status != "balanced" {
			t.Fatalf("agen.made's deposit: %+v", d)
		}
	}
	all, err := db.Deposits(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var short int
	for _, d := range all {
		if d.Status == "variance_pending" && d.Variance == -5_000 {
			short++
		}
	}
	if len(all) != 4 || short != 1 {
		t.Fatalf("deposits: %+v", all)
	}
	sps, err := db.Sponsors(ctx, store.SponsorScope{All: true})
	if err != nil || len(sps) != 1 {
		t.Fatalf("sponsors: %+v, %v", sps, err)
	}
	ss, err := db.Sponsorships(ctx, sps[0].ID, store.SponsorScope{All: true})
	if err != nil || len(ss) != 1 || ss[0].Members == 0 || ss[0].Spent == 0 {
		t.Fatalf("sponsorships: %+v, %v", ss, err)
	}
	problems, err := db.VerifyLedger(ctx)
	if err != nil || len(problems) != 0 {
		t.Fatalf("ledger: %v, %v", problems, err)
	}
}
