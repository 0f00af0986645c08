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
