package models

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"onewindow/models/form"
	"onewindow/models/formdata"
)

// FormDictionary is a named option list that form fields may refer to (主体业态, 民族 …).
type FormDictionary struct {
	Name      string      `gorm:"primaryKey"`
	LabelZh   string      `gorm:"not null"`
	LabelEn   string      `gorm:"not null"`
	Options   FormOptions `gorm:"type:text;not null"`
	UpdatedBy string      `gorm:"not null"`
	UpdatedAt time.Time   `gorm:"not null"`
}

// TableName is the dictionaries' table.
func (FormDictionary) TableName() string { return "form_dictionaries" }

// FormOptions are a dictionary's options, stored as JSON.
type FormOptions []form.Option

// FormDictionaries returns every dictionary in name order.
func (s *Store) FormDictionaries(ctx context.Context) ([]FormDictionary, error) {
	var out []FormDictionary
	if err := s.db.WithContext(ctx).Order("name").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: form dictionaries: %w", err)
	}
	return out, nil
}

// FormDicts returns the dictionaries as the form package takes them.
func (s *Store) FormDicts(ctx context.Context) (form.Dicts, error) {
	ds, err := s.FormDictionaries(ctx)
	if err != nil {
		return nil, err
	}
	out := make(form.Dicts, len(ds))
	for _, d := range ds {
		out[d.Name] = d.Options
	}
	return out, nil
}

// PutFormDictionary creates or replaces a dictionary. A blank name, no options, or a blank
// or repeated option value is a ValidationError. An option may be withdrawn: filed answers
// keep their values, and forms offer only what the dictionary holds now.
func (s *Store) PutFormDictionary(ctx context.Context, actor string, d FormDictionary) (*FormDictionary, error) {
	d.Name = strings.TrimSpace(d.Name)
	v := &ValidationError{}
	if d.Name == "" || len(d.Name) > 64 {
		v.add("name", "is required (at most 64 characters)")
	}
	if len(d.Options) == 0 {
		v.add("options", "needs at least one option")
	}
	seen := map[string]bool{}
	for i, o := range d.Options {
		o.Value = strings.TrimSpace(o.Value)
		d.Options[i].Value = o.Value
		switch {
		case o.Value == "":
			v.add(fmt.Sprintf("options[%d].value", i), "is required")
		case seen[o.Value]:
			v.add(fmt.Sprintf("options[%d].value", i), "is offered twice")
		case strings.TrimSpace(o.Label.Zh) == "":
			v.add(fmt.Sprintf("options[%d].label", i), "needs a Chinese label")
		}
		seen[o.Value] = true
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	d.UpdatedBy, d.UpdatedAt = actor, time.Now().UTC()
	err := s.write(ctx, func(tx *gorm.DB) error { return tx.Save(&d).Error }, AreaCatalogue)
	if err != nil {
		return nil, fmt.Errorf("models: put form dictionary %q: %w", d.Name, err)
	}
	return &d, nil
}

// SeedFormDictionaries adds the dictionaries that do not exist yet; existing ones are left
// as administrators edited them. It returns how many were added.
func (s *Store) SeedFormDictionaries(ctx context.Context, dicts map[string]FormDictionary) (int, error) {
	added := 0
	err := s.write(ctx, func(tx *gorm.DB) error {
		for _, d := range dicts {
			d.UpdatedAt = time.Now().UTC()
			res := tx.Where("name = ?", d.Name).FirstOrCreate(&d)
			if res.Error != nil {
				return res.Error
			}
			added += int(res.RowsAffected)
		}
		return nil
	}, AreaCatalogue)
	if err != nil {
		return 0, fmt.Errorf("models: seed form dictionaries: %w", err)
	}
	return added, nil
}

// SetItemForm stores an item's application form as its next version, with a revision
// (action "form") whose diff lists the form's changes field by field. A nil schema returns
// the item to the default form. The schema must pass form.Check with the current
// dictionaries (a ValidationError keyed "form.<path>" otherwise); a stale baseVersion is
// ErrConflict.
func (s *Store) SetItemForm(ctx context.Context, code string, schema *form.Schema, actor, reason string, baseVersion int) (*Item, error) {
	var out *Item
	err := s.write(ctx, func(tx *gorm.DB) error {
		stored, err := loadItem(tx, code)
		if err != nil {
			return err
		}
		if err := checkVersion(stored, baseVersion); err != nil {
			return err
		}
		v := &ValidationError{}
		requireReason(reason, v)
		text := ""
		if schema != nil {
			dicts, err := formDicts(tx)
			if err != nil {
				return err
			}
			for _, p := range form.Check(schema, dicts) {
				v.add("form."+p.Path, p.Message)
			}
			b, err := json.Marshal(schema)
			if err != nil {
				return err
			}
			text = string(b)
		}
		if err := v.err(); err != nil {
			return err
		}
		if text == stored.FormSchema {
			return conflictf("the form of item %q is unchanged", code)
		}
		next := *stored
		next.FormSchema = text
		out, err = writeVersion(tx, stored, &next, Revision{Action: RevisionForm, Actor: actor, Reason: reason})
		return err
	}, AreaCatalogue)
	if err != nil {
		return nil, fmt.Errorf("models: set form of item %q: %w", code, err)
	}
	return out, nil
}

func formDicts(tx *gorm.DB) (form.Dicts, error) {
	var ds []FormDictionary
	if err := tx.Find(&ds).Error; err != nil {
		return nil, err
	}
	out := make(form.Dicts, len(ds))
	for _, d := range ds {
		out[d.Name] = d.Options
	}
	return out, nil
}

// Value stores the options as JSON.
func (o FormOptions) Value() (driver.Value, error) {
	b, err := json.Marshal([]form.Option(o))
	return string(b), err
}

// Scan reads the options from JSON.
func (o *FormOptions) Scan(v any) error {
	var b []byte
	switch x := v.(type) {
	case string:
		b = []byte(x)
	case []byte:
		b = x
	default:
		return errors.New("models: form options from a non-text column")
	}
	return json.Unmarshal(b, (*[]form.Option)(o))
}

// seedDefaultFormDictionaries adds the shipped dictionaries (models/formdata) to a database
// that has none, so that a new installation offers 民族, 学历, 主体业态 … at once; once
// any exist they are the administrators' to edit.
func (s *Store) seedDefaultFormDictionaries(ctx context.Context) error {
	var n int64
	if err := s.db.WithContext(ctx).Model(&FormDictionary{}).Limit(1).Count(&n).Error; err != nil {
		return fmt.Errorf("models: seed form dictionaries: %w", err)
	}
	if n > 0 {
		return nil
	}
	var dicts map[string][]form.Option
	if err := json.Unmarshal(formdata.Dicts(), &dicts); err != nil {
		return fmt.Errorf("models: seed form dictionaries: %w", err)
	}
	in := make(map[string]FormDictionary, len(dicts))
	for name, opts := range dicts {
		in[name] = FormDictionary{Name: name, LabelZh: name, Options: opts, UpdatedBy: AliasSystemActor}
	}
	_, err := s.SeedFormDictionaries(ctx, in)
	return err
}

// ItemForm is an item's own application form, as ItemsWithForms lists it.
type ItemForm struct {
	Code, Name, FormSchema string
}

// ItemsWithForms returns the published items that have a form of their own (not the
// default one), by code: what a dictionary's page needs to say which forms use it.
func (s *Store) ItemsWithForms(ctx context.Context) ([]ItemForm, error) {
	var out []ItemForm
	err := s.read.WithContext(ctx).Raw(`SELECT code, name, form_schema FROM items
		WHERE status = ? AND form_schema <> '' ORDER BY code`, ItemPublished).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: items with forms: %w", err)
	}
	return out, nil
}
