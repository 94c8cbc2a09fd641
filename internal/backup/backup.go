// Package backup takes a whole copy of a Perisai installation into one file and restores it
// into an empty place: the database (SQLite copied with VACUUM INTO, PostgreSQL dumped with
// pg_dump; both read one snapshot, so the copy is consistent while servers go on writing) and
// the sealed claim documents of the data folder, with a manifest.
//
// The master key is not in the backup, on purpose: a stolen backup opens nothing. The manifest
// holds a check of the key (a MAC of a fixed text, which reveals nothing of the key), so a
// restore with the wrong key file is refused before anything is written.
package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/perisai/perisai/internal/secret"
	"github.com/perisai/perisai/internal/store"
)

// Format is the version of the archive layout.
const Format = 1

const (
	manifestName = "manifest.json"
	sqliteName   = "database.sqlite"
	pgName       = "database.pgdump"
	docsDir      = "documents"
	keyCheckText = "perisai backup key check"
)

// Manifest describes a backup.
type Manifest struct {
	Format    int           `json:"format"`
	Dialect   store.Dialect `json:"dialect"`
	Schema    int64         `json:"schema_version"`
	TakenAt   time.Time     `json:"taken_at"`
	Documents int           `json:"documents"`
	Bytes     int64         `json:"database_bytes"`
	KeyCheck  string        `json:"key_check"`
}

// Source is what a backup is taken of.
type Source struct {
	DB        *store.DB
	URL       string // the database's URL (pg_dump connects with it)
	Documents string // the claim documents folder ("" or missing: none)
	Keys      *secret.Keys
}

// Take writes a backup of src to the file to, which must not exist. It is written under a
// temporary name and renamed when whole, so a file named to is always a complete backup.
func Take(ctx context.Context, src Source, to string) (Manifest, error) {
	m := Manifest{Format: Format, Dialect: src.DB.Dialect, TakenAt: time.Now().UTC(), KeyCheck: src.Keys.Sign(keyCheckText)}
	if _, err := os.Stat(to); err == nil {
		return m, fmt.Errorf("backup: %s exists", to)
	}
	v, err := src.DB.SchemaVersion(ctx)
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	m.Schema = v
	tmp, err := os.MkdirTemp(filepath.Dir(to), ".perisai-backup-")
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmp)
	dbFile := filepath.Join(tmp, sqliteName)
	if src.DB.Dialect == store.Postgres {
		dbFile = filepath.Join(tmp, pgName)
		if err := run(ctx, "pg_dump", "--format=custom", "--no-owner", "--file", dbFile, "--dbname", src.URL); err != nil {
			return m, err
		}
	} else if err := src.DB.CopyTo(ctx, dbFile); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	st, err := os.Stat(dbFile)
	if err != nil {
		return m, err
	}
	m.Bytes = st.Size()
	docs, err := listFiles(src.Documents)
	if err != nil {
		return m, fmt.Errorf("backup: documents: %w", err)
	}
	m.Documents = len(docs)

	part := to + ".part"
	f, err := os.OpenFile(part, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(part) // gone once renamed
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	mj, _ := json.MarshalIndent(m, "", "  ")
	err = errors.Join(
		addBytes(tw, manifestName, mj),
		addFile(tw, filepath.Base(dbFile), dbFile),
	)
	for _, rel := range docs {
		if err != nil {
			break
		}
		err = addFile(tw, path.Join(docsDir, filepath.ToSlash(rel)), filepath.Join(src.Documents, rel))
	}
	if err == nil {
		err = errors.Join(tw.Close(), zw.Close(), f.Sync())
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	return m, os.Rename(part, to)
}

// Target is where a backup is restored: an SQLite file that does not exist yet or an empty
// PostgreSQL database, and the data folder the documents go into.
type Target struct {
	URL       string // sqlite://PATH or postgres://…
	Documents string
	Keys      *secret.Keys // the key file the server will run with
}

// Restore writes the backup in from into t and returns its manifest. It refuses a backup taken
// with another key, one for the other database, and a place that holds data already.
func Restore(ctx context.Context, from string, t Target) (Manifest, error) {
	var m Manifest
	f, err := os.Open(from)
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return m, fmt.Errorf("restore: %s is not a Perisai backup: %w", from, err)
	}
	tr := tar.NewReader(zr)
	h, err := tr.Next()
	if err != nil || h.Name != manifestName {
		return m, fmt.Errorf("restore: %s is not a Perisai backup (no manifest first)", from)
	}
	if err := json.NewDecoder(io.LimitReader(tr, 1<<16)).Decode(&m); err != nil {
		return m, fmt.Errorf("restore: manifest: %w", err)
	}
	switch {
	case m.Format != Format:
		return m, fmt.Errorf("restore: backup format %d; this version reads %d", m.Format, Format)
	case !t.Keys.Verify(keyCheckText, m.KeyCheck):
		return m, fmt.Errorf("restore: the key file is not the one the backup was taken with; the personal data would not open (give the backup's key with --key-file)")
	}
	pg := strings.HasPrefix(t.URL, "postgres://") || strings.HasPrefix(t.URL, "postgresql://")
	if pg != (m.Dialect == store.Postgres) {
		return m, fmt.Errorf("restore: the backup is of a %s database; restore it into one of the same kind", m.Dialect)
	}
	if err := emptyTarget(ctx, t, pg); err != nil {
		return m, err
	}
	tmp, err := os.MkdirTemp("", "perisai-restore-")
	if err != nil {
		return m, err
	}
	defer os.RemoveAll(tmp)
	restored := false
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return m, fmt.Errorf("restore: %w", err)
		}
		name := path.Clean(h.Name)
		switch {
		case h.Typeflag != tar.TypeReg:
			continue
		case name == sqliteName && !pg:
			p := sqlitePath(t.URL)
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				return m, err
			}
			if err := writeFile(p, tr); err != nil {
				return m, fmt.Errorf("restore: %w", err)
			}
			restored = true
		case name == pgName && pg:
			dump := filepath.Join(tmp, pgName)
			if err := writeFile(dump, tr); err != nil {
				return m, fmt.Errorf("restore: %w", err)
			}
			if err := run(ctx, "pg_restore", "--no-owner", "--exit-on-error", "--dbname", t.URL, dump); err != nil {
				return m, err
			}
			restored = true
		case strings.HasPrefix(name, docsDir+"/") && !strings.Contains(name, ".."):
			if t.Documents == "" {
				continue
			}
			p := filepath.Join(t.Documents, filepath.FromSlash(strings.TrimPrefix(name, docsDir+"/")))
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				return m, err
			}
			if err := writeFile(p, tr); err != nil {
				return m, fmt.Errorf("restore: %w", err)
			}
		}
	}
	if !restored {
		return m, fmt.Errorf("restore: %s holds no database", from)
	}
	return m, nil
}

// emptyTarget refuses a place that holds data: a restore never writes over anything.
func emptyTarget(ctx context.Context, t Target, pg bool) error {
	if !pg {
		p := sqlitePath(t.URL)
		if _, err := os.Stat(p); err == nil {
			return fmt.Errorf("restore: %s exists; restore into a new data folder", p)
		}
	} else {
		db, err := store.Open(ctx, t.URL)
		if err != nil {
			return fmt.Errorf("restore: %w (create the empty database first)", err)
		}
		empty, err := db.Empty(ctx)
		db.Close()
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		if !empty {
			return fmt.Errorf("restore: the database holds tables already; restore into an empty one")
		}
	}
	if t.Documents != "" {
		if docs, _ := listFiles(t.Documents); len(docs) > 0 {
			return fmt.Errorf("restore: %s holds documents already", t.Documents)
		}
	}
	return nil
}

func sqlitePath(u string) string {
	p := strings.TrimPrefix(strings.TrimPrefix(u, "sqlite://"), "file:")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}

// listFiles returns the regular files under dir, relative to it (none when dir is missing).
func listFiles(dir string) ([]string, error) {
	if dir == "" {
		return nil, nil
	}
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == dir {
			return fs.SkipDir
		}
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		out = append(out, rel)
		return err
	})
	return out, err
}

func addBytes(tw *tar.Writer, name string, b []byte) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: time.Now()}); err != nil {
		return err
	}
	_, err := tw.Write(b)
	return err
}

func addFile(tw *tar.Writer, name, p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime()}); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}

func writeFile(p string, r io.Reader) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

// run runs a PostgreSQL client tool, with its output in the error when it fails.
func run(ctx context.Context, tool string, args ...string) error {
	out, err := exec.CommandContext(ctx, tool, args...).CombinedOutput()
	if errors.Is(err, exec.ErrNotFound) {
		return fmt.Errorf("%s not found: install the PostgreSQL client tools of the server's version (Debian: postgresql-client)", tool)
	}
	if err != nil {
		return fmt.Errorf("%s: %w: %s", tool, err, strings.TrimSpace(string(out)))
	}
	return nil
}
