package models

import (
	"crypto/hmac"
	"crypto/sha256"
)

// SignToken returns the keyed MAC of data for one purpose, under a key
// derived from the database's secret index key: the same on every restart
// and on every instance that opens the database with its key file, and
// different for each purpose. Nil when the store has no keys (never after
// Open).
func (s *Store) SignToken(purpose string, data []byte) []byte {
	k := s.keys
	if k == nil || len(k.Index) == 0 {
		return nil
	}
	d := hmac.New(sha256.New, k.Index)
	d.Write([]byte("onewindow token key\x00" + purpose))
	m := hmac.New(sha256.New, d.Sum(nil))
	m.Write(data)
	return m.Sum(nil)
}
