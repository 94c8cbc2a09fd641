package bulkimport

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/store"
)

// ChunkSize is how many rows one transaction registers: large enough that 100,000 rows take
// few commits, small enough that progress moves and the write lock is not held for long.
const ChunkSize = 2000

// Job is one import to run.
type Job struct {
	DB      *store.DB
	Rules   *rules.Set
	P       access.Principal
	Actor   audit.Actor
	AgentID int64 // the agent every row is registered for (an officer may name one)
	Rows    []Row
	Today   calendar.Date
}

// Hash identifies a file's content in the import record.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Run registers the rows chunk by chunk under an import record made with store.StartImport,
// calling progress after each chunk, and closes the record.
func Run(ctx context.Context, j Job, importID int64, progress func(done, total int)) error {
	err := run(ctx, j, importID, progress)
	if ferr := j.DB.FinishImport(context.WithoutCancel(ctx), j.Actor, j.P.Province, importID, err); ferr != nil && err == nil {
		err = ferr
	}
	return err
}

func run(ctx context.Context, j Job, importID int64, progress func(done, total int)) error {
	for start := 0; start < len(j.Rows); start += ChunkSize {
		if err := ctx.Err(); err != nil {
			return err
		}
		chunk := j.Rows[start:min(len(j.Rows), start+ChunkSize)]
		regs := make([]participant.Registration, len(chunk))
		refused := make([]error, len(chunk))
		lines := make([]int, len(chunk))
		for i, r := range chunk {
			regs[i], refused[i], lines[i] = r.Reg, r.Err, r.Line
			regs[i].AgentID = j.AgentID
		}
		if _, err := j.DB.ImportChunk(ctx, j.P, j.Actor, j.Rules, importID, lines, regs, refused, j.Today); err != nil {
			return err
		}
		if progress != nil {
			progress(start+len(chunk), len(j.Rows))
		}
	}
	return nil
}
