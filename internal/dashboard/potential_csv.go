package dashboard

import (
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/perisai/perisai/internal/errs"
)

// PotentialHeader is the first line of a potential import: one row per region and year.
var PotentialHeader = []string{"region_code", "year", "workers", "source"}

// ReadPotentialCSV reads a potential import (comma or semicolon separated, as spreadsheets in
// Indonesia save it), at most max rows. A row it cannot read is refused with its line number;
// the figures themselves are checked by the store.
func ReadPotentialCSV(r io.Reader, max int) ([]PotentialEntry, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, errs.Invalid("file", "cannot read the upload")
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	cr := csv.NewReader(strings.NewReader(text))
	if first, _, _ := strings.Cut(text, "\n"); strings.Count(first, ";") > strings.Count(first, ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, errs.Invalid("file", "line %d cannot be read as CSV", 1)
	}
	for i, h := range head {
		head[i] = strings.ToLower(strings.TrimSpace(h))
	}
	if strings.Join(head, ",") != strings.Join(PotentialHeader, ",") {
		return nil, errs.Invalid("file", "line 1: the columns must be %s", strings.Join(PotentialHeader, ", "))
	}
	var out []PotentialEntry
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, errs.Invalid("file", "line %d cannot be read as CSV", line)
		}
		if len(rec) != len(PotentialHeader) {
			return nil, errs.Invalid("file", "line %d: %d columns, want %d", line, len(rec), len(PotentialHeader))
		}
		if len(out) == max {
			return nil, errs.Invalid("file", "line %d: at most %d rows", line, max)
		}
		year, err1 := strconv.Atoi(strings.TrimSpace(rec[1]))
		workers, err2 := strconv.ParseInt(strings.NewReplacer(".", "", " ", "").Replace(strings.TrimSpace(rec[2])), 10, 64)
		if err1 != nil || err2 != nil {
			return nil, errs.Invalid("file", "line %d: year and workers are whole numbers", line)
		}
		out = append(out, PotentialEntry{Region: strings.TrimSpace(rec[0]), Year: year, Workers: workers, Source: strings.TrimSpace(rec[3])})
	}
	if len(out) == 0 {
		return nil, errs.Invalid("file", "no rows")
	}
	return out, nil
}
