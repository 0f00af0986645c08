package service

import (
	"context"
	"encoding/json"
	"net/url"
	"sync"

	"onewindow/models"
	"onewindow/models/form"
)

// ItemForm is an item version's application form, ready to read answers with, validate
// them and render the form.
type ItemForm struct {
	Schema   *form.Schema
	Compiled *form.Compiled
	Dicts    form.Dicts
	// Filed is the schema with the dictionaries' options written in (form.Resolve): what
	// an application filed now keeps, whatever the dictionaries become.
	Filed *form.Schema
	// Custom is true for the item's own form, false for the default one.
	Custom bool
}

// FormCache keeps the compiled form of each item version for the calls of a process,
// emptied when the catalogue (which holds the dictionaries) changes. The zero value is
// ready; a Service without one compiles the form on every call.
type FormCache struct {
	mu      sync.Mutex
	stamp   uint64
	byVer   map[formKey]*ItemForm
	dicts   form.Dicts
	haveDic bool
}

type formKey struct {
	code    string
	version int
}

// ItemForm returns the application form of the item version it.
func (s *Service) ItemForm(ctx context.Context, it *models.Item) (*ItemForm, error) {
	c := s.Forms
	if c == nil {
		c = &FormCache{}
	}
	stamp := s.Store.Changes().Catalogue
	c.mu.Lock()
	if c.stamp != stamp || c.byVer == nil {
		c.stamp, c.byVer, c.dicts, c.haveDic = stamp, map[formKey]*ItemForm{}, nil, false
	}
	key := formKey{it.Code, it.Version}
	if f, ok := c.byVer[key]; ok {
		c.mu.Unlock()
		return f, nil
	}
	dicts, have := c.dicts, c.haveDic
	c.mu.Unlock()
	if !have {
		var err error
		if dicts, err = s.Store.FormDicts(ctx); err != nil {
			return nil, err
		}
	}
	schema, custom, err := it.ApplicationForm()
	if err != nil {
		return nil, err
	}
	compiled, err := form.Compile(schema, dicts)
	if err != nil {
		return nil, err
	}
	f := &ItemForm{Schema: schema, Compiled: compiled, Dicts: dicts, Custom: custom, Filed: form.Resolve(schema, dicts)}
	c.mu.Lock()
	if c.stamp == stamp {
		c.byVer[key], c.dicts, c.haveDic = f, dicts, true
	}
	c.mu.Unlock()
	return f, nil
}

// FormInput is an application form's answers as they arrive: the API's "form" object or a
// posted page's "form.<key>" inputs.
type FormInput struct {
	JSON json.RawMessage
	Post url.Values
}

// read returns the answers read with the form's schema; a malformed JSON object is an
// Invalid error on "form".
func (in FormInput) read(f *ItemForm) (form.Values, error) {
	if in.Post != nil {
		return form.FromForm(f.Schema, in.Post), nil
	}
	if len(in.JSON) == 0 || string(in.JSON) == "null" {
		return form.Values{}, nil
	}
	v, err := form.FromJSON(f.Schema, in.JSON)
	if err != nil {
		return nil, invalid(map[string]string{"form": "must be a JSON object of the form's answers"})
	}
	return v, nil
}

// prefillFromApplicant answers the visible, unanswered fields prefilled from the
// applicant's profile with what the filing says of the applicant, so that one identity
// number, name and phone are asked once.
func prefillFromApplicant(f *ItemForm, v form.Values, a models.Applicant) {
	known := ProfileValues(a)
	// The kind first: it decides which of the other fields are asked.
	for _, kindFirst := range []bool{true, false} {
		vis := form.Visible(f.Schema, v)
		for _, fd := range f.Schema.Fields {
			val := known[fd.Prefill]
			if (fd.Prefill == "kind") != kindFirst || val == "" || !vis[fd.Key] || !form.Unanswered(v[fd.Key]) {
				continue
			}
			v[fd.Key] = val
		}
	}
}

// ProfileValues are what a filing's applicant says for the profile fields a form field
// may be prefilled from.
func ProfileValues(a models.Applicant) map[string]string {
	known := map[string]string{"kind": a.Kind, "phone": a.Phone, "address": a.Address}
	if a.Kind == models.ApplicantOrganisation {
		known["org_name"], known["credit_code"] = a.Name, a.IDNumber
	} else {
		known["name"], known["id_number"] = a.Name, a.IDNumber
	}
	return known
}
