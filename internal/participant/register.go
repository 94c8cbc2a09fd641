package participant

import (
	"errors"
	"strings"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/name"
	"github.com/perisai/perisai/internal/nik"
	"github.com/perisai/perisai/internal/region"
	"github.com/perisai/perisai/internal/rules"
)

// Registration is what an agent or officer fills in for a new participant.
type Registration struct {
	NIK            string        `json:"nik"`
	Name           string        `json:"name"`
	BirthDate      calendar.Date `json:"birth_date"`
	Sex            nik.Sex       `json:"sex"`
	Phone          string        `json:"phone"`
	Village        string        `json:"village"`
	Address        string        `json:"address"`
	Occupation     string        `json:"occupation"`
	DeclaredIncome int64         `json:"declared_income"`
	JHT            bool          `json:"jht"`
	Heirs          []Heir        `json:"heirs"`
	Consent        bool          `json:"consent"`
	// AgentID lets a branch officer assign the participant to an agent; an agent registers for
	// themself and leaves it empty.
	AgentID int64 `json:"agent_id,omitempty"`
}

// Checked is what validation derives from a registration.
type Checked struct {
	Sector   rules.Sector
	Province string
	Regency  string
}

// Validate checks everything that needs no database, and reports every problem at once.
func (r *Registration) Validate(rs *rules.Set, tree *region.Tree, today calendar.Date) (Checked, error) {
	var es errs.FieldErrors
	r.NIK = strings.TrimSpace(r.NIK)
	r.Name = name.Clean(r.Name)
	r.Phone = normalizePhone(r.Phone)
	r.Village = strings.TrimSpace(r.Village)
	r.Address = strings.TrimSpace(r.Address)
	r.Occupation = strings.TrimSpace(r.Occupation)
	known := func(code string) bool { a, ok := tree.Get(code); return ok && a.Level == region.Province }

	if err := name.Check(r.Name, 2, 100); err != nil {
		es.Add("name", "%v", err)
	}
	if err := name.Text(r.Address); err != nil {
		es.Add("address", "%v", err)
	} else if len(r.Address) > 300 {
		es.Add("address", "at most 300 characters")
	}
	if !r.Sex.Valid() {
		es.Add("sex", "must be L (laki-laki) or P (perempuan)")
	}
	reg, err := rs.RegistrationAt(today)
	switch {
	case err != nil:
		es.Add("birth_date", "%v", err)
	case r.BirthDate.IsZero():
		es.Add("birth_date", "is required (YYYY-MM-DD)")
	case r.BirthDate.After(today):
		es.Add("birth_date", "is in the future")
	case r.BirthDate.YearsAt(today) < reg.MinAge || r.BirthDate.YearsAt(today) > reg.MaxAge:
		es.Add("birth_date", "age %d is outside %d–%d", r.BirthDate.YearsAt(today), reg.MinAge, reg.MaxAge)
	}
	if _, err := nik.Check(r.NIK, known, r.BirthDate.Time(), r.Sex); err != nil &&
		!(errors.Is(err, nik.ErrBirthDateMissing) || errors.Is(err, nik.ErrSexMissing)) {
		es.Add("nik", "%v", err)
	}
	var c Checked
	if a, ok := tree.Get(r.Village); !ok || a.Level != region.Village {
		es.Add("village", "%q is not a village code (e.g. 51.03.02.2001)", r.Village)
	} else {
		c.Province, c.Regency = r.Village[:2], r.Village[:5]
	}
	if o, ok := rs.Occupation(r.Occupation); !ok {
		es.Add("occupation", "%q is not in the occupation list", r.Occupation)
	} else {
		c.Sector = o.Sector
	}
	if !rs.ValidIncome(today, r.DeclaredIncome) {
		tbl, _ := rs.IncomeTable(today)
		if len(tbl) > 0 {
			es.Add("declared_income", "Rp %d is not a row of the income table (Rp %d … Rp %d)", r.DeclaredIncome, tbl[0], tbl[len(tbl)-1])
		} else {
			es.Add("declared_income", "no income table in force")
		}
	}
	if r.Phone != "" && (len(r.Phone) < 9 || len(r.Phone) > 15 || strings.Trim(r.Phone, "0123456789") != "") {
		es.Add("phone", "9–15 digits, e.g. 081234567890")
	}
	if len(r.Address) > 200 {
		es.Add("address", "at most 200 characters")
	}
	if !r.Consent {
		es.Add("consent", "the worker's consent to process their personal data is required (UU 27/2022)")
	}
	if len(r.Heirs) > 10 {
		es.Add("heirs", "at most 10")
	}
	for i := range r.Heirs {
		validateHeir(&r.Heirs[i], i, known, today, &es)
	}
	return c, es.Err()
}

func validateHeir(h *Heir, i int, known nik.ProvinceKnown, today calendar.Date, es *errs.FieldErrors) {
	field := "heirs[" + itoa(i) + "]"
	h.Name = name.Clean(h.Name)
	h.NIK = strings.TrimSpace(h.NIK)
	if err := name.Check(h.Name, 2, 100); err != nil {
		es.Add(field+".name", "%v", err)
	}
	if _, ok := HeirRank[h.Relationship]; !ok {
		es.Add(field+".relationship", "one of spouse, child, parent, grandparent, grandchild, sibling, parent_in_law, named_in_will")
	}
	if h.BirthDate.IsZero() || h.BirthDate.After(today) {
		es.Add(field+".birth_date", "a past date is required")
		return
	}
	// Children often have no KTP yet, so their NIK may be left out; every other heir needs one.
	if h.NIK == "" {
		if h.Relationship != Child {
			es.Add(field+".nik", "is required for a %s", h.Relationship)
		}
		return
	}
	if _, err := nik.CheckBirthDate(h.NIK, known, h.BirthDate.Time()); err != nil {
		es.Add(field+".nik", "%v", err)
	}
}

// normalizePhone keeps digits and writes +62 numbers in the local 0… form.
func normalizePhone(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if strings.HasPrefix(d, "62") && len(d) > 10 {
		d = "0" + d[2:]
	}
	return d
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
