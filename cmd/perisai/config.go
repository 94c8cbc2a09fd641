package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/user"
	"path/filepath"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/filestore"
	"github.com/perisai/perisai/internal/secret"
	"github.com/perisai/perisai/internal/store"
)

// dbFlags are the flags every command shares.
type dbFlags struct {
	data     string
	database string
	keyFile  string
	keys     *secret.Keys     // set by open
	lease    *store.NodeLease // set by open: the node number this process's keys carry
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.data, "data", envOr("PERISAI_DATA", "data"), "data directory (SQLite file, key file) [PERISAI_DATA]")
	fs.StringVar(&d.database, "database", os.Getenv("PERISAI_DATABASE_URL"), "postgres://… or sqlite://PATH (default: SQLite in the data directory) [PERISAI_DATABASE_URL]")
	fs.StringVar(&d.keyFile, "key-file", os.Getenv("PERISAI_KEY_FILE"), "master key file, created on first use (default: DATA/perisai.key) [PERISAI_KEY_FILE]")
}

func (d *dbFlags) url() string {
	if d.database != "" {
		return d.database
	}
	return "sqlite://" + filepath.Join(d.data, "perisai.db")
}

// open loads the keys, connects and migrates: every command works on an up-to-date schema
// and can seal personal data.
func (d *dbFlags) open(ctx context.Context) (*store.DB, error) {
	if d.keyFile == "" {
		d.keyFile = filepath.Join(d.data, "perisai.key")
	}
	keys, err := secret.LoadOrCreate(d.keyFile)
	if err != nil {
		return nil, err
	}
	d.keys = keys
	db, err := store.Open(ctx, d.url())
	if err != nil {
		return nil, err
	}
	db.UseKeys(keys)
	// Claim documents live beside the key, sealed with it.
	db.UseFiles(filestore.Dir{Path: filepath.Join(d.data, "documents")})
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// Every command may write, and other servers may be writing into the same database: the
	// keys this process makes carry a node number no other live process holds.
	if d.lease, err = db.ClaimNode(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// cliActor is who the audit log names for an operator's command.
func cliActor() audit.Actor {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return audit.Actor{Name: "cli:" + name}
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// withDB parses a command's flags (the shared database flags, plus those define adds) and runs
// fn on the open, migrated database.
func withDB(ctx context.Context, e env, name string, args []string, define func(*flag.FlagSet), fn func(*store.DB) error) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var d dbFlags
	d.register(fs)
	if define != nil {
		define(fs)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db)
}
