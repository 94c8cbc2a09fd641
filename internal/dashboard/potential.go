package dashboard

import "github.com/perisai/perisai/internal/region"

// PotentialEntry is an estimate of the informal workers of a region, as entered or imported:
// each figure carries its year and its source (BPS Sakernas, a Dinas PMD survey, …).
type PotentialEntry struct {
	Region  string `json:"region_code"`
	Year    int    `json:"year"`
	Workers int64  `json:"workers"`
	Source  string `json:"source"`
}

// PotentialOf is a region's potential and where it comes from.
type PotentialOf struct {
	Workers int64 `json:"workers"`
	// Year and Source of the region's own entry; zero and empty when the figure is the sum
	// of its children's (Summed).
	Year   int    `json:"year,omitempty"`
	Source string `json:"source,omitempty"`
	Summed bool   `json:"summed,omitempty"`
}

// Potentials resolves the potential of regions for a year. A region's potential is its own
// entry when it has one (the latest for a year up to the one asked, else its earliest), and
// otherwise the sum of its children's, so a province entered as a whole and a province entered
// village by village both answer. Regions with no entry at or below them have none.
type Potentials struct {
	tree  *region.Tree
	own   map[string]PotentialEntry
	below map[string]bool // a region with an entry at or below it
	memo  map[string]PotentialOf
}

// NewPotentials indexes the entries for the year.
func NewPotentials(tree *region.Tree, entries []PotentialEntry, year int) *Potentials {
	p := &Potentials{tree: tree, own: map[string]PotentialEntry{}, below: map[string]bool{"": len(entries) > 0}, memo: map[string]PotentialOf{}}
	for _, e := range entries {
		cur, ok := p.own[e.Region]
		if !ok || better(e.Year, cur.Year, year) {
			p.own[e.Region] = e
		}
		for c := e.Region; c != ""; c = region.ParentCode(c) {
			p.below[c] = true
		}
	}
	return p
}

// better: a year up to the one asked beats any later one; among those, the latest; among later
// ones, the earliest.
func better(y, cur, want int) bool {
	switch {
	case y <= want && cur <= want:
		return y > cur
	case y <= want:
		return true
	case cur <= want:
		return false
	}
	return y < cur
}

// Of is the potential of a region ("" for the nation).
func (p *Potentials) Of(code string) PotentialOf {
	if got, ok := p.memo[code]; ok {
		return got
	}
	var out PotentialOf
	if e, ok := p.own[code]; ok {
		out = PotentialOf{Workers: e.Workers, Year: e.Year, Source: e.Source}
	} else if p.below[code] {
		out.Summed = true
		for _, c := range p.tree.Children(code) {
			out.Workers += p.Of(c.Code).Workers
		}
	}
	p.memo[code] = out
	return out
}
