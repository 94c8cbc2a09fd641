package store

import (
	"encoding/base64"
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

// blind is the keyed hash used to find a record by a personal value without storing it.
func (db *DB) blind(kind, value string) (string, error) {
	k, err := db.sealer()
	if err != nil {
		return "", err
	}
	return k.Blind(kind, value), nil
}
