package bulkimport_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/perisai/perisai/internal/bulkimport"
	"github.com/perisai/perisai/internal/errs"
)

const header = "nik,name,birth_date,sex,village,occupation,declared_income,consent"

// bombXLSX is a real workbook whose first sheet holds n rows: a few hundred KB of zip that
// unpacks to n × ~120 bytes of XML, as in the file that took 3 GB and 34 s (issue 16 §3).
func bombXLSX(t testing.TB, n int) []byte {
	t.Helper()
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "nik")
	var small bytes.Buffer
	if err := f.Write(&small); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(small.Bytes()), int64(small.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		if zf.Name != "xl/worksheets/sheet1.xml" {
			rc, _ := zf.Open()
			io.Copy(w, rc)
			rc.Close()
			continue
		}
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		cols := strings.Split(header, ",")
		io.WriteString(w, `<row r="1">`)
		for _, c := range cols {
			io.WriteString(w, `<c t="inlineStr"><is><t>`+c+`</t></is></c>`)
		}
		io.WriteString(w, `</row>`)
		for i := 2; i <= n+1; i++ {
			io.WriteString(w, `<row r="`+strconv.Itoa(i)+`"><c t="inlineStr"><is><t>5103021203850001</t></is></c><c t="inlineStr"><is><t>A B</t></is></c></row>`)
		}
		io.WriteString(w, `</sheetData></worksheet>`)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestRowLimitCSV(t *testing.T) {
	lim := bulkimport.Limits{MaxRows: 3}
	row := "5103021203850001,A B,1985-03-12,L,51.03.02.2001,petani,1000000,ya\n"
	if rows, err := bulkimport.Read([]byte(header+"\n"+strings.Repeat(row, 3)+"\n\n"), lim); err != nil || len(rows) != 3 {
		t.Fatalf("at the limit: %d rows, %v", len(rows), err)
	}
	_, err := bulkimport.Read([]byte(header+"\n"+strings.Repeat(row, 4)), lim)
	if !errors.Is(err, errs.ErrInvalid) || !strings.Contains(err.Error(), "more than 3 rows") {
		t.Fatalf("past the limit: %v", err)
	}
}

func TestRowLimitXLSX(t *testing.T) {
	if rows, err := bulkimport.Read(bombXLSX(t, 5), bulkimport.Limits{MaxRows: 5}); err != nil || len(rows) != 5 {
		t.Fatalf("at the limit: %d rows, %v", len(rows), err)
	}
	_, err := bulkimport.Read(bombXLSX(t, 6), bulkimport.Limits{MaxRows: 5})
	if !errors.Is(err, errs.ErrInvalid) || !strings.Contains(err.Error(), "more than 5 rows") {
		t.Fatalf("past the limit: %v", err)
	}
}

// A zip bomb is refused by its unzipped size before anything is inflated, and one under the
// size cap but past the row cap is read as a stream and stopped: either way the server's
// memory stays small.
func TestXLSXBombStaysSmall(t *testing.T) {
	bomb := bombXLSX(t, 1_000_000) // ~3 MB of zip, ~110 MB of XML
	if len(bomb) > 4<<20 {
		t.Fatalf("bomb is %d bytes", len(bomb))
	}
	measure := func(lim bulkimport.Limits) (uint64, error) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := bulkimport.Read(bomb, lim)
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc, err
	}
	alloc, err := measure(bulkimport.DefaultLimits)
	if !errors.Is(err, errs.ErrInvalid) || !strings.Contains(err.Error(), "unpacks to more than 64 MiB") {
		t.Fatalf("default limits: %v", err)
	}
	if alloc > 16<<20 {
		t.Errorf("refusing by size allocated %d MiB", alloc>>20)
	}
	alloc, err = measure(bulkimport.Limits{MaxRows: 20_000, MaxUncompressed: 1 << 30})
	if !errors.Is(err, errs.ErrInvalid) || !strings.Contains(err.Error(), "more than 20000 rows") {
		t.Fatalf("row limit: %v", err)
	}
	if alloc > 256<<20 {
		t.Errorf("stopping at the row limit allocated %d MiB", alloc>>20)
	}
}
