package form

import (
	"encoding/json"
	"fmt"
)

// Decode reads answers as they are stored (Values marshalled as JSON): a text-like answer
// is a string, a multiselect a list of strings, a table a list of rows of strings. Anything
// else is kept as its JSON text, so a stored answer is never lost.
func Decode(b []byte) (Values, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("form: decode answers: %w", err)
	}
	v := make(Values, len(raw))
	for k, r := range raw {
		var s string
		if json.Unmarshal(r, &s) == nil {
			v[k] = s
			continue
		}
		var list []string
		if json.Unmarshal(r, &list) == nil {
			v[k] = list
			continue
		}
		var rows []map[string]string
		if json.Unmarshal(r, &rows) == nil {
			v[k] = rows
			continue
		}
		v[k] = string(r)
	}
	return v, nil
}

// Text returns a top-level answer as one line of text for lists and summaries: a
// multiselect's values joined with "、", a table's row count left to the caller ("").
func (v Values) Text(key string) string {
	switch x := v[key].(type) {
	case string:
		return x
	case []string:
		out := ""
		for i, s := range x {
			if i > 0 {
				out += "、"
			}
			out += s
		}
		return out
	}
	return ""
}
