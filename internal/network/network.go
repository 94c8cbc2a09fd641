// Package network describes the Perisai agent network: branch offices (Kantor Cabang), the
// Bumdes that serve as wadah, and their agents.
package network

import (
	"sort"
	"strings"
	"time"

	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/name"
	"github.com/perisai/perisai/internal/region"
)

// Branch is a BPJS Ketenagakerjaan branch office and the regencies it serves.
type Branch struct {
	ID        int64     `json:"id"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Province  string    `json:"province"`
	Address   string    `json:"address"`
	Regencies []string  `json:"regencies"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks the branch against the region tree: a known province, and regencies that
// exist and lie in it.
func (b *Branch) Validate(t *region.Tree) error {
	b.Code = strings.ToUpper(strings.TrimSpace(b.Code))
	b.Name = name.Clean(b.Name)
	if b.Code == "" || len(b.Code) > 20 {
		return errs.Invalid("code", "1–20 characters")
	}
	if err := name.Check(b.Name, 1, 150); err != nil {
		return errs.Invalid("name", "%v", err)
	}
	if a, ok := t.Get(b.Province); !ok || a.Level != region.Province {
		return errs.Invalid("province", "%q is not a province code", b.Province)
	}
	if len(b.Regencies) == 0 {
		return errs.Invalid("regencies", "a branch serves at least one regency")
	}
	seen := map[string]bool{}
	for _, c := range b.Regencies {
		a, ok := t.Get(c)
		if !ok || a.Level != region.Regency {
			return errs.Invalid("regencies", "%q is not a regency code", c)
		}
		if !region.Within(c, b.Province) {
			return errs.Invalid("regencies", "%s is not in province %s", c, b.Province)
		}
		if seen[c] {
			return errs.Invalid("regencies", "%s listed twice", c)
		}
		seen[c] = true
	}
	sort.Strings(b.Regencies)
	return nil
}
