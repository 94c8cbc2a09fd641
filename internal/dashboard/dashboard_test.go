package dashboard

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/region"
)

// The seed (DOMAIN.md §1): 130 covered against a potential of 477 is 27.3 %.
func TestCoverage(t *testing.T) {
	var v Values
	v[Active], v[Potential] = 130, 477
	if got, ok := v.Coverage(); !ok || got != 273 {
		t.Fatalf("coverage %d %v", got, ok)
	}
	v[Potential] = 0
	if _, ok := v.Coverage(); ok {
		t.Fatal("coverage without a potential")
	}
	v[Collected], v[Sponsored] = 400_000, 100_000
	if got, _ := v.SponsoredShare(); got != 250 {
		t.Fatalf("sponsored share %d", got)
	}
}

func TestAdd(t *testing.T) {
	var a, b Values
	a[Bumdes], a[Collected] = 615, 1_000
	b[Bumdes], b[Collected] = 1, 2_500
	if err := a.Add(b); err != nil || a[Bumdes] != 616 || a[Collected] != 3_500 {
		t.Fatalf("%v %v", a, err)
	}
	b[Collected] = math.MaxInt64
	if err := a.Add(b); err == nil || !strings.Contains(err.Error(), "collected") {
		t.Fatalf("overflow: %v", err)
	}
	j, _ := json.Marshal(a)
	if !strings.Contains(string(j), `"bumdes":616`) || a[Bumdes] != 616 || !strings.Contains(string(j), `"potential":0`) {
		t.Fatalf("json %s", j)
	}
	for _, f := range Figures() {
		if g, ok := FigureNamed(f.Name()); !ok || g != f {
			t.Errorf("figure %d named %q", f, f.Name())
		}
	}
}

// Issue 20: counts under 5 at village level are "<5" for government; so are the money and
// claims figures of a village with fewer than 5 participants.
func TestHidden(t *testing.T) {
	var few, many Values
	few[Active], few[Ended], few[Acquired], few[Collected], few[Bumdes], few[ActiveAgents] = 3, 0, 2, 90_000, 1, 5
	many[Active], many[Arrears], many[Acquired], many[Collected] = 40, 2, 12, 1_000_000
	cases := []struct {
		name   string
		level  region.Level
		v      Values
		hidden []Figure
		shown  []Figure
	}{
		{"a village with three workers", region.Village, few, []Figure{Active, Acquired, Collected}, []Figure{Ended, Bumdes, ActiveAgents}},
		{"a village with forty-two", region.Village, many, []Figure{Arrears}, []Figure{Active, Acquired, Collected}},
		{"a district with three", region.District, few, nil, []Figure{Active, Acquired, Collected}},
	}
	for _, c := range cases {
		h := Hidden(c.level, c.v)
		for _, f := range c.hidden {
			if !h[f] {
				t.Errorf("%s: %s shown", c.name, f.Name())
			}
		}
		for _, f := range c.shown {
			if h[f] {
				t.Errorf("%s: %s hidden", c.name, f.Name())
			}
		}
	}
}

// A region's potential is its own entry, else its children's sum; each figure keeps its year
// and source.
func TestPotentials(t *testing.T) {
	tree := region.MustDefault()
	entries := []PotentialEntry{
		{Region: "51", Year: 2022, Workers: 477, Source: "Seed 2022"},
		{Region: "51", Year: 2025, Workers: 500, Source: "Survey 2025"},
		{Region: "52.01.01.1001", Year: 2024, Workers: 40, Source: "Desa"},
		{Region: "52.01.01.1004", Year: 2024, Workers: 60, Source: "Desa"},
	}
	cases := []struct {
		code string
		year int
		want PotentialOf
	}{
		{"51", 2022, PotentialOf{Workers: 477, Year: 2022, Source: "Seed 2022"}},
		{"51", 2024, PotentialOf{Workers: 477, Year: 2022, Source: "Seed 2022"}},
		{"51", 2026, PotentialOf{Workers: 500, Year: 2025, Source: "Survey 2025"}},
		{"51", 2020, PotentialOf{Workers: 477, Year: 2022, Source: "Seed 2022"}}, // none before: the earliest
		{"52.01.01", 2024, PotentialOf{Workers: 100, Summed: true}},
		{"52", 2024, PotentialOf{Workers: 100, Summed: true}},
		{"", 2024, PotentialOf{Workers: 577, Summed: true}},
		{"51.03", 2024, PotentialOf{}},
	}
	for _, c := range cases {
		if got := NewPotentials(tree, entries, c.year).Of(c.code); got != c.want {
			t.Errorf("%q in %d: %+v, want %+v", c.code, c.year, got, c.want)
		}
	}
}

func TestParsePeriod(t *testing.T) {
	today := calendar.D(2026, 11, 30)
	cases := []struct {
		from, to, want, err string
	}{
		{"", "", "2026-01 – 2026-11", ""},
		{"2022-01", "2022-12", "2022-01 – 2022-12", ""},
		{"", "2022-12", "2022-01 – 2022-12", ""},
		{"2026-03", "2026-03", "2026-03", ""},
		{"2026-05", "2026-01", "", "before its start"},
		{"2010-01", "2026-01", "", "at most"},
		{"November", "", "", "a month (YYYY-MM)"},
	}
	for _, c := range cases {
		p, err := ParsePeriod(c.from, c.to, today)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q–%q: %v", c.from, c.to, err)
			}
			continue
		}
		if err != nil || p.String() != c.want {
			t.Errorf("%q–%q: %s %v", c.from, c.to, p, err)
		}
	}
}

func TestRealise(t *testing.T) {
	jan := calendar.MonthOf(2027, 1)
	got := Realise(1200, 2027, map[calendar.Month]int64{jan: 50, jan.Add(1): 150, jan.Add(3): 100}, jan.Add(3))
	if len(got) != 4 {
		t.Fatalf("%d months", len(got))
	}
	last := got[3]
	if last.Cumulative != 300 || last.PerMille != 250 || last.Expected != 400 || got[2].Value != 0 || got[1].Cumulative != 200 {
		t.Fatalf("%+v", got)
	}
}

func TestReadPotentialCSV(t *testing.T) {
	cases := []struct {
		name, in string
		rows     int
		err      string
	}{
		{"commas", "region_code,year,workers,source\n51,2022,477,Seed 2022\n51.03,2025,1.200,BPS\n", 2, ""},
		{"semicolons and a BOM", "\ufeffregion_code;year;workers;source\n51;2022;477;Seed\n", 1, ""},
		{"wrong header", "kode,tahun,jumlah,sumber\n51,2022,477,x\n", 0, "columns"},
		{"not a number", "region_code,year,workers,source\n51,2022,banyak,x\n", 0, "line 2"},
		{"too many", "region_code,year,workers,source\n51,2022,1,x\n51,2023,1,x\n51,2024,1,x\n", 0, "at most 2"},
		{"empty", "region_code,year,workers,source\n", 0, "no rows"},
	}
	for _, c := range cases {
		got, err := ReadPotentialCSV(strings.NewReader(c.in), 2)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if err != nil || len(got) != c.rows {
			t.Errorf("%s: %+v %v", c.name, got, err)
		}
	}
	got, _ := ReadPotentialCSV(strings.NewReader("region_code,year,workers,source\n51.03,2025,1.200,BPS\n"), 5)
	if got[0] != (PotentialEntry{Region: "51.03", Year: 2025, Workers: 1200, Source: "BPS"}) {
		t.Fatalf("%+v", got[0])
	}
}
