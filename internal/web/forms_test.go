package web_test

import (
	"context"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// Issue 17: a refused registration says what is wrong in Indonesian, naming fields by their
// labels, never in English or by internal field names.
func TestValidationErrorInIndonesianWithLabels(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	b := e.browser()
	b.login("agen.made")
	v := agentVillage(t, e.api("agen.made"))
	form := b.form("/participants/new", "nik", "5103023503850001", "name", "I Wayan Sudarma", "birth_date", "1985-03-12", "sex", "L",
		"village", v, "occupation", "petani", "declared_income", "1000000", "consent", "on")
	resp, body := b.post("/participants", form)
	page := html.UnescapeString(body)
	if resp.StatusCode != 400 || !strings.Contains(page, "NIK: tanggal lahir pada NIK harus 01–31 (laki-laki) atau 41–71 (perempuan)") {
		t.Fatalf("%d:\n%s", resp.StatusCode, page)
	}
	for _, english := range []string{"day of birth", "nik:", "must be"} {
		if strings.Contains(page, english) {
			t.Errorf("the page says %q", english)
		}
	}
	// In English when chosen, with the English labels.
	b.get("/lang/en?back=/")
	form = b.form("/participants/new", "nik", "5103021203850001", "name", "I Wayan Sudarma", "birth_date", "1985-03-12", "sex", "L",
		"village", v, "occupation", "petani", "declared_income", "1.234.567", "consent", "on")
	_, body = b.post("/participants", form)
	if page := html.UnescapeString(body); !strings.Contains(page, "Declared income: Rp 1.234.567 is not a row of the income table") {
		t.Fatalf("English:\n%s", page)
	}
}

// Issue 17: amounts are typed as people write them: "50.000" quotes and pays, "Rp 428.300"
// deposits; what cannot be read is said, and a refused form offers the way back to it.
func TestAmountsTypedTheIndonesianWay(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		agent := e.api("agen.made")
		w := agent.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850971", agentVillage(t, agent)), "Idempotency-Key", "a1")
		id := idOf(w["id"])
		b := e.browser()
		b.login("agen.made")
		_, page := b.get("/participants/" + id + "/pay?amount=" + url.QueryEscape("Rp 50.000"))
		if !strings.Contains(page, `id="confirm"`) || strings.Contains(page, `class="error"`) {
			t.Fatalf("a preview of Rp 50.000:\n%s", page)
		}
		_, page = b.get("/participants/" + id + "/pay?amount=lima+puluh")
		if !strings.Contains(html.UnescapeString(page), "Jumlah: jumlah dalam rupiah, misalnya 50.000") {
			t.Fatalf("an unreadable amount:\n%s", page)
		}
		resp, _ := b.post("/participants/"+id+"/pay", b.form("/participants/"+id+"/pay?amount=50.000", "amount", "50.000"))
		if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "/receipt") {
			t.Fatalf("pay 50.000: %d", resp.StatusCode)
		}
		pays, err := db.PaymentsOf(context.Background(), store.Ref{ID: int64(w["id"].(float64))})
		if err != nil || len(pays) != 1 || pays[0].Amount != 50_000 {
			t.Fatalf("paid: %+v %v", pays, err)
		}
		// The deposit form: a refusal says why and leads back; "Rp 50.000" deposits.
		bad := b.form("/deposits", "slip_ref", "SLIP-1", "amount", "empat ratus")
		bad.Set("payment_id", idOf(float64(pays[0].ID)))
		resp, body := b.post("/deposits", bad, "Referer", e.srv.URL+"/deposits")
		if resp.StatusCode != 400 || !strings.Contains(html.UnescapeString(body), "Jumlah: jumlah pada slip, misalnya 428.300") || !strings.Contains(body, `href="/deposits"`) {
			t.Fatalf("an unreadable deposit: %d\n%s", resp.StatusCode, body)
		}
		good := b.form("/deposits", "slip_ref", "SLIP-1", "amount", "Rp 50.000")
		good.Set("payment_id", idOf(float64(pays[0].ID)))
		if resp, _ := b.post("/deposits", good); resp.StatusCode != 303 {
			t.Fatalf("deposit Rp 50.000: %d", resp.StatusCode)
		}
		deps, err := db.Deposits(context.Background(), 0, pays[0].AgentID)
		if err != nil || len(deps) != 1 || deps[0].Declared != 50_000 {
			t.Fatalf("deposits: %+v %v", deps, err)
		}
	})
}

// Issue 17: deactivating an agent needs a reason and an "I understand" tick; without either
// nothing changes and the page says which is missing; after it, the page says what was done.
func TestDeactivationNeedsConfirmationAndReason(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	ctx := context.Background()
	me := e.api("agen.made").mustStatus(200, "GET", "/api/v1/me", nil)
	id := idOf(me["agent_id"])
	b := e.browser()
	b.login("kc.denpasar")
	_, page := b.get("/agents")
	if !strings.Contains(page, `action="/agents/`+id+`/status?province=51"`) || strings.Contains(page, `<option value="inactive" selected`) {
		t.Fatalf("agents page:\n%s", page)
	}
	post := func(kv ...string) (int, string) {
		f := b.form("/agents", kv...)
		resp, body := b.post("/agents/"+id+"/status", f)
		return resp.StatusCode, html.UnescapeString(body)
	}
	if code, body := post("status", "inactive", "reason", "cuti"); code != 400 || !strings.Contains(body, "Konfirmasi: centang bahwa tindakan ini tidak dapat dibatalkan") {
		t.Fatalf("without the tick: %d\n%s", code, body)
	}
	if code, body := post("status", "inactive", "confirm", "on"); code != 400 || !strings.Contains(body, "Alasan: alasan wajib diisi") {
		t.Fatalf("without a reason: %d\n%s", code, body)
	}
	agentID := int64(me["agent_id"].(float64))
	if a, _ := e.db.Agent(ctx, store.Ref{ID: agentID}); a.Status != "active" {
		t.Fatalf("a refused form changed the agent: %s", a.Status)
	}
	f := b.form("/agents", "status", "inactive", "reason", "cuti melahirkan", "confirm", "on")
	resp, _ := b.post("/agents/"+id+"/status", f)
	if resp.StatusCode != 303 {
		t.Fatalf("deactivate: %d", resp.StatusCode)
	}
	if a, _ := e.db.Agent(ctx, store.Ref{ID: agentID}); a.Status != "inactive" || a.StatusReason != "cuti melahirkan" {
		t.Fatalf("agent: %s %q", a.Status, a.StatusReason)
	}
	if _, page := b.get(resp.Header.Get("Location")); !strings.Contains(page, "Status agen diubah.") {
		t.Fatal("no word of what was done")
	}
}

// Issue 17: the language chosen is remembered for the user, on another phone too.
func TestLanguageRememberedPerUser(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	phone := e.browser()
	phone.login("agen.made")
	phone.get("/lang/en?back=/")
	other := e.browser()
	other.login("agen.made")
	if _, page := other.get("/"); !strings.Contains(page, "Welcome") {
		t.Fatal("another phone does not show the language the user chose")
	}
	if _, page := e.browser().get("/login"); !strings.Contains(page, "Masuk") {
		t.Fatal("a visitor's default is not Indonesian")
	}
}
