package web

import (
	"io/fs"
	"regexp"
	"slices"
	"testing"

	"github.com/perisai/perisai/internal/i18n"
)

// Every message a template names exists in the catalogs, so no page shows a bare key.
func TestTemplateMessagesExist(t *testing.T) {
	keys := i18n.Keys(i18n.Default)
	use := regexp.MustCompile(`\bt \$?\.Lang "([^"]+)"`)
	files, _ := fs.Glob(templateFS, "templates/*.html")
	n := 0
	for _, f := range files {
		b, _ := fs.ReadFile(templateFS, f)
		for _, m := range use.FindAllStringSubmatch(string(b), -1) {
			n++
			if _, found := slices.BinarySearch(keys, m[1]); !found {
				t.Errorf("%s uses unknown message %q", f, m[1])
			}
		}
	}
	if n < 50 {
		t.Fatalf("only %d messages found: is the pattern still right?", n)
	}
}
