package rules

import (
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/calendar"
)

func day(s string) calendar.Date { d, _ := calendar.ParseDate(s); return d }

// DOMAIN.md §2: the lowest declared income is Rp 1,000,000 and the highest Rp 20,700,000.
func TestIncomeTable(t *testing.T) {
	s := Default()
	tbl, err := s.IncomeTable(day("2026-05-01"))
	if err != nil {
		t.Fatal(err)
	}
	if tbl[0] != 1_000_000 || tbl[len(tbl)-1] != 20_700_000 {
		t.Fatalf("table ends: %d … %d", tbl[0], tbl[len(tbl)-1])
	}
	for _, c := range []struct {
		income int64
		ok     bool
	}{{1_000_000, true}, {20_700_000, true}, {999_999, false}, {1_000_001, false}, {25_000_000, false}} {
		if got := s.ValidIncome(day("2026-05-01"), c.income); got != c.ok {
			t.Errorf("%d: %v", c.income, got)
		}
	}
	if _, err := s.IncomeTable(day("2010-01-01")); err == nil {
		t.Error("a table before PP 44/2015")
	}
}

// Perdir 13/PERDIR.02/042022: 5 agents, 3 idle months, back after 6; PKS at most a year.
func TestNetwork(t *testing.T) {
	n, err := Default().NetworkAt(day("2026-11-23"))
	if err != nil {
		t.Fatal(err)
	}
	if n != (Network{MinActiveAgents: 5, InactiveAfterMonths: 3, ReactivateAfterMonths: 6, MaxAgreementMonths: 12}) {
		t.Fatalf("%+v", n)
	}
}

// Keys are answered for 30 days (Perisai's operating policy, not a regulation).
func TestRecords(t *testing.T) {
	r, err := Default().RecordsAt(day("2026-11-30"))
	if err != nil || r.IdempotencyKeyDays != 30 {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestOccupationSectors(t *testing.T) {
	s := Default()
	for code, want := range map[string]Sector{"ojek": Transport, "kurir": Transport, "petani": Other, "nelayan": Other} {
		o, ok := s.Occupation(code)
		if !ok || o.Sector != want {
			t.Errorf("%s: %+v", code, o)
		}
	}
}

func TestParseRefusesBadFiles(t *testing.T) {
	good := string(defaultFile)
	cases := map[string]string{
		"no version":      strings.Replace(good, `"version": "2026-11-30.1"`, `"version": ""`, 1),
		"no source":       strings.Replace(good, `"source": "Perdir 13/PERDIR.02/042022; PKS (cooperation agreement) max 1 year"`, `"source": ""`, 1),
		"unknown field":   strings.Replace(good, `"version"`, `"colour": 1, "version"`, 1),
		"income unsorted": strings.Replace(good, "1500000,", "500000,", 1),
		"bad sector":      strings.Replace(good, `"sector": "transport"`, `"sector": "air"`, 1),
		"bad date":        strings.Replace(good, `"2022-04-01"`, `"01/04/2022"`, 1),
		"no key days":     strings.Replace(good, `"idempotency_key_days": 30`, `"idempotency_key_days": 0`, 1),
		"overlap":         strings.Replace(good, `"network": [`, `"network": [{"effective_from": "2023-01-01", "source": "x", "value": {}},`, 1),
	}
	for name, file := range cases {
		if file == good {
			t.Fatalf("%s: replacement did not apply", name)
		}
		if _, err := Parse([]byte(file)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
