package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/secret"
)

// Rotated counts what a key rotation sealed again.
type Rotated struct {
	Participants, Heirs, Agents, Wadah, Claims, Documents int
}

// sealedColumns are every column sealed with the field key, with the context it was sealed
// under. A new sealed column gets a row here, or a rotation would leave it unreadable.
var sealedColumns = []struct{ table, column, context string }{
	{"heirs", "nik_enc", "heir.nik"},
	{"agents", "bank_account_enc", "agent.bank_account"},
	{"wadah", "bank_account_enc", "wadah.bank_account"},
	{"claims", "bank_account_enc", "claim.bank_account"},
}

// RotateKeys seals every personal field again under next, and recomputes the NIK blind
// indexes (participants and the duplicate gate), in one transaction: either every field is
// under the new key or none is. The server must be stopped (it holds the old key); afterwards
// the store uses next.
func (db *DB) RotateKeys(ctx context.Context, act audit.Actor, next *secret.Keys) (Rotated, error) {
	var out Rotated
	old, err := db.sealer()
	if err != nil {
		return out, err
	}
	reseal := func(context, enc string) (string, string, error) {
		if enc == "" {
			return "", "", nil
		}
		raw, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			return "", "", err
		}
		plain, err := old.Open(context, raw)
		if err != nil {
			return "", "", err
		}
		return base64.StdEncoding.EncodeToString(next.Seal(context, plain)), string(plain), nil
	}
	err = db.Transact(ctx, func(tx *Tx) error {
		out = Rotated{}
		// Each row is written back in its province, as it was read.
		type row struct {
			id            int64
			province, enc string
		}
		read := func(q string) ([]row, error) {
			rows, err := tx.QueryContext(ctx, q)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			var list []row
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.id, &r.province, &r.enc); err != nil {
					return nil, err
				}
				list = append(list, r)
			}
			return list, rows.Err()
		}
		ps, err := read(`SELECT id, province_code, nik_enc FROM participants`)
		if err != nil {
			return fmt.Errorf("rotate participants: %w", err)
		}
		for _, p := range ps {
			enc, nikStr, err := reseal("participant.nik", p.enc)
			if err != nil {
				return fmt.Errorf("rotate participant %d: %w", p.id, err)
			}
			blind := next.Blind("nik", nikStr)
			if _, err := tx.ExecContext(ctx, `UPDATE participants SET nik_enc = $1, nik_blind = $2 WHERE id = $3 AND province_code = $4`, enc, blind, p.id, p.province); err != nil {
				return fmt.Errorf("rotate participant %d: %w", p.id, err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE nik_registry SET nik_blind = $1 WHERE province_code = $2 AND participant_id = $3`, blind, provinceOf(nikStr), p.id); err != nil {
				return fmt.Errorf("rotate participant %d: %w", p.id, err)
			}
			out.Participants++
		}
		for _, c := range sealedColumns {
			list, err := read(`SELECT id, province_code, ` + c.column + ` FROM ` + c.table + ` WHERE ` + c.column + ` <> ''`)
			if err != nil {
				return fmt.Errorf("rotate %s: %w", c.table, err)
			}
			for _, r := range list {
				enc, _, err := reseal(c.context, r.enc)
				if err != nil {
					return fmt.Errorf("rotate %s %d: %w", c.table, r.id, err)
				}
				if _, err := tx.ExecContext(ctx, `UPDATE `+c.table+` SET `+c.column+` = $1 WHERE id = $2 AND province_code = $3`, enc, r.id, r.province); err != nil {
					return fmt.Errorf("rotate %s %d: %w", c.table, r.id, err)
				}
				switch c.table {
				case "heirs":
					out.Heirs++
				case "agents":
					out.Agents++
				case "wadah":
					out.Wadah++
				case "claims":
					out.Claims++
				}
			}
		}
		// Claim documents are files: each is sealed again under a new name, and the row points
		// to it in this transaction; should it roll back, the old files are untouched.
		docs, err := read(`SELECT id, province_code, storage_key FROM claim_documents`)
		if err != nil {
			return fmt.Errorf("rotate documents: %w", err)
		}
		if len(docs) > 0 && db.files == nil {
			return fmt.Errorf("rotate documents: no file store (UseFiles was not called)")
		}
		for _, d := range docs {
			sealedOld, err := db.files.Get(ctx, d.enc)
			if err != nil {
				return fmt.Errorf("rotate document %d: %w", d.id, err)
			}
			plain, err := old.Open("claim.document:"+d.enc, sealedOld)
			if err != nil {
				return fmt.Errorf("rotate document %d: %w", d.id, err)
			}
			key := strings.SplitN(d.enc, "~", 2)[0] + "~" + strconv.FormatInt(idgen.Next(), 36)
			if err := db.files.Put(ctx, key, next.Seal("claim.document:"+key, plain)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE claim_documents SET storage_key = $1 WHERE id = $2 AND province_code = $3`, key, d.id, d.province); err != nil {
				return err
			}
			out.Documents++
		}
		return Audit(ctx, tx, act, "rotate", "master_key", "", "", fmt.Sprintf("%+v", out))
	})
	if err != nil {
		return out, err
	}
	db.UseKeys(next)
	return out, nil
}
