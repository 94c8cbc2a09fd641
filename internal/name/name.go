// Package name checks the free text people type for names and addresses, and the searches
// that look them up. Plain Go, no SQL, no HTTP.
//
// A name is printed on cards and receipts, shown to officers and exported to spreadsheets, so
// it must be text a person can read: no control characters (a NUL byte breaks PostgreSQL), no
// bidirectional overrides (they reorder what is shown, so "Budi" can display as something
// else), and something visible (not only zero-width characters).
package name

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	ErrEmpty     = errors.New("is required")
	ErrInvisible = errors.New("has no visible characters")
	ErrControl   = errors.New("contains a control character")
	ErrBidi      = errors.New("contains a text-direction override")
	ErrEncoding  = errors.New("is not valid UTF-8 text")
)

// Clean folds runs of white space to one space and trims the ends: how a name is kept.
func Clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// Check reports what is wrong with a name of min to max characters (runes), or nil.
func Check(s string, min, max int) error {
	if err := Text(s); err != nil {
		return err
	}
	n := utf8.RuneCountInString(s)
	if n == 0 {
		return ErrEmpty
	}
	visible := false
	for _, r := range s {
		if !unicode.IsSpace(r) && !invisible(r) {
			visible = true
			break
		}
	}
	if !visible {
		return ErrInvisible
	}
	if n < min || n > max {
		return fmt.Errorf("%d–%d characters", min, max)
	}
	return nil
}

// Text reports what makes s unfit to store or show as free text: invalid UTF-8, a control
// character other than a line break or tab, or a bidirectional control.
func Text(s string) error {
	if !utf8.ValidString(s) {
		return ErrEncoding
	}
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
		case unicode.IsControl(r):
			return ErrControl
		case bidi(r):
			return ErrBidi
		}
	}
	return nil
}

// MaxQuery is the longest search accepted: a name, a 16-digit NIK or an 11-digit KPJ.
const MaxQuery = 100

// Query reports what is wrong with a search: too long, or text that is not text.
func Query(s string) error {
	if utf8.RuneCountInString(s) > MaxQuery {
		return fmt.Errorf("at most %d characters", MaxQuery)
	}
	if err := Text(s); err != nil {
		return err
	}
	if strings.ContainsAny(s, "\n\r\t") {
		return ErrControl
	}
	return nil
}

// bidi: the explicit embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069)
// and the marks (U+200E, U+200F, U+061C). Names in Latin script need none of them.
func bidi(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

// invisible: zero-width and other format characters that print as nothing.
func invisible(r rune) bool {
	return r == 0x200B || r == 0x200C || r == 0x200D || r == 0x2060 || r == 0xFEFF || r == 0x00AD || r == 0x180E || unicode.Is(unicode.Cf, r)
}
