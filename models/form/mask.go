package form

import "onewindow/workflow"

// Masked returns a copy of the answers with every identity number and phone number masked
// (workflow.MaskID, MaskPhone), table cells included, as staff pages and the
// applicant's status show them until someone with the right chooses to see them in full.
// Fields are known by their type in the schema the answers were given to; a profile answer
// (id_number, credit_code, phone) is masked whatever the schema.
func Masked(s *Schema, v Values) Values {
	if len(v) == 0 {
		return v
	}
	out := make(Values, len(v))
	for k, val := range v {
		out[k] = val
	}
	mask := func(t Type, val any) any {
		str, ok := val.(string)
		if !ok {
			return val
		}
		switch t {
		case TypeIDNumber:
			return workflow.MaskID(str)
		case TypePhone:
			return workflow.MaskPhone(str)
		}
		return val
	}
	for _, key := range []string{"id_number", "credit_code"} {
		if val, ok := out[key]; ok {
			out[key] = mask(TypeIDNumber, val)
		}
	}
	if val, ok := out["phone"]; ok {
		out["phone"] = mask(TypePhone, val)
	}
	if s == nil {
		return out
	}
	for _, f := range s.Fields {
		val, ok := out[f.Key]
		if !ok {
			continue
		}
		if f.Type != TypeTable {
			out[f.Key] = mask(f.Type, val)
			continue
		}
		rows, ok := val.([]map[string]string)
		if !ok {
			continue
		}
		masked := make([]map[string]string, len(rows))
		for i, row := range rows {
			masked[i] = make(map[string]string, len(row))
			for col, cell := range row {
				masked[i][col] = cell
				for _, c := range f.Columns {
					if c.Key == col {
						masked[i][col] = mask(c.Type, cell).(string)
					}
				}
			}
		}
		out[f.Key] = masked
	}
	return out
}
