package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// Payments of two provinces through one group-commit writer at once: each batch commits one
// province's payments (issue 21), every payment is taken, and each province's books balance
// apart.
func TestGroupCommitOneProvincePerBatch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		newFixture(t, db)
		// KC Mataram, Nusa Tenggara Barat (52), beside the fixture's Bali.
		mataram := network.Branch{Code: "KC-MTR", Name: "KC Mataram", Province: "52", Address: "Jl. Udayana, Mataram", Regencies: []string{"52.01"}}
		if err := db.CreateBranch(ctx, audit.Actor{Name: "admin"}, &mataram); err != nil {
			t.Fatal(err)
		}
		ntbCounter := access.Principal{Username: "kc.mataram", Role: access.BranchOfficer, BranchID: mataram.ID, Regencies: mataram.Regencies, UserID: 5252}
		bali := counter(t, db)
		bali.UserID = 5151
		type payer struct {
			p  access.Principal
			id int64
		}
		var people []payer
		for i := range 6 {
			people = append(people, payer{bali, newWorker(t, db, fmt.Sprintf("51030212038506%02d", i)).ID})
			reg := worker(fmt.Sprintf("52010112038506%02d", i), "52.01.01.1001")
			w, err := db.Register(ctx, ntbCounter, audit.Actor{Name: "kc.mataram"}, rs, reg, calendar.D(2026, 8, 1))
			if err != nil {
				t.Fatal(err)
			}
			if w.KPJ[:2] != "52" {
				t.Fatalf("an NTB participant's KPJ %s", w.KPJ)
			}
			people = append(people, payer{ntbCounter, w.ID})
		}
		py := db.NewPayer(ctx, rs, 1, 256)
		nov20 := calendar.D(2026, 11, 20)
		var wg sync.WaitGroup
		for round := range 3 {
			for i, who := range people {
				wg.Go(func() {
					key := fmt.Sprintf("p%d-%d", i, round)
					r := py.Pay(ctx, store.PayItem{P: who.p, Act: act, Req: store.PayRequest{ParticipantID: who.id, Months: 1}, Today: nov20,
						Key: key, Hash: key, Render: render})
					if r.Err != nil || r.Status != 201 {
						t.Errorf("%s: %d %s %v", key, r.Status, r.Body, r.Err)
					}
				})
			}
		}
		// A Bali officer paying for an NTB participant, in the batches of Bali's payments: refused
		// by scope, and the batches stay on the fast way.
		wg.Go(func() {
			r := py.Pay(ctx, store.PayItem{P: bali, Act: act, Req: store.PayRequest{ParticipantID: people[1].id, Months: 1}, Today: nov20,
				Key: "across", Hash: "across", Render: render})
			if r.Err != nil || r.Status != 403 {
				t.Errorf("a Bali officer paying in NTB: %d %s %v", r.Status, r.Body, r.Err)
			}
		})
		wg.Wait()
		for _, who := range people {
			if cov, err := db.Coverage(ctx, rs, store.Ref{ID: who.id}, nov20); err != nil || len(cov.Paid) != 3 {
				t.Errorf("participant %d paid %d months (%v)", who.id, len(cov.Paid), err)
			}
		}
		for _, prov := range []string{"51", "52"} {
			n, err := db.Count(ctx, `SELECT COUNT(*) FROM payments WHERE province_code = $1`, prov)
			if err != nil || n != 18 {
				t.Errorf("province %s has %d payments, want 18 (%v)", prov, n, err)
			}
		}
		if db.Dialect == store.Postgres {
			// Rows a transaction wrote carry its id (xmin): no transaction wrote entries of two
			// provinces.
			n, err := db.Count(ctx, `SELECT COUNT(*) FROM (SELECT xmin::text FROM journal_entries GROUP BY xmin::text
HAVING COUNT(DISTINCT province_code) > 1) t`)
			if err != nil || n != 0 {
				t.Errorf("%d transactions wrote two provinces' entries (%v)", n, err)
			}
		}
		fastAndClean(t, db, py)
	})
}
