// Package report writes the documents people take away: a Bumdes's village income report, as
// PDF for the village's files and XLSX for its bookkeeping. The page hands it the words in
// the reader's language; the figures are whole rupiah.
package report

import (
	"fmt"
	"io"
	"strconv"

	"github.com/go-pdf/fpdf"
	"github.com/xuri/excelize/v2"

	"github.com/perisai/perisai/internal/card"
)

// IncomeRow is one month of the report.
type IncomeRow struct {
	Month                           string // the month by name
	Statements                      int
	Agents, Extra, Total, Tax, Paid int64
}

// Income is a Bumdes's incentive income for a year.
type Income struct {
	Title, Bumdes, Region, Note string
	// Columns are the headings: month, statements, agents' incentives, Bumdes extra, total,
	// tax withheld, paid.
	Columns    [7]string
	TotalLabel string
	Rows       []IncomeRow
}

// Sum is the year's row.
func (in Income) Sum() IncomeRow {
	s := IncomeRow{Month: in.TotalLabel}
	for _, r := range in.Rows {
		s.Statements += r.Statements
		s.Agents += r.Agents
		s.Extra += r.Extra
		s.Total += r.Total
		s.Tax += r.Tax
		s.Paid += r.Paid
	}
	return s
}

func (r IncomeRow) cells() []string {
	return []string{r.Month, strconv.Itoa(r.Statements), card.Rupiah(r.Agents), card.Rupiah(r.Extra), card.Rupiah(r.Total), card.Rupiah(r.Tax), card.Rupiah(r.Paid)}
}

// IncomePDF writes the report on one A4 page (portrait): a year has twelve rows.
func IncomePDF(w io.Writer, in Income) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(15, 15, 15)
	pdf.AddPage()
	tr := pdf.UnicodeTranslatorFromDescriptor("cp1252")
	pdf.SetFont("Helvetica", "B", 14)
	pdf.MultiCell(0, 7, tr(in.Title), "", "L", false)
	pdf.SetFont("Helvetica", "", 11)
	pdf.MultiCell(0, 6, tr(in.Bumdes+" · "+in.Region), "", "L", false)
	pdf.Ln(4)
	widths := []float64{30, 18, 28, 26, 28, 24, 26}
	row := func(cells []string, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont("Helvetica", style, 9)
		for i, c := range cells {
			align := "R"
			if i == 0 {
				align = "L"
			}
			pdf.CellFormat(widths[i], 7, tr(c), "1", 0, align, bold, 0, "")
		}
		pdf.Ln(-1)
	}
	pdf.SetFillColor(230, 236, 245)
	row(in.Columns[:], true)
	for _, r := range in.Rows {
		row(r.cells(), false)
	}
	row(in.Sum().cells(), true)
	if in.Note != "" {
		pdf.Ln(4)
		pdf.SetFont("Helvetica", "", 9)
		pdf.MultiCell(0, 5, tr(in.Note), "", "L", false)
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("income report: %w", err)
	}
	return pdf.Output(w)
}

// IncomeXLSX writes the report as a workbook with the amounts as numbers, for the Bumdes's
// bookkeeping.
func IncomeXLSX(w io.Writer, in Income) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	set := func(col, row int, v any) {
		cell, _ := excelize.CoordinatesToCellName(col, row)
		_ = f.SetCellValue(sheet, cell, v)
	}
	set(1, 1, in.Title)
	set(1, 2, in.Bumdes+" · "+in.Region)
	for i, c := range in.Columns {
		set(i+1, 4, c)
	}
	write := func(row int, r IncomeRow) {
		set(1, row, r.Month)
		set(2, row, r.Statements)
		set(3, row, r.Agents)
		set(4, row, r.Extra)
		set(5, row, r.Total)
		set(6, row, r.Tax)
		set(7, row, r.Paid)
	}
	for i, r := range in.Rows {
		write(5+i, r)
	}
	write(5+len(in.Rows), in.Sum())
	if in.Note != "" {
		set(1, 7+len(in.Rows), in.Note)
	}
	if err := f.SetColWidth(sheet, "A", "G", 20); err != nil {
		return err
	}
	return f.Write(w)
}
