package models

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Personal data at rest. Identity numbers, phone numbers, addresses and form answers are
// sealed with AES-256-GCM before they reach the database, under keys kept outside it (a
// key file, by default next to the database in the data folder, or wherever --key-file
// says). Look-ups by identity number go through a blind index: a keyed HMAC of the
// normalised number, so the database alone tells neither the number nor, without the key,
// a way to test guesses against it.

// KeyFileName is the key file's name when it lives in the data folder.
const KeyFileName = "onewindow.key"

// sealPrefix starts every sealed value: "enc1:<key id>:<base64 of nonce ‖ ciphertext>".
const sealPrefix = "enc1:"

// ErrNoKey refuses to open a database whose personal data is sealed when the key file is missing.
var ErrNoKey = errors.New("the database holds sealed personal data but the key file is missing")

// ErrWrongKey refuses a key file that does not belong to the database.
var ErrWrongKey = errors.New("the key file does not belong to this database")

// Keyring is the set of keys of one database: the data keys by id (Primary seals new
// values; the others still open what they sealed) and the blind index's HMAC key.
type Keyring struct {
	Primary string            `json:"primary"`
	Keys    map[string][]byte `json:"keys"`
	Index   []byte            `json:"index"`
}

// NewKeyring returns a keyring with fresh random keys.
func NewKeyring() (*Keyring, error) {
	k := &Keyring{Keys: map[string][]byte{}}
	if err := k.addKey(); err != nil {
		return nil, err
	}
	k.Index = make([]byte, 32)
	if _, err := rand.Read(k.Index); err != nil {
		return nil, err
	}
	return k, nil
}

// addKey adds a fresh data key and makes it the primary.
func (k *Keyring) addKey() error {
	id, key := make([]byte, 8), make([]byte, 32)
	if _, err := rand.Read(id); err != nil {
		return err
	}
	if _, err := rand.Read(key); err != nil {
		return err
	}
	k.Primary = hex.EncodeToString(id)
	k.Keys[k.Primary] = key
	return nil
}

func (k *Keyring) valid() error {
	if len(k.Index) != 32 {
		return errors.New("the index key must be 32 bytes")
	}
	if len(k.Keys[k.Primary]) != 32 {
		return errors.New("the primary key is missing or not 32 bytes")
	}
	for id, key := range k.Keys {
		if len(key) != 32 || strings.Contains(id, ":") || id == "" {
			return fmt.Errorf("key %q is not a 32-byte key with a plain id", id)
		}
	}
	return nil
}

// ReadKeyring reads a key file written by WriteKeyring.
func ReadKeyring(path string) (*Keyring, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseKeyring(b)
}

// ParseKeyring reads a keyring from its JSON form (the key file's content, or the
// ONEWINDOW_KEYRING environment variable of a deployment that keeps secrets there).
func ParseKeyring(b []byte) (*Keyring, error) {
	var k Keyring
	if err := json.Unmarshal(b, &k); err != nil {
		return nil, fmt.Errorf("models: key file: %w", err)
	}
	if err := k.valid(); err != nil {
		return nil, fmt.Errorf("models: key file: %w", err)
	}
	return &k, nil
}

// WriteKeyring writes the keyring to path (mode 0600) atomically: a crash leaves either
// the old file or the new one.
func WriteKeyring(path string, k *Keyring) error {
	b, err := json.MarshalIndent(k, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("models: write key file: %w", err)
	}
	return nil
}

// The data keys of every keyring this process has opened, by id. Key ids are random, so
// the stores of one process (tests open many) never mistake one another's keys; a sealed
// value names its key, which lets a column type open itself when it is scanned.
var openKeys sync.Map // id → cipher.AEAD

func (k *Keyring) register() error {
	for id, key := range k.Keys {
		if _, ok := openKeys.Load(id); ok {
			continue
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return err
		}
		openKeys.Store(id, aead)
	}
	return nil
}

// seal encrypts v under the primary key. The empty string stays empty: it holds nothing
// to protect, and "not given" must still read as not given.
func (k *Keyring) seal(v string) string {
	if v == "" {
		return ""
	}
	a, ok := openKeys.Load(k.Primary)
	if !ok {
		panic("models: seal with an unregistered keyring")
	}
	aead := a.(cipher.AEAD)
	buf := make([]byte, aead.NonceSize(), aead.NonceSize()+len(v)+aead.Overhead())
	if _, err := rand.Read(buf); err != nil {
		panic("models: no randomness for a nonce: " + err.Error())
	}
	buf = aead.Seal(buf, buf, []byte(v), nil)
	return sealPrefix + k.Primary + ":" + base64.RawStdEncoding.EncodeToString(buf)
}

// isSealed reports whether v is a sealed value.
func isSealed(v string) bool { return strings.HasPrefix(v, sealPrefix) }

// sealedKey names the key a sealed value was sealed with.
func sealedKey(v string) string {
	id, _, _ := strings.Cut(strings.TrimPrefix(v, sealPrefix), ":")
	return id
}

// unseal opens a sealed value with whichever registered key sealed it. A value that is not
// sealed is returned as it is: a database written before sealing, until Open seals it.
func unseal(v string) (string, error) {
	if !isSealed(v) {
		return v, nil
	}
	id, body, ok := strings.Cut(strings.TrimPrefix(v, sealPrefix), ":")
	if !ok {
		return "", errors.New("models: a sealed value without its key id")
	}
	a, found := openKeys.Load(id)
	if !found {
		return "", fmt.Errorf("models: personal data sealed with key %s, which the key file does not hold", id)
	}
	aead := a.(cipher.AEAD)
	raw, err := base64.RawStdEncoding.DecodeString(body)
	if err != nil || len(raw) < aead.NonceSize() {
		return "", errors.New("models: a damaged sealed value")
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], nil)
	if err != nil {
		return "", errors.New("models: a sealed value does not open: damaged, or sealed under another key")
	}
	return string(plain), nil
}

// blind is the blind index of an identity number: the first 128 bits of its keyed HMAC.
func (k *Keyring) blind(idNumber string) string {
	if idNumber == "" {
		return ""
	}
	m := hmac.New(sha256.New, k.Index)
	m.Write([]byte("id:"))
	m.Write([]byte(idNumber))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// check is what the database keeps to tell its own keyring from another: a MAC of a fixed
// text under the index key (which a rotation replaces together with the data keys).
func (k *Keyring) check() string {
	m := hmac.New(sha256.New, k.Index)
	m.Write([]byte("onewindow keyring check"))
	return hex.EncodeToString(m.Sum(nil))
}
