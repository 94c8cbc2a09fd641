package store

import (
	"encoding/base64"
	"fmt"
)

// seal encrypts a personal value for a column; "" stays "".
func (db *DB) seal(column, value string) (string, error) {
	if value == "" {
		return "", nil
	}
	k, err := db.sealer()
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(k.Seal(column, []byte(value))), nil
}

// open reads back a value sealed by seal for the same column.
func (db *DB) open(column, sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	k, err := db.sealer()
	if err != nil {
		return "", err
	}
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return "", fmt.Errorf("%s: %w", column, err)
	}
	plain, err := k.Open(column, raw)
	if err != nil {
		return "", fmt.Errorf("%s: %w", column, err)
	}
	return string(plain), nil
}

// blind is the keyed hash used to find a record by a personal value without storing it.
func (db *DB) blind(kind, value string) (string, error) {
	k, err := db.sealer()
	if err != nil {
		return "", err
	}
	return k.Blind(kind, value), nil
}
