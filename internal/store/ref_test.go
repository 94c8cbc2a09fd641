package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/claim"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// Issue 21: every read, lock and update of a row named by its id and province (store.Ref, what
// a page's address carries) names the province, so that on Citus it is one node's work. On a
// schema partitioned by province, the plan of each statement such a call runs scans Bali's
// partitions only; a statement by id alone scans every province's, and fails the test.
func TestReadsByRefStayInTheirProvince(t *testing.T) {
	db := storetest.ByProvince(t)
	ctx := context.Background()
	cf := newClaimFixture(t, db) // the demo network in Bali; a paid-up worker with heirs
	today := cf.death
	who := cf.who
	pref := store.RefIn(who.Village, who.ID)

	ws, err := db.WadahList(ctx, store.WadahFilter{PerisaiOnly: true})
	if err != nil || len(ws) == 0 {
		t.Fatalf("wadah: %v", err)
	}
	munggu := ws[0]
	ags, err := db.Agents(ctx, store.AgentFilter{WadahID: munggu.ID})
	if err != nil || len(ags) < 5 {
		t.Fatalf("agents: %v", err)
	}
	var ag network.Agent
	for _, a := range ags {
		if a.ID == cf.agent.AgentID {
			ag = a
		}
	}
	agref := store.RefIn(ag.Province, ag.ID)
	// Cash the agent collects, to deposit.
	mine, err := db.Register(ctx, cf.agent, act, rs, worker("5103021203850971", ag.Villages[0]), today)
	if err != nil {
		t.Fatal(err)
	}
	cash, err := db.Pay(ctx, cf.agent, act, rs, store.PayRequest{ParticipantID: mine.ID, Months: 1}, today)
	if err != nil {
		t.Fatal(err)
	}
	agreements, err := db.Agreements(ctx, store.AgreementFilter{WadahID: munggu.ID})
	if err != nil || len(agreements) == 0 {
		t.Fatalf("agreements: %v", err)
	}
	aref := store.RefIn(agreements[0].Province, agreements[0].ID)
	u, _, err := db.UserByUsername(ctx, "kc.denpasar")
	if err != nil {
		t.Fatal(err)
	}
	im, err := db.StartImport(ctx, store.Owner{UserID: u.ID, Province: "51"}, act, "pekerja.csv", "hash", 1)
	if err != nil {
		t.Fatal(err)
	}
	month := today.MonthOf()
	if _, err := db.RunIncentives(store.AsOf(ctx, month.Add(1).Begins()), audit.Actor{Name: "job"}, rs, month); err != nil {
		t.Fatal(err)
	}
	sts, _, err := db.IncentiveStatements(ctx, store.IncentiveFilter{AgentID: ag.ID})
	if err != nil || len(sts) == 0 {
		t.Fatalf("incentive statements: %v", err)
	}
	sref := store.RefIn(sts[0].Province, sts[0].ID)
	branch := counter(t, db).BranchID

	var pay store.Payment
	var dep store.Deposit
	var st store.Statement
	var c claim.Claim
	phone := "081234567890"
	steps := []struct {
		name string
		run  func(ctx context.Context) error
	}{
		{"participant", func(ctx context.Context) error { _, err := db.Participant(ctx, act, pref); return err }},
		{"participant scope", func(ctx context.Context) error { _, err := db.ParticipantScope(ctx, pref); return err }},
		{"history", func(ctx context.Context) error { _, err := db.ParticipantHistory(ctx, pref); return err }},
		{"coverage", func(ctx context.Context) error { _, err := db.Coverage(ctx, rs, pref, today); return err }},
		{"paid months", func(ctx context.Context) error { _, err := db.PaidMonths(ctx, pref); return err }},
		{"payments", func(ctx context.Context) error { _, err := db.PaymentsOf(ctx, pref); return err }},
		{"preview", func(ctx context.Context) error {
			_, err := db.PreviewPayment(ctx, rs, store.PayRequest{ParticipantID: who.ID, Province: "51", Months: 1}, today)
			return err
		}},
		{"pay", func(ctx context.Context) (err error) {
			pay, err = db.Pay(ctx, counter(t, db), act, rs, store.PayRequest{ParticipantID: who.ID, Province: "51", Months: 1}, today)
			return err
		}},
		{"payment", func(ctx context.Context) error {
			_, err := db.PaymentByID(ctx, store.RefIn(pay.Village, pay.ID))
			return err
		}},
		{"receipt number", func(ctx context.Context) error { _, err := db.PaymentByReceipt(ctx, pay.ReceiptNo); return err }},
		{"participant number", func(ctx context.Context) error { _, err := db.ParticipantByKPJ(ctx, act, who.KPJ); return err }},
		{"reverse", func(ctx context.Context) error {
			return db.Reverse(ctx, act, rs, store.RefIn(pay.Village, pay.ID), "salah bulan", today)
		}},
		{"edit", func(ctx context.Context) error {
			_, err := db.EditParticipant(ctx, act, rs, pref, store.Edit{Phone: &phone, Reason: "nomor baru"}, today)
			return err
		}},
		{"review", func(ctx context.Context) error { return db.SetReview(ctx, act, pref, participant.Verified, "") }},
		{"wadah", func(ctx context.Context) error {
			_, err := db.Wadah(ctx, store.RefIn(munggu.Village, munggu.ID))
			return err
		}},
		{"agent", func(ctx context.Context) error { _, err := db.Agent(ctx, agref); return err }},
		{"cash limits", func(ctx context.Context) error {
			return db.SetAgentCashLimits(ctx, act, agref, network.CashLimits{MaxCashOnHand: 5_000_000})
		}},
		{"cash on hand", func(ctx context.Context) error {
			_, err := db.BalanceIn(ctx, ledger.AgentCash(ag.ID), "51")
			return err
		}},
		{"undeposited", func(ctx context.Context) error { _, err := db.UndepositedPayments(ctx, agref); return err }},
		{"cash statement", func(ctx context.Context) (err error) {
			st, err = db.Statement(ctx, ledger.AgentCash(ag.ID), "51", today, today)
			return err
		}},
		{"statement people", func(ctx context.Context) error { _, err := db.StatementPeople(ctx, ag.ID, st); return err }},
		{"deposit", func(ctx context.Context) (err error) {
			dep, err = db.RecordDeposit(ctx, act, store.DepositRequest{AgentID: ag.ID, Province: "51", SlipRef: "SLIP-1",
				Amount: cash.Amount - 1_000, PaymentIDs: []int64{cash.ID}, DepositedOn: today})
			return err
		}},
		{"deposit read", func(ctx context.Context) error {
			_, err := db.Deposit(ctx, store.RefIn(dep.Province, dep.ID))
			return err
		}},
		{"variance", func(ctx context.Context) error {
			return db.ResolveVariance(ctx, act, store.RefIn(dep.Province, dep.ID), "uang kurang")
		}},
		{"agreement", func(ctx context.Context) error { _, err := db.Agreement(ctx, aref); return err }},
		{"renew", func(ctx context.Context) error {
			_, err := db.RenewAgreement(ctx, act, rs, aref, "PKS/REF/1")
			return err
		}},
		{"import", func(ctx context.Context) error { _, err := db.GetImport(ctx, store.RefIn("51", im.ID)); return err }},
		{"incentive statement", func(ctx context.Context) error { _, err := db.IncentiveStatementByID(ctx, sref); return err }},
		{"approve incentive", func(ctx context.Context) error { return db.ApproveIncentive(ctx, act, branch, sref) }},
		{"incentive so far", func(ctx context.Context) error { _, _, err := db.IncentiveSoFar(ctx, rs, agref, month); return err }},
		{"village income", func(ctx context.Context) error {
			_, err := db.VillageIncome(ctx, store.RefIn(munggu.Village, munggu.ID), today.Year())
			return err
		}},
		{"claim", func(ctx context.Context) (err error) {
			made, err := cf.jkm(t, who.Heirs[0].ID, "")
			if err != nil {
				return err
			}
			cf.attachAll(t, made)
			c, err = db.Claim(ctx, act, store.RefIn(made.Village, made.ID))
			return err
		}},
		{"claim document", func(ctx context.Context) error { _, _, err := db.Document(ctx, act, c, c.Documents[0].ID); return err }},
		{"claim submitted", func(ctx context.Context) error {
			_, err := db.MoveClaim(ctx, cf.agent, act, rs, store.RefIn(c.Village, c.ID), claim.Submit, "", today)
			return err
		}},
		{"hand over", func(ctx context.Context) error {
			_, err := db.HandOver(ctx, act, store.RefIn(ags[3].Province, ags[3].ID), ags[2].ID)
			return err
		}},
		{"agent status", func(ctx context.Context) error {
			return db.SetAgentStatus(ctx, act, rs, store.RefIn(ags[3].Province, ags[3].ID), network.AgentInactive, "cuti", today)
		}},
		{"terminate", func(ctx context.Context) error { return db.TerminateAgreement(ctx, act, aref, "Bumdes bubar") }},
	}
	explain := explainer(t, db)
	for _, s := range steps {
		tctx, ran := store.TraceSQL(ctx)
		if err := s.run(tctx); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		qs, args := ran()
		if len(qs) == 0 {
			t.Fatalf("%s: no statement traced", s.name)
		}
		for i, q := range qs {
			for _, rel := range explain(q, args[i]) {
				if !strings.HasSuffix(rel, "__p51") {
					t.Errorf("%s reads %s, not Bali's partition alone:\n%s", s.name, rel, q)
				}
			}
		}
	}
}

// explainer returns a function listing the partitions the plan of a statement scans. Plans
// are made for the arguments given (a custom plan), as PostgreSQL and Citus prune by them.
func explainer(t *testing.T, db *store.DB) func(q string, args []any) []string {
	conn, err := sql.Open("pgx", db.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetMaxOpenConns(1)
	if _, err := conn.Exec(`SET plan_cache_mode = force_custom_plan`); err != nil {
		t.Fatal(err)
	}
	return func(q string, args []any) []string {
		switch strings.ToUpper(strings.Fields(q)[0]) {
		case "SELECT", "INSERT", "UPDATE", "DELETE", "WITH":
		default:
			return nil
		}
		var plan string
		if err := conn.QueryRow(`EXPLAIN (FORMAT JSON) `+q, args...).Scan(&plan); err != nil {
			t.Fatalf("explain %s: %v", q, err)
		}
		var tree any
		if err := json.Unmarshal([]byte(plan), &tree); err != nil {
			t.Fatal(err)
		}
		var out []string
		var walk func(any)
		walk = func(n any) {
			switch v := n.(type) {
			case map[string]any:
				if rel, ok := v["Relation Name"].(string); ok && strings.Contains(rel, "__p") {
					out = append(out, rel)
				}
				for _, x := range v {
					walk(x)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(tree)
		return out
	}
}
