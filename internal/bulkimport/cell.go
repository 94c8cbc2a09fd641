package bulkimport

import "strings"

// SafeCell makes text safe to put in a spreadsheet cell of a CSV or XLSX export: a cell that
// starts with =, +, -, @ (or a tab or carriage return before them) is read as a formula by
// spreadsheet programs, and a name typed as "=HYPERLINK(…)" would run in an officer's office.
// Such a cell gets a leading apostrophe, which spreadsheets show as plain text (OWASP's advice
// on CSV injection). Every text cell of an export passes through here; numbers do not.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
