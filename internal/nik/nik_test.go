package nik

import (
	"errors"
	"testing"
	"time"

	"github.com/perisai/perisai/internal/region"
)

func known(code string) bool {
	a, ok := region.MustDefault().Get(code)
	return ok && a.Level == region.Province
}

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// Cases follow ../shared/DOMAIN.md §5 (NIK = PP KK CC DDMMYY SSSS, +40 on the day for women).
func TestCheck(t *testing.T) {
	cases := []struct {
		name  string
		nik   string
		birth time.Time
		sex   Sex
		want  error
	}{
		{"man born 12 Mar 1985 in Badung", "5103011203850001", date(1985, 3, 12), Male, nil},
		{"woman: day 52 means the 12th", "5103015203850002", date(1985, 3, 12), Female, nil},
		{"born 2001: century from the stated date", "5171010101010003", date(2001, 1, 1), Male, nil},
		{"unknown district code still accepted (§5)", "5103991203850001", date(1985, 3, 12), Male, nil},
		{"29 Feb in a leap year", "5103012902000001", date(2000, 2, 29), Male, nil},
		{"29 Feb 1900 is not a date", "5103012902000001", date(1900, 2, 28), Male, ErrDate},
		{"too short", "510301120385001", date(1985, 3, 12), Male, ErrLength},
		{"too long", "51030112038500011", date(1985, 3, 12), Male, ErrLength},
		{"letters", "51030112038500O1", date(1985, 3, 12), Male, ErrNotDigits},
		{"province 99 unknown", "9903011203850001", date(1985, 3, 12), Male, ErrUnknownProvince},
		{"day 00", "5103010003850001", date(1985, 3, 12), Male, ErrDay},
		{"day 32 is neither", "5103013203850001", date(1985, 3, 12), Male, ErrDay},
		{"day 72 is neither", "5103017203850001", date(1985, 3, 12), Female, ErrDay},
		{"month 13", "5103011213850001", date(1985, 3, 12), Male, ErrMonth},
		{"month 00", "5103011200850001", date(1985, 3, 12), Male, ErrMonth},
		{"31 April", "5103013104850001", date(1985, 4, 30), Male, ErrDate},
		{"serial 0000", "5103011203850000", date(1985, 3, 12), Male, ErrSerial},
		{"stated day differs", "5103011203850001", date(1985, 3, 13), Male, ErrBirthDate},
		{"stated year differs", "5103011203850001", date(1986, 3, 12), Male, ErrBirthDate},
		{"YY also fits 2085: refusing future births is the form's job", "5103011203850001", date(2085, 3, 12), Male, nil},
		{"stated sex woman, NIK says man", "5103011203850001", date(1985, 3, 12), Female, ErrSex},
		{"stated sex man, NIK says woman", "5103015203850002", date(1985, 3, 12), Male, ErrSex},
		{"no stated birth date", "5103011203850001", time.Time{}, Male, ErrBirthDateMissing},
		{"no stated sex", "5103011203850001", date(1985, 3, 12), "", ErrSexMissing},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Check(c.nik, known, c.birth, c.sex)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestParseFields(t *testing.T) {
	n, err := Parse("5103015203850002", known)
	if err != nil {
		t.Fatal(err)
	}
	if n.Province != "51" || n.Regency != "51.03" || n.District != "51.03.01" ||
		n.Day != 12 || n.Month != time.March || n.YY != 85 || n.Sex != Female || n.Serial != "0002" {
		t.Fatalf("%+v", n)
	}
}

func TestMask(t *testing.T) {
	if got := Mask("5103011203850001"); got != "5103********0001" {
		t.Fatal(got)
	}
	if got := Mask("123"); got != "****************" {
		t.Fatal(got)
	}
}

// FuzzParse: Parse never panics, and whatever it accepts is 16 digits with a sane date part.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"5103011203850001", "5103015203850002", "0000000000000000", "51030112038500O1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s, known)
		if err != nil {
			return
		}
		if len(s) != 16 || n.Day < 1 || n.Day > 31 || n.Month < 1 || n.Month > 12 || n.Serial == "0000" {
			t.Fatalf("accepted %q as %+v", s, n)
		}
		if Mask(s)[:4] != s[:4] {
			t.Fatalf("mask of %q", s)
		}
	})
}
