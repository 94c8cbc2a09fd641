package nik

import (
	"strings"
	"testing"
	"time"
)

// FuzzCheck: a NIK checked against a stated birth date and sex is accepted only when its own
// digits agree with both; nothing panics, and the mask never shows the date and serial part.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"5103021203850001", "5103025203850001", "5103020000000000", "9903021203850001", "510302120385000", "51030212038500011", "51030212O3850001", ""} {
		f.Add(s, int64(479433600), true)
	}
	known := func(code string) bool { return code == "51" || code == "31" }
	f.Fuzz(func(t *testing.T, s string, unix int64, male bool) {
		n, err := Parse(s, known)
		if err != nil {
			return
		}
		if len(s) != 16 || strings.Trim(s, "0123456789") != "" {
			t.Fatalf("%q parsed though it is not 16 digits", s)
		}
		if n.Day < 1 || n.Day > 31 || n.Month < 1 || n.Month > 12 || n.Serial == "0000" || !n.Sex.Valid() {
			t.Fatalf("%q parsed into %+v", s, n)
		}
		if m := Mask(s); len(m) != 16 || strings.Contains(m[4:12], s[4:12]) && s[4:12] != "********" {
			t.Fatalf("mask %q shows the middle of %q", m, s)
		}
		sex := Female
		if male {
			sex = Male
		}
		birth := time.Unix(unix%(4_000_000_000), 0).UTC()
		if c, err := Check(s, known, birth, sex); err == nil && (c.Sex != sex || c.Day != birth.Day()) {
			t.Fatalf("%q checked against %v %s as %+v", s, birth, sex, c)
		}
	})
}
