package demo

import (
	"encoding/json"
	"sync"
	"time"

	"onewindow/models"
	"onewindow/models/demo/forms"
	"onewindow/models/form"
)

// Forms returns the real application forms of the demo's most-applied items by the item's
// exact name, with the dictionaries they use; DefaultForm gives every other item its form.
func Forms() (map[string]form.Schema, form.Dicts, error) { return forms.Load() }

// DefaultForm is the form of an item without a real one: the applicant's particulars (a
// person's, an organisation's or a choice of both by the item's service objects), prefilled
// from the profile, the contact address, what is applied for, and the declaration.
func DefaultForm(item models.Item) form.Schema { return form.Default(item.Name, item.ServiceObjects) }

// sampleForms are the real forms' example answers by item name, read once.
var sampleForms = sync.OnceValues(func() (map[string]json.RawMessage, error) {
	fl, err := forms.Files()
	if err != nil {
		return nil, err
	}
	out := make(map[string]json.RawMessage, len(fl))
	for _, f := range fl {
		out[f.Item] = f.Example
	}
	return out, nil
})

// SampleAnswers returns answers the demo item's form accepts, as the API's "form" object
// carries them: a real form's example, or for the default form a sample filled from the
// applicant's profile (service.ProfileValues' keys: kind, name, id_number, phone …). Tests
// and the load tool file with it.
func SampleAnswers(it *models.Item, profile map[string]string, now time.Time) (json.RawMessage, error) {
	examples, err := sampleForms()
	if err != nil {
		return nil, err
	}
	if ex, ok := examples[it.Name]; ok && it.FormSchema != "" {
		return ex, nil
	}
	s, _, err := it.ApplicationForm()
	if err != nil {
		return nil, err
	}
	dicts, err := forms.Dicts()
	if err != nil {
		return nil, err
	}
	return form.ToJSON(s, form.Sample(s, dicts, profile, now))
}
