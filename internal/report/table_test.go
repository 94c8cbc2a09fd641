package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// An export states what it was made with above its rows, keeps numbers as numbers, and never
// lets a cell be read as a formula.
func TestTableExports(t *testing.T) {
	tb := Table{Title: "Dasbor Perisai: Bali", Meta: [][2]string{{"Periode", "Januari 2026 – November 2026"}, {"Saringan", "=HYPERLINK(\"x\")"}},
		Header: []string{"Wilayah", "Bumdes"}, Rows: [][]any{{"Badung", int64(62)}, {"-Gianyar", "<5"}}}
	var c bytes.Buffer
	if err := TableCSV(&c, tb); err != nil {
		t.Fatal(err)
	}
	csv := c.String()
	if !strings.HasPrefix(csv, "Dasbor Perisai: Bali\nPeriode,Januari 2026 – November 2026\n") || !strings.Contains(csv, "Badung,62\n") ||
		!strings.Contains(csv, "'-Gianyar,<5") || !strings.Contains(csv, `'=HYPERLINK`) {
		t.Fatalf("CSV:\n%s", csv)
	}
	var x bytes.Buffer
	if err := TableXLSX(&x, tb); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&x)
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetName(0)
	meta, _ := f.GetCellValue(sheet, "B2")
	n, _ := f.GetCellType(sheet, "B6")
	if meta != "Januari 2026 – November 2026" || n == excelize.CellTypeSharedString || n == excelize.CellTypeInlineString {
		t.Fatalf("XLSX: %q, Bumdes cell type %v", meta, n)
	}
}
