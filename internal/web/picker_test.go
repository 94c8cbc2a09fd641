package web_test

import (
	"context"
	"html"
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// Issue 17: places, agents and wadah are picked by name; nobody types a code or an id.
func TestPickersByName(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	const munggu = "Munggu — Mengwi, Kabupaten Badung (51.03.02.2001)"
	found := e.api("kc.denpasar").mustStatus(200, "GET", "/api/v1/regions?q=munggu&level=village", nil)["items"].([]any)
	labels := map[string]bool{}
	for _, it := range found {
		labels[it.(map[string]any)["label"].(string)] = true
	}
	if !labels[munggu] {
		t.Fatalf("region search: %v", labels)
	}
	b := e.browser()
	b.login("kc.denpasar")
	_, page := b.get("/wadah")
	if !strings.Contains(html.UnescapeString(page), `<option value="`+munggu+`">`) || !strings.Contains(page, `data-region-search="village"`) {
		t.Fatal("the wadah form offers no village by name")
	}
	const buduk2 = "51.03.02.2003"
	label := ""
	for _, it := range e.api("kc.denpasar").mustStatus(200, "GET", "/api/v1/regions?within=51.03.02&level=village&limit=50", nil)["items"].([]any) {
		if it.(map[string]any)["code"] == buduk2 {
			label = it.(map[string]any)["label"].(string)
		}
	}
	resp, body := b.post("/wadah", b.form("/wadah", "name", "Bumdes Baru", "village", label))
	if resp.StatusCode != 303 {
		t.Fatalf("wadah by village label %q: %d %s", label, resp.StatusCode, body)
	}
	list, err := e.db.WadahList(context.Background(), store.WadahFilter{})
	if err != nil {
		t.Fatal(err)
	}
	ok := false
	for _, w := range list {
		ok = ok || (w.Name == "Bumdes Baru" && w.Village == buduk2)
	}
	if !ok {
		t.Fatal("the wadah was not made in the village picked")
	}
	// Users: scopes by name, anchors picked from lists.
	_, page = b.get("/users")
	page = html.UnescapeString(page)
	if strings.Contains(page, "#3") || !strings.Contains(page, "Bumdes Munggu") || !strings.Contains(page, `<select name="agent_id">`) {
		t.Fatalf("users page:\n%s", page)
	}
}
