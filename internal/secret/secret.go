// Package secret holds the installation's master key and the keys derived from it: one for
// session-bound tokens (CSRF), one for signing links (card and receipt QR codes), one for
// encrypting personal fields at rest. The key is read from a file created on first start; it is
// never logged and never leaves the process.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Keys are the working keys derived from the master key.
type Keys struct {
	csrf    []byte
	signing []byte
	aead    cipher.AEAD
	// previous is the key before the last rotation (perisai key rotate), kept only so that
	// cards and receipts printed before it still verify. It seals and signs nothing.
	previous *Keys
}

// Purpose names one derived key; a new purpose gets its own key without touching the others.
const (
	purposeCSRF    = "perisai csrf v1"
	purposeSigning = "perisai signing v1"
	purposeFields  = "perisai field encryption v1"
)

// LoadOrCreate reads the hex-encoded 32-byte master key from path, creating the file (mode 0600)
// with a fresh random key when it does not exist. A key file that others than its owner may
// read or write is refused: whoever reads it can open every sealed NIK and forge every card.
func LoadOrCreate(path string) (*Keys, error) {
	if _, err := os.Stat(path + ".next"); err == nil {
		return nil, fmt.Errorf("key file %s.next exists: a key rotation did not finish; see docs/security.md (Rotating the master key) before starting", path)
	}
	k, err := loadOrCreate(path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path + ".previous"); err == nil {
		if k.previous, err = Load(path + ".previous"); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// Load reads an existing key file, refusing one that others may read.
func Load(path string) (*Keys, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	return loadOrCreate(path)
}

// Generate writes a fresh master key to path (which must not exist), mode 0600, synced to disk.
func Generate(path string) (*Keys, error) {
	master := make([]byte, 32)
	if _, err := rand.Read(master); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	_, err = f.WriteString(hex.EncodeToString(master) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("key file: %w", err)
	}
	return FromMaster(master)
}

func loadOrCreate(path string) (*Keys, error) {
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("key file %s has mode %04o: others may read it; run chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		master := make([]byte, 32)
		if _, err := rand.Read(master); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("key file: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("key file: %w", err)
		}
		if _, err := f.WriteString(hex.EncodeToString(master) + "\n"); err != nil {
			f.Close()
			return nil, fmt.Errorf("key file: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("key file: %w", err)
		}
		return FromMaster(master)
	}
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	master, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(master) != 32 {
		return nil, fmt.Errorf("key file %s: want 64 hex digits", path)
	}
	return FromMaster(master)
}

// FromMaster derives the working keys from a 32-byte master key.
func FromMaster(master []byte) (*Keys, error) {
	if len(master) != 32 {
		return nil, errors.New("master key must be 32 bytes")
	}
	derive := func(purpose string) []byte {
		k, err := hkdf.Key(sha256.New, master, nil, purpose, 32)
		if err != nil {
			panic(err) // only on a length past what HKDF-SHA256 can give
		}
		return k
	}
	block, err := aes.NewCipher(derive(purposeFields))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Keys{csrf: derive(purposeCSRF), signing: derive(purposeSigning), aead: aead}, nil
}

// CSRFToken is the token a form of the session must carry. It is bound to the session (a MAC
// of its id), so it needs no storage and dies with the session. Each call masks it afresh with a
// one-time pad (pad ‖ pad⊕MAC): pages are sent compressed, and a secret that stood the same in
// every page could be read back from compressed sizes (BREACH); a masked one never repeats.
func (k *Keys) CSRFToken(sessionID string) string {
	raw := csrfMAC(k.csrf, sessionID)
	out := make([]byte, 2*len(raw))
	pad, masked := out[:len(raw)], out[len(raw):]
	rand.Read(pad)
	for i := range raw {
		masked[i] = pad[i] ^ raw[i]
	}
	return base64.RawURLEncoding.EncodeToString(out)
}

// CheckCSRF unmasks a token and compares it with the session's in constant time.
func (k *Keys) CheckCSRF(sessionID, token string) bool {
	b, err := base64.RawURLEncoding.DecodeString(token)
	raw := csrfMAC(k.csrf, sessionID)
	if err != nil || len(b) != 2*len(raw) {
		return false
	}
	pad, masked := b[:len(raw)], b[len(raw):]
	for i := range masked {
		masked[i] ^= pad[i]
	}
	return hmac.Equal(masked, raw)
}

func csrfMAC(key []byte, sessionID string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(sessionID))
	return h.Sum(nil)
}

// Sign returns a URL-safe signature of msg, for links printed on cards and receipts.
func (k *Keys) Sign(msg string) string { return mac(k.signing, msg) }

// Verify checks a signature made by Sign, with this key or the one before the last rotation
// (a card printed last year still verifies).
func (k *Keys) Verify(msg, sig string) bool {
	if hmac.Equal([]byte(k.Sign(msg)), []byte(sig)) {
		return true
	}
	return k.previous != nil && hmac.Equal([]byte(k.previous.Sign(msg)), []byte(sig))
}

// Seal encrypts a personal field (NIK, bank account …) with AES-256-GCM. The context (e.g.
// "participant.nik") is authenticated, so a value cannot be moved to another column unnoticed.
func (k *Keys) Seal(context string, plaintext []byte) []byte {
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	return k.aead.Seal(nonce, nonce, plaintext, []byte(context))
}

// Open decrypts what Seal made under the same context.
func (k *Keys) Open(context string, sealed []byte) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("sealed value too short")
	}
	out, err := k.aead.Open(nil, sealed[:n], sealed[n:], []byte(context))
	if err != nil {
		return nil, fmt.Errorf("open sealed value: %w", err)
	}
	return out, nil
}

// Blind is a keyed hash of a personal value, for finding a record by an encrypted field (a NIK)
// without storing the value in the clear.
func (k *Keys) Blind(context, value string) string {
	return mac(k.signing, "blind:"+context+":"+value)
}

func mac(key []byte, msg string) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}
