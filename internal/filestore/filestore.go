// Package filestore keeps uploaded files (claim documents) behind a small interface, so that a
// deployment can put them elsewhere than the default: a folder on the server's disk. What is
// stored is already sealed by the caller; the store only keeps bytes under a key.
package filestore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Store keeps files by key.
type Store interface {
	Put(ctx context.Context, key string, data []byte) error
	Get(ctx context.Context, key string) ([]byte, error)
}

// Dir is a Store in a folder: one file a key, mode 0600, written whole or not at all.
type Dir struct{ Path string }

func (d Dir) file(key string) (string, error) {
	if key == "" || strings.ContainsAny(key, `/\`) || strings.HasPrefix(key, ".") {
		return "", fmt.Errorf("filestore: bad key %q", key)
	}
	return filepath.Join(d.Path, key), nil
}

// Put writes the file under a temporary name and renames it, so a reader never sees half.
func (d Dir) Put(_ context.Context, key string, data []byte) error {
	name, err := d.file(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(d.Path, 0o700); err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	tmp, err := os.CreateTemp(d.Path, ".put-*")
	if err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("filestore: %w", err)
	}
	return nil
}

// ErrNotFound is a key with no file.
var ErrNotFound = errors.New("filestore: no such file")

// Get reads a file.
func (d Dir) Get(_ context.Context, key string) ([]byte, error) {
	name, err := d.file(key)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	return b, err
}
