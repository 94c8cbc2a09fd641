package calendar

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	d, err := ParseDate("1985-03-12")
	if err != nil || d != D(1985, 3, 12) {
		t.Fatal(d, err)
	}
	if _, err := ParseDate("12-03-1985"); err == nil {
		t.Fatal("wrong format accepted")
	}
	for _, c := range []struct {
		at   Date
		want int
	}{{D(2026, 3, 11), 40}, {D(2026, 3, 12), 41}, {D(2026, 12, 31), 41}} {
		if got := d.YearsAt(c.at); got != c.want {
			t.Errorf("age at %s: %d", c.at, got)
		}
	}
	b, _ := json.Marshal(struct{ D Date }{d})
	if string(b) != `{"D":"1985-03-12"}` {
		t.Fatal(string(b))
	}
	// Late evening UTC is already tomorrow in WIB.
	if got := Of(time.Date(2026, 1, 31, 18, 0, 0, 0, time.UTC)); got != D(2026, 2, 1) {
		t.Fatal(got)
	}
	var s Date
	if err := s.Scan("2026-02-01 00:00:00+00:00"); err != nil || s != D(2026, 2, 1) {
		t.Fatal(s, err)
	}
}

func TestMonth(t *testing.T) {
	m := MonthOf(2026, time.December)
	if m.Add(1).String() != "2027-01" || m.Add(-12).String() != "2025-12" {
		t.Fatal(m.Add(1), m.Add(-12))
	}
	if m.Last() != D(2026, 12, 31) || MonthOf(2024, 2).Last() != D(2024, 2, 29) {
		t.Fatal("last day")
	}
	p, err := ParseMonth("2026-05")
	if err != nil || p != MonthOf(2026, 5) || int(MonthOf(2027, 4)-MonthOf(2026, 5)) != 11 {
		t.Fatal(p, err)
	}
}
