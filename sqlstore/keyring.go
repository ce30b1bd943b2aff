package sqlstore

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// keyring seals the secrets the store must be able to read back (access-key
// secrets, MFA seeds) with AES-256-GCM under the data key. Each sealed value
// is bound to the row it belongs to through the additional data (the access
// key ID, the device serial number), so a sealed value copied into another
// row does not open.
type keyring struct {
	key  []byte
	aead cipher.AEAD
}

// sealVersion is the first byte of every sealed value: the format and key
// generation, so that key rotation can later tell old values from new.
const sealVersion = 1

const dataKeySize = 32 // AES-256

func newKeyring(key []byte) (*keyring, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &keyring{key: key, aead: aead}, nil
}

// seal encrypts plaintext bound to aad: version, random nonce, ciphertext.
func (k *keyring) seal(aad string, plaintext []byte) []byte {
	out := make([]byte, 1+k.aead.NonceSize(), 1+k.aead.NonceSize()+len(plaintext)+k.aead.Overhead())
	out[0] = sealVersion
	rand.Read(out[1:])
	return k.aead.Seal(out, out[1:], plaintext, []byte(aad))
}

var errSealed = errors.New("sealed value does not open with the data key")

// open decrypts a value made by seal with the same aad.
func (k *keyring) open(aad string, sealed []byte) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(sealed) < 1+n+k.aead.Overhead() || sealed[0] != sealVersion {
		return nil, errSealed
	}
	plaintext, err := k.aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(aad))
	if err != nil {
		return nil, errSealed
	}
	return plaintext, nil
}

func (k *keyring) fingerprint() string { return keyFingerprint(k.key) }

// sign returns the HMAC-SHA256 of message under a key derived from the
// data key for purpose, so that no signature is ever made with the data
// key itself, nor valid for another purpose.
func (k *keyring) sign(purpose string, message []byte) []byte {
	derive := hmac.New(sha256.New, k.key)
	derive.Write([]byte("warden signing key: " + purpose))
	m := hmac.New(sha256.New, derive.Sum(nil))
	m.Write(message)
	return m.Sum(nil)
}

// loadOrCreateKeyring reads the data key from path, creating it with fresh
// random bytes when the file does not exist. The file holds the key in hex
// and must be readable by its owner only.
func loadOrCreateKeyring(path string) (*keyring, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := createKeyFile(path); err != nil {
			return nil, fmt.Errorf("creating data key: %w", err)
		}
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("reading data key: %w", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("data key %s is accessible by others (mode %v): it must be 0600", path, info.Mode().Perm())
	}
	key, err := hex.DecodeString(string(bytes.TrimSpace(data)))
	if err != nil || len(key) != dataKeySize {
		return nil, fmt.Errorf("data key %s is damaged: want %d hex-encoded bytes", path, dataKeySize)
	}
	return newKeyring(key)
}

// createKeyFile writes a new key so that path either does not exist or
// holds a complete key, whenever the process dies: the key is written and
// synced under a temporary name, then linked into place, which fails
// rather than replace a key another process created meanwhile.
func createKeyFile(path string) error {
	key := make([]byte, dataKeySize)
	rand.Read(key)
	tmp, err := os.CreateTemp(filepath.Dir(path), ".warden.key-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// syncDir makes a new directory entry durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
