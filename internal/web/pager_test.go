package web_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/store/storetest"
)

// Issue 17: every list pages with a total, on the UI and in the API.
func TestListsPageWithATotal(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	admin := e.api("admin")
	first := admin.mustStatus(200, "GET", "/api/v1/participants?limit=5", nil)
	total := int(first["total"].(float64))
	if total <= 20 || len(first["items"].([]any)) != 5 || first["next"] != "/api/v1/participants?limit=5&offset=5" {
		t.Fatalf("first part: total %d, %d items, next %v", total, len(first["items"].([]any)), first["next"])
	}
	seen := map[string]bool{}
	next, parts := "/api/v1/participants?limit=5", 0
	for next != "" {
		part := admin.mustStatus(200, "GET", next, nil)
		for _, it := range part["items"].([]any) {
			seen[idOf(it.(map[string]any)["id"])] = true
		}
		next, _ = part["next"].(string)
		parts++
	}
	if len(seen) != total || parts != (total+4)/5 {
		t.Fatalf("following next gave %d of %d in %d parts", len(seen), total, parts)
	}

	b := e.browser()
	b.login("admin")
	_, page := b.get("/participants")
	if !strings.Contains(page, "1–20 dari "+strconv.Itoa(total)) || !strings.Contains(page, `href="/participants?page=2" rel="next"`) {
		t.Fatalf("first page has no pager:\n%s", page)
	}
	if n := strings.Count(page, `<li class="card">`); n != 20 {
		t.Fatalf("first page shows %d", n)
	}
	_, page = b.get("/participants?page=2")
	if !strings.Contains(page, "21–"+strconv.Itoa(total)+" dari "+strconv.Itoa(total)) || !strings.Contains(page, `rel="prev"`) || strings.Contains(page, `rel="next"`) {
		t.Fatalf("last page:\n%s", page)
	}
	agents := admin.mustStatus(200, "GET", "/api/v1/agents?limit=3", nil)
	if agents["total"].(float64) != 10 || len(agents["items"].([]any)) != 3 || agents["next"] == nil {
		t.Fatalf("agents: %v", agents["total"])
	}
}
