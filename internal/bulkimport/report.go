package bulkimport

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/perisai/perisai/internal/store"
)

var reportHeader = []string{"row", "outcome", "kpj", "reason"}

// WriteCSV writes an import's report.
func WriteCSV(w io.Writer, rows []store.ImportRow) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(reportHeader); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write([]string{strconv.Itoa(r.Row), string(r.Outcome), SafeCell(r.KPJ), SafeCell(r.Message)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes an import's report as a workbook, streamed so that a 100,000-row report
// does not sit in memory as cells.
func WriteXLSX(w io.Writer, rows []store.ImportRow) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	header := make([]any, len(reportHeader))
	for i, h := range reportHeader {
		header[i] = h
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{r.Row, string(r.Outcome), SafeCell(r.KPJ), SafeCell(r.Message)}); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
