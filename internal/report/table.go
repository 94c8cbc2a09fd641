package report

import (
	"encoding/csv"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/perisai/perisai/internal/bulkimport"
)

// Table is an export of figures: a title, lines saying what it was made with (region, period,
// filters, when the figures were counted), a header and rows. Text cells are made safe for
// spreadsheets (bulkimport.SafeCell); numbers stay numbers.
type Table struct {
	Title  string
	Meta   [][2]string // label, value
	Header []string
	Rows   [][]any // string, int64 or int
}

func (t Table) cells(row []any) []any {
	out := make([]any, len(row))
	for i, c := range row {
		if s, ok := c.(string); ok {
			c = bulkimport.SafeCell(s)
		}
		out[i] = c
	}
	return out
}

// TableCSV writes the table as CSV: the title and meta lines first, a blank line, then the
// header and the rows.
func TableCSV(w io.Writer, t Table) error {
	cw := csv.NewWriter(w)
	lines := [][]string{{bulkimport.SafeCell(t.Title)}}
	for _, m := range t.Meta {
		lines = append(lines, []string{bulkimport.SafeCell(m[0]), bulkimport.SafeCell(m[1])})
	}
	lines = append(lines, []string{}, t.Header)
	for _, r := range t.Rows {
		line := make([]string, len(r))
		for i, c := range t.cells(r) {
			line[i] = fmt.Sprint(c)
		}
		lines = append(lines, line)
	}
	if err := cw.WriteAll(lines); err != nil {
		return fmt.Errorf("csv export: %w", err)
	}
	return nil
}

// TableXLSX writes the table as a workbook, the meta lines above the header.
func TableXLSX(w io.Writer, t Table) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	row := 1
	put := func(cells []any) {
		for i, c := range cells {
			cell, _ := excelize.CoordinatesToCellName(i+1, row)
			_ = f.SetCellValue(sheet, cell, c)
		}
		row++
	}
	put([]any{bulkimport.SafeCell(t.Title)})
	for _, m := range t.Meta {
		put([]any{bulkimport.SafeCell(m[0]), bulkimport.SafeCell(m[1])})
	}
	row++
	header := make([]any, len(t.Header))
	for i, h := range t.Header {
		header[i] = bulkimport.SafeCell(h)
	}
	put(header)
	for _, r := range t.Rows {
		put(t.cells(r))
	}
	if err := f.SetColWidth(sheet, "A", "A", 28); err != nil {
		return err
	}
	return f.Write(w)
}
