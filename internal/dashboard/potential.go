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
// village by village both answer. Regions with no entry at or below them have none. Resolved
// once, when made: safe for concurrent readers.
type Potentials struct {
	resolved map[string]PotentialOf
}

// NewPotentials resolves the entries for the year.
func NewPotentials(tree *region.Tree, entries []PotentialEntry, year int) *Potentials {
	own := map[string]PotentialEntry{}
	below := map[string]bool{} // a region with an entry at or below it
	for _, e := range entries {
		if _, ok := tree.Get(e.Region); !ok {
			continue
		}
		cur, ok := own[e.Region]
		if !ok || better(e.Year, cur.Year, year) {
			own[e.Region] = e
		}
		for c := e.Region; c != ""; c = region.ParentCode(c) {
			below[c] = true
		}
	}
	p := &Potentials{resolved: make(map[string]PotentialOf, len(below)+1)}
	var resolve func(code string) PotentialOf
	resolve = func(code string) PotentialOf {
		if e, ok := own[code]; ok {
			out := PotentialOf{Workers: e.Workers, Year: e.Year, Source: e.Source}
			p.resolved[code] = out
			if code != "" {
				for _, c := range tree.Children(code) { // the regions below keep their own
					if below[c.Code] {
						resolve(c.Code)
					}
				}
			}
			return out
		}
		out := PotentialOf{Summed: true}
		for _, c := range tree.Children(code) {
			if below[c.Code] {
				out.Workers += resolve(c.Code).Workers
			}
		}
		p.resolved[code] = out
		return out
	}
	if len(below) > 0 {
		resolve("")
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
func (p *Potentials) Of(code string) PotentialOf { return p.resolved[code] }
