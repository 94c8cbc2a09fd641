package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

func registration(nikStr, village string) map[string]any {
	return map[string]any{"nik": nikStr, "name": "I Wayan Sudarma", "birth_date": "1985-03-12", "sex": "L", "village": village,
		"occupation": "petani", "declared_income": 1000000, "jht": true, "consent": true,
		"heirs": []map[string]any{{"name": "Putu Ayu", "relationship": "child", "birth_date": "2015-01-05"}}}
}

// agentVillage is the first village the demo agent agen.made serves.
func agentVillage(t *testing.T, a *api) string {
	me := a.mustStatus(200, "GET", "/api/v1/me", nil)
	ag := a.mustStatus(200, "GET", "/api/v1/agents/"+idOf(me["agent_id"]), nil)
	return ag["villages"].([]any)[0].(string)
}

func TestRegisterThroughAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		agent := e.api("agen.made")
		v := agentVillage(t, agent)

		got := agent.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850901", v), "Idempotency-Key", "r1")
		if len(got["kpj"].(string)) != 11 || got["nik_masked"] != "5103********0901" || got["status"] != "waiting_first_payment" {
			t.Fatalf("%v", got)
		}
		if _, leaked := got["nik"]; leaked {
			t.Fatal("the NIK came back in the clear")
		}
		// A replay of the same request returns the same participant, not a second one.
		again := agent.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850901", v), "Idempotency-Key", "r1")
		if again["kpj"] != got["kpj"] {
			t.Fatalf("replay gave %v", again["kpj"])
		}
		// The same NIK under a new key: refused, with the number that holds it.
		p := agent.mustStatus(409, "POST", "/api/v1/participants", registration("5103021203850901", v), "Idempotency-Key", "r2")
		if !strings.Contains(p["detail"].(string), got["kpj"].(string)) {
			t.Fatalf("duplicate: %v", p)
		}
		// NIK against stated birth date: a precise, field-named refusal.
		bad := registration("5103021203850902", v)
		bad["birth_date"] = "1985-03-13"
		p = agent.mustStatus(400, "POST", "/api/v1/participants", bad, "Idempotency-Key", "r3")
		if p["field"] != "nik" || !strings.Contains(p["detail"].(string), "does not match the stated birth date") {
			t.Fatalf("mismatch: %v", p)
		}
		// Outside the agent's villages.
		agent.mustStatus(403, "POST", "/api/v1/participants", registration("5171011203850903", "51.71.01.1001"), "Idempotency-Key", "r4")
		// A government viewer sees no person.
		e.api("pmd.bali").mustStatus(403, "GET", "/api/v1/participants", nil)
		e.api("pmd.bali").mustStatus(403, "GET", "/api/v1/participants/"+idOf(got["id"]), nil)
		// Another branch's officer cannot open the participant; the own branch's can.
		e.api("kc.gianyar").mustStatus(403, "GET", "/api/v1/participants/"+idOf(got["id"]), nil)
		officer := e.api("kc.denpasar")
		full := officer.mustStatus(200, "GET", "/api/v1/participants/"+idOf(got["id"]), nil)
		if len(full["heirs"].([]any)) != 1 {
			t.Fatalf("%v", full)
		}
		// Search by number, within scope.
		found := officer.mustStatus(200, "GET", "/api/v1/participants?q="+got["kpj"].(string), nil)["items"].([]any)
		if len(found) != 1 {
			t.Fatalf("search: %v", found)
		}
		// Review and edit leave a history.
		officer.mustStatus(400, "POST", "/api/v1/participants/"+idOf(got["id"])+"/review", map[string]any{"review": "flagged"}, "Idempotency-Key", "v1")
		officer.mustStatus(200, "POST", "/api/v1/participants/"+idOf(got["id"])+"/review", map[string]any{"review": "flagged", "reason": "KTP blurred"}, "Idempotency-Key", "v2")
		agent.mustStatus(200, "PATCH", "/api/v1/participants/"+idOf(got["id"]), map[string]any{"phone": "081299998888", "reason": "new phone"}, "Idempotency-Key", "p1")
		hist := officer.mustStatus(200, "GET", "/api/v1/participants/"+idOf(got["id"])+"/history", nil)["items"].([]any)
		if len(hist) != 2 {
			t.Fatalf("history: %v", hist)
		}
		// Reads of personal data are in the audit trail.
		reads := e.api("admin").mustStatus(200, "GET", "/api/v1/audit?entity=participant&entity_id="+idOf(got["id"]), nil)["items"].([]any)
		var sawRead bool
		for _, r := range reads {
			en := r.(map[string]any)
			if en["action"] == "read" && en["actor"] == "kc.denpasar" {
				sawRead = true
			}
		}
		if !sawRead {
			t.Fatalf("no audited read: %v", reads)
		}
	})
}

var verifyLink = regexp.MustCompile(`/verify/[0-9]{11}\.[A-Za-z0-9_-]+`)

func TestCardAndVerification(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	agent := e.api("agen.made")
	got := agent.mustStatus(201, "POST", "/api/v1/participants", registration("5103021203850911", agentVillage(t, agent)), "Idempotency-Key", "c1")
	for _, format := range []string{"pdf", "png"} {
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/participants/"+idOf(got["id"])+"/card."+format, nil)
		req.Header.Set("Authorization", "Bearer "+agent.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || (format == "pdf" && !bytes.HasPrefix(body, []byte("%PDF-"))) || (format == "png" && !bytes.HasPrefix(body, []byte("\x89PNG"))) {
			t.Fatalf("card.%s: %d %q", format, resp.StatusCode, body[:min(8, len(body))])
		}
	}
	// The QR's link: the PDF carries it as an image, so take the link the UI shows instead.
	b := e.browser()
	b.login("agen.made")
	_, page := b.get("/participants/" + idOf(got["id"]))
	if !strings.Contains(page, got["kpj"].(string)) {
		t.Fatal("participant page")
	}
	token := cardToken(t, e, got["kpj"].(string))
	anon := e.browser()
	resp, body := anon.get("/verify/" + token)
	if resp.StatusCode != 200 || !strings.Contains(body, "Kartu asli") || !strings.Contains(body, "I Wayan Sudarma") ||
		strings.Contains(body, "5103") || strings.Contains(body, "1985") {
		t.Fatalf("verify: %d\n%s", resp.StatusCode, body)
	}
	tampered := strings.Replace(token, got["kpj"].(string)[:3], "999", 1)
	resp, body = anon.get("/verify/" + tampered)
	if resp.StatusCode != 404 || !strings.Contains(body, "tidak dikenali") || strings.Contains(body, "I Wayan") {
		t.Fatalf("tampered: %d", resp.StatusCode)
	}
}

// cardToken reads the verification link out of the card PNG's QR code.
func cardToken(t *testing.T, e *env, kpj string) string {
	t.Helper()
	link := qrFromCard(t, e, kpj)
	m := verifyLink.FindString(link)
	if m == "" {
		t.Fatalf("QR holds %q", link)
	}
	return strings.TrimPrefix(m, "/verify/")
}

func TestImportThroughAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		officer := e.api("kc.denpasar")
		csv := "nik,nama,tanggal_lahir,jenis_kelamin,desa,pekerjaan,penghasilan,persetujuan\n" +
			"5103021203850801,I Wayan Satu,12/03/1985,L,51.03.02.2001,petani,1000000,ya\n" +
			"5103021203850802,I Made Dua,12/03/1985,L,51.03.02.2001,petani,1000000,tidak\n" +
			"5104011203850803,I Nyoman Gianyar,12/03/1985,L,51.04.01.2001,petani,1000000,ya\n"
		upload := func(key string) map[string]any {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			fw, _ := mw.CreateFormFile("file", "desa-munggu.csv")
			_, _ = io.WriteString(fw, csv)
			_ = mw.Close()
			req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/imports", &body)
			req.Header.Set("Authorization", "Bearer "+officer.token)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Idempotency-Key", key)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 202 {
				t.Fatalf("upload: %d %s", resp.StatusCode, raw)
			}
			id := regexp.MustCompile(`"id":\s*([0-9]+)`).FindStringSubmatch(string(raw))[1]
			deadline := time.Now().Add(20 * time.Second)
			for {
				im := officer.mustStatus(200, "GET", "/api/v1/imports/"+id, nil)
				if im["status"] != "running" {
					return im
				}
				if time.Now().After(deadline) {
					t.Fatal("import did not finish")
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		im := upload("i1")
		if im["status"] != "done" || im["imported"] != float64(1) || im["refused"] != float64(2) {
			t.Fatalf("%v", im)
		}
		report := officer.mustStatus(200, "GET", "/api/v1/imports/"+idOf(im["id"])+"/report?format=json", nil)["items"].([]any)
		reasons := map[float64]string{}
		for _, r := range report {
			row := r.(map[string]any)
			reasons[row["row"].(float64)] = fmt.Sprint(row["outcome"], ": ", row["message"])
		}
		if !strings.Contains(reasons[3], "consent") || !strings.Contains(reasons[4], "regencies your branch serves") && !strings.Contains(reasons[4], "another branch") {
			t.Fatalf("reasons: %v", reasons)
		}
		again := upload("i2")
		if again["imported"] != float64(0) || again["already_registered"] != float64(1) {
			t.Fatalf("re-upload: %v", again)
		}
		// Someone else's import is not theirs to read.
		e.api("kc.gianyar").mustStatus(403, "GET", "/api/v1/imports/"+idOf(im["id"]), nil)
	})
}

func TestAgreementsAgentsSponsorsThroughAPI(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	officer := e.api("kc.denpasar")
	ws := officer.mustStatus(200, "GET", "/api/v1/wadah", nil)["items"].([]any)
	if len(ws) != 2 { // Munggu and Buduk, not Gianyar's Batubulan
		t.Fatalf("wadah: %v", ws)
	}
	var munggu map[string]any
	for _, w := range ws {
		if w.(map[string]any)["name"] == "Bumdes Munggu" {
			munggu = w.(map[string]any)
		}
	}
	today := time.Now()
	start := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	draft := officer.mustStatus(201, "POST", "/api/v1/agreements", map[string]any{"wadah_id": munggu["id"], "number": "PKS/2/X",
		"starts": start.Format("2006-01-02"), "ends": start.AddDate(1, 0, -1).Format("2006-01-02")}, "Idempotency-Key", "a1")
	p := officer.mustStatus(409, "POST", "/api/v1/agreements/"+idOf(draft["id"])+"/activate", nil, "Idempotency-Key", "a2")
	if !strings.Contains(p["detail"].(string), "another agreement") {
		t.Fatalf("%v", p)
	}
	officer.mustStatus(200, "POST", "/api/v1/agreements/"+idOf(draft["id"])+"/terminate", map[string]any{"reason": "duplicate draft"}, "Idempotency-Key", "a3")
	e.api("kc.gianyar").mustStatus(403, "POST", "/api/v1/agreements/"+idOf(draft["id"])+"/terminate", map[string]any{"reason": "x"}, "Idempotency-Key", "a4")

	agents := officer.mustStatus(200, "GET", "/api/v1/agents?wadah_id="+idOf(munggu["id"]), nil)["items"].([]any)
	if len(agents) != 5 {
		t.Fatalf("agents: %d", len(agents))
	}
	from, to := agents[3].(map[string]any), agents[4].(map[string]any)
	officer.mustStatus(200, "POST", "/api/v1/agents/"+idOf(from["id"])+"/handover", map[string]any{"to_agent_id": to["id"]}, "Idempotency-Key", "h1")
	st := officer.mustStatus(200, "POST", "/api/v1/agents/"+idOf(from["id"])+"/status", map[string]any{"status": "terminated", "reason": "fraud"}, "Idempotency-Key", "s1")
	if st["status"] != "terminated" {
		t.Fatalf("%v", st)
	}

	sp := officer.mustStatus(201, "POST", "/api/v1/sponsors", map[string]any{"kind": "apbdes", "name": "Pemerintah Desa Munggu", "region": munggu["village"]}, "Idempotency-Key", "sp1")
	list := officer.mustStatus(200, "GET", "/api/v1/participants", nil)["items"].([]any)
	kpj := list[0].(map[string]any)["kpj"]
	this := today.Format("2006-01")
	officer.mustStatus(201, "POST", "/api/v1/sponsorships", map[string]any{"sponsor_id": sp["id"], "name": "Dana Desa", "month_from": this,
		"month_to": this, "jkk": true, "jkm": true, "budget": 16800, "participants": []any{kpj}}, "Idempotency-Key", "sh1")
	ending := officer.mustStatus(200, "GET", "/api/v1/sponsorships/ending", nil)["items"].([]any)
	if len(ending) != 1 || ending[0].(map[string]any)["participant"].(map[string]any)["kpj"] != kpj {
		t.Fatalf("ending: %v", ending)
	}
}

// An agent registers a worker with the form; a refusal keeps what was typed and says what is
// wrong next to the field.
func TestRegisterWithTheForm(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	b := e.browser()
	b.login("agen.made")
	resp, page := b.get("/participants/new")
	if resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode)
	}
	village := regexp.MustCompile(`<option value="(51\.[0-9.]+)"`).FindStringSubmatch(page)[1]
	form := b.form("/participants/new", "nik", "5103025506900002", "name", "Ni Made Sari", "birth_date", "1990-06-16", "sex", "P",
		"village", village, "occupation", "pedagang", "declared_income", "1000000", "consent", "on")
	resp, page = b.post("/participants", form)
	if resp.StatusCode != 400 || !strings.Contains(page, "does not match the stated birth date") || !strings.Contains(page, `value="Ni Made Sari"`) {
		t.Fatalf("refusal: %d", resp.StatusCode)
	}
	// The refusal left the form's key free: the corrected form goes through with it.
	form.Set("birth_date", "1990-06-15")
	resp, _ = b.post("/participants", form)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/participants/") {
		t.Fatalf("register: %d %s", resp.StatusCode, loc)
	}
	_, page = b.get(loc)
	if !strings.Contains(page, "Nomor peserta") || !strings.Contains(page, "Ni Made Sari") || !strings.Contains(page, "card.pdf") {
		t.Fatal("participant page after registering")
	}
	resp, _ = b.get(strings.SplitN(loc, "?", 2)[0] + "/card.pdf")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("card: %d", resp.StatusCode)
	}
	_ = context.Background()
}
