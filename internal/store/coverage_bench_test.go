package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// BenchmarkRefreshStatuses runs the daily status move over PERISAI_BENCH_PARTICIPANTS
// participants (default 200,000), each with a last paid month spread evenly over the past
// year, and reports participants per second and the time 10 million would take at that rate.
// Two cases: "month" is the run after a due date has passed, when one month's payers fall
// into arrears and another's arrears end (a sixth of them move); "all" moves every one (the
// first run after a long stop). Each iteration goes back and forth between its case's two days,
// so every one moves as many. PERISAI_BENCH_POSTGRES=1 runs it on PostgreSQL too.
func BenchmarkRefreshStatuses(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchRefreshStatuses(b, storetest.SQLite(b)) })
	if os.Getenv(storetest.EnvPostgres) != "" && os.Getenv("PERISAI_BENCH_POSTGRES") != "" {
		b.Run("postgres", func(b *testing.B) { benchRefreshStatuses(b, storetest.Postgres(b)) })
	}
}

func benchRefreshStatuses(b *testing.B, db *store.DB) {
	n := 200_000
	if v, err := strconv.Atoi(os.Getenv("PERISAI_BENCH_PARTICIPANTS")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	branch, payment := idgen.Next(), idgen.Next()
	now := time.Now().UTC()
	err := db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO branches (id, code, name, province_code, created_at) VALUES ($1, 'B', 'B', '51', $2)`, branch, now); err != nil {
			return err
		}
		// A payment row for the paid months to point at.
		entry := idgen.Next()
		if _, err := tx.ExecContext(ctx, `INSERT INTO journal_entries (id, at, kind, ref_type, ref_id) VALUES ($1, $2, 'bench', 'bench', 0)`, entry, now); err != nil {
			return err
		}
		holder := idgen.Next()
		if _, err := tx.ExecContext(ctx, `INSERT INTO participants (id, kpj, province_code, village_code, nik_blind, nik_enc, nik_masked, name, name_lower,
birth_date, sex, occupation, sector, declared_income, jkk, jkm, jht, branch_id, consent_at, consent_by, created_at, updated_at)
VALUES ($1, '99999999999', '51', '51.03.02.2001', 'h', 'x', 'x', 'h', 'h', $2, 'L', 'petani', 'other', 1000000, TRUE, TRUE, FALSE, $3, $4, 'b', $4, $4)`,
			holder, calendar.D(1980, 1, 1), branch, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO payments (id, receipt_no, participant_id, province_code, branch_id, funding, amount, months, status, entry_id, received_at, received_by)
VALUES ($1, 'KW-BENCH', $2, '51', $3, 'self', 0, 0, 'posted', $4, $5, 'bench')`, payment, holder, branch, entry, now)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	today := calendar.Today()
	pcols := []string{"id", "kpj", "province_code", "village_code", "nik_blind", "nik_enc", "nik_masked", "name", "name_lower", "birth_date", "sex",
		"occupation", "sector", "declared_income", "jkk", "jkm", "jht", "branch_id", "consent_at", "consent_by", "created_at", "updated_at"}
	for start := 0; start < n; start += 10_000 {
		err := db.Transact(ctx, func(tx *store.Tx) error {
			var ps, ss, ms [][]any
			for i := start; i < min(n, start+10_000); i++ {
				id := idgen.Next()
				ps = append(ps, []any{id, fmt.Sprintf("1%010d", i), "51", "51.03.02.2001", strconv.Itoa(i), "x", "x", "p", "p", calendar.D(1980, 1, 1),
					"L", "petani", "other", 1_000_000, true, true, false, branch, now, "bench", now, now})
				ss = append(ss, []any{id, "active", int(today.MonthOf().Add(-(i % 12)))})
				ms = append(ms, []any{id, int(today.MonthOf().Add(-(i % 12))), payment, 16_800, 0, 16_800, 10_000, 6_800, 0, "self", now, "51"})
			}
			if err := store.InsertRows(ctx, tx, "participants", pcols, ps, "", nil); err != nil {
				return err
			}
			if err := store.InsertRows(ctx, tx, "participant_status", []string{"participant_id", "status", "last_paid"}, ss, "", nil); err != nil {
				return err
			}
			return store.InsertRows(ctx, tx, "paid_months", []string{"participant_id", "month", "payment_id", "base", "discount", "due", "jkk", "jkm", "jht",
				"funding", "paid_at", "province_code"}, ms, "", nil)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	rs := rules.Default()
	// The day of each case where the run starts from, and the day it moves to.
	cases := []struct {
		name     string
		from, to calendar.Date
		moved    int
	}{
		{"month", today, today.AddDays(31), n / 6},
		{"all", today.AddDays(-366), today.AddDays(3 * 366), n},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if _, err := db.RefreshStatuses(ctx, rs, c.from); err != nil {
				b.Fatal(err)
			}
			days := [2]calendar.Date{c.to, c.from}
			for i := 0; b.Loop(); i++ {
				moved, err := db.RefreshStatuses(ctx, rs, days[i%2])
				if err != nil {
					b.Fatal(err)
				}
				if moved < c.moved*9/10 || moved > c.moved*11/10 {
					b.Fatalf("%s: %d moved, want about %d", days[i%2], moved, c.moved)
				}
			}
			perSec := float64(n*b.N) / b.Elapsed().Seconds()
			b.ReportMetric(perSec, "participants/s")
			b.ReportMetric(10_000_000/perSec, "s/10M")
		})
	}
}
