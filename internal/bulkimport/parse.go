// Package bulkimport reads a cohort of workers from a CSV or XLSX file (a village's list of
// vulnerable workers, say), registers every valid row in chunks, and reports each row's fate.
package bulkimport

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/money"
	"github.com/perisai/perisai/internal/nik"
	"github.com/perisai/perisai/internal/participant"
)

// Row is one data row of a file: the registration it reads as, or why it could not be read.
type Row struct {
	Line int // the spreadsheet row number (the header is row 1)
	Reg  participant.Registration
	Err  error
}

// columns maps every accepted header (English and Indonesian) to a field.
var columns = map[string]string{
	"nik": "nik", "name": "name", "nama": "name", "birth_date": "birth_date", "tanggal_lahir": "birth_date",
	"sex": "sex", "jenis_kelamin": "sex", "phone": "phone", "telepon": "phone", "no_hp": "phone",
	"village": "village", "desa": "village", "kode_desa": "village", "address": "address", "alamat": "address",
	"occupation": "occupation", "pekerjaan": "occupation", "declared_income": "declared_income", "penghasilan": "declared_income",
	"jht": "jht", "consent": "consent", "persetujuan": "consent",
	"heir_name": "heir_name", "ahli_waris": "heir_name", "heir_relationship": "heir_relationship", "hubungan_ahli_waris": "heir_relationship",
	"heir_birth_date": "heir_birth_date", "tanggal_lahir_ahli_waris": "heir_birth_date", "heir_nik": "heir_nik", "nik_ahli_waris": "heir_nik",
}

var required = []string{"nik", "name", "birth_date", "sex", "village", "occupation", "declared_income", "consent"}

// Template is the header line of a blank import file.
const Template = "nik,name,birth_date,sex,phone,village,address,occupation,declared_income,jht,consent,heir_name,heir_relationship,heir_birth_date,heir_nik"

// Limits bound what one file may cost the server. A small XLSX can expand to gigabytes (a
// zip of millions of rows), so the file is read as a stream and stopped at the first limit.
type Limits struct {
	MaxRows         int   // data rows, the header not counted
	MaxUncompressed int64 // an XLSX's contents, unzipped
}

// DefaultLimits fit a 2-core, 2 GB server: 20,000 rows (a regency's cohort; larger lists are
// split), 64 MiB of unzipped XLSX.
var DefaultLimits = Limits{MaxRows: 20_000, MaxUncompressed: 64 << 20}

// maxColumns is how many cells of a row are read; a template has 15.
const maxColumns = 64

// Read parses a CSV or XLSX file (told apart by content, not name) into rows, within lim.
func Read(data []byte, lim Limits) ([]Row, error) {
	if lim.MaxRows <= 0 {
		lim.MaxRows = DefaultLimits.MaxRows
	}
	if lim.MaxUncompressed <= 0 {
		lim.MaxUncompressed = DefaultLimits.MaxUncompressed
	}
	var records [][]string
	var lines []int // each record's row number in the file
	var err error
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		records, lines, err = readXLSX(data, lim)
	} else {
		records, lines, err = readCSV(data, lim)
	}
	if err != nil {
		return nil, err
	}
	if len(records) == 0 {
		return nil, errs.Invalid("file", "the file is empty")
	}
	idx := map[string]int{}
	for i, h := range records[0] {
		key := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		key = strings.ReplaceAll(key, " ", "_")
		if f, ok := columns[key]; ok {
			idx[f] = i
		}
	}
	var missing []string
	for _, c := range required {
		if _, ok := idx[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, errs.Invalid("file", "the header lacks the column(s) %s; expected: %s", strings.Join(missing, ", "), Template)
	}
	rows := make([]Row, 0, len(records)-1)
	for i, rec := range records[1:] {
		get := func(f string) string {
			j, ok := idx[f]
			if !ok || j >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[j])
		}
		reg, err := toRegistration(get)
		rows = append(rows, Row{Line: lines[i+1], Reg: reg, Err: err})
	}
	return rows, nil
}

func tooManyRows(lim Limits) error {
	return errs.Invalid("file", "the file has more than %d rows: split it into smaller files", lim.MaxRows)
}

// readCSV reads records one at a time, keeping the non-blank ones, and stops past the limit.
func readCSV(data []byte, lim Limits) ([][]string, []int, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false
	// Spreadsheets saved in Indonesian locales separate with semicolons.
	if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	// encoding/csv skips empty lines; FieldPos keeps each record's real line for the report.
	var recs [][]string
	var lines []int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, errs.Invalid("file", "not a readable CSV file: %v", err)
		}
		if len(recs) > 0 && blank(rec) {
			continue
		}
		if len(recs) > lim.MaxRows {
			return nil, nil, tooManyRows(lim)
		}
		line, _ := cr.FieldPos(0)
		recs = append(recs, rec[:min(len(rec), maxColumns)])
		lines = append(lines, line)
	}
	return recs, lines, nil
}

// readXLSX checks the unzipped size the archive declares (Go's zip reader refuses an entry that
// inflates past its declared size, so the sum cannot lie), then streams the first sheet's rows:
// a worksheet above a few MiB is unzipped to a temporary file, never into memory.
func readXLSX(data []byte, lim Limits) ([][]string, []int, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, errs.Invalid("file", "not a readable XLSX file: %v", err)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(lim.MaxUncompressed) {
			return nil, nil, errs.Invalid("file", "the workbook unpacks to more than %d MiB: split it into smaller files", lim.MaxUncompressed>>20)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: lim.MaxUncompressed, UnzipXMLSizeLimit: min(lim.MaxUncompressed, 4<<20)})
	if err != nil {
		return nil, nil, errs.Invalid("file", "not a readable XLSX file: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, errs.Invalid("file", "the workbook has no sheet")
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, nil, errs.Invalid("file", "cannot read sheet %s: %v", sheets[0], err)
	}
	defer it.Close()
	var recs [][]string
	var lines []int
	for n := 1; it.Next(); n++ {
		rec, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, nil, errs.Invalid("file", "cannot read sheet %s row %d: %v", sheets[0], n, err)
		}
		if len(recs) > 0 && blank(rec) {
			continue
		}
		if len(recs) > lim.MaxRows {
			return nil, nil, tooManyRows(lim)
		}
		recs = append(recs, rec[:min(len(rec), maxColumns)])
		lines = append(lines, n)
	}
	if err := it.Error(); err != nil {
		return nil, nil, errs.Invalid("file", "cannot read sheet %s: %v", sheets[0], err)
	}
	return recs, lines, nil
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// toRegistration reads the cells; what cannot be read is reported with the column's name, and
// everything else is left to participant validation.
func toRegistration(get func(string) string) (participant.Registration, error) {
	var es errs.FieldErrors
	reg := participant.Registration{
		NIK: get("nik"), Name: get("name"), Phone: get("phone"), Village: get("village"), Address: get("address"),
		Occupation: strings.ToLower(get("occupation")), Sex: nik.Sex(strings.ToUpper(get("sex"))),
	}
	switch strings.ToLower(string(reg.Sex)) {
	case "m", "male", "laki-laki", "pria":
		reg.Sex = nik.Male
	case "f", "female", "perempuan", "wanita":
		reg.Sex = nik.Female
	}
	var err error
	if reg.BirthDate, err = parseDate(get("birth_date")); err != nil {
		es.Add("birth_date", "%v", err)
	}
	if s := get("declared_income"); s != "" {
		if reg.DeclaredIncome, err = money.Parse(s); err != nil {
			es.Add("declared_income", "%q is not a whole number of rupiah", s)
		}
	}
	reg.JHT = yes(get("jht"))
	reg.Consent = yes(get("consent"))
	if name := get("heir_name"); name != "" {
		h := participant.Heir{Name: name, Relationship: participant.Relationship(strings.ToLower(get("heir_relationship"))), NIK: get("heir_nik")}
		if h.BirthDate, err = parseDate(get("heir_birth_date")); err != nil {
			es.Add("heir_birth_date", "%v", err)
		}
		reg.Heirs = []participant.Heir{h}
	}
	return reg, es.Err()
}

func yes(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "y", "ya", "yes", "true", "x", "v":
		return true
	}
	return false
}

// parseDate reads 1985-03-12, 12/03/1985, 12-03-1985, or an Excel serial day number.
func parseDate(s string) (calendar.Date, error) {
	if s == "" {
		return calendar.Date{}, nil // validation says it is required
	}
	if d, err := calendar.ParseDate(s); err == nil {
		return d, nil
	}
	for _, sep := range []string{"/", "-", "."} {
		parts := strings.Split(s, sep)
		if len(parts) == 3 && len(parts[2]) == 4 {
			d, err1 := strconv.Atoi(parts[0])
			m, err2 := strconv.Atoi(parts[1])
			y, err3 := strconv.Atoi(parts[2])
			if err1 == nil && err2 == nil && err3 == nil && m >= 1 && m <= 12 && d >= 1 && d <= 31 {
				date := calendar.D(y, time.Month(m), d)
				if date.Day() == d {
					return date, nil
				}
			}
		}
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && n > 1 && n < 80000 {
		// Excel counts days from 1899-12-30.
		return calendar.D(1899, 12, 30).AddDays(int(n)), nil
	}
	return calendar.Date{}, fmt.Errorf("%q is not a date (YYYY-MM-DD or DD/MM/YYYY)", s)
}
