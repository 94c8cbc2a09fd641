package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/card"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/secret"
	"github.com/perisai/perisai/internal/store"
)

// Rotating the master key seals every personal field again: afterwards a NIK still finds its
// participant and still gates a duplicate, a card printed before still verifies, the old key
// opens nothing new, and a second rotation (which must open every field) succeeds.
func TestKeyRotate(t *testing.T) {
	databases(t, func(t *testing.T, db string) {
		ctx := context.Background()
		data := t.TempDir()
		keyFile := filepath.Join(data, "perisai.key")
		base := []string{"--database", db, "--data", data}
		if _, _, err := runCmd(t, "", append([]string{"demo"}, base...)...); err != nil {
			t.Fatal(err)
		}
		open := func() (*store.DB, *secret.Keys) {
			t.Helper()
			k, err := secret.LoadOrCreate(keyFile)
			if err != nil {
				t.Fatal(err)
			}
			s, err := store.Open(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			s.UseKeys(k)
			return s, k
		}
		s, before := open()
		found, err := s.Participants(ctx, audit.Actor{}, store.ParticipantFilter{Limit: 1})
		if err != nil || len(found) == 0 {
			t.Fatal(err)
		}
		p := found[0]
		oldCard := card.Token(before, p.KPJ)
		s.Close()

		out, _, err := runCmd(t, "", append([]string{"key", "rotate"}, base...)...)
		if err != nil || !strings.Contains(out, "key rotated") {
			t.Fatalf("key rotate: %v %s", err, out)
		}
		if fi, err := os.Stat(keyFile + ".previous"); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("previous key: %v", err)
		}
		s, after := open()
		defer s.Close()
		if _, ok := card.Check(after, oldCard); !ok {
			t.Error("a card printed before the rotation no longer verifies")
		}
		if card.Token(after, p.KPJ) == oldCard {
			t.Error("the signing key did not change")
		}
		// A NIK registered now (under the rotated key) is rotated once more, then found and
		// gated through the blind index made under the newest key.
		nikStr := "5103021203859991"
		officer, err := s.Principal(ctx, mustUser(t, s, "kc.denpasar"))
		if err != nil {
			t.Fatal(err)
		}
		reg := participant.Registration{NIK: nikStr, Name: "I Wayan Kunci", BirthDate: calendar.D(1985, 3, 12), Sex: "L",
			Village: "51.03.02.2001", Occupation: "petani", DeclaredIncome: 1_000_000, Consent: true}
		if _, err := s.Register(ctx, officer, audit.Actor{Name: "t"}, rules.Default(), reg, calendar.Today()); err != nil {
			t.Fatal(err)
		}
		s.Close()
		if out, _, err = runCmd(t, "", append([]string{"key", "rotate"}, base...)...); err != nil {
			t.Fatalf("second rotation (opens every field): %v %s", err, out)
		}
		s, _ = open()
		if got, err := s.Participants(ctx, audit.Actor{}, store.ParticipantFilter{Query: nikStr}); err != nil || len(got) != 1 || got[0].Name != "I Wayan Kunci" {
			t.Fatalf("find by NIK after rotation: %v %+v", err, got)
		}
		reg.Name = "I Wayan Dua Kali"
		if _, err := s.Register(ctx, officer, audit.Actor{Name: "t"}, rules.Default(), reg, calendar.Today()); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("the duplicate gate after rotation: %v", err)
		}
		// An interrupted rotation stops every command until it is finished by hand.
		if err := os.WriteFile(keyFile+".next", []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, err := runCmd(t, "", append([]string{"ledger", "verify"}, base...)...); err == nil || !strings.Contains(err.Error(), "did not finish") {
			t.Fatalf("with KEY.next present: %v", err)
		}
	})
}

func mustUser(t *testing.T, s *store.DB, name string) int64 {
	t.Helper()
	u, _, err := s.UserByUsername(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
