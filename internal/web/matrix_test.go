package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/benefit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/claim"
	"github.com/perisai/perisai/internal/demo"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/sponsor"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// The route × role matrix (security issue 16). Every route the server answers has a row: a new
// route without one fails this test. Each row says which roles may use the route on a resource
// in their scope (the KC Bali Denpasar side of the fixtures), and each role is then sent to the
// same route on a resource of KC Gianyar, outside the scope of every role but the admin and
// the provincial viewer: that must answer 403 or 404 and name no person of it. Government
// viewers must never see a person anywhere. On both databases; API and UI routes alike.
//
// Roles, one letter each:
//
//	a admin   o branch officer (kc.denpasar)   m wadah manager (bumdes.munggu)
//	g agent (agen.made)   p provincial viewer (pmd.bali)   r regency viewer (pmd.badung, Badung 51.03)
//
// A role "may" use a route when the answer is not 401, 403 or 404: a 400 (the matrix sends
// bodies that may be refused after authorization) counts as allowed. 5xx fails always.

var roleUsers = []struct {
	letter byte
	user   string
}{{'a', "admin"}, {'o', "kc.denpasar"}, {'m', "bumdes.munggu"}, {'g', "agen.made"}, {'p', "pmd.bali"}, {'r', "pmd.badung"}}

// ids are the fixtures' records: the in-scope one, and its counterpart in KC Gianyar.
type ids map[string]string

// cell is one request: method, path, body.
type cell struct {
	method, path string
	body         any // JSON for the API; url.Values for forms; []byte sent raw
}

// row is a route's entry in the matrix.
type row struct {
	pattern string
	in      func(x ids) cell
	out     func(x ids) cell // nil: the route names no resource, in = out
	may     string           // roles that may use it in scope
	mayOut  string           // roles that may use it out of scope (default "a", or may when out is nil)
	public  bool             // opened by anyone holding a signed link: what it shows is on the card
}

func matrixRows() []row {
	get := func(p string) func(ids) cell {
		return func(x ids) cell { return cell{method: "GET", path: x.fill(p)} }
	}
	send := func(method, p string, body any) func(ids) cell {
		return func(x ids) cell { return cell{method: method, path: x.fill(p), body: x.fillBody(body)} }
	}
	form := func(p string, kv ...string) func(ids) cell {
		return func(x ids) cell {
			v := url.Values{}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], x.fill(kv[i+1]))
			}
			return cell{method: "POST", path: x.fill(p), body: v}
		}
	}
	all := "aomgpr"
	return []row{
		// Operations and public pages.
		{pattern: "GET /healthz", in: get("/healthz"), may: all},
		{pattern: "GET /metrics", in: get("/metrics"), may: ""}, // its own token only
		{pattern: "GET /static/", in: get("/static/app.css"), may: all},
		{pattern: "GET /api/openapi.json", in: get("/api/openapi.json"), may: all},
		{pattern: "GET /api/docs", in: get("/api/docs"), may: all},
		{pattern: "GET /verify/{token}", in: get("/verify/{card_token}"), out: get("/verify/{card_token_out}"), may: all, mayOut: all, public: true},
		{pattern: "GET /verify/receipt/{token}", in: get("/verify/receipt/{receipt_token}"), out: get("/verify/receipt/{receipt_token_out}"), may: all, mayOut: all, public: true},
		{pattern: "GET /imports/template.csv", in: get("/imports/template.csv"), may: all},
		{pattern: "/api/", in: get("/api/v1/nothing-here"), may: ""},
		{pattern: "GET /claim-status", in: get("/claim-status?number={claim_number}&birth_date={claim_birth}"), may: all, public: true},

		// API: claims.
		{pattern: "GET /api/v1/claims", in: get("/api/v1/claims"), may: "aomg"},
		{pattern: "POST /api/v1/claims", in: send("POST", "/api/v1/claims", claimBody("{participant}", "{heir}")),
			out: send("POST", "/api/v1/claims", claimBody("{participant_out}", "{heir_out}")), may: "aog"},
		{pattern: "GET /api/v1/claims/{id}", in: get("/api/v1/claims/{claim}"), out: get("/api/v1/claims/{claim_out}"), may: "aomg"},
		{pattern: "GET /api/v1/claims/{id}/calculation", in: get("/api/v1/claims/{claim}/calculation"), out: get("/api/v1/claims/{claim_out}/calculation"), may: "aomg"},
		{pattern: "POST /api/v1/claims/{id}/documents", in: send("POST", "/api/v1/claims/{claim}/documents", []byte("not a form")),
			out: send("POST", "/api/v1/claims/{claim_out}/documents", []byte("not a form")), may: "aog"},
		{pattern: "GET /api/v1/claims/{id}/documents/{doc}", in: get("/api/v1/claims/{claim}/documents/{claim_doc}"), out: get("/api/v1/claims/{claim_out}/documents/{claim_doc_out}"), may: "aomg"},
		{pattern: "POST /api/v1/claims/{id}/{action}", in: send("POST", "/api/v1/claims/{claim}/take", nil), out: send("POST", "/api/v1/claims/{claim_out}/take", nil), may: "ao"},

		// API: incentive statements.
		{pattern: "GET /api/v1/incentives/statements", in: get("/api/v1/incentives/statements"), may: "aomg"},
		{pattern: "GET /api/v1/incentives/statements/{id}", in: get("/api/v1/incentives/statements/{statement}"), out: get("/api/v1/incentives/statements/{statement_out}"), may: "aomg"},
		{pattern: "POST /api/v1/incentives/statements/{id}/approve", in: send("POST", "/api/v1/incentives/statements/{statement}/approve", nil),
			out: send("POST", "/api/v1/incentives/statements/{statement_out}/approve", nil), may: "ao"},
		{pattern: "POST /api/v1/incentive-payouts", in: send("POST", "/api/v1/incentive-payouts", nil), may: "ao"},
		{pattern: "GET /api/v1/incentives/village-income", in: get("/api/v1/incentives/village-income?wadah_id={wadah}"), out: get("/api/v1/incentives/village-income?wadah_id={wadah_out}"), may: "aom"},

		// API: dashboards (Badung in scope, Gianyar out).
		{pattern: "GET /api/v1/dashboard", in: get("/api/v1/dashboard"), may: "aopr"},
		{pattern: "GET /api/v1/dashboard/{region_code}", in: get("/api/v1/dashboard/51.03"), out: get("/api/v1/dashboard/51.04"), may: "aopr", mayOut: "ap"},
		{pattern: "GET /api/v1/dashboard/{region_code}/rankings", in: get("/api/v1/dashboard/51.03/rankings?kind=wadah"), out: get("/api/v1/dashboard/51.04/rankings?kind=wadah"), may: "aopr", mayOut: "ap"},
		{pattern: "GET /api/v1/dashboard/{region_code}/targets", in: get("/api/v1/dashboard/51.03/targets"), out: get("/api/v1/dashboard/51.04/targets"), may: "aopr", mayOut: "ap"},
		{pattern: "POST /api/v1/dashboard/targets", in: send("POST", "/api/v1/dashboard/targets", map[string]any{"region_code": "51.03", "year": calendar.Today().Year(), "figure": "acquired", "target": 100}),
			out: send("POST", "/api/v1/dashboard/targets", map[string]any{"region_code": "51.04", "year": calendar.Today().Year(), "figure": "acquired", "target": 100}), may: "aopr", mayOut: "ap"},
		{pattern: "POST /api/v1/dashboard/potential", in: send("POST", "/api/v1/dashboard/potential", map[string]any{"entries": []map[string]any{{"region_code": "51.03", "year": 2026, "workers": 900, "source": "BPS"}}}),
			out: send("POST", "/api/v1/dashboard/potential", map[string]any{"entries": []map[string]any{{"region_code": "51.04", "year": 2026, "workers": 900, "source": "BPS"}}}), may: "aopr", mayOut: "ap"},
		{pattern: "POST /api/v1/claim-payouts", in: send("POST", "/api/v1/claim-payouts", nil), may: "ao"},

		// API: who, regions, branches, users, tokens, audit.
		{pattern: "GET /api/v1/me", in: get("/api/v1/me"), may: all},
		{pattern: "GET /api/v1/regions", in: get("/api/v1/regions?q=munggu"), may: all},
		{pattern: "GET /api/v1/regions/{code}", in: get("/api/v1/regions/51.03"), may: all},
		{pattern: "GET /api/v1/regions/{code}/children", in: get("/api/v1/regions/51.03/children"), may: all},
		{pattern: "GET /api/v1/branches", in: get("/api/v1/branches"), may: all},
		{pattern: "POST /api/v1/branches", in: send("POST", "/api/v1/branches", map[string]any{"code": "KC-X", "name": ""}), may: "a"},
		{pattern: "GET /api/v1/branches/{id}", in: get("/api/v1/branches/{branch}"), out: get("/api/v1/branches/{branch_out}"), may: all, mayOut: "ap"},
		{pattern: "GET /api/v1/users", in: get("/api/v1/users"), may: "ao"},
		{pattern: "POST /api/v1/users", in: send("POST", "/api/v1/users", map[string]any{"username": "x", "role": "agent", "scope": map[string]any{"agent_id": "{agent}"}}),
			out: send("POST", "/api/v1/users", map[string]any{"username": "x", "role": "agent", "scope": map[string]any{"agent_id": "{agent_out}"}}), may: "ao"},
		{pattern: "GET /api/v1/tokens", in: get("/api/v1/tokens"), may: all},
		{pattern: "POST /api/v1/tokens", in: send("POST", "/api/v1/tokens", map[string]any{"name": ""}), may: all},
		{pattern: "DELETE /api/v1/tokens/{id}", in: send("DELETE", "/api/v1/tokens/{own_token}", nil), out: send("DELETE", "/api/v1/tokens/{token_out}", nil), may: all, mayOut: ""},
		{pattern: "GET /api/v1/audit", in: get("/api/v1/audit"), may: "a"},
		{pattern: "GET /api/v1/audit/who-saw", in: get("/api/v1/audit/who-saw?participant_id={participant}"), may: "a"},

		// API: the network.
		{pattern: "GET /api/v1/wadah", in: get("/api/v1/wadah"), may: "aompr"}, // an agent works from its own page
		{pattern: "POST /api/v1/wadah", in: send("POST", "/api/v1/wadah", map[string]any{"name": "", "village": "51.03.02.2003"}),
			out: send("POST", "/api/v1/wadah", map[string]any{"name": "", "village": "51.04.01.2003"}), may: "ao"},
		{pattern: "GET /api/v1/wadah/{id}", in: get("/api/v1/wadah/{wadah}"), out: get("/api/v1/wadah/{wadah_out}"), may: "aompr", mayOut: "ap"},
		{pattern: "GET /api/v1/agreements", in: get("/api/v1/agreements"), may: "aom"},
		{pattern: "POST /api/v1/agreements", in: send("POST", "/api/v1/agreements", map[string]any{"wadah_id": "{wadah}"}),
			out: send("POST", "/api/v1/agreements", map[string]any{"wadah_id": "{wadah_out}"}), may: "ao"},
		{pattern: "POST /api/v1/agreements/{id}/activate", in: send("POST", "/api/v1/agreements/{agreement}/activate", map[string]any{}),
			out: send("POST", "/api/v1/agreements/{agreement_out}/activate", map[string]any{}), may: "ao"},
		{pattern: "POST /api/v1/agreements/{id}/terminate", in: send("POST", "/api/v1/agreements/{agreement}/terminate", map[string]any{"reason": ""}),
			out: send("POST", "/api/v1/agreements/{agreement_out}/terminate", map[string]any{"reason": ""}), may: "ao"},
		{pattern: "POST /api/v1/agreements/{id}/renew", in: send("POST", "/api/v1/agreements/{agreement}/renew", map[string]any{"number": ""}),
			out: send("POST", "/api/v1/agreements/{agreement_out}/renew", map[string]any{"number": ""}), may: "ao"},
		{pattern: "GET /api/v1/agents", in: get("/api/v1/agents"), may: "aom"},
		{pattern: "POST /api/v1/agents", in: send("POST", "/api/v1/agents", map[string]any{"wadah_id": "{wadah}"}),
			out: send("POST", "/api/v1/agents", map[string]any{"wadah_id": "{wadah_out}"}), may: "ao"},
		{pattern: "GET /api/v1/agents/{id}", in: get("/api/v1/agents/{agent}"), out: get("/api/v1/agents/{agent_out}"), may: "aomg"},
		{pattern: "POST /api/v1/agents/{id}/status", in: send("POST", "/api/v1/agents/{agent}/status", map[string]any{"status": "bogus"}),
			out: send("POST", "/api/v1/agents/{agent_out}/status", map[string]any{"status": "bogus"}), may: "ao"},
		{pattern: "POST /api/v1/agents/{id}/handover", in: send("POST", "/api/v1/agents/{agent}/handover", map[string]any{"to_agent_id": 0}),
			out: send("POST", "/api/v1/agents/{agent_out}/handover", map[string]any{"to_agent_id": 0}), may: "ao"},
		{pattern: "POST /api/v1/agents/{id}/cash-limits", in: send("POST", "/api/v1/agents/{agent}/cash-limits", map[string]any{"max_cash_on_hand": -1}),
			out: send("POST", "/api/v1/agents/{agent_out}/cash-limits", map[string]any{"max_cash_on_hand": -1}), may: "ao"},

		// API: participants.
		{pattern: "GET /api/v1/occupations", in: get("/api/v1/occupations"), may: all},
		{pattern: "GET /api/v1/income-table", in: get("/api/v1/income-table"), may: all},
		{pattern: "GET /api/v1/participants", in: get("/api/v1/participants"), may: "aomg"},
		{pattern: "POST /api/v1/participants", in: send("POST", "/api/v1/participants", registration("5103021203850981", "{agent_village}")),
			out: send("POST", "/api/v1/participants", registration("5104011203850982", "51.04.01.2001")), may: "aog"},
		{pattern: "GET /api/v1/participants/{id}", in: get("/api/v1/participants/{participant}"), out: get("/api/v1/participants/{participant_out}"), may: "aomg"},
		{pattern: "PATCH /api/v1/participants/{id}", in: send("PATCH", "/api/v1/participants/{participant}", map[string]any{"name": ""}),
			out: send("PATCH", "/api/v1/participants/{participant_out}", map[string]any{"name": ""}), may: "aog"},
		{pattern: "POST /api/v1/participants/{id}/review", in: send("POST", "/api/v1/participants/{participant}/review", map[string]any{"review": "bogus"}),
			out: send("POST", "/api/v1/participants/{participant_out}/review", map[string]any{"review": "bogus"}), may: "ao"},
		{pattern: "GET /api/v1/participants/{id}/history", in: get("/api/v1/participants/{participant}/history"), out: get("/api/v1/participants/{participant_out}/history"), may: "aomg"},
		{pattern: "GET /api/v1/participants/{id}/card.pdf", in: get("/api/v1/participants/{participant}/card.pdf"), out: get("/api/v1/participants/{participant_out}/card.pdf"), may: "aomg"},
		{pattern: "GET /api/v1/participants/{id}/card.png", in: get("/api/v1/participants/{participant}/card.png"), out: get("/api/v1/participants/{participant_out}/card.png"), may: "aomg"},

		// API: imports.
		{pattern: "GET /api/v1/imports", in: get("/api/v1/imports"), may: all}, // one's own imports
		{pattern: "POST /api/v1/imports", in: send("POST", "/api/v1/imports?filename=x.csv", []byte("nik\n")), may: "aog"},
		{pattern: "GET /api/v1/imports/{id}", in: get("/api/v1/imports/{own_import}"), out: get("/api/v1/imports/{import_out}"), may: all, mayOut: "a"},
		{pattern: "GET /api/v1/imports/{id}/report", in: get("/api/v1/imports/{own_import}/report"), out: get("/api/v1/imports/{import_out}/report"), may: all, mayOut: "a"},

		// API: money.
		{pattern: "POST /api/v1/quotes", in: send("POST", "/api/v1/quotes", map[string]any{"declared_income": 1000000, "sector": "other", "months": []string{"2027-01"}}), may: all},
		{pattern: "GET /api/v1/rules", in: get("/api/v1/rules"), may: all},
		{pattern: "POST /api/v1/incentives/quote", in: send("POST", "/api/v1/incentives/quote", map[string]any{"month": "2026-11", "contributions": []map[string]any{{"amount": 16800, "contribution_month": 1}}}), may: all},
		{pattern: "POST /api/v1/benefits/quote", in: send("POST", "/api/v1/benefits/quote", map[string]any{"program": "jkm", "reason": "death", "event_date": "2026-11-10", "covered_on_event": true}), may: all},
		{pattern: "GET /api/v1/participants/{id}/coverage", in: get("/api/v1/participants/{participant}/coverage"), out: get("/api/v1/participants/{participant_out}/coverage"), may: "aomg"},
		{pattern: "GET /api/v1/participants/{id}/payment-preview", in: get("/api/v1/participants/{participant}/payment-preview?months=1"), out: get("/api/v1/participants/{participant_out}/payment-preview?months=1"), may: "aomg"},
		{pattern: "GET /api/v1/participants/{id}/payments", in: get("/api/v1/participants/{participant}/payments"), out: get("/api/v1/participants/{participant_out}/payments"), may: "aomg"},
		{pattern: "POST /api/v1/payments", in: send("POST", "/api/v1/payments", map[string]any{"participant_id": "{participant}", "months": 2}),
			out: send("POST", "/api/v1/payments", map[string]any{"participant_id": "{participant_out}", "months": 2}), may: "aog"},
		{pattern: "GET /api/v1/payments/{id}", in: get("/api/v1/payments/{payment}"), out: get("/api/v1/payments/{payment_out}"), may: "aomg"},
		{pattern: "GET /api/v1/payments/{id}/receipt.pdf", in: get("/api/v1/payments/{payment}/receipt.pdf"), out: get("/api/v1/payments/{payment_out}/receipt.pdf"), may: "aomg"},
		{pattern: "POST /api/v1/payments/{id}/reverse", in: send("POST", "/api/v1/payments/{payment}/reverse", map[string]any{"reason": ""}),
			out: send("POST", "/api/v1/payments/{payment_out}/reverse", map[string]any{"reason": ""}), may: "ao"},
		{pattern: "GET /api/v1/ledger/verify", in: get("/api/v1/ledger/verify"), may: "a"},
		{pattern: "GET /api/v1/agents/{id}/cash", in: get("/api/v1/agents/{agent}/cash"), out: get("/api/v1/agents/{agent_out}/cash"), may: "aog"},
		{pattern: "GET /api/v1/agents/{id}/cash/statement", in: get("/api/v1/agents/{agent}/cash/statement"), out: get("/api/v1/agents/{agent_out}/cash/statement"), may: "aog"},
		{pattern: "GET /api/v1/deposits", in: get("/api/v1/deposits"), may: "aog"},
		{pattern: "POST /api/v1/deposits", in: send("POST", "/api/v1/deposits", map[string]any{"agent_id": "{agent}"}),
			out: send("POST", "/api/v1/deposits", map[string]any{"agent_id": "{agent_out}"}), may: "aog"},
		{pattern: "POST /api/v1/deposits/{id}/resolve", in: send("POST", "/api/v1/deposits/{deposit}/resolve", map[string]any{"reason": ""}),
			out: send("POST", "/api/v1/deposits/{deposit_out}/resolve", map[string]any{"reason": ""}), may: "ao"},
		{pattern: "POST /api/v1/bank-statements", in: send("POST", "/api/v1/bank-statements", []byte("date,reference,amount\n")), may: "ao"},
		{pattern: "GET /api/v1/bank-lines", in: get("/api/v1/bank-lines"), may: "ao"},

		// API: sponsors.
		{pattern: "GET /api/v1/sponsors", in: get("/api/v1/sponsors"), may: "aompr"},
		{pattern: "POST /api/v1/sponsors", in: send("POST", "/api/v1/sponsors", map[string]any{"kind": "apbdes", "name": "", "region": "51.03.02.2001"}),
			out: send("POST", "/api/v1/sponsors", map[string]any{"kind": "apbdes", "name": "", "region": "51.04.01.2001"}), may: "ao"},
		{pattern: "GET /api/v1/sponsorships", in: get("/api/v1/sponsorships"), may: "aompr"},
		{pattern: "POST /api/v1/sponsorships", in: send("POST", "/api/v1/sponsorships", sponsorshipBody("{sponsor}", "{kpj}")),
			out: send("POST", "/api/v1/sponsorships", sponsorshipBody("{sponsor_out}", "{kpj_out}")), may: "ao"},
		{pattern: "GET /api/v1/sponsorships/ending", in: get("/api/v1/sponsorships/ending"), may: "aomg"},
		{pattern: "POST /api/v1/sponsorships/{id}/charge", in: send("POST", "/api/v1/sponsorships/{sponsorship}/charge", map[string]any{"month": "bogus"}),
			out: send("POST", "/api/v1/sponsorships/{sponsorship_out}/charge", map[string]any{"month": "bogus"}), may: "ao"},
		{pattern: "GET /api/v1/sponsorships/{id}/report", in: get("/api/v1/sponsorships/{sponsorship}/report"), out: get("/api/v1/sponsorships/{sponsorship_out}/report"), may: "aom"},

		// Web UI.
		{pattern: "GET /login", in: get("/login"), may: all},
		{pattern: "POST /login", in: form("/login", "username", "nobody", "password", "wrong-password"), may: ""},
		{pattern: "POST /logout", in: form("/logout"), may: all},
		{pattern: "GET /lang/{lang}", in: get("/lang/en?back=/"), may: all},
		{pattern: "GET /{$}", in: get("/"), may: all},
		{pattern: "GET /users", in: get("/users"), may: "ao"},
		{pattern: "POST /users", in: form("/users", "username", "x", "role", "agent", "agent_id", "{agent}"), out: form("/users", "username", "x", "role", "agent", "agent_id", "{agent_out}"), may: "ao"},
		{pattern: "GET /tokens", in: get("/tokens"), may: all},
		{pattern: "POST /tokens", in: form("/tokens", "name", ""), may: all},
		{pattern: "POST /tokens/{id}/revoke", in: form("/tokens/{own_token2}/revoke", "confirm", "on"), out: form("/tokens/{token_out}/revoke", "confirm", "on"), may: all, mayOut: ""},
		{pattern: "GET /branches", in: get("/branches"), may: all},
		{pattern: "GET /audit", in: get("/audit"), may: "a"},
		{pattern: "GET /regions", in: get("/regions?q=munggu"), may: all},
		{pattern: "GET /participants", in: get("/participants"), may: "aomg"},
		{pattern: "GET /participants/new", in: get("/participants/new"), may: "aog"},
		{pattern: "POST /participants", in: form("/participants", registrationForm("5103021203850983", "{agent_village}")...),
			out: form("/participants", registrationForm("5104011203850984", "51.04.01.2001")...), may: "aog"},
		{pattern: "GET /participants/{id}", in: get("/participants/{participant}"), out: get("/participants/{participant_out}"), may: "aomg"},
		{pattern: "GET /participants/{id}/card.pdf", in: get("/participants/{participant}/card.pdf"), out: get("/participants/{participant_out}/card.pdf"), may: "aomg"},
		{pattern: "GET /participants/{id}/card.png", in: get("/participants/{participant}/card.png"), out: get("/participants/{participant_out}/card.png"), may: "aomg"},
		{pattern: "POST /participants/{id}/review", in: form("/participants/{participant}/review", "review", "bogus"), out: form("/participants/{participant_out}/review", "review", "bogus"), may: "ao"},
		{pattern: "GET /review", in: get("/review"), may: "ao"},
		{pattern: "GET /wadah", in: get("/wadah"), may: "aompr"},
		{pattern: "POST /wadah", in: form("/wadah", "name", "", "village", "51.03.02.2003"), out: form("/wadah", "name", "", "village", "51.04.01.2003"), may: "ao"},
		{pattern: "GET /agents", in: get("/agents"), may: "aom"},
		{pattern: "POST /agents", in: form("/agents", "wadah_id", "{wadah}"), out: form("/agents", "wadah_id", "{wadah_out}"), may: "ao"},
		{pattern: "POST /agents/{id}/status", in: form("/agents/{agent}/status", "status", "bogus", "confirm", "on"), out: form("/agents/{agent_out}/status", "status", "bogus", "confirm", "on"), may: "ao"},
		{pattern: "POST /agents/{id}/handover", in: form("/agents/{agent}/handover", "to_agent_id", "0", "confirm", "on"), out: form("/agents/{agent_out}/handover", "to_agent_id", "0", "confirm", "on"), may: "ao"},
		{pattern: "POST /agents/{id}/cash-limits", in: form("/agents/{agent}/cash-limits", "max_cash_on_hand", "-1"), out: form("/agents/{agent_out}/cash-limits", "max_cash_on_hand", "-1"), may: "ao"},
		{pattern: "GET /agreements", in: get("/agreements"), may: "aom"},
		{pattern: "POST /agreements", in: form("/agreements", "wadah_id", "{wadah}"), out: form("/agreements", "wadah_id", "{wadah_out}"), may: "ao"},
		{pattern: "POST /agreements/{id}/{action}", in: form("/agreements/{agreement}/terminate", "reason", "", "confirm", "on"), out: form("/agreements/{agreement_out}/terminate", "reason", "", "confirm", "on"), may: "ao"},
		{pattern: "GET /imports", in: get("/imports"), may: "aog"},
		{pattern: "POST /imports", in: form("/imports"), may: "aog"},
		{pattern: "GET /imports/{id}", in: get("/imports/{own_import}"), out: get("/imports/{import_out}"), may: all, mayOut: "a"},
		{pattern: "GET /imports/{id}/report", in: get("/imports/{own_import}/report"), out: get("/imports/{import_out}/report"), may: all, mayOut: "a"},
		{pattern: "GET /participants/{id}/pay", in: get("/participants/{participant}/pay"), out: get("/participants/{participant_out}/pay"), may: "aog"},
		{pattern: "POST /participants/{id}/pay", in: form("/participants/{participant}/pay", "months", "2"), out: form("/participants/{participant_out}/pay", "months", "2"), may: "aog"},
		{pattern: "GET /payments/{id}/receipt", in: get("/payments/{payment}/receipt"), out: get("/payments/{payment_out}/receipt"), may: "aomg"},
		{pattern: "GET /payments/{id}/receipt.pdf", in: get("/payments/{payment}/receipt.pdf"), out: get("/payments/{payment_out}/receipt.pdf"), may: "aomg"},
		{pattern: "POST /payments/{id}/reverse", in: form("/payments/{payment}/reverse", "reason", "", "confirm", "on"), out: form("/payments/{payment_out}/reverse", "reason", "", "confirm", "on"), may: "ao"},
		{pattern: "GET /deposits", in: get("/deposits"), may: "aog"},
		{pattern: "GET /cash", in: get("/cash"), may: "g"}, // an agent's own
		{pattern: "GET /agents/{id}/cash", in: get("/agents/{agent}/cash"), out: get("/agents/{agent_out}/cash"), may: "aog"},
		{pattern: "POST /deposits", in: form("/deposits", "agent_id", "{agent}"), out: form("/deposits", "agent_id", "{agent_out}"), may: "g", mayOut: "g"}, // the form records the agent's own: agent_id is ignored
		{pattern: "POST /deposits/{id}/resolve", in: form("/deposits/{deposit}/resolve", "reason", ""), out: form("/deposits/{deposit_out}/resolve", "reason", ""), may: "ao"},
		{pattern: "POST /bank-statements", in: form("/bank-statements"), may: "ao"},
		{pattern: "GET /claims", in: get("/claims"), may: "aomg"},
		{pattern: "GET /participants/{id}/claims/new", in: get("/participants/{participant}/claims/new"), out: get("/participants/{participant_out}/claims/new"), may: "aog"},
		{pattern: "POST /participants/{id}/claims", in: form("/participants/{participant}/claims", "program", "jkm"), out: form("/participants/{participant_out}/claims", "program", "jkm"), may: "aog"},
		{pattern: "GET /claims/{id}", in: get("/claims/{claim}"), out: get("/claims/{claim_out}"), may: "aomg"},
		{pattern: "POST /claims/{id}/documents", in: form("/claims/{claim}/documents", "kind", "ktp"), out: form("/claims/{claim_out}/documents", "kind", "ktp"), may: "aog"},
		{pattern: "GET /claims/{id}/documents/{doc}", in: get("/claims/{claim}/documents/{claim_doc}"), out: get("/claims/{claim_out}/documents/{claim_doc_out}"), may: "aomg"},
		{pattern: "POST /claims/{id}/{action}", in: form("/claims/{claim}/take"), out: form("/claims/{claim_out}/take"), may: "ao"},
		{pattern: "GET /incentives", in: get("/incentives"), may: "aomg"},
		{pattern: "POST /incentives/{id}/approve", in: form("/incentives/{statement}/approve", "confirm", "on"), out: form("/incentives/{statement_out}/approve", "confirm", "on"), may: "ao"},
		{pattern: "POST /incentive-payouts", in: form("/incentive-payouts", "confirm", "on"), may: "ao"},
		{pattern: "GET /village-income", in: get("/village-income?wadah_id={wadah}&format=xlsx"), out: get("/village-income?wadah_id={wadah_out}&format=xlsx"), may: "aom"},
		{pattern: "GET /dashboard", in: get("/dashboard"), may: "aopr"},
		{pattern: "GET /dashboard/export", in: get("/dashboard/export?format=csv&region=51.03"), out: get("/dashboard/export?format=csv&region=51.04"), may: "aopr", mayOut: "ap"},
		{pattern: "POST /dashboard/potential", in: form("/dashboard/potential", "region", "51.03", "year", "2026", "workers", "900", "source", "BPS"),
			out: form("/dashboard/potential", "region", "51.04", "year", "2026", "workers", "900", "source", "BPS"), may: "aopr", mayOut: "ap"},
		{pattern: "POST /dashboard/potential/import", in: form("/dashboard/potential/import"), may: "aopr"},
		{pattern: "POST /dashboard/targets", in: form("/dashboard/targets", "region", "51.03", "year", "2026", "figure", "acquired", "target", "100"),
			out: form("/dashboard/targets", "region", "51.04", "year", "2026", "figure", "acquired", "target", "100"), may: "aopr", mayOut: "ap"},
		{pattern: "POST /claim-payouts", in: form("/claim-payouts"), may: "ao"},
		{pattern: "GET /sponsors", in: get("/sponsors"), may: "aompr"},
		{pattern: "POST /sponsors", in: form("/sponsors", "kind", "apbdes", "name", "", "region", "51.03.02.2001"), out: form("/sponsors", "kind", "apbdes", "name", "", "region", "51.04.01.2001"), may: "ao"},
		{pattern: "POST /sponsorships", in: form("/sponsorships", "sponsor_id", "{sponsor}", "participants", "{kpj}", "name", "Dana Desa", "month_from", "{month}", "month_to", "{month}", "jkk", "on", "jkm", "on", "budget", "1000000"),
			out: form("/sponsorships", "sponsor_id", "{sponsor_out}", "participants", "{kpj_out}", "name", "Dana Desa", "month_from", "{month}", "month_to", "{month}", "jkk", "on", "jkm", "on", "budget", "1000000"), may: "ao"},
		{pattern: "POST /sponsorships/{id}/charge", in: form("/sponsorships/{sponsorship}/charge", "month", "bogus"), out: form("/sponsorships/{sponsorship_out}/charge", "month", "bogus"), may: "ao"},
		{pattern: "GET /sponsorships/{id}", in: get("/sponsorships/{sponsorship}"), out: get("/sponsorships/{sponsorship_out}"), may: "aom"},
		{pattern: "GET /sponsorships/{id}/report.csv", in: get("/sponsorships/{sponsorship}/report.csv"), out: get("/sponsorships/{sponsorship_out}/report.csv"), may: "aom"},
	}
}

func (x ids) fill(s string) string {
	for k, v := range x {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	if i := strings.Index(s, "{"); i >= 0 && strings.Contains(s[i:], "}") {
		panic("matrix: no fixture for " + s)
	}
	return s
}

// registrationForm is registration() as the form's fields.
func registrationForm(nikStr, village string) []string {
	return []string{"nik", nikStr, "name", "I Wayan Sudarma", "birth_date", "1985-03-12", "sex", "L", "village", village,
		"occupation", "petani", "declared_income", "1000000", "consent", "on"}
}

func claimBody(participantID, heirID string) map[string]any {
	return map[string]any{"participant_id": participantID, "program": "jkm", "reason": "death", "event_date": calendar.Today().String(),
		"claimant": map[string]any{"name": "Ahli Waris", "heir_id": heirID, "bank_name": "BPD Bali", "bank_account": "0123456789"}}
}

func sponsorshipBody(sponsorID, kpj string) map[string]any {
	return map[string]any{"sponsor_id": sponsorID, "participants": []string{kpj}, "name": "Dana Desa", "month_from": "{month}", "month_to": "{month}",
		"jkk": true, "jkm": true, "budget": 1_000_000}
}

// fillBody puts ids into a JSON body: a string "{name}" alone becomes the number or text.
func (x ids) fillBody(b any) any {
	switch v := b.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			out[k] = x.fillBody(e)
		}
		return out
	case map[string]string:
		out := map[string]any{}
		for k, e := range v {
			out[k] = x.fillBody(e)
		}
		return out
	case []string:
		out := make([]string, len(v))
		for i, e := range v {
			out[i] = x.fill(e)
		}
		return out
	case string:
		f := x.fill(v)
		if n, err := strconv.ParseInt(f, 10, 64); err == nil && f != v {
			return n
		}
		return f
	}
	return b
}

// matrixFixture builds what the matrix needs on top of the small demo: a second Bumdes in KC
// Gianyar, a regency viewer, a worker no agent manages, payments, a deposit, sponsorships,
// imports and tokens on both sides.
func matrixFixture(t *testing.T, e *env) (x ids, everyone, gianyar []string) {
	t.Helper()
	ctx := context.Background()
	db := e.db
	rs := rules.Default()
	today := calendar.Today()
	act := audit.Actor{Name: "matrix"}
	x = ids{}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	dps, err := db.BranchByCode(ctx, "KC-DPS")
	must(err)
	gia, err := db.BranchByCode(ctx, "KC-GIA")
	must(err)
	x["branch"], x["branch_out"] = id(dps.ID), id(gia.ID)
	ketewel := network.Wadah{Name: "Bumdes Ketewel", Village: "51.04.01.2002", ContactName: "I Made Ketewel", ContactPhone: "081299990001"}
	must(db.CreateWadah(ctx, act, &ketewel))
	_, err = db.CreateUser(ctx, act, access.NewUser{Username: "pmd.badung", Name: "Dinas PMD Kabupaten Badung", Role: access.Government, Password: demo.Password, Scope: access.Scope{Region: "51.03"}})
	must(err)

	principal := func(user string) access.Principal {
		u, _, err := db.UserByUsername(ctx, user)
		must(err)
		p, err := db.Principal(ctx, u.ID)
		must(err)
		return p
	}
	made := principal("agen.made")
	x["agent"], x["wadah"] = id(made.AgentID), id(made.WadahID)
	madeAgent, err := db.Agent(ctx, store.Ref{ID: made.AgentID})
	must(err)
	x["agent_village"] = madeAgent.Villages[0]
	x["month"] = calendar.Today().MonthOf().Add(1).String()
	ws, err := db.WadahList(ctx, store.WadahFilter{BranchID: gia.ID, PerisaiOnly: true})
	must(err)
	x["wadah_out"] = id(ws[0].ID)
	gAgents, err := db.Agents(ctx, store.AgentFilter{WadahID: ws[0].ID})
	must(err)
	gAgent := gAgents[0]
	x["agent_out"] = id(gAgent.ID)
	gAgentP := access.Principal{Username: "agent-out", Role: access.Agent, AgentID: gAgent.ID, WadahID: ws[0].ID, BranchID: gia.ID}

	mine, err := db.Participants(ctx, audit.Actor{}, store.ParticipantFilter{AgentID: made.AgentID})
	must(err)
	theirs, err := db.Participants(ctx, audit.Actor{}, store.ParticipantFilter{AgentID: gAgent.ID})
	must(err)
	if len(mine) == 0 || len(theirs) == 0 {
		t.Fatal("the demo gave an agent no workers")
	}
	p, pOut := mine[0], theirs[0]
	x["participant"], x["participant_out"], x["kpj"], x["kpj_out"] = id(p.ID), id(pOut.ID), p.KPJ, pOut.KPJ

	// A worker the branch registered with no agent: the officer's alone (issue 16 §1).
	officer := principal("kc.denpasar")
	unassigned, err := db.Register(ctx, officer, act, rs, participant.Registration{NIK: "5103021203850971", Name: "I Ketut Tanpa Agen",
		BirthDate: calendar.D(1985, 3, 12), Sex: "L", Village: "51.03.02.2001", Occupation: "petani", DeclaredIncome: 1_000_000, Consent: true}, today)
	must(err)
	x["unassigned"] = id(unassigned.ID)
	colleagues, err := db.Agents(ctx, store.AgentFilter{WadahID: made.WadahID})
	must(err)
	for _, a := range colleagues {
		if a.ID != made.AgentID {
			x["colleague"] = id(a.ParticipantID)
			break
		}
	}

	pay, err := db.Pay(ctx, made, act, rs, store.PayRequest{ParticipantID: p.ID, Months: 1}, today)
	must(err)
	payOut, err := db.Pay(ctx, gAgentP, act, rs, store.PayRequest{ParticipantID: pOut.ID, Months: 1}, today)
	must(err)
	x["payment"], x["payment_out"] = id(pay.ID), id(payOut.ID)
	x["card_token"], x["card_token_out"] = cardToken(t, e, p.KPJ), cardToken(t, e, pOut.KPJ)
	x["receipt_token"], x["receipt_token_out"] = receiptToken(t, e, pay.ID), receiptToken(t, e, payOut.ID)
	for _, side := range []struct {
		key   string
		wadah int64
	}{{"agreement", made.WadahID}, {"agreement_out", ws[0].ID}} {
		ags, err := db.Agreements(ctx, store.AgreementFilter{WadahID: side.wadah})
		must(err)
		x[side.key] = id(ags[0].ID)
	}
	dep, err := db.RecordDeposit(ctx, act, store.DepositRequest{AgentID: made.AgentID, SlipRef: "SLIP-IN", Amount: pay.Amount + 1000, PaymentIDs: []int64{pay.ID}})
	must(err)
	depOut, err := db.RecordDeposit(ctx, act, store.DepositRequest{AgentID: gAgent.ID, SlipRef: "SLIP-OUT", Amount: payOut.Amount + 1000, PaymentIDs: []int64{payOut.ID}})
	must(err)
	x["deposit"], x["deposit_out"] = id(dep.ID), id(depOut.ID)

	m := today.MonthOf()
	for _, side := range []struct{ suffix, village, kpj string }{{"", "51.03.02.2001", p.KPJ}, {"_out", "51.04.01.2001", pOut.KPJ}} {
		sp := sponsor.Sponsor{Kind: sponsor.APBDes, Name: "Desa " + side.village, Region: side.village}
		must(db.CreateSponsor(ctx, act, &sp))
		sh := sponsor.Sponsorship{SponsorID: sp.ID, Name: "Dana Desa " + side.village, From: m.Add(1), To: m.Add(2), JKK: true, JKM: true, Budget: 1_000_000}
		must(db.CreateSponsorship(ctx, act, &sh, []string{side.kpj}, store.ParticipantFilter{}))
		x["sponsor"+side.suffix], x["sponsorship"+side.suffix] = id(sp.ID), id(sh.ID)
	}

	// A JKM claim on each side, each with a document.
	for _, side := range []struct {
		suffix string
		who    participant.Participant
		by     access.Principal
	}{{"", p, made}, {"_out", pOut, gAgentP}} {
		full, err := db.Participant(ctx, audit.Actor{}, store.Ref{ID: side.who.ID})
		must(err)
		x["heir"+side.suffix] = id(full.Heirs[0].ID)
		c := claim.Claim{ParticipantID: full.ID, Program: benefit.JKM, Reason: benefit.Death, EventDate: today,
			Claimant: claim.Claimant{Name: full.Heirs[0].Name, HeirID: full.Heirs[0].ID, BankName: "BPD Bali", BankAccount: "0123456789"}}
		must(db.CreateClaim(ctx, side.by, act, store.Ref{ID: c.ParticipantID}, &c, today))
		doc := claim.Document{Kind: "death_certificate", Filename: "akta.pdf", ContentType: "application/pdf"}
		must(db.AttachDocument(ctx, act, rs, c, &doc, []byte("%PDF-1.4 akta")))
		x["claim"+side.suffix], x["claim_doc"+side.suffix] = id(c.ID), id(doc.ID)
		if side.suffix == "" {
			x["claim_number"], x["claim_birth"] = c.Number, full.BirthDate.String()
		}
	}

	// The month's incentive statements: made's, and the Gianyar agent's.
	_, err = db.RunIncentives(store.AsOf(ctx, today.MonthOf().Add(1).Begins()), act, rs, today.MonthOf())
	must(err)
	for _, side := range []struct {
		suffix string
		agent  int64
	}{{"", made.AgentID}, {"_out", gAgent.ID}} {
		sts, _, err := db.IncentiveStatements(ctx, store.IncentiveFilter{AgentID: side.agent})
		must(err)
		if len(sts) == 0 {
			t.Fatalf("no incentive statement for agent %d", side.agent)
		}
		x["statement"+side.suffix] = id(sts[0].ID)
	}

	// Imports and tokens belong to their users: each role has its own; the "out" ones are
	// kc.gianyar's.
	officerOut := principal("kc.gianyar")
	imOut, err := db.StartImport(ctx, store.OwnerOf(officerOut), audit.Actor{UserID: officerOut.UserID, Name: "kc.gianyar"}, "gianyar.csv", "", 0)
	must(err)
	x["import_out"] = id(imOut.ID)
	_, tokOut, err := db.CreateToken(ctx, act, officerOut.UserID, "gianyar")
	must(err)
	x["token_out"] = id(tokOut.ID)

	// What no government viewer may ever read (the persons), and what no one outside KC
	// Gianyar but the admin may read when refused (its persons).
	people, err := db.Participants(ctx, audit.Actor{}, store.ParticipantFilter{Limit: 500})
	must(err)
	for _, q := range people {
		marks := []string{q.KPJ, q.Name, q.NIKMasked}
		if q.Phone != "" {
			marks = append(marks, q.Phone)
		}
		everyone = append(everyone, marks...)
		if q.BranchID == gia.ID {
			gianyar = append(gianyar, marks...)
		}
	}
	everyone = append(everyone, ketewel.ContactName, ketewel.ContactPhone)
	gianyar = append(gianyar, ketewel.ContactName, ketewel.ContactPhone)
	return x, everyone, gianyar
}

// receiptToken is the signed token in a receipt's QR code, read as the admin sees the receipt.
func receiptToken(t *testing.T, e *env, paymentID int64) string {
	t.Helper()
	b := e.browser()
	b.login("admin")
	_, page := b.get("/payments/" + strconv.FormatInt(paymentID, 10) + "/receipt")
	m := regexp.MustCompile(`data:image/png;base64,([A-Za-z0-9+/=]+)`).FindStringSubmatch(html.UnescapeString(page))
	if m == nil {
		t.Fatal("no QR on the receipt")
	}
	raw, _ := base64.StdEncoding.DecodeString(m[1])
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(readQR(t, img))
	return strings.TrimPrefix(u.Path, "/verify/receipt/")
}

// actorIDs are the per-user records a role's row names: its own import and token.
func ownIDs(t *testing.T, e *env, user string, x ids) ids {
	t.Helper()
	ctx := context.Background()
	u, _, err := e.db.UserByUsername(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	own := ids{}
	for k, v := range x {
		own[k] = v
	}
	owner, err := e.db.Principal(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	im, err := e.db.StartImport(ctx, store.OwnerOf(owner), audit.Actor{UserID: u.ID, Name: user}, user+".csv", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	own["own_import"] = strconv.FormatInt(im.ID, 10)
	_, tok, err := e.db.CreateToken(ctx, audit.Actor{Name: "matrix"}, u.ID, "spare")
	if err != nil {
		t.Fatal(err)
	}
	own["own_token"] = strconv.FormatInt(tok.ID, 10)
	_, tok, err = e.db.CreateToken(ctx, audit.Actor{Name: "matrix"}, u.ID, "spare 2")
	if err != nil {
		t.Fatal(err)
	}
	own["own_token2"] = strconv.FormatInt(tok.ID, 10)
	return own
}

// client sends one cell as a role: API paths with the role's token, others with its session.
type client struct {
	e     *env
	token string
	b     *browser
	csrf  string
	n     int
}

func (c *client) do(t *testing.T, cl cell) (int, string) {
	t.Helper()
	c.n++
	var body io.Reader
	ct := ""
	switch v := cl.body.(type) {
	case nil:
	case []byte:
		body, ct = bytes.NewReader(v), "text/csv"
	case url.Values:
		v = cloneValues(v)
		v.Set("csrf_token", c.csrf)
		v.Set("form_key", fmt.Sprintf("matrix-%d", c.n))
		body, ct = strings.NewReader(v.Encode()), "application/x-www-form-urlencoded"
	default:
		j, _ := json.Marshal(v)
		body, ct = bytes.NewReader(j), "application/json"
	}
	req, _ := http.NewRequest(cl.method, c.e.srv.URL+cl.path, body)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	hc := c.b.c
	if strings.HasPrefix(cl.path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+c.token)
		req.Header.Set("Idempotency-Key", fmt.Sprintf("matrix-%d", c.n))
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusSeeOther && resp.Header.Get("Location") == "/login" && cl.path != "/logout" {
		resp.Body.Close()
		return http.StatusUnauthorized, "" // sent to log in: refused
	}
	return resp.StatusCode, readBody(t, resp)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// denied: the answer refuses (or sends a page's visitor to log in).
func denied(code int) bool { return code == 401 || code == 403 || code == 404 }

func TestRouteRoleMatrix(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		x, everyone, gianyar := matrixFixture(t, e)
		rows := matrixRows()

		// Every route has a row, and every row a route.
		byPattern := map[string]row{}
		for _, r := range rows {
			if _, dup := byPattern[r.pattern]; dup {
				t.Errorf("two rows for %s", r.pattern)
			}
			byPattern[r.pattern] = r
		}
		patterns := e.patterns
		for _, p := range patterns {
			if _, ok := byPattern[p]; !ok {
				t.Errorf("route %s has no row in the route × role matrix", p)
			}
		}
		for p := range byPattern {
			if !slices.Contains(patterns, p) {
				t.Errorf("the matrix has a row for %s, which is no route", p)
			}
		}

		clients := map[byte]*client{}
		owns := map[byte]ids{}
		for _, ru := range roleUsers {
			owns[ru.letter] = ownIDs(t, e, ru.user, x)
			b := e.browser()
			b.login(ru.user)
			clients[ru.letter] = &client{e: e, token: e.api(ru.user).token, b: b, csrf: b.csrf("/tokens")}
		}
		// A worker no agent manages is the branch staff's alone; an agent's own participant
		// record is its wadah manager's, not its fellow agents' (issue 16 §1).
		for _, c := range []struct {
			path, may string
		}{
			{"/api/v1/participants/{unassigned}", "ao"}, {"/participants/{unassigned}", "ao"},
			{"/api/v1/participants/{colleague}", "aom"}, {"/participants/{colleague}", "aom"},
		} {
			var sb strings.Builder
			for _, ru := range roleUsers {
				code, _ := clients[ru.letter].do(t, cell{method: "GET", path: x.fill(c.path)})
				sb.WriteByte(outcome(code, ru.letter))
			}
			if sb.String() != expect(c.may) {
				t.Errorf("GET %s: %s, want %s", c.path, sb.String(), expect(c.may))
			}
		}
		got := map[string][2]string{} // pattern → in, out outcomes by role
		// Writes that end a session or revoke go last, so that the rest run logged in.
		sort.SliceStable(rows, func(i, j int) bool { return last(rows[i].pattern) < last(rows[j].pattern) })
		for _, r := range rows {
			var in, out strings.Builder
			for _, ru := range roleUsers {
				c := clients[ru.letter]
				own := owns[ru.letter]
				code, body := c.do(t, r.in(own))
				if code >= 500 {
					t.Errorf("%s as %s: %d %s", r.pattern, ru.user, code, trim(body))
				}
				in.WriteByte(outcome(code, ru.letter))
				if (ru.letter == 'p' || ru.letter == 'r') && !r.public {
					if leak := leaked(body, everyone); leak != "" {
						t.Errorf("%s shows government viewer %s a person: %q", r.pattern, ru.user, leak)
					}
				}
				if r.out == nil {
					continue
				}
				code, body = c.do(t, r.out(own))
				if code >= 500 {
					t.Errorf("%s out of scope as %s: %d %s", r.pattern, ru.user, code, trim(body))
				}
				out.WriteByte(outcome(code, ru.letter))
				if denied(code) && ru.letter != 'a' {
					if leak := leaked(body, gianyar); leak != "" {
						t.Errorf("%s out of scope refused %s but showed %q", r.pattern, ru.user, leak)
					}
				}
			}
			got[r.pattern] = [2]string{in.String(), out.String()}
		}
		for _, r := range rows {
			want := [2]string{expect(r.may), ""}
			if r.out != nil {
				mo := r.mayOut
				if mo == "" && !strings.Contains(r.pattern, "token") {
					mo = "a"
				}
				want[1] = expect(mo)
			}
			if got[r.pattern] != want {
				t.Errorf("%-48s in %s want %s | out %s want %s", r.pattern, got[r.pattern][0], want[0], got[r.pattern][1], want[1])
			}
		}
		if os.Getenv("PERISAI_MATRIX_PRINT") != "" {
			for _, r := range rows {
				fmt.Printf("%-50s %s %s\n", r.pattern, got[r.pattern][0], got[r.pattern][1])
			}
		}
	})
}

// last orders the rows that end a session or revoke a token after the others.
func last(pattern string) int {
	switch {
	case strings.Contains(pattern, "logout"):
		return 2
	case strings.Contains(pattern, "revoke") || strings.Contains(pattern, "tokens/{id}"):
		return 1
	}
	return 0
}

// outcome is the role's letter when it got through, "." when refused.
func outcome(code int, letter byte) byte {
	if denied(code) {
		return '.'
	}
	return letter
}

// expect spells the allowed roles in the order of roleUsers.
func expect(may string) string {
	var sb strings.Builder
	for _, ru := range roleUsers {
		if strings.IndexByte(may, ru.letter) >= 0 {
			sb.WriteByte(ru.letter)
		} else {
			sb.WriteByte('.')
		}
	}
	return sb.String()
}

// leaked is the first secret that appears in body, or "".
func leaked(body string, secrets []string) string {
	for _, s := range secrets {
		if len(s) >= 4 && strings.Contains(body, s) {
			return s
		}
	}
	return ""
}

func trim(s string) string {
	if len(s) > 300 {
		return s[:300]
	}
	return s
}
