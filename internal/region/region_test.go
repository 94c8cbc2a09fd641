package region

import (
	"bytes"
	"testing"
)

// National totals from Kepmendagri 300.2.2-2138/2025 (../shared/DOMAIN.md §5).
func TestNationalCounts(t *testing.T) {
	tr := MustDefault()
	for _, c := range []struct {
		level Level
		want  int
	}{{Province, 38}, {Regency, 514}, {District, 7285}, {Village, 83762}} {
		if got := tr.Count(c.level); got != c.want {
			t.Errorf("%s: got %d, want %d", c.level, got, c.want)
		}
	}
}

// Bali (51): 9 regencies, 57 districts, 716 villages of which 636 desa and 80 kelurahan.
func TestBali(t *testing.T) {
	tr := MustDefault()
	if got := len(tr.Children("51")); got != 9 {
		t.Errorf("regencies: %d", got)
	}
	if got := tr.Descendants("51", District); got != 57 {
		t.Errorf("districts: %d", got)
	}
	if got := tr.Descendants("51", Village); got != 716 {
		t.Errorf("villages: %d", got)
	}
	kinds := map[string]int{}
	for _, a := range tr.Search("", Village, "51", 0) {
		kinds[a.Kind()]++
	}
	if kinds["desa"] != 636 || kinds["kelurahan"] != 80 {
		t.Errorf("kinds: %v", kinds)
	}
}

func TestLookup(t *testing.T) {
	tr := MustDefault()
	a, ok := tr.Get("51.71")
	if !ok || a.Name != "Kota Denpasar" || a.Level != Regency || a.Parent() != "51" {
		t.Fatalf("51.71: %+v %v", a, ok)
	}
	chain := tr.Chain("51.03.01.1001")
	if len(chain) != 4 || chain[0].Code != "51" || chain[3].Code != "51.03.01.1001" {
		t.Fatalf("chain: %+v", chain)
	}
	if _, ok := tr.Get("99.99"); ok {
		t.Error("unknown code found")
	}
	if got := tr.Search("denpasar", Regency, "", 10); len(got) != 1 || got[0].Code != "51.71" {
		t.Errorf("search: %+v", got)
	}
	if got := tr.Search("a", 0, "51.71", 3); len(got) != 3 || got[0].Code != "51.71" || got[1].Level != District {
		t.Errorf("limited search: %+v", got)
	}
	if len(tr.Children("")) != 38 {
		t.Error("provinces as children of the root")
	}
}

func TestLevelOf(t *testing.T) {
	for code, want := range map[string]Level{
		"51": Province, "51.03": Regency, "51.03.01": District, "51.03.01.2001": Village,
		"5": 0, "51.3": 0, "51.03.01.201": 0, "51.03.01.2001.1": 0, "5x": 0, "": 0,
	} {
		if got := LevelOf(code); got != want {
			t.Errorf("%q: %v, want %v", code, got, want)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(compressed)); err != nil {
			b.Fatal(err)
		}
	}
}
