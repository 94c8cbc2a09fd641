package web

import (
	"slices"
	"strings"

	"github.com/perisai/perisai/internal/region"
)

// Pickers let people choose places, agents and wadah by name; nobody types an internal id or
// a Kemendagri code. A place is typed into a text box with a list of suggestions
// (templates/_pickers.html): the suggestions in the viewer's area come with the page, and
// app.js asks /api/v1/regions for others as the person types, so any of the 83,762 villages
// can be reached. What comes back is a label ending in the code, "Munggu — Mengwi, Badung
// (51.03.02.2001)"; a bare code is taken too.

// regionInput is one place picker as a template shows it.
type regionInput struct {
	Name, Level, Value string
	Choices            []string
}

// regionLabel is how a place is shown and chosen: its name, where it lies, its code.
func regionLabel(t *region.Tree, code string) string {
	a, ok := t.Get(code)
	if !ok {
		return code
	}
	var where []string
	for c := region.ParentCode(code); c != "" && len(where) < 2; c = region.ParentCode(c) {
		if p, ok := t.Get(c); ok {
			where = append(where, p.Name)
		}
	}
	if len(where) == 0 {
		return a.Name + " (" + code + ")"
	}
	return a.Name + " — " + strings.Join(where, ", ") + " (" + code + ")"
}

// regionCode reads a picker's value: the code at the end of a label, or a code typed as such.
func regionCode(input string) string {
	s := strings.TrimSpace(input)
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndex(s, "("); i >= 0 {
			return strings.TrimSpace(s[i+1 : len(s)-1])
		}
	}
	return s
}

// villageChoices are the labels of every village within the areas, by name: what a branch
// officer picks from.
func villageChoices(t *region.Tree, areas []string) []string {
	var out []string
	for _, area := range areas {
		for _, a := range t.Search("", region.Village, area, 0) {
			out = append(out, regionLabel(t, a.Code))
		}
	}
	slices.Sort(out)
	return out
}

// regionChoices are the labels of the areas and their regencies (for a sponsor's or a
// government viewer's region).
func regionChoices(t *region.Tree, areas []string) []string {
	var out []string
	for _, area := range areas {
		out = append(out, regionLabel(t, area))
		for _, c := range t.Children(area) {
			out = append(out, regionLabel(t, c.Code))
		}
	}
	return out
}
