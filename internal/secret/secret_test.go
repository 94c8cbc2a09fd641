package secret

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeyFileCreatedOnceAndReused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "perisai.key")
	k1, err := LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v", fi.Mode(), err)
	}
	k2, err := LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	if !k2.CheckCSRF("s", k1.CSRFToken("s")) {
		t.Fatal("the same file gave different keys")
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreate(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a key file others may read was accepted: %v", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("nothex"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreate(path); err == nil {
		t.Fatal("a corrupt key file was accepted")
	}
}

func TestSealOpen(t *testing.T) {
	k, _ := FromMaster(bytes.Repeat([]byte{1}, 32))
	sealed := k.Seal("participant.nik", []byte("5103011203850001"))
	if bytes.Contains(sealed, []byte("5103011203850001")) {
		t.Fatal("plaintext visible")
	}
	got, err := k.Open("participant.nik", sealed)
	if err != nil || string(got) != "5103011203850001" {
		t.Fatalf("%q %v", got, err)
	}
	if _, err := k.Open("agent.bank", sealed); err == nil {
		t.Fatal("opened under another context")
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := k.Open("participant.nik", sealed); err == nil {
		t.Fatal("tampered value opened")
	}
}

func TestCSRFAndSigning(t *testing.T) {
	k, _ := FromMaster(bytes.Repeat([]byte{2}, 32))
	other, _ := FromMaster(bytes.Repeat([]byte{3}, 32))
	tok := k.CSRFToken("session-a")
	if !k.CheckCSRF("session-a", tok) || k.CheckCSRF("session-b", tok) || other.CheckCSRF("session-a", tok) {
		t.Fatal("CSRF token not bound to session and key")
	}
	// Masked afresh each time (pages go out compressed: BREACH), every mask is accepted, and a
	// token cut short, doubled or not base64 is not.
	tok2 := k.CSRFToken("session-a")
	if tok2 == tok || !k.CheckCSRF("session-a", tok2) {
		t.Fatal("CSRF token not masked afresh")
	}
	for _, bad := range []string{"", tok[:len(tok)-2], tok + tok, "!" + tok[1:], strings.Repeat("A", len(tok))} {
		if k.CheckCSRF("session-a", bad) {
			t.Fatalf("accepted %q", bad)
		}
	}
	sig := k.Sign("card:123")
	if !k.Verify("card:123", sig) || k.Verify("card:124", sig) {
		t.Fatal("signature")
	}
	if k.Blind("nik", "1") != k.Blind("nik", "1") || k.Blind("nik", "1") == k.Blind("kk", "1") {
		t.Fatal("blind index")
	}
}
