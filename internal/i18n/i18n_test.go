package i18n

import (
	"slices"
	"strings"
	"testing"
)

// Every language has every message, so switching language never shows a bare key.
func TestCatalogsHaveTheSameKeys(t *testing.T) {
	want := Keys(Default)
	for _, lang := range Languages {
		if got := Keys(lang); !slices.Equal(got, want) {
			t.Errorf("%s keys differ from %s", lang, Default)
		}
		for _, k := range Keys(lang) {
			if strings.Count(T(lang, k), "%") != strings.Count(T(Default, k), "%") {
				t.Errorf("%s %s: placeholders differ", lang, k)
			}
		}
	}
}

func TestT(t *testing.T) {
	if got := T("en", "home.welcome", "Made"); got != "Welcome, Made" {
		t.Fatal(got)
	}
	if got := T("id", "home.welcome", "Made"); got != "Selamat datang, Made" {
		t.Fatal(got)
	}
	if got := T("xx", "login.submit"); got != "Masuk" {
		t.Fatal("fallback to Indonesian:", got)
	}
	if got := T("en", "no.such.key"); got != "no.such.key" {
		t.Fatal(got)
	}
}

func TestPick(t *testing.T) {
	for in, want := range map[string]string{"en-US,en;q=0.9": "en", "id-ID": "id", "fr, en;q=0.5": "en", "": "id", "de": "id"} {
		if got := Pick(in); got != want {
			t.Errorf("%q: %s", in, got)
		}
	}
}
