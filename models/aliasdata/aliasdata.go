// Package aliasdata holds the shipped default search alias dictionary: a
// tab-separated file of everyday words and the official terms they stand
// for, read by models.DefaultSearchAliases.
package aliasdata

import _ "embed"

//go:embed default.tsv
var defaultTSV []byte

// Default returns the default dictionary file (a copy; callers may change it).
func Default() []byte {
	return append([]byte(nil), defaultTSV...)
}
