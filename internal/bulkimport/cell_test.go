package bulkimport

import "testing"

func TestSafeCell(t *testing.T) {
	cases := map[string]string{
		"I Wayan Sudarma":                "I Wayan Sudarma",
		"=HYPERLINK(\"http://x\",\"a\")": "'=HYPERLINK(\"http://x\",\"a\")",
		"+62 812":                        "'+62 812",
		"-1+1":                           "'-1+1",
		"@SUM(A1)":                       "'@SUM(A1)",
		"\t=1":                           "'\t=1",
		"":                               "",
		"51.03.02.2001":                  "51.03.02.2001",
	}
	for in, want := range cases {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}
