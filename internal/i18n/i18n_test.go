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

// Every translated refusal keeps its English format's placeholders, in order.
func TestProblemTranslationsKeepPlaceholders(t *testing.T) {
	verbs := func(s string) string {
		var out []string
		for i := 0; i+1 < len(s); i++ {
			if s[i] == '%' {
				out = append(out, s[i:i+2])
				i++
			}
		}
		return strings.Join(out, " ")
	}
	for lang, m := range problems {
		for en, tr := range m {
			if verbs(en) != verbs(tr) {
				t.Errorf("%s %q: placeholders %q, translation has %q", lang, en, verbs(en), verbs(tr))
			}
		}
	}
}

func TestProblem(t *testing.T) {
	fp := FieldProblem{Field: "declared_income", Format: "Rp %d is not a row of the income table (Rp %d … Rp %d)", Args: []any{5, 1_000_000, 20_700_000}}
	if got := fp.In("id"); got != "Penghasilan yang dilaporkan: Rp 5 tidak ada dalam tabel penghasilan (Rp 1.000.000 … Rp 20.700.000)" {
		t.Error(got)
	}
	if got := fp.In("en"); got != "Declared income: Rp 5 is not a row of the income table (Rp 1.000.000 … Rp 20.700.000)" {
		t.Error(got)
	}
	heir := FieldProblem{Field: "heirs[0].name", Format: "is required"}
	if got := heir.In("id"); got != "Ahli waris – Nama: wajib diisi" {
		t.Error(got)
	}
	if got := Problem("id", "no such thing %d", 3); got != "no such thing 3" {
		t.Error("an untranslated refusal is English:", got)
	}
}
