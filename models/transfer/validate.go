package transfer

import (
	"regexp"

	"onewindow/models"
)

// Known is what validation checks references against: the department and item type codes.
//
// A nil map knows nothing, so every code is reported as unknown; the caller fills both maps
// from the database (or from the demonstration catalogue).
type Known = models.Known

// Column names of fields whose file column is named differently from the guide's field.
const (
	promisedDays  = "promised_days"
	statutoryDays = "statutory_days"
)

// Validate checks one item with the store's rules (models.CheckItem), so that a file row gets
// the same problem as the same input in the form or the API: returns field → message.
//
// Keys are the column names of the layout ("promised_days", "type_code"); a child row's field
// is keyed by its list and 0-based index, as in "materials[2].necessity". An empty map means
// valid.
func Validate(it *models.Item, known Known) map[string]string {
	ve := models.CheckItem(it, known, columnName)
	if ve == nil {
		return map[string]string{}
	}
	return ve.Fields
}

var rowField = regexp.MustCompile(`^(\w+)\[(\d+)\]\.(\w+)$`)

// columnName maps a field of the guide to its column in the file layout.
func columnName(field string) string {
	if m := rowField.FindStringSubmatch(field); m != nil {
		switch m[1] + "." + m[3] {
		case "departments.code":
			return m[1] + "[" + m[2] + "].department_code"
		case "steps.counts_toward_limit":
			return m[1] + "[" + m[2] + "].counts_time"
		}
		return field
	}
	switch field {
	case "type":
		return "type_code"
	case "department":
		return "department_code"
	}
	return field
}
