package web_test

import (
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/store/storetest"
)

// Issue 21: an address names a row by its id and the province it is kept in. A national
// user's pages link with ?province=, and the row is read in that province (another province's
// finds nothing); a user who works in one province reads in their own whatever the address
// says; a province that is not one is refused by name.
func TestAddressesNameTheProvince(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	admin := e.api("admin")
	list := e.api("agen.made").mustStatus(200, "GET", "/api/v1/participants?limit=1", nil)
	first := list["items"].([]any)[0].(map[string]any)
	id := idOf(first["id"])
	if !strings.HasPrefix(first["village"].(string), "51.") {
		t.Fatalf("the demo's participant is not in Bali: %v", first["village"])
	}

	admin.mustStatus(200, "GET", "/api/v1/participants/"+id+"?province=51", nil)
	admin.mustStatus(404, "GET", "/api/v1/participants/"+id+"?province=52", nil)
	if p := admin.mustStatus(400, "GET", "/api/v1/participants/"+id+"?province=99", nil); p["field"] != "province" {
		t.Fatalf("an unknown province: %v", p)
	}
	// Without one, a national user's call still finds the row (located by its id).
	admin.mustStatus(200, "GET", "/api/v1/participants/"+id, nil)
	// The agent, in Bali, reads in Bali whatever the address says.
	e.api("agen.made").mustStatus(200, "GET", "/api/v1/participants/"+id+"?province=52", nil)

	b := e.browser()
	b.login("admin")
	_, page := b.get("/participants")
	if !strings.Contains(page, `href="/participants/`+id+`?province=51"`) {
		t.Fatalf("the list's link names no province:\n%s", page)
	}
	_, page = b.get("/participants/" + id + "?province=51")
	for _, link := range []string{"/pay?province=51", "/claims/new?province=51", "/card.pdf?province=51"} {
		if !strings.Contains(page, `href="/participants/`+id+link+`"`) {
			t.Errorf("the participant page has no link %s", link)
		}
	}
	if resp, _ := b.get("/participants/" + id + "?province=52"); resp.StatusCode != 404 {
		t.Fatalf("another province's page: %d", resp.StatusCode)
	}
}
