package bulkimport_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/bulkimport"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/demo"
	"github.com/perisai/perisai/internal/region"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

const cohort = `nik,nama,tanggal_lahir,jenis_kelamin,telepon,desa,alamat,pekerjaan,penghasilan,jht,persetujuan,ahli_waris,hubungan_ahli_waris,tanggal_lahir_ahli_waris,nik_ahli_waris
5103021203850001,I Wayan Sudarma,12/03/1985,L,081234567890,51.03.02.2001,Br. Munggu Kaja,petani,1.000.000,ya,ya,Putu Ayu,child,05/01/2015,
5103025506900002,Ni Made Sari,1990-06-15,P,,51.03.02.2001,,pedagang,1500000,tidak,ya,,,,
5103021203850003,I Nyoman Tanpa Persetujuan,12/03/1985,L,,51.03.02.2001,,petani,1000000,,tidak,,,,

5103021203850004,I Ketut Salah Tanggal,13/03/1985,L,,51.03.02.2001,,petani,1000000,,ya,,,,
5103021203850005,I Gede Penghasilan,12/03/1985,L,,51.03.02.2001,,petani,satu juta,,ya,,,,
5103021203850001,I Wayan Ganda,12/03/1985,L,,51.03.02.2001,,petani,1000000,,ya,,,,
5171011203850006,I Putu Kota,12/03/1985,L,,51.71.01.1001,,ojek,1000000,,ya,,,,
`

func setup(t *testing.T, db *store.DB) (access.Principal, audit.Actor) {
	t.Helper()
	if _, err := demo.Load(context.Background(), db, demo.Small); err != nil {
		t.Fatal(err)
	}
	u, _, _ := db.UserByUsername(context.Background(), "kc.denpasar")
	p, err := db.Principal(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p, audit.Actor{UserID: u.ID, Name: u.Username}
}

func importFile(t *testing.T, db *store.DB, p access.Principal, act audit.Actor, data []byte) (store.Import, []store.ImportRow) {
	t.Helper()
	ctx := context.Background()
	rows, err := bulkimport.Read(data, bulkimport.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	im, err := db.StartImport(ctx, store.OwnerOf(p), act, "cohort.csv", bulkimport.Hash(data), len(rows))
	if err != nil {
		t.Fatal(err)
	}
	j := bulkimport.Job{DB: db, Rules: rules.Default(), P: p, Actor: act, Rows: rows, Today: calendar.Today()}
	var calls int
	if err := bulkimport.Run(ctx, j, im.ID, func(done, total int) { calls++ }); err != nil {
		t.Fatal(err)
	}
	if calls == 0 {
		t.Error("no progress reported")
	}
	im, _ = db.GetImport(ctx, store.Ref{ID: im.ID})
	report, _ := db.ImportRows(ctx, im)
	return im, report
}

// Every bad row is reported with its reason, the good ones are imported once, and a second
// upload of the same file creates nobody new.
func TestImportReportsEachRowAndImportsOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		p, act := setup(t, db)
		im, report := importFile(t, db, p, act, []byte(cohort))
		if im.Status != "done" || im.Total != 7 || im.Imported != 3 || im.Refused != 4 || im.Already != 0 {
			t.Fatalf("%+v", im)
		}
		want := map[int]string{
			2: "imported", 3: "imported",
			4: "consent",                              // no consent
			6: "does not match the stated birth date", // NIK says 12 March
			7: "not a whole number",                   // "satu juta"
			8: "row 2",                                // the same NIK as row 2
			9: "imported",                             // Denpasar: another regency of the same branch
		}
		if len(report) != len(want) {
			t.Fatalf("report: %+v", report)
		}
		for _, r := range report {
			w := want[r.Row]
			if w == "imported" {
				if r.Outcome != store.Imported || len(r.KPJ) != 11 {
					t.Errorf("row %d: %+v", r.Row, r)
				}
			} else if r.Outcome != store.Refused || !strings.Contains(r.Message, w) {
				t.Errorf("row %d: %+v, want a reason with %q", r.Row, r, w)
			}
		}

		again, report2 := importFile(t, db, p, act, []byte(cohort))
		if again.Imported != 0 || again.Already != 3 {
			t.Fatalf("second upload: %+v", again)
		}
		for _, r := range report2 {
			if r.Row == 2 && (r.Outcome != store.AlreadyRegistered || r.KPJ != report[0].KPJ) {
				t.Errorf("second upload row 2: %+v", r)
			}
		}
		found, _ := db.Participants(context.Background(), audit.Actor{}, store.ParticipantFilter{Query: "5103021203850001"})
		if len(found) != 1 || len(found[0].Heirs) != 0 && found[0].Name != "I Wayan Sudarma" {
			t.Fatalf("participants with row 2's NIK: %+v", found)
		}
		full, _ := db.Participant(context.Background(), audit.Actor{}, store.Ref{ID: found[0].ID})
		if len(full.Heirs) != 1 || full.Heirs[0].Name != "Putu Ayu" || !full.Programs.JHT {
			t.Fatalf("imported participant: %+v", full)
		}
	})
}

func TestXLSXInAndReportOut(t *testing.T) {
	db := storetest.SQLite(t)
	p, act := setup(t, db)
	f := excelize.NewFile()
	for i, line := range strings.Split(strings.TrimSpace(cohort), "\n") {
		cells := strings.Split(line, ",")
		row := make([]any, len(cells))
		for j, c := range cells {
			row[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	im, report := importFile(t, db, p, act, buf.Bytes())
	if im.Imported != 3 || im.Refused != 4 {
		t.Fatalf("%+v", im)
	}
	var out bytes.Buffer
	if err := bulkimport.WriteXLSX(&out, report); err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := book.GetRows("Sheet1")
	if len(got) != len(report)+1 || got[0][3] != "reason" || got[2][1] != "refused" && got[2][1] != "imported" {
		t.Fatalf("report workbook: %v", got)
	}
	var csvOut bytes.Buffer
	if err := bulkimport.WriteCSV(&csvOut, report); err != nil || !strings.HasPrefix(csvOut.String(), "row,outcome,kpj,reason\n") {
		t.Fatal(err, csvOut.String())
	}
}

func TestBadFiles(t *testing.T) {
	for name, data := range map[string]string{
		"empty":          "",
		"missing column": "nik,nama\n5103021203850001,x\n",
		"not xlsx":       "PK\x03\x04garbage",
	} {
		if _, err := bulkimport.Read([]byte(data), bulkimport.DefaultLimits); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	rows, err := bulkimport.Read([]byte("nik;nama;tanggal_lahir;jenis_kelamin;desa;pekerjaan;penghasilan;persetujuan\n5103021203850001;A B;12-03-1985;laki-laki;51.03.02.2001;petani;1000000;ya\n"), bulkimport.DefaultLimits)
	if err != nil || len(rows) != 1 || rows[0].Err != nil || rows[0].Reg.Sex != "L" || rows[0].Reg.BirthDate != calendar.D(1985, 3, 12) {
		t.Fatalf("semicolon CSV: %+v %v", rows, err)
	}
}

// Cohort writes n valid rows spread over Bali's villages, for the benchmark and the CLI test.
func Cohort(n int) []byte {
	var b bytes.Buffer
	b.WriteString(bulkimport.Template + "\n")
	villages := region.MustDefault().Search("", region.Village, "51", 0)
	for i := range n {
		v := villages[i%len(villages)].Code
		birth := calendar.D(1970, 1, 1).AddDays(i / 9999)
		fmt.Fprintf(&b, "%s%s%s%02d%02d%02d%04d,Pekerja %d,%s,L,,%s,,petani,1000000,,ya,,,,\n",
			v[0:2], v[3:5], v[6:8], birth.Day(), int(birth.Month()), birth.Year()%100, i%9999+1, i, birth, v)
	}
	return b.Bytes()
}

// BenchmarkImport100k imports 100,000 rows through the real pipeline (parse, validate, seal,
// register in chunks, report) and prints rows per second. PERISAI_BENCH_POSTGRES=1 runs it on
// PostgreSQL too.
func BenchmarkImport100k(b *testing.B) {
	data := Cohort(benchRows)
	run := func(b *testing.B, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, db, demo.Small); err != nil {
			b.Fatal(err)
		}
		u, _, _ := db.UserByUsername(ctx, "admin")
		p, _ := db.Principal(ctx, u.ID)
		act := audit.Actor{UserID: u.ID, Name: u.Username}
		for b.Loop() {
			rows, err := bulkimport.Read(data, bulkimport.Limits{MaxRows: benchRows})
			if err != nil {
				b.Fatal(err)
			}
			im, _ := db.StartImport(ctx, store.OwnerOf(p), act, "bench.csv", "", len(rows))
			if err := bulkimport.Run(ctx, bulkimport.Job{DB: db, Rules: rules.Default(), P: p, Actor: act, Rows: rows, Today: calendar.Today()}, im.ID, nil); err != nil {
				b.Fatal(err)
			}
			got, _ := db.GetImport(ctx, store.Ref{ID: im.ID})
			if got.Imported+got.Already != benchRows {
				b.Fatalf("%+v", got)
			}
		}
		b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
	}
	b.Run("sqlite", func(b *testing.B) { run(b, storetest.SQLite(b)) })
	if os.Getenv(storetest.EnvPostgres) != "" && os.Getenv("PERISAI_BENCH_POSTGRES") != "" {
		b.Run("postgres", func(b *testing.B) { run(b, storetest.Postgres(b)) })
	}
}

var benchRows = 100_000
