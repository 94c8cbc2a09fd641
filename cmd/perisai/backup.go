package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/perisai/perisai/internal/backup"
	"github.com/perisai/perisai/internal/secret"
	"github.com/perisai/perisai/internal/store"
)

// cmdBackup writes a whole copy of the installation (database and claim documents) into one
// file while the servers run.
func cmdBackup(ctx context.Context, args []string, e env) error {
	var d dbFlags
	to, err := fileFlag(e, "backup", "to", "the backup file to write (must not exist)", args, &d)
	if err != nil {
		return err
	}
	db, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	m, err := backup.Take(ctx, backup.Source{DB: db, URL: d.url(), Documents: filepath.Join(d.data, "documents"), Keys: d.keys}, to)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backup written to %s: %s database at schema version %d (%.1f MiB), %d claim documents, taken %s\n",
		to, m.Dialect, m.Schema, float64(m.Bytes)/(1<<20), m.Documents, m.TakenAt.Format("2006-01-02 15:04:05 MST"))
	fmt.Fprintf(e.stdout, "The master key is NOT in the backup: keep a copy of %s apart from it. Without that key the personal data in the backup cannot be read.\n", d.keyFile)
	return nil
}

// fileFlag parses the shared database flags and one required file flag.
func fileFlag(e env, cmd, name, usage string, args []string, d *dbFlags) (string, error) {
	var file string
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	d.register(fs)
	fs.StringVar(&file, name, "", usage)
	if err := parse(fs, args); err != nil {
		return "", err
	}
	if file == "" {
		return "", fmt.Errorf("%s: give --%s FILE", cmd, name)
	}
	return file, nil
}

// cmdRestore writes a backup into an empty place (a new data folder, or an empty PostgreSQL
// database) and checks the ledger of what it restored.
func cmdRestore(ctx context.Context, args []string, e env) error {
	var d dbFlags
	from, err := fileFlag(e, "restore", "from", "the backup file to restore", args, &d)
	if err != nil {
		return err
	}
	if d.keyFile == "" {
		d.keyFile = filepath.Join(d.data, "perisai.key")
	}
	// The backup's own key, never a new one: a new key would open none of the personal data.
	keys, err := secret.Load(d.keyFile)
	if err != nil {
		return fmt.Errorf("restore: the master key the backup was taken with is needed (%s): %w", d.keyFile, err)
	}
	m, err := backup.Restore(ctx, from, backup.Target{URL: d.url(), Documents: filepath.Join(d.data, "documents"), Keys: keys})
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, d.url())
	if err != nil {
		return err
	}
	defer db.Close()
	db.UseKeys(keys)
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	if err := db.ForgetNodes(ctx); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored the backup of %s (%s, schema version %d, %d claim documents) into %s\n",
		m.TakenAt.Format("2006-01-02 15:04:05 MST"), m.Dialect, m.Schema, m.Documents, db.Redacted())
	return verifyLedger(ctx, e, db)
}
