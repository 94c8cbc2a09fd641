// Package region holds the Kemendagri administrative tree of Indonesia — provinces, regencies,
// districts and villages — built into the binary. Codes look like 51 / 51.03 / 51.03.01 /
// 51.03.01.2001; a code's level and parent follow from its shape.
package region

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

//go:embed data/regions.csv.gz
var compressed []byte

// Level is the depth of an area in the tree.
type Level int

const (
	Province Level = iota + 1
	Regency
	District
	Village
)

func (l Level) String() string {
	switch l {
	case Province:
		return "province"
	case Regency:
		return "regency"
	case District:
		return "district"
	case Village:
		return "village"
	}
	return "unknown"
}

// Area is one node of the tree.
type Area struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level Level  `json:"-"`
}

// Parent returns the code of the area's parent, or "" for a province.
func (a Area) Parent() string { return ParentCode(a.Code) }

// Kind names a village's kind from the first digit of its last segment:
// 1 kelurahan, 2 desa, 3 desa adat; "" for other levels.
func (a Area) Kind() string {
	if a.Level != Village {
		return ""
	}
	switch a.Code[len(a.Code)-4] {
	case '1':
		return "kelurahan"
	case '2':
		return "desa"
	case '3':
		return "desa adat"
	}
	return ""
}

// LevelOf tells the level a code's shape implies, or 0 if the shape is wrong.
func LevelOf(code string) Level {
	parts := strings.Split(code, ".")
	want := []int{2, 2, 2, 4}
	if len(parts) > len(want) {
		return 0
	}
	for i, p := range parts {
		if len(p) != want[i] || strings.Trim(p, "0123456789") != "" {
			return 0
		}
	}
	return Level(len(parts))
}

// ParentCode returns the parent's code ("" for a province or a malformed code).
func ParentCode(code string) string {
	i := strings.LastIndexByte(code, '.')
	if i < 0 {
		return ""
	}
	return code[:i]
}

// Within reports whether code lies in (or is) the area ancestor.
func Within(code, ancestor string) bool {
	return code == ancestor || strings.HasPrefix(code, ancestor+".")
}

// Tree is the loaded region tree. It is read-only after loading and safe for concurrent use.
type Tree struct {
	byCode   map[string]int
	areas    []Area
	children map[string][]int
	counts   map[Level]int
}

var (
	loadOnce sync.Once
	loaded   *Tree
	loadErr  error
)

// Default returns the tree built into the binary, parsing it on first use (about 90,000 rows).
func Default() (*Tree, error) {
	loadOnce.Do(func() { loaded, loadErr = Parse(bytes.NewReader(compressed)) })
	return loaded, loadErr
}

// MustDefault is Default for start-up code, where a broken embedded file is a build error.
func MustDefault() *Tree {
	t, err := Default()
	if err != nil {
		panic(err)
	}
	return t
}

// Parse reads a gzip-compressed CSV of code,name rows.
func Parse(r io.Reader) (*Tree, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("region data: %w", err)
	}
	cr := csv.NewReader(zr)
	cr.ReuseRecord = true
	if _, err := cr.Read(); err != nil { // header
		return nil, fmt.Errorf("region data header: %w", err)
	}
	t := &Tree{
		byCode:   make(map[string]int, 92000),
		areas:    make([]Area, 0, 92000),
		children: make(map[string][]int, 8000),
		counts:   map[Level]int{},
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("region data: %w", err)
		}
		code, name := rec[0], rec[1]
		lvl := LevelOf(code)
		if lvl == 0 {
			return nil, fmt.Errorf("region data: malformed code %q", code)
		}
		if _, dup := t.byCode[code]; dup {
			return nil, fmt.Errorf("region data: duplicate code %q", code)
		}
		parent := ParentCode(code)
		if lvl > Province {
			if _, ok := t.byCode[parent]; !ok {
				return nil, fmt.Errorf("region data: %q comes before its parent %q", code, parent)
			}
		}
		i := len(t.areas)
		t.areas = append(t.areas, Area{Code: code, Name: strings.Clone(name), Level: lvl})
		t.byCode[code] = i
		t.children[parent] = append(t.children[parent], i)
		t.counts[lvl]++
	}
	// Children in code order, once: Children is asked often (a dashboard's potential walks
	// the tree) and hands out copies.
	for _, idx := range t.children {
		sort.Slice(idx, func(a, b int) bool { return t.areas[idx[a]].Code < t.areas[idx[b]].Code })
	}
	return t, nil
}

// Count returns how many areas of a level the tree holds.
func (t *Tree) Count(l Level) int { return t.counts[l] }

// Get returns the area with the code.
func (t *Tree) Get(code string) (Area, bool) {
	i, ok := t.byCode[code]
	if !ok {
		return Area{}, false
	}
	return t.areas[i], true
}

// Children returns the direct children of code in code order; Children("") gives the provinces.
func (t *Tree) Children(code string) []Area {
	idx := t.children[code]
	out := make([]Area, len(idx))
	for i, j := range idx {
		out[i] = t.areas[j]
	}
	return out
}

// Chain returns the area and its ancestors, province first.
func (t *Tree) Chain(code string) []Area {
	var out []Area
	for c := code; c != ""; c = ParentCode(c) {
		if a, ok := t.Get(c); ok {
			out = append(out, a)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// Search returns up to limit areas whose name contains q (case-insensitive), optionally only of
// one level and only within an ancestor. Shallower levels come first, then by code.
func (t *Tree) Search(q string, level Level, within string, limit int) []Area {
	q = strings.ToLower(strings.TrimSpace(q))
	var out []Area
	for _, a := range t.areas {
		if level != 0 && a.Level != level {
			continue
		}
		if within != "" && !Within(a.Code, within) {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(a.Name), q) {
			continue
		}
		out = append(out, a)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Level != out[j].Level {
			return out[i].Level < out[j].Level
		}
		return out[i].Code < out[j].Code
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Descendants counts the areas of a level below code.
func (t *Tree) Descendants(code string, l Level) int {
	n := 0
	for _, a := range t.areas {
		if a.Level == l && Within(a.Code, code) && a.Code != code {
			n++
		}
	}
	return n
}
