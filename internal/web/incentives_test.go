package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
	"github.com/xuri/excelize/v2"
)

// Issue 19, end to end over HTTP: an agent's month so far on its page; the run issues the
// statement; the agent and its wadah see it line by line, the government does not; the branch
// approves it once and pays it into a bank file that lists it once.
func TestIncentiveStatementsFlow(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		agent := e.api("agen.made")
		w := agent.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850975", agentVillage(t, agent)), "Idempotency-Key", "i1")
		agent.mustStatus(201, "POST", "/api/v1/payments", map[string]any{"participant_id": w["id"], "months": 3}, "Idempotency-Key", "i2")

		ab := e.browser()
		ab.login("agen.made")
		if _, page := ab.get("/incentives"); !strings.Contains(page, `id="so-far"`) || !strings.Contains(page, "sejauh ini") || !strings.Contains(page, "mulai dari 25 peserta") {
			t.Fatalf("agent's month so far missing:\n%s", page)
		}

		month := calendar.Today().MonthOf()
		if _, err := db.RunIncentives(store.AsOf(ctx, month.Add(1).Begins()), audit.Actor{Name: "job"}, rules.Default(), month); err != nil {
			t.Fatal(err)
		}
		list := agent.mustStatus(200, "GET", "/api/v1/incentives/statements", nil)
		if list["total"] != float64(1) {
			t.Fatalf("agent's statements: %v", list)
		}
		st := list["items"].([]any)[0].(map[string]any)
		lines := st["lines"].([]any)
		if st["state"] != "issued" || st["month"] != month.String() || len(lines) < 3 || st["agent_total"].(float64) <= 0 {
			t.Fatalf("statement: %v", st)
		}
		for _, l := range lines {
			l := l.(map[string]any)
			if l["payment_id"] == nil && l["participant_id"] == nil {
				t.Fatalf("line traced to nothing: %v", l)
			}
		}
		id := idOf(st["id"])
		if _, page := ab.get("/incentives"); !strings.Contains(page, "Bagi hasil iuran, bulan iuran ke-1–24") || !strings.Contains(page, "Terbit") {
			t.Fatalf("agent's page does not explain the lines:\n%s", page)
		}
		e.api("bumdes.munggu").mustStatus(200, "GET", "/api/v1/incentives/statements/"+id, nil)
		e.api("pmd.bali").mustStatus(403, "GET", "/api/v1/incentives/statements", nil)
		e.api("kc.gianyar").mustStatus(403, "GET", "/api/v1/incentives/statements/"+id, nil)

		// The branch approves it on its page, with the confirmation.
		ob := e.browser()
		ob.login("kc.denpasar")
		if resp, _ := ob.post("/incentives/"+id+"/approve", ob.form("/incentives")); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("approved without confirming: %d", resp.StatusCode)
		}
		if resp, body := ob.post("/incentives/"+id+"/approve", ob.form("/incentives", "confirm", "on")); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d %s", resp.StatusCode, body)
		}
		officer := e.api("kc.denpasar")
		officer.mustStatus(409, "POST", "/api/v1/incentives/statements/"+id+"/approve", nil, "Idempotency-Key", "i3")
		if got := agent.mustStatus(200, "GET", "/api/v1/incentives/statements/"+id, nil); got["state"] != "approved" {
			t.Fatalf("after approval: %v", got["state"])
		}

		// Paid into the bank's file, once.
		resp, csv := ob.post("/incentive-payouts", ob.form("/incentives", "confirm", "on"))
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || strings.Count(csv, "\n") != 2 || !strings.Contains(csv, id+","+month.String()) {
			t.Fatalf("payout file: %d\n%s", resp.StatusCode, csv)
		}
		if _, again := ob.post("/incentive-payouts", ob.form("/incentives", "confirm", "on")); strings.Count(again, "\n") != 1 {
			t.Fatalf("paid twice:\n%s", again)
		}
		if got := agent.mustStatus(200, "GET", "/api/v1/incentives/statements/"+id, nil); got["state"] != "paid" {
			t.Fatalf("after payout: %v", got["state"])
		}

		// The Bumdes downloads its village income report: the month's statement, paid.
		mb := e.browser()
		mb.login("bumdes.munggu")
		if _, page := mb.get("/incentives"); !strings.Contains(page, `id="income-report"`) {
			t.Fatal("no village income report on the manager's page")
		}
		resp, body := mb.get("/village-income?year=" + strconv.Itoa(month.Year()) + "&format=xlsx")
		if resp.StatusCode != 200 {
			t.Fatalf("xlsx: %d %s", resp.StatusCode, body)
		}
		f, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(f.GetSheetName(0))
		gross := int64(st["agent_total"].(float64) + st["wadah_extra"].(float64))
		tax := int64(st["tax"].(float64))
		want, net := strconv.FormatInt(gross, 10), strconv.FormatInt(gross-tax, 10)
		if len(rows) < 6 || tax <= 0 || rows[4][0] != month.Name("id") || rows[4][4] != want || rows[4][5] != strconv.FormatInt(tax, 10) || rows[4][6] != net || rows[5][4] != want {
			t.Fatalf("village income %s: %q", want, rows)
		}
		if resp, body := mb.get("/village-income"); resp.StatusCode != 200 || !strings.HasPrefix(body, "%PDF") {
			t.Fatalf("pdf: %d", resp.StatusCode)
		}
		if resp, _ := ab.get("/village-income?wadah_id=" + idOf(st["wadah_id"])); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("an agent read the village income: %d", resp.StatusCode)
		}
	})
}
