package card

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	"github.com/go-pdf/fpdf"
)

// ReceiptLine is one month on a receipt.
type ReceiptLine struct {
	Month string
	Due   int64
}

// Receipt is what a printed receipt shows.
type Receipt struct {
	No, Date, Name, KPJ, Funding, ReceivedBy, CoveredUntil, Status string
	Lines                                                          []ReceiptLine
	Amount, CreditUsed, CreditAdded                                int64
	VerifyURL                                                      string
}

// Rupiah writes Rp 1.000.000.
func Rupiah(n int64) string {
	s := strconv.FormatInt(max(n, -n), 10)
	var b bytes.Buffer
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if n < 0 {
		return "-Rp " + b.String()
	}
	return "Rp " + b.String()
}

// ReceiptPDF writes a receipt 58 mm wide, as a thermal printer prints it.
func ReceiptPDF(w io.Writer, r Receipt) error {
	q, err := QRPNG(r.VerifyURL, 240)
	if err != nil {
		return err
	}
	height := 110.0 + 5*float64(len(r.Lines))
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: 58, Ht: height}})
	pdf.SetMargins(3, 3, 3)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddPage()
	tr := pdf.UnicodeTranslatorFromDescriptor("cp1252")
	center := func(size float64, style, s string) {
		pdf.SetFont("Courier", style, size)
		pdf.CellFormat(52, size*0.5, tr(s), "", 1, "C", false, 0, "")
	}
	row := func(l, v string) {
		pdf.SetFont("Courier", "", 7)
		pdf.CellFormat(20, 4, tr(l), "", 0, "L", false, 0, "")
		pdf.CellFormat(32, 4, tr(v), "", 1, "R", false, 0, "")
	}
	center(9, "B", "BPJS Ketenagakerjaan")
	center(7, "", "Tanda Bukti Penerimaan Iuran")
	pdf.Ln(1)
	center(8, "B", r.No)
	pdf.Ln(1)
	row("Tanggal", r.Date)
	row("Nama", r.Name)
	row("KPJ", r.KPJ)
	row("Sumber dana", r.Funding)
	pdf.Ln(1)
	for _, l := range r.Lines {
		row(l.Month, Rupiah(l.Due))
	}
	if r.CreditUsed > 0 {
		row("Dari titipan", Rupiah(r.CreditUsed))
	}
	if r.CreditAdded > 0 {
		row("Jadi titipan", Rupiah(r.CreditAdded))
	}
	pdf.SetFont("Courier", "B", 8)
	pdf.CellFormat(20, 5, "Diterima", "T", 0, "L", false, 0, "")
	pdf.CellFormat(32, 5, Rupiah(r.Amount), "T", 1, "R", false, 0, "")
	row("Terlindungi s/d", r.CoveredUntil)
	if r.Status == "reversed" {
		center(8, "B", "DIBATALKAN")
	}
	pdf.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(q))
	pdf.ImageOptions("qr", 14, pdf.GetY()+2, 30, 30, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	pdf.SetY(pdf.GetY() + 33)
	center(6, "", "Pindai untuk memeriksa keaslian")
	center(6, "", r.ReceivedBy)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("receipt pdf: %w", err)
	}
	return pdf.Output(w)
}
