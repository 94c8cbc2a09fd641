package name

import (
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	cases := []struct {
		in   string
		want error // nil: accepted; errRange: refused for length
	}{
		{"I Wayan Sudarma", nil},
		{"Ni Luh Putu Ayu", nil},
		{"Bumdes Tunas Mekar", nil},
		{"Nyoman O'Neil-Putra", nil},
		{"Ngurah Rai", nil},
		{"Şükrü Ülker", nil},
		{"", ErrEmpty},
		{"\u200b\u200b\u200b", ErrInvisible},
		{"\u200b \u2060", ErrInvisible},
		{"Budi\x00", ErrControl},
		{"Bu\x07di", ErrControl},
		{"Budi \u202eigam", ErrBidi},
		{"\u2066Budi\u2069", ErrBidi},
		{"Budi\u200f", ErrBidi},
		{"\xff\xfeBudi", ErrEncoding},
	}
	for _, c := range cases {
		err := Check(c.in, 2, 100)
		if !errors.Is(err, c.want) && !(c.want == nil && err == nil) {
			t.Errorf("Check(%q) = %v, want %v", c.in, err, c.want)
		}
	}
	if Check("A", 2, 100) == nil || Check(strings.Repeat("a", 101), 2, 100) == nil {
		t.Error("length not checked")
	}
	if Check(strings.Repeat("é", 100), 2, 100) != nil {
		t.Error("length counted in bytes, not characters")
	}
}

func TestQuery(t *testing.T) {
	for _, ok := range []string{"", "Sudarma", "5103021203850001", "00012345678"} {
		if err := Query(ok); err != nil {
			t.Errorf("Query(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{strings.Repeat("a", 101), "Sud\x00arma", "a\nb", "\u202ex"} {
		if Query(bad) == nil {
			t.Errorf("Query(%q) accepted", bad)
		}
	}
}

func TestClean(t *testing.T) {
	if got := Clean("  I   Wayan\tSudarma "); got != "I Wayan Sudarma" {
		t.Fatal(got)
	}
}
