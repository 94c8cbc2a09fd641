package participant

import (
	"errors"
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/region"
	"github.com/perisai/perisai/internal/rules"
)

var today = calendar.D(2026, 11, 23)

func valid() Registration {
	return Registration{
		NIK: "5103011203850001", Name: "  I Wayan   Sudarma ", BirthDate: calendar.D(1985, 3, 12), Sex: "L",
		Phone: "+62 812-3456-7890", Village: "51.03.02.2001", Occupation: "petani", DeclaredIncome: 1_000_000,
		Consent: true,
		Heirs: []Heir{
			{Name: "Ni Made Sari", Relationship: Spouse, BirthDate: calendar.D(1987, 6, 1), NIK: "5103014106870002"},
			{Name: "Putu Ayu", Relationship: Child, BirthDate: calendar.D(2015, 1, 5)},
		},
	}
}

func TestValidRegistration(t *testing.T) {
	r := valid()
	c, err := r.Validate(rules.Default(), region.MustDefault(), today)
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "I Wayan Sudarma" || r.Phone != "081234567890" || c.Sector != rules.Other || c.Province != "51" || c.Regency != "51.03" {
		t.Fatalf("%+v %+v", r, c)
	}
	r = valid()
	r.Occupation = "ojek"
	if c, _ := r.Validate(rules.Default(), region.MustDefault(), today); c.Sector != rules.Transport {
		t.Fatal("ojek is transport sector (PP 50/2025)")
	}
}

// Each case breaks one thing and expects the field and the words a person at the counter sees.
func TestInvalidRegistration(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Registration)
		field  string
		words  string
	}{
		{"NIK birth date differs from stated (DOMAIN §5)", func(r *Registration) { r.BirthDate = calendar.D(1985, 3, 13) }, "nik", "does not match the stated birth date"},
		{"NIK says man, stated woman", func(r *Registration) { r.Sex = "P" }, "nik", "does not match the stated sex"},
		{"NIK unknown province", func(r *Registration) { r.NIK = "9903011203850001" }, "nik", "not a known province"},
		{"NIK short", func(r *Registration) { r.NIK = "51030112038500" }, "nik", "exactly 16 digits"},
		{"no name", func(r *Registration) { r.Name = " " }, "name", "is required"},
		{"one letter", func(r *Registration) { r.Name = "A" }, "name", "2–100"},
		// Security issue 16 §8: names are text a person can read.
		{"control character", func(r *Registration) { r.Name = "Budi\x00" }, "name", "control character"},
		{"direction override", func(r *Registration) { r.Name = "Budi \u202eigam" }, "name", "text-direction"},
		{"zero-width only", func(r *Registration) { r.Name = "\u200b\u200b\u200b" }, "name", "no visible"},
		{"heir's name", func(r *Registration) { r.Heirs[0].Name = "\u2066Ayu\u2069" }, "heirs[0].name", "text-direction"},
		{"sex not L/P", func(r *Registration) { r.Sex = "X" }, "sex", "L (laki-laki)"},
		{"too young", func(r *Registration) { r.BirthDate = calendar.D(2015, 3, 12); r.NIK = "5103011203150001" }, "birth_date", "outside 15–65"},
		{"future birth", func(r *Registration) { r.BirthDate = calendar.D(2030, 1, 1) }, "birth_date", "future"},
		{"district instead of village", func(r *Registration) { r.Village = "51.03.02" }, "village", "not a village code"},
		{"unknown occupation", func(r *Registration) { r.Occupation = "astronaut" }, "occupation", "not in the occupation list"},
		{"income not in table (PP 44/2015 Lampiran II)", func(r *Registration) { r.DeclaredIncome = 1_234_567 }, "declared_income", "not a row"},
		{"no consent (UU 27/2022)", func(r *Registration) { r.Consent = false }, "consent", "consent"},
		{"bad phone", func(r *Registration) { r.Phone = "12" }, "phone", "9–15 digits"},
		{"spouse without NIK", func(r *Registration) { r.Heirs[0].NIK = "" }, "heirs[0].nik", "required for a spouse"},
		{"heir NIK disagrees with heir birth date", func(r *Registration) { r.Heirs[0].BirthDate = calendar.D(1988, 6, 1) }, "heirs[0].nik", "does not match"},
		{"unknown relationship", func(r *Registration) { r.Heirs[1].Relationship = "friend" }, "heirs[1].relationship", "one of"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := valid()
			c.change(&r)
			_, err := r.Validate(rules.Default(), region.MustDefault(), today)
			var fes errs.FieldErrors
			if !errors.As(err, &fes) || !errors.Is(err, errs.ErrInvalid) {
				t.Fatalf("got %v", err)
			}
			for _, fe := range fes {
				if fe.Field == c.field && strings.Contains(fe.Msg, c.words) {
					return
				}
			}
			t.Fatalf("no %s problem saying %q in: %v", c.field, c.words, err)
		})
	}
}

func TestEveryProblemReported(t *testing.T) {
	r := Registration{}
	_, err := r.Validate(rules.Default(), region.MustDefault(), today)
	var fes errs.FieldErrors
	if !errors.As(err, &fes) || len(fes) < 6 {
		t.Fatalf("%v", err)
	}
}

func TestKPJ(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		k := NewKPJ("51") // Bali
		if !ValidKPJ(k) || seen[k] || k[:2] != "51" {
			t.Fatalf("%q", k)
		}
		seen[k] = true
	}
	if k := NewKPJ("94"); !ValidKPJ(k) || k[:2] != "94" { // Papua, the last province code
		t.Fatalf("%q", k)
	}
	if !ValidKPJ("37614208851") { // a number given before the province prefix still verifies
		t.Fatal("old KPJ refused")
	}
	if ValidKPJ("01234567890") || ValidKPJ("1234567890") {
		t.Fatal("bad KPJ accepted")
	}
}
