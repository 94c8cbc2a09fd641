package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/bulkimport"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/store"
)

// maxImport is the largest file accepted: 20,000 rows of CSV (the default row limit) are
// about 2.5 MB; an XLSX is smaller.
const maxImport = 16 << 20

// maxImportsPerUser is how many imports one user may have being read or run at once.
const maxImportsPerUser = 2

// importSlots counts each user's imports in progress, so that one user cannot fill the
// server's memory and CPU with many uploads at once.
type importSlots struct {
	mu   sync.Mutex
	busy map[int64]int
}

func (s *importSlots) take(user int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy == nil {
		s.busy = map[int64]int{}
	}
	if s.busy[user] >= maxImportsPerUser {
		return fmt.Errorf("%d imports of yours are still running: wait for one to finish: %w", maxImportsPerUser, errs.ErrRateLimited)
	}
	s.busy[user]++
	return nil
}

func (s *importSlots) release(user int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy[user]--; s.busy[user] <= 0 {
		delete(s.busy, user)
	}
}

// readUpload takes the file from a multipart form field "file" or, failing that, the raw body.
func readUpload(r *http.Request) (string, []byte, error) {
	if ct := r.Header.Get("Content-Type"); len(ct) >= 19 && ct[:19] == "multipart/form-data" {
		f, hdr, err := r.FormFile("file")
		if err != nil {
			if tooLarge(err) {
				return "", nil, errTooLarge()
			}
			return "", nil, errs.Invalid("file", "attach the CSV or XLSX file as the form field \"file\": %v", err)
		}
		defer f.Close()
		data, err := io.ReadAll(f)
		return hdr.Filename, data, err
	}
	data, err := io.ReadAll(r.Body)
	if tooLarge(err) {
		return "", nil, errTooLarge()
	}
	if err != nil {
		return "", nil, errs.Invalid("file", "cannot read the upload: %v", err)
	}
	name := r.URL.Query().Get("filename")
	if name == "" {
		name = "upload"
	}
	return name, data, nil
}

// tooLarge: the body passed the size cap (http.MaxBytesReader, set in guard).
func tooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

func errTooLarge() error {
	return errs.TooLarge("body", "the request is larger than accepted (files: %d MiB, other requests: %d KiB)", maxImport>>20, maxBody>>10)
}

// startImport reads the file, records the import and runs it in the background.
func (s *Server) startImport(r *http.Request, p access.Principal) (store.Import, error) {
	if err := access.Authorize(p, access.ImportParticipants, access.Resource{}); err != nil {
		return store.Import{}, err
	}
	if err := s.imports.take(p.UserID); err != nil {
		return store.Import{}, err
	}
	started := false
	defer func() {
		if !started {
			s.imports.release(p.UserID)
		}
	}()
	name, data, err := readUpload(r)
	if err != nil {
		return store.Import{}, err
	}
	rows, err := bulkimport.Read(data, s.limits)
	if err != nil {
		return store.Import{}, err
	}
	var agentID int64
	if a := r.FormValue("agent_id"); a != "" {
		if agentID, err = strconv.ParseInt(a, 10, 64); err != nil {
			return store.Import{}, errs.Invalid("agent_id", "must be an agent id")
		}
	}
	act := actor(r, p)
	im, err := s.db.StartImport(r.Context(), store.OwnerOf(p), act, name, bulkimport.Hash(data), len(rows))
	if err != nil {
		return im, err
	}
	job := bulkimport.Job{DB: s.db, Rules: s.rs(), P: p, Actor: act, AgentID: agentID, Rows: rows, Today: calendar.Today()}
	s.bg.Add(1)
	started = true
	go func() {
		defer s.bg.Done()
		defer s.imports.release(p.UserID)
		if err := bulkimport.Run(context.WithoutCancel(r.Context()), job, im.ID, nil); err != nil {
			s.log.Error("import failed", "import", im.ID, "err", err)
		}
	}()
	return im, nil
}

func (s *Server) apiStartImport(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	im, err := s.startImport(r, p)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/imports/"+strconv.FormatInt(im.ID, 10))
	writeJSON(w, http.StatusAccepted, im)
	return nil
}

// ownImport loads an import its own user (or an admin) may see.
func (s *Server) ownImport(r *http.Request, p access.Principal) (store.Import, error) {
	ref, err := pathRef(r, p, "id")
	if err != nil {
		return store.Import{}, err
	}
	im, err := s.db.GetImport(r.Context(), ref)
	if err != nil {
		return im, err
	}
	if im.UserID != p.UserID && p.Role != access.Admin {
		return im, errs.Forbidden("the import belongs to another user")
	}
	return im, nil
}

func (s *Server) apiImport(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	im, err := s.ownImport(r, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, im)
	return nil
}

func (s *Server) apiImports(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	list, err := s.db.Imports(r.Context(), store.OwnerOf(p))
	if err != nil {
		return err
	}
	writePage(w, r, list)
	return nil
}

// importReport serves the per-row report as CSV (default), XLSX or JSON.
func (s *Server) importReport(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	im, err := s.ownImport(r, p)
	if err != nil {
		return err
	}
	rows, err := s.db.ImportRows(r.Context(), im)
	if err != nil {
		return err
	}
	base := "laporan-impor-" + strconv.FormatInt(im.ID, 10)
	switch r.URL.Query().Get("format") {
	case "", "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+base+`.csv"`)
		return bulkimport.WriteCSV(w, rows)
	case "xlsx":
		var buf bytes.Buffer
		if err := bulkimport.WriteXLSX(&buf, rows); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+base+`.xlsx"`)
		_, err = w.Write(buf.Bytes())
		return err
	case "json":
		writePage(w, r, rows)
		return nil
	}
	return errs.Invalid("format", "csv, xlsx or json")
}

func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="template-impor-peserta.csv"`)
	_, _ = io.WriteString(w, bulkimport.Template+"\n")
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
