package calendar

import (
	"testing"
	"time"
)

// Keppres 41/1987 (DOMAIN.md §8): Bali is WITA, Jakarta WIB, Papua WIT.
func TestZoneOf(t *testing.T) {
	at := time.Date(2026, 11, 30, 6, 5, 0, 0, time.UTC)
	cases := []struct{ region, want string }{
		{"51.03.02.2001", "30 Nov 2026 14:05 WITA"}, // Bali
		{"31.71", "30 Nov 2026 13:05 WIB"},          // DKI Jakarta
		{"91", "30 Nov 2026 15:05 WIT"},             // Papua
		{"73.71.01.1001", "30 Nov 2026 14:05 WITA"}, // Makassar
		{"62", "30 Nov 2026 13:05 WIB"},             // Central Kalimantan
		{"64", "30 Nov 2026 14:05 WITA"},            // East Kalimantan
		{"82", "30 Nov 2026 15:05 WIT"},             // North Maluku
		{"", "30 Nov 2026 13:05 WIB"},
	}
	for _, c := range cases {
		if got := Moment(at, ZoneOf(c.region), "id"); got != c.want {
			t.Errorf("%q: %s, want %s", c.region, got, c.want)
		}
	}
}

func TestNames(t *testing.T) {
	if got := MonthOf(2026, time.May).Name("id"); got != "Mei 2026" {
		t.Error(got)
	}
	if got := MonthOf(2026, time.May).Name("en"); got != "May 2026" {
		t.Error(got)
	}
	if got := D(2026, 8, 17).Name("id"); got != "17 Agu 2026" {
		t.Error(got)
	}
	if got := D(2026, 8, 17).Name("en"); got != "17 Aug 2026" {
		t.Error(got)
	}
	if (Date{}).Name("id") != "" {
		t.Error("a zero date has a name")
	}
}
