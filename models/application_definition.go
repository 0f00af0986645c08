package models

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"
)

// Definitions are immutable rows shared by every application filed under
// the same item version, so the store keeps the ones it has read in memory.

// storeDefinition returns the id of the definition row for an item version,
// writing it the first time.
func storeDefinition(tx *gorm.DB, code string, version int, d Definition) (uint, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return 0, err
	}
	raw := sha256.Sum256(b)
	sum := hex.EncodeToString(raw[:])
	var id uint
	// Nearly every filing finds its row: read before writing.
	err = tx.Raw(`SELECT id FROM application_definitions WHERE item_code = ? AND item_version = ? AND sha256 = ?`,
		code, version, sum).Scan(&id).Error
	if err != nil || id != 0 {
		return id, err
	}
	err = tx.Raw(`INSERT INTO application_definitions (item_code, item_version, sha256, definition) VALUES (?, ?, ?, ?)
		RETURNING id`, code, version, sum, string(b)).Scan(&id).Error
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
