package bulkimport_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/perisai/perisai/internal/bulkimport"
	"github.com/perisai/perisai/internal/errs"
)

var fuzzLimits = bulkimport.Limits{MaxRows: 50, MaxUncompressed: 1 << 20}

// FuzzReadCSV: any bytes read as a CSV give rows within the limit or a refusal the person can
// act on (an invalid-input error); nothing panics.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte(header + "\n5103021203850001,A B,1985-03-12,L,51.03.02.2001,petani,1000000,ya\n"))
	f.Add([]byte("nik;nama;tanggal_lahir;jenis_kelamin;desa;pekerjaan;penghasilan;persetujuan\n5103021203850001;A B;12-03-1985;P;51.03.02.2001;petani;Rp 1.000.000;ya\n"))
	f.Add([]byte("\ufeff" + header + "\n\"unterminated"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 0 && data[0] == 'P' {
			return // the XLSX target covers zip archives
		}
		readWithin(t, data)
	})
}

// FuzzReadXLSX: any archive read as a workbook gives rows within the limits or a refusal.
func FuzzReadXLSX(f *testing.F) {
	book := excelize.NewFile()
	for i, v := range []any{"nik", "name", "birth_date", "sex", "village", "occupation", "declared_income", "consent"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		book.SetCellValue("Sheet1", cell, v)
	}
	book.SetSheetRow("Sheet1", "A2", &[]any{"5103021203850001", "A B", "1985-03-12", "L", "51.03.02.2001", "petani", 1000000, "ya"})
	var buf bytes.Buffer
	if err := book.Write(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(bombXLSX(f, 60))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		readWithin(t, data)
	})
}

func readWithin(t *testing.T, data []byte) {
	rows, err := bulkimport.Read(data, fuzzLimits)
	if err != nil {
		if !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("a refusal that is not invalid input: %v", err)
		}
		return
	}
	if len(rows) > fuzzLimits.MaxRows {
		t.Fatalf("%d rows read past the limit of %d", len(rows), fuzzLimits.MaxRows)
	}
	for _, r := range rows {
		if r.Line < 1 {
			t.Fatalf("row with line %d", r.Line)
		}
		if r.Err != nil && !errors.Is(r.Err, errs.ErrInvalid) {
			t.Fatalf("row %d: %v", r.Line, r.Err)
		}
	}
}
