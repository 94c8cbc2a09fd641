package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sort"
	"testing"

	"github.com/perisai/perisai/internal/store"
)

// EnvPartitioned names the variable that makes Run's PostgreSQL databases partitioned by
// province (issue 21): every distributed table is recreated
// as PARTITION BY LIST (province_code), which PostgreSQL refuses for the same keys Citus does.
const EnvPartitioned = "PERISAI_TEST_PARTITIONED"

// Partitioned reports whether Run's PostgreSQL databases are partitioned.
func Partitioned() bool { return os.Getenv(EnvPartitioned) != "" }

// PartitionAll recreates every distributed table of the database at url as a table
// partitioned by province (one partition for Bali, where the tests' data lives, and a default
// one). It returns the first table PostgreSQL refuses, with why.
func PartitionAll(ctx context.Context, url string) error {
	conn, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	defer conn.Close()
	var tables []string
	for t, c := range store.Tables {
		if c == store.Distributed {
			tables = append(tables, t)
		}
	}
	sort.Strings(tables)
	for _, t := range tables {
		if err := PartitionTable(ctx, conn, t); err != nil {
			return err
		}
	}
	return nil
}

// PartitionTable recreates one table as PARTITION BY LIST (province_code), with its rows, its
// indexes and constraints, the foreign keys from and to it (a key from a partitioned table is
// dropped and made again on the table itself, not on its partitions, which inherit it), and its
// triggers, in one transaction: nothing changes when PostgreSQL refuses it.
func PartitionTable(ctx context.Context, conn *sql.DB, table string) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	old := table + "__old"
	type def struct{ table, name, def string }
	var incoming, outgoing []def
	var triggers []string
	rows, err := tx.QueryContext(ctx, `SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.conrelid = $1::regclass
FROM pg_constraint c WHERE c.contype = 'f' AND c.conparentid = 0 AND (c.confrelid = $1::regclass OR c.conrelid = $1::regclass)`, table)
	if err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	for rows.Next() {
		var d def
		var out bool
		if err := rows.Scan(&d.table, &d.name, &d.def, &out); err != nil {
			return err
		}
		if out {
			outgoing = append(outgoing, d)
		} else {
			incoming = append(incoming, d)
		}
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal`, table)
	if err != nil {
		return err
	}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return err
		}
		triggers = append(triggers, d)
	}
	rows.Close()
	steps := []string{
		fmt.Sprintf(`ALTER TABLE %s RENAME TO %s`, table, old),
		fmt.Sprintf(`CREATE TABLE %s (LIKE %s INCLUDING ALL) PARTITION BY LIST (province_code)`, table, old),
		fmt.Sprintf(`CREATE TABLE %s__p51 PARTITION OF %s FOR VALUES IN ('51')`, table, table),
		fmt.Sprintf(`CREATE TABLE %s__pdefault PARTITION OF %s DEFAULT`, table, table),
		fmt.Sprintf(`INSERT INTO %s SELECT * FROM %s`, table, old),
	}
	for _, d := range incoming {
		steps = append(steps, fmt.Sprintf(`ALTER TABLE %s DROP CONSTRAINT %s`, d.table, d.name),
			fmt.Sprintf(`ALTER TABLE %s ADD CONSTRAINT %s %s`, d.table, d.name, d.def)) // the definition names the table, now the new one
	}
	for _, d := range outgoing {
		steps = append(steps, fmt.Sprintf(`ALTER TABLE %s ADD CONSTRAINT %s %s`, table, d.name, d.def))
	}
	steps = append(steps, triggers...) // read before the rename: they name the new table
	steps = append(steps, fmt.Sprintf(`DROP TABLE %s CASCADE`, old))
	for _, s := range steps {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("partition %s by province: %s: %w", table, s, err)
		}
	}
	return tx.Commit()
}

// partitioned opens a migrated PostgreSQL database partitioned by province.
func partitioned(t testing.TB) *store.DB {
	t.Helper()
	url := EmptyPostgres(t)
	ctx := context.Background()
	schema, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	_, err = schema.Migrate(ctx)
	schema.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := PartitionAll(ctx, url); err != nil {
		t.Fatal(err)
	}
	return open(t, url)
}

// ByProvince opens a migrated PostgreSQL database with every distributed table partitioned by
// province, whether or not PERISAI_TEST_PARTITIONED is set; the test is skipped without
// PostgreSQL.
func ByProvince(t testing.TB) *store.DB {
	t.Helper()
	if os.Getenv(EnvPostgres) == "" {
		t.Skip("PostgreSQL not configured: set " + EnvPostgres)
	}
	return partitioned(t)
}
