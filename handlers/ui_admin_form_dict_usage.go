package handlers

import (
	"context"
	"slices"

	"onewindow/models/form"
)

// What a dictionary's page says about where it is used: the published items whose current
// form takes options from it, and the conditions of those forms that wait for one of its
// options (which removing the option would leave waiting for an answer no one can give).

// dictUse is a published item whose current form takes options from the dictionary.
type dictUse struct {
	Code, Name, Href string
	Fields           []string // the fields (or table columns) that take it, by label
}

// dictCondition is a question of an item's form asked only when a field that takes the
// dictionary has the option Value.
type dictCondition struct {
	Code, Name, Href string
	Field            string // the conditional question, by label
	Subject          string // the field it waits on, by label
	Value            string // the option's value
}

// dictionaryUses reads the current forms of the published items and returns those that
// take the dictionary name, with their conditions on its options. Items without their own
// form use the default form, which takes no dictionary.
func (s *Server) dictionaryUses(ctx context.Context, lang, name string) ([]dictUse, []dictCondition, error) {
	items, err := s.store.ItemsWithForms(ctx)
	if err != nil {
		return nil, nil, err
	}
	var uses []dictUse
	var conds []dictCondition
	for i := range items {
		it := &items[i]
		schema, err := form.Parse([]byte(it.FormSchema))
		if err != nil {
			continue // a form that cannot be read takes nothing the page could name
		}
		use := dictUse{Code: it.Code, Name: it.Name, Href: "/admin/items/" + it.Code + "/form"}
		takes := map[string]*form.Field{} // top-level fields that take it, which conditions may name
		for j := range schema.Fields {
			f := &schema.Fields[j]
			if f.Dictionary == name {
				takes[f.Key] = f
				use.Fields = append(use.Fields, fieldName(lang, f))
			}
			for k := range f.Columns {
				if f.Columns[k].Dictionary == name {
					use.Fields = append(use.Fields, fieldName(lang, f)+" / "+fieldName(lang, &f.Columns[k]))
				}
			}
		}
		if len(use.Fields) == 0 {
			continue
		}
		uses = append(uses, use)
		for j := range schema.Fields {
			f := &schema.Fields[j]
			if f.VisibleIf == nil || takes[f.VisibleIf.Field] == nil {
				continue
			}
			conds = append(conds, dictCondition{Code: it.Code, Name: it.Name, Href: use.Href, Field: fieldName(lang, f),
				Subject: fieldName(lang, takes[f.VisibleIf.Field]), Value: f.VisibleIf.Equals})
		}
	}
	return uses, conds, nil
}

// fieldName names a form's field by its label in lang, else by its key.
func fieldName(lang string, f *form.Field) string {
	if l := f.Label.In(lang); l != "" {
		return l
	}
	return f.Key
}

// conditionsOnRemoved keeps the conditions that wait on an option the edit takes out of
// the dictionary (before → after).
func conditionsOnRemoved(conds []dictCondition, before, after []form.Option) []dictCondition {
	var out []dictCondition
	for _, c := range conds {
		had := slices.ContainsFunc(before, func(o form.Option) bool { return o.Value == c.Value })
		has := slices.ContainsFunc(after, func(o form.Option) bool { return o.Value == c.Value })
		if had && !has {
			out = append(out, c)
		}
	}
	return out
}
