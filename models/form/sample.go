package form

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// ToJSON renders answers as the API's "form" object carries them: numbers and amounts as
// JSON numbers, checkboxes as booleans, everything else as read.
func ToJSON(s *Schema, v Values) (json.RawMessage, error) {
	out := make(map[string]any, len(v))
	for k, x := range v {
		f := s.Field(k)
		if f == nil {
			out[k] = x
			continue
		}
		switch t := x.(type) {
		case string:
			out[k] = scalarJSON(f, t)
		case []map[string]string:
			rows := make([]map[string]any, len(t))
			for i, r := range t {
				rows[i] = make(map[string]any, len(r))
				for ck, cv := range r {
					if col := columnOf(f, ck); col != nil {
						rows[i][ck] = scalarJSON(col, cv)
					} else {
						rows[i][ck] = cv
					}
				}
			}
			out[k] = rows
		default:
			out[k] = x
		}
	}
	return json.Marshal(out)
}

func scalarJSON(f *Field, s string) any {
	switch f.Type {
	case TypeNumber, TypeMoney:
		return json.Number(s)
	case TypeCheckbox:
		return s == "true"
	}
	return s
}

// Sample returns answers the form accepts, for tests, load runs and API examples: the
// profile's values where a field is prefilled from it, then for every other asked, required
// field a plausible value of its type (the first option, the lower bound, one table row).
// A required field with a pattern gets the profile's value or nothing, so its example
// answer must come from elsewhere.
func Sample(s *Schema, dicts Dicts, profile map[string]string, now time.Time) Values {
	v := Values{}
	for pass := 0; pass < 2; pass++ { // the kind first: it decides what else is asked
		vis := Visible(s, v)
		for i := range s.Fields {
			f := &s.Fields[i]
			if !vis[f.Key] || v[f.Key] != nil {
				continue
			}
			if p := profile[f.Prefill]; p != "" && (f.Prefill == "kind") == (pass == 0) {
				v[f.Key] = p
				continue
			}
			if pass == 1 && f.Required {
				if x := sampleValue(f, dicts, now); x != nil {
					v[f.Key] = x
				}
			}
		}
	}
	return v
}

func sampleValue(f *Field, dicts Dicts, now time.Time) any {
	if f.Pattern != "" {
		return nil
	}
	switch f.Type {
	case TypeSelect:
		if opts := f.options(dicts); len(opts) > 0 {
			return opts[0].Value
		}
	case TypeMultiselect:
		if opts := f.options(dicts); len(opts) > 0 {
			return []string{opts[0].Value}
		}
	case TypeCheckbox:
		return "true"
	case TypeNumber, TypeMoney:
		n := 1.0
		if f.Min != nil && *f.Min > n {
			n = *f.Min
		}
		if f.Max != nil && *f.Max < n {
			n = *f.Max
		}
		return strconv.FormatFloat(n, 'f', -1, 64)
	case TypeDate:
		return now.AddDate(0, 0, -1).Format("2006-01-02")
	case TypePhone:
		return "13800138000"
	case TypeEmail:
		return "applicant@example.com"
	case TypeIDNumber:
		return nil
	case TypeTable:
		row := map[string]string{}
		for i := range f.Columns {
			c := &f.Columns[i]
			if x, ok := sampleValue(c, dicts, now).(string); ok && c.Required {
				row[c.Key] = x
			}
		}
		rows := []map[string]string{row}
		for f.Min != nil && len(rows) < int(*f.Min) {
			rows = append(rows, row)
		}
		return rows
	default: // text, textarea, address
		text := "示例填写内容"
		if f.Type == TypeAddress {
			text = "示例市示例区示例路1号"
		}
		for f.Min != nil && len([]rune(text)) < int(*f.Min) {
			text += "示例"
		}
		if f.Max != nil && len([]rune(text)) > int(*f.Max) {
			text = string([]rune(text)[:int(*f.Max)])
		}
		return strings.TrimSpace(text)
	}
	return nil
}
