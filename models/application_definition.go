package models

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"onewindow/models/form"
)

// Definitions are immutable rows shared by every application filed under
// the same item version, so the store keeps the ones it has read in memory.

// encodedDefinition is a definition as stored, with its checksum: encoded
// before the write transaction, so the single writer does not spend its
// time on JSON.
type encodedDefinition struct {
	code    string
	version int
	def     Definition
	json    string
	sum     string
}

func encodeDefinition(it *Item, schema *form.Schema) (encodedDefinition, error) {
	d := DefinitionOf(it)
	d.Form = schema
	b, err := json.Marshal(d)
	if err != nil {
		return encodedDefinition{}, err
	}
	raw := sha256.Sum256(b)
	return encodedDefinition{code: it.Code, version: it.Version, def: d, json: string(b), sum: hex.EncodeToString(raw[:])}, nil
}

// definitionKey names an encoded definition: an item version, and the form a filing
// answered (the service hands out one *form.Schema per item version).
type definitionKey struct {
	code    string
	version int
	updated int64
	schema  *form.Schema
}

// maxEncodedDefinitions bounds the memory of encoded definitions; past it the cache starts
// again (an item version's definition is encoded again on its next filing).
const maxEncodedDefinitions = 4096

// encodedDefinition returns the item version's definition with the form, encoded once: a
// filing otherwise spends more time on the definition's JSON than on its own answers.
func (s *Store) encodedDefinition(it *Item, schema *form.Schema) (encodedDefinition, error) {
	key := definitionKey{it.Code, it.Version, it.UpdatedAt.UnixNano(), schema}
	if d, ok := s.encDefs.Load(key); ok {
		return d.(encodedDefinition), nil
	}
	d, err := encodeDefinition(it, schema)
	if err != nil {
		return d, err
	}
	if s.encCount.Add(1) > maxEncodedDefinitions {
		s.encDefs.Clear()
		s.encCount.Store(1)
	}
	s.encDefs.Store(key, d)
	return d, nil
}

// storeDefinition returns the id of the definition row for an item version,
// writing it the first time.
func storeDefinition(st *stmtTx, d encodedDefinition) (uint, error) {
	var id uint
	// Nearly every filing finds its row: read before writing.
	err := st.row(`SELECT id FROM application_definitions WHERE item_code = ? AND item_version = ? AND sha256 = ?`,
		d.code, d.version, d.sum).Scan(&id)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return id, err
	}
	err = st.row(`INSERT INTO application_definitions (item_code, item_version, sha256, definition) VALUES (?, ?, ?, ?)
		RETURNING id`, d.code, d.version, d.sum, d.json).Scan(&id)
	return id, err
}

// definition reads a definition by id, from memory when it was read before.
func (s *Store) definition(db *gorm.DB, id uint) (Definition, error) {
	if d, ok := s.defs.Load(id); ok {
		return d.(Definition), nil
	}
	var text string
	if err := db.Raw(`SELECT definition FROM application_definitions WHERE id = ?`, id).Scan(&text).Error; err != nil {
		return Definition{}, err
	}
	var d Definition
	if err := json.Unmarshal([]byte(text), &d); err != nil {
		return Definition{}, fmt.Errorf("models: definition %d: %w", id, err)
	}
	s.defs.Store(id, d)
	return d, nil
}
