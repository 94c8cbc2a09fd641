package web

import (
	"errors"
	"testing"

	"github.com/perisai/perisai/internal/errs"
)

// Security issue 16 §3: one user may have two imports in progress; a third waits its turn.
func TestImportSlotsPerUser(t *testing.T) {
	var s importSlots
	for range maxImportsPerUser {
		if err := s.take(1); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.take(1); !errors.Is(err, errs.ErrRateLimited) {
		t.Fatalf("third import: %v", err)
	}
	if err := s.take(2); err != nil {
		t.Fatalf("another user: %v", err)
	}
	s.release(1)
	if err := s.take(1); err != nil {
		t.Fatalf("after one finished: %v", err)
	}
}
