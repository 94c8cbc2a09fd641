package web_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/base64"
	"encoding/csv"
	"html"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/card"
	"github.com/perisai/perisai/internal/demo"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/secret"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
	"github.com/perisai/perisai/internal/web"
)

// An agent takes payments through the API: idempotent replay, conflict on another body under
// the same key, the officer reverses, the ledger stays whole.
func TestPaymentsThroughAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		agent := e.api("agen.made")
		got := agent.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850921", agentVillage(t, agent)), "Idempotency-Key", "reg")
		id := idOf(got["id"])

		pv := agent.mustStatus(200, "GET", "/api/v1/participants/"+id+"/payment-preview?months=3", nil)
		pay := agent.mustStatus(201, "POST", "/api/v1/payments", map[string]any{"participant_id": got["id"], "months": 3}, "Idempotency-Key", "pay-1")
		if pay["amount"] != pv["amount"] || len(pay["months"].([]any)) != 3 || !strings.HasPrefix(pay["receipt_no"].(string), "KW-") {
			t.Fatalf("pay %v, preview %v", pay, pv)
		}
		replay := agent.mustStatus(201, "POST", "/api/v1/payments", map[string]any{"participant_id": got["id"], "months": 3}, "Idempotency-Key", "pay-1")
		if replay["id"] != pay["id"] {
			t.Fatalf("replay took a second payment: %v", replay["id"])
		}
		agent.mustStatus(409, "POST", "/api/v1/payments", map[string]any{"participant_id": got["id"], "months": 6}, "Idempotency-Key", "pay-1")
		cov := agent.mustStatus(200, "GET", "/api/v1/participants/"+id+"/coverage", nil)
		if cov["status"] != "active" || len(cov["paid_months"].([]any)) != 3 || cov["covered_on_date"] != true ||
			len(cov["paid_by_program"].(map[string]any)["jkm"].([]any)) != 3 || cov["next_due_amount"].(float64) <= 0 {
			t.Fatalf("coverage: %v", cov)
		}
		// A government viewer cannot pay; another branch's officer cannot either.
		e.api("pmd.bali").mustStatus(403, "POST", "/api/v1/payments", map[string]any{"participant_id": got["id"], "months": 1}, "Idempotency-Key", "x")
		e.api("kc.gianyar").mustStatus(403, "POST", "/api/v1/payments", map[string]any{"participant_id": got["id"], "months": 1}, "Idempotency-Key", "y")
		// Agents do not reverse; the branch does, with a reason.
		agent.mustStatus(403, "POST", "/api/v1/payments/"+idOf(pay["id"])+"/reverse", map[string]any{"reason": "x"}, "Idempotency-Key", "r0")
		officer := e.api("kc.denpasar")
		rev := officer.mustStatus(200, "POST", "/api/v1/payments/"+idOf(pay["id"])+"/reverse", map[string]any{"reason": "wrong participant"}, "Idempotency-Key", "r1")
		if rev["status"] != "reversed" {
			t.Fatalf("%v", rev)
		}
		v := e.api("admin").mustStatus(200, "GET", "/api/v1/ledger/verify", nil)
		if v["ok"] != true {
			t.Fatalf("ledger: %v", v)
		}
		q := agent.mustStatus(200, "POST", "/api/v1/quotes", map[string]any{"declared_income": 1000000, "sector": "other", "funding": "apbd", "months": []string{"2026-05"}})
		if q["total"] != float64(16800) {
			t.Fatalf("APBD-sponsored May 2026 is not discounted: %v", q)
		}
	})
}

// The agent's screens: choose 3 months, see the quote, confirm, get the receipt whose QR
// verifies.
func TestPayWithTheForms(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	agent := e.api("agen.made")
	got := agent.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850922", agentVillage(t, agent)), "Idempotency-Key", "reg")
	b := e.browser()
	b.login("agen.made")
	id := idOf(got["id"])
	_, page := b.get("/participants/" + id + "/pay?months=3")
	if !strings.Contains(page, `id="confirm"`) || !strings.Contains(page, "covered-after") {
		t.Fatal("no quote to confirm")
	}
	resp, _ := b.post("/participants/"+id+"/pay", b.form("/participants/"+id+"/pay?months=3", "months", "3", "funding", "self"))
	loc := resp.Header.Get("Location")
	// The receipt's address names the participant's province with the payment's id.
	if resp.StatusCode != 303 || !strings.HasSuffix(loc, "/receipt?province=51") {
		t.Fatalf("pay: %d %s", resp.StatusCode, loc)
	}
	_, receipt := b.get(loc)
	no := regexp.MustCompile(`KW-[0-9]{2}-[0-9]{6}-[0-9A-Z]+`).FindString(receipt)
	if no == "" || !strings.Contains(receipt, "Tanda Bukti Penerimaan Iuran") || !strings.Contains(receipt, "data:image/png;base64,") {
		t.Fatalf("receipt page:\n%s", receipt)
	}
	if resp, pdf := b.get(strings.Replace(loc, "/receipt?", "/receipt.pdf?", 1)); resp.StatusCode != 200 || !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("receipt pdf: %d", resp.StatusCode)
	} else if text := pdfText(t, pdf); !strings.Contains(text, "(Mandiri)") || !strings.Contains(text, no) {
		t.Fatalf("the printed receipt does not say %s, funded Mandiri (self):\n%s", no, text)
	}
	pays := agent.mustStatus(200, "GET", "/api/v1/participants/"+id+"/payments", nil)["items"].([]any)
	if len(pays) != 1 || pays[0].(map[string]any)["receipt_no"] != no {
		t.Fatalf("payments: %v", pays)
	}
	// The participant's page shows the cover: active, the three months paid for the three
	// programs, the payment as "3 bulan".
	this := calendar.Today().MonthOf()
	paid := this.Name("id") + " – " + this.Add(2).Name("id")
	if _, pp := b.get("/participants/" + id); !strings.Contains(pp, `id="coverage"`) || !strings.Contains(html.UnescapeString(pp), "<dt>JKK + JKM + JHT</dt><dd>"+paid+"</dd>") ||
		!strings.Contains(pp, "· 3 bulan") || !strings.Contains(pp, "Aktif") {
		t.Fatalf("participant page after paying %s:\n%s", paid, pp)
	}
	// The agent's home now shows the cash taken, to be deposited.
	amount := int64(pays[0].(map[string]any)["amount"].(float64))
	if _, home := b.get("/"); amount <= 0 || !strings.Contains(home, `id="cash-on-hand">`+card.Rupiah(amount)+`<`) || !strings.Contains(home, "Munggu") {
		t.Fatalf("home after a payment of %d:\n%s", amount, home)
	}
	// The receipt's QR opens the public check, which says it is genuine.
	m := regexp.MustCompile(`data:image/png;base64,([A-Za-z0-9+/=]+)`).FindStringSubmatch(html.UnescapeString(receipt))
	raw, _ := base64.StdEncoding.DecodeString(m[1])
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	link := readQR(t, img)
	anon := e.browser()
	u, _ := url.Parse(link)
	if resp, body := anon.get(u.Path); resp.StatusCode != 200 || !strings.Contains(body, "Tanda bukti asli") || !strings.Contains(body, no) {
		t.Fatalf("receipt check %s: %d", link, resp.StatusCode)
	}
	// A forged receipt token is not recognised.
	if resp, body := anon.get("/verify/receipt/" + no + ".forged"); resp.StatusCode != 404 || !strings.Contains(body, "tidak dikenali") {
		t.Fatalf("forged receipt: %d", resp.StatusCode)
	}
}

// An agent deposits cash; the branch explains a shortage and matches the bank statement.
func TestDepositsThroughAPIAndPage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		agent := e.api("agen.made")
		got := agent.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850931", agentVillage(t, agent)), "Idempotency-Key", "reg")
		pay := agent.mustStatus(201, "POST", "/api/v1/payments", map[string]any{"participant_id": got["id"], "amount": 40000}, "Idempotency-Key", "p1")
		me := agent.mustStatus(200, "GET", "/api/v1/me", nil)
		cash := agent.mustStatus(200, "GET", "/api/v1/agents/"+idOf(me["agent_id"])+"/cash", nil)
		if cash["cash_on_hand"] != float64(40000) || len(cash["undeposited"].([]any)) != 1 {
			t.Fatalf("cash: %v", cash)
		}
		dep := agent.mustStatus(201, "POST", "/api/v1/deposits", map[string]any{"slip_ref": "BPD-42", "amount": 39000, "payment_ids": []any{pay["id"]}}, "Idempotency-Key", "d1")
		if dep["status"] != "variance_pending" || dep["variance"] != float64(-1000) {
			t.Fatalf("%v", dep)
		}
		agent.mustStatus(403, "POST", "/api/v1/deposits/"+idOf(dep["id"])+"/resolve", map[string]any{"note": "x"}, "Idempotency-Key", "v0")
		officer := e.api("kc.denpasar")
		officer.mustStatus(200, "POST", "/api/v1/deposits/"+idOf(dep["id"])+"/resolve", map[string]any{"note": "short by 1,000"}, "Idempotency-Key", "v1")
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/bank-statements", strings.NewReader("date,reference,amount\n2026-11-20,BPD-42,39000\n2026-11-20,XYZ,5\n"))
		req.Header.Set("Authorization", "Bearer "+officer.token)
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("Idempotency-Key", "s1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("statement: %d", resp.StatusCode)
		}
		un := officer.mustStatus(200, "GET", "/api/v1/bank-lines?unmatched=true", nil)["items"].([]any)
		if len(un) != 1 || un[0].(map[string]any)["reference"] != "XYZ" {
			t.Fatalf("unmatched: %v", un)
		}
		if v := e.api("admin").mustStatus(200, "GET", "/api/v1/ledger/verify", nil); v["ok"] != true {
			t.Fatalf("ledger: %v", v)
		}
		b := e.browser()
		b.login("kc.denpasar")
		if resp, page := b.get("/deposits"); resp.StatusCode != 200 || !strings.Contains(page, "BPD-42") || !strings.Contains(page, "XYZ") {
			t.Fatalf("deposits page: %d", resp.StatusCode)
		}

		// The cash statement: the receipt in, the deposit out; the agent's own, and any agent's
		// of the branch for its officer, never another branch's.
		agentID := idOf(me["agent_id"])
		st := agent.mustStatus(200, "GET", "/api/v1/agents/"+agentID+"/cash/statement", nil)
		lines := st["lines"].([]any)
		if len(lines) != 2 || lines[0].(map[string]any)["amount"] != float64(40000) || lines[1].(map[string]any)["kind"] != "deposit" || st["closing"] != float64(0) {
			t.Fatalf("statement: %v", st)
		}
		officer.mustStatus(200, "GET", "/api/v1/agents/"+agentID+"/cash/statement?from=2026-01-01&to=2026-06-30", nil)
		officer.mustStatus(400, "GET", "/api/v1/agents/"+agentID+"/cash/statement?from=kemarin", nil)
		e.api("kc.gianyar").mustStatus(403, "GET", "/api/v1/agents/"+agentID+"/cash/statement", nil)
		if resp, page := b.get("/agents/" + agentID + "/cash"); resp.StatusCode != 200 || !strings.Contains(page, "Iuran diterima") ||
			!strings.Contains(page, pay["receipt_no"].(string)) || !strings.Contains(page, "Rp 40.000") {
			t.Fatalf("cash page: %d\n%s", resp.StatusCode, page)
		}
		ab := e.browser()
		ab.login("agen.made")
		if resp, page := ab.get("/cash"); resp.StatusCode != 200 || !strings.Contains(page, "Setoran ke bank") {
			t.Fatalf("agent's cash page: %d\n%s", resp.StatusCode, page)
		}
		// A past period shows its own movements (none here), and still the cash on hand now.
		agent.mustStatus(201, "POST", "/api/v1/payments", map[string]any{"participant_id": got["id"], "amount": 25000}, "Idempotency-Key", "p2")
		if _, page := ab.get("/cash?from=2026-01-01&to=2026-01-31"); !strings.Contains(page, `id="cash">Rp 25.000<`) || strings.Contains(page, "Iuran diterima") {
			t.Fatalf("a past period:\n%s", page)
		}
	})
}

// A rules file loaded while the server runs (perisai rules load) is in force within the check
// interval, without a restart: the quote follows the new JKM amount.
func TestRulesLoadedWhileRunning(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, db, demo.Small); err != nil {
			t.Fatal(err)
		}
		keys, _ := secret.FromMaster(bytes.Repeat([]byte{9}, 32))
		s, err := web.New(web.Config{DB: db, Keys: keys, Log: slog.New(slog.DiscardHandler), ReloadRules: true, RulesEvery: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(s)
		defer func() { srv.Close(); s.Wait() }()
		e := &env{t: t, db: db, srv: srv}
		agent := e.api("agen.made")
		quote := func() any {
			q := agent.mustStatus(200, "POST", "/api/v1/quotes", map[string]any{"declared_income": 1000000, "sector": "other", "funding": "apbd", "months": []string{"2026-05"}})
			return q["total"]
		}
		if got := quote(); got != float64(16_800) {
			t.Fatalf("before: %v", got)
		}
		worker := agent.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850941", agentVillage(t, agent)), "Idempotency-Key", "reg")
		preview := func() any {
			return agent.mustStatus(200, "GET", "/api/v1/participants/"+idOf(worker["id"])+"/payment-preview?months=1", nil)["amount"]
		}
		before := preview()
		content := strings.Replace(string(rules.Default().Raw()), `"version": "2026-11-30.1"`, `"version": "2027-01-01.1"`, 1)
		content = strings.Replace(content, `"jkm_flat": 6800`, `"jkm_flat": 7000`, 1)
		if _, err := db.LoadRules(ctx, audit.Actor{Name: "operator"}, []byte(content)); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for quote() != float64(17_000) {
			if time.Now().After(deadline) {
				t.Fatalf("the loaded rules are not in force: %v", quote())
			}
			time.Sleep(20 * time.Millisecond)
		}
		if v := agent.mustStatus(200, "GET", "/api/v1/rules", nil); v["version"] != "2027-01-01.1" {
			t.Fatalf("rules in force: %v", v["version"])
		}
		// The payment writer takes the new rules too.
		after := preview()
		pay := agent.mustStatus(201, "POST", "/api/v1/payments", map[string]any{"participant_id": worker["id"], "months": 1}, "Idempotency-Key", "pay")
		if after == before || pay["amount"] != after {
			t.Fatalf("preview %v before, %v after; paid %v", before, after, pay["amount"])
		}
	})
}

// A branch officer charges a sponsorship from the sponsors page: the report lists the member,
// what the village paid, and that the member's own JHT went unpaid for want of credit.
func TestChargeSponsorshipWithTheForm(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	officer := e.api("kc.denpasar")
	agent := e.api("agen.made")
	worker := agent.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850951", agentVillage(t, agent)), "Idempotency-Key", "reg")
	sp := officer.mustStatus(201, "POST", "/api/v1/sponsors", map[string]any{"kind": "apbdes", "name": "Pemerintah Desa", "region": worker["village"]}, "Idempotency-Key", "sp")
	this := time.Now().In(time.FixedZone("WIB", 7*3600)).Format("2006-01")
	sh := officer.mustStatus(201, "POST", "/api/v1/sponsorships", map[string]any{"sponsor_id": sp["id"], "name": "Dana Desa", "month_from": this,
		"month_to": this, "jkk": true, "jkm": true, "participants": []any{worker["kpj"]}}, "Idempotency-Key", "sh")
	b := e.browser()
	b.login("kc.denpasar")
	resp, page := b.post("/sponsorships/"+idOf(sh["id"])+"/charge", b.form("/sponsors"))
	if resp.StatusCode != 200 || !strings.Contains(page, worker["kpj"].(string)) || !strings.Contains(page, "JHT bulan-bulan ini tidak dibayar") {
		t.Fatalf("charge report: %d\n%s", resp.StatusCode, page)
	}
	// The sponsors page names the village and shows what was charged against the budget.
	_, page = b.get("/sponsors")
	if !strings.Contains(page, "Munggu, Mengwi, Kabupaten Badung") || !strings.Contains(page, "Rp 8.400") {
		t.Fatalf("sponsors page:\n%s", page)
	}
	// The sponsorship's report: the page, the CSV, the API; the government sees aggregates
	// only, and another branch neither sees the sponsorship nor charges it.
	shID := idOf(sh["id"])
	if resp, page := b.get("/sponsorships/" + shID); resp.StatusCode != 200 || !strings.Contains(page, worker["kpj"].(string)) ||
		!strings.Contains(page, `id="spent">Rp 8.400<`) {
		t.Fatalf("report page: %d\n%s", resp.StatusCode, page)
	}
	resp, csvText := b.get("/sponsorships/" + shID + "/report.csv")
	rows, err := csv.NewReader(strings.NewReader(csvText)).ReadAll()
	if resp.StatusCode != 200 || err != nil || len(rows) != 2 || rows[1][2] != worker["kpj"] || rows[1][8] != "8400" || rows[1][9] != "posted" {
		t.Fatalf("report csv: %d %v\n%s", resp.StatusCode, err, csvText)
	}
	audit := e.api("admin").mustStatus(200, "GET", "/api/v1/audit?entity=sponsorship&entity_id="+shID, nil)["items"].([]any)
	exported := false
	for _, a := range audit {
		exported = exported || (a.(map[string]any)["action"] == "export" && a.(map[string]any)["detail"] == "report rows=1")
	}
	if !exported {
		t.Fatalf("the export is not in the audit trail: %v", audit)
	}
	rep := officer.mustStatus(200, "GET", "/api/v1/sponsorships/"+shID+"/report", nil)
	if rep["total"] != float64(8400) || len(rep["items"].([]any)) != 1 {
		t.Fatalf("report: %v", rep)
	}
	e.api("pmd.bali").mustStatus(403, "GET", "/api/v1/sponsorships/"+shID+"/report", nil)
	other := e.api("kc.gianyar")
	other.mustStatus(404, "GET", "/api/v1/sponsorships/"+shID+"/report", nil)
	if items := other.mustStatus(200, "GET", "/api/v1/sponsorships", nil)["items"].([]any); len(items) != 0 {
		t.Fatalf("KC Gianyar sees %v", items)
	}
	other.mustStatus(403, "POST", "/api/v1/sponsorships/"+shID+"/charge", nil, "Idempotency-Key", "other")
}

// The branch sets an agent's own cash limits through the API and the agents page; the agent
// cannot set its own; nonsense is refused.
func TestAgentCashLimitsThroughAPIAndPage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	officer, agent := e.api("kc.denpasar"), e.api("agen.made")
	me := agent.mustStatus(200, "GET", "/api/v1/me", nil)
	id := idOf(me["agent_id"])
	got := officer.mustStatus(200, "POST", "/api/v1/agents/"+id+"/cash-limits", map[string]any{"max_cash_on_hand": 2_000_000, "max_receipt_age_days": 2}, "Idempotency-Key", "cl1")
	if lim := got["cash_limits"].(map[string]any); lim["max_cash_on_hand"] != float64(2_000_000) || lim["max_receipt_age_days"] != float64(2) {
		t.Fatalf("limits: %v", got)
	}
	agent.mustStatus(403, "POST", "/api/v1/agents/"+id+"/cash-limits", map[string]any{"max_cash_on_hand": 9_000_000}, "Idempotency-Key", "cl2")
	officer.mustStatus(400, "POST", "/api/v1/agents/"+id+"/cash-limits", map[string]any{"max_receipt_age_days": 90}, "Idempotency-Key", "cl3")

	b := e.browser()
	b.login("kc.denpasar")
	resp, _ := b.post("/agents/"+id+"/cash-limits", b.form("/agents", "max_cash_on_hand", "3000000", "max_receipt_age_days", ""))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("form: %d", resp.StatusCode)
	}
	if lim := officer.mustStatus(200, "GET", "/api/v1/agents/"+id, nil)["cash_limits"].(map[string]any); lim["max_cash_on_hand"] != float64(3_000_000) || lim["max_receipt_age_days"] != nil {
		t.Fatalf("after the form: %v", lim)
	}
	if resp, _ := b.post("/agents/"+id+"/cash-limits", b.form("/agents", "max_cash_on_hand", "banyak")); resp.StatusCode == http.StatusSeeOther {
		t.Fatal("a word was taken for an amount")
	}
}

// pdfText is what a PDF's content streams hold, inflated: its text operators, e.g. "(Mandiri) Tj".
func pdfText(t *testing.T, pdf string) string {
	t.Helper()
	var out strings.Builder
	for _, m := range regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`).FindAllStringSubmatch(pdf, -1) {
		zr, err := zlib.NewReader(strings.NewReader(m[1]))
		if err != nil {
			out.WriteString(m[1]) // not compressed
			continue
		}
		b, _ := io.ReadAll(zr)
		out.Write(b)
	}
	return out.String()
}
