package store

import (
	"context"
	"fmt"
	"os"
)

// Backup support. On SQLite the copy is made here (VACUUM INTO reads one snapshot, so the copy
// is consistent while a server goes on writing); on PostgreSQL internal/backup runs pg_dump.

// CopyTo writes a consistent copy of an SQLite database to path, which must not exist.
func (db *DB) CopyTo(ctx context.Context, path string) error {
	if db.Dialect != SQLite {
		return fmt.Errorf("copy: only SQLite is copied in place; PostgreSQL is dumped")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("copy: %s exists", path)
	}
	// The second writing connection (migrations use it): VACUUM cannot run in a transaction,
	// and the read pool's connections are read-only.
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("copy to %s: %w", path, err)
	}
	return os.Chmod(path, 0o600) // personal data: its owner only, like the database
}

// Empty reports whether the database holds no Perisai schema yet (a place to restore into).
func (db *DB) Empty(ctx context.Context) (bool, error) {
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if db.Dialect == Postgres {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'`
	}
	var n int
	err := db.read.QueryRowContext(ctx, q).Scan(&n)
	return n == 0, err
}

// ForgetNodes frees every node lease a restored copy carries over from the servers that were
// running when it was taken. Each keeps how far its keys got, and one that was held is taken
// as a dead holder's (ClaimNode starts a minute beyond it), so new keys start after the copy's.
func (db *DB) ForgetNodes(ctx context.Context) error {
	return db.Transact(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE nodes SET holder = CASE WHEN holder = '' THEN '' ELSE 'restored' END, expires_at = NULL`)
		return err
	})
}
