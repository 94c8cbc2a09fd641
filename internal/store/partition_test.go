package store_test

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// The schema can be distributed by province (issue 21): every table is classified
// (store.Tables), and every distributed table carries province_code and is partitioned by it on
// PostgreSQL, which refuses a primary key or unique constraint without it as Citus does. The
// store tests then run on the partitioned schema (CI: PERISAI_TEST_PARTITIONED).
func TestSchemaDistributesByProvince(t *testing.T) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skip("PostgreSQL not configured")
	}
	ctx := context.Background()
	db := storetest.Postgres(t)
	conn, err := sql.Open("pgx", db.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT c.relname, EXISTS (SELECT 1 FROM information_schema.columns k
WHERE k.table_schema = 'public' AND k.table_name = c.relname AND k.column_name = 'province_code')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	hasProvince := map[string]bool{}
	for rows.Next() {
		var name string
		var prov bool
		if err := rows.Scan(&name, &prov); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
		hasProvince[name] = prov
	}
	rows.Close()
	for _, name := range tables {
		if _, ok := store.Tables[name]; !ok {
			t.Errorf("table %s is not classified: add it to store.Tables (distributed tables carry province_code in their keys)", name)
		}
	}
	for name := range store.Tables {
		if _, ok := hasProvince[name]; !ok {
			t.Errorf("store.Tables lists %s, which the schema does not have", name)
		}
	}
	for name, class := range store.Tables {
		if class == store.Distributed && !hasProvince[name] {
			t.Errorf("distributed table %s has no province_code", name)
		}
		if class != store.Distributed {
			continue
		}
		if err := storetest.PartitionTable(ctx, conn, name); err != nil {
			t.Errorf("distributed table %s: %v", name, err)
		}
	}
	t.Logf("%d tables: %d distributed by province", len(tables), count(store.Distributed))
}

func count(c store.TableClass) int {
	n := 0
	for _, x := range store.Tables {
		if x == c {
			n++
		}
	}
	return n
}
