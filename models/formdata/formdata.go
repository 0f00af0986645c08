// Package formdata holds the shipped form dictionaries (主体业态, 经营项目, 民族, 学历 …):
// named option lists that application form fields refer to, seeded into a new database
// by the store and edited there by catalogue administrators.
package formdata

import _ "embed"

//go:embed dicts.json
var dictsJSON []byte

// Dicts returns the dictionaries file: a JSON object of option lists by name (a copy;
// callers may change it).
func Dicts() []byte {
	return append([]byte(nil), dictsJSON...)
}
