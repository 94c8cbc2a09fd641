package backup

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/secret"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

// A backup holds the database and the claim documents; it restores into a new place only, with
// the key it was taken with, into a database of its own kind; anything else is refused with a
// clear reason and nothing written.
func TestTakeAndRestore(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	docs := filepath.Join(t.TempDir(), "documents")
	if err := os.MkdirAll(filepath.Join(docs, "51", "claim-1"), 0o700); err != nil {
		t.Fatal(err)
	}
	sealed := []byte("sealed bytes of a photographed KK")
	if err := os.WriteFile(filepath.Join(docs, "51", "claim-1", "kk.jpg"), sealed, 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "p.backup")
	m, err := Take(ctx, Source{DB: db, URL: db.URL(), Documents: docs, Keys: storetest.Keys}, file)
	if err != nil || m.Documents != 1 || m.Dialect != store.SQLite || m.Schema < 25 {
		t.Fatalf("take: %+v %v", m, err)
	}
	if _, err := Take(ctx, Source{DB: db, URL: db.URL(), Documents: docs, Keys: storetest.Keys}, file); err == nil {
		t.Fatal("a backup written over another")
	}
	if st, _ := os.Stat(file); st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file mode %v: it holds personal data", st.Mode().Perm())
	}

	place := t.TempDir()
	target := Target{URL: "sqlite://" + filepath.Join(place, "perisai.db"), Documents: filepath.Join(place, "documents"), Keys: storetest.Keys}
	other, _ := secret.FromMaster(bytes.Repeat([]byte{7}, 32))
	refused := map[string]Target{
		"another key":          {URL: target.URL, Documents: target.Documents, Keys: other},
		"the other database":   {URL: "postgres://postgres@127.0.0.1:1/none", Keys: storetest.Keys},
		"a place holding data": {URL: db.URL(), Keys: storetest.Keys},
	}
	for name, tg := range refused {
		if _, err := Restore(ctx, file, tg); err == nil {
			t.Errorf("%s: restored", name)
		}
	}
	if _, err := os.Stat(filepath.Join(place, "perisai.db")); err == nil {
		t.Fatal("a refused restore wrote the database")
	}
	junk := filepath.Join(t.TempDir(), "junk")
	os.WriteFile(junk, []byte("not a backup"), 0o600)
	if _, err := Restore(ctx, junk, target); err == nil || !strings.Contains(err.Error(), "not a Perisai backup") {
		t.Fatalf("junk: %v", err)
	}

	if _, err := Restore(ctx, file, target); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(place, "documents", "51", "claim-1", "kk.jpg"))
	if err != nil || !bytes.Equal(got, sealed) {
		t.Fatalf("document: %q %v", got, err)
	}
	copyDB, err := store.Open(ctx, target.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	if v, err := copyDB.SchemaVersion(ctx); err != nil || v != m.Schema {
		t.Fatalf("restored schema %d, %v; want %d", v, err, m.Schema)
	}
}
