package report

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var sample = Income{Title: "Laporan pendapatan desa 2026", Bumdes: "Bumdes Munggu", Region: "Munggu, Badung",
	Columns: [7]string{"Bulan", "Pernyataan", "Insentif agen", "Tambahan Bumdes", "Jumlah", "Pajak", "Dibayar"}, TotalLabel: "Jumlah setahun",
	Rows: []IncomeRow{{Month: "Oktober 2026", Statements: 2, Agents: 615_600, Extra: 61_560, Total: 677_160, Tax: 13_543, Paid: 663_617},
		{Month: "November 2026", Statements: 1, Agents: 100_000, Extra: 10_000, Total: 110_000}}}

// The year's row adds the months up: what the village books as income.
func TestIncomeSum(t *testing.T) {
	s := sample.Sum()
	if s.Statements != 3 || s.Total != 787_160 || s.Tax != 13_543 || s.Paid != 663_617 || s.Month != "Jumlah setahun" {
		t.Fatalf("%+v", s)
	}
}

func TestIncomeXLSX(t *testing.T) {
	var b bytes.Buffer
	if err := IncomeXLSX(&b, sample); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	if len(rows) < 7 || rows[3][0] != "Bulan" || rows[4][4] != "677160" || rows[6][0] != "Jumlah setahun" || rows[6][4] != "787160" {
		t.Fatalf("%q", rows)
	}
}

func TestIncomePDF(t *testing.T) {
	var b bytes.Buffer
	if err := IncomePDF(&b, sample); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("%PDF")) {
		t.Fatal("not a PDF")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed; .ci/run installs it")
	}
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = &b
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Bumdes Munggu", "Oktober 2026", "Rp 787.160", "Jumlah setahun"} {
		if !strings.Contains(string(out), want) {
			t.Fatalf("%q not in the PDF:\n%s", want, out)
		}
	}
}
