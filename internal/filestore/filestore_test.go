package filestore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestDir(t *testing.T) {
	ctx := context.Background()
	d := Dir{Path: filepath.Join(t.TempDir(), "docs")}
	if err := d.Put(ctx, "a1", []byte("sealed")); err != nil {
		t.Fatal(err)
	}
	if b, err := d.Get(ctx, "a1"); err != nil || string(b) != "sealed" {
		t.Fatalf("%q %v", b, err)
	}
	if fi, _ := os.Stat(filepath.Join(d.Path, "a1")); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
	if _, err := d.Get(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	for _, bad := range []string{"../x", "a/b", ".hidden", ""} {
		if err := d.Put(ctx, bad, nil); err == nil {
			t.Errorf("key %q accepted", bad)
		}
	}
}
