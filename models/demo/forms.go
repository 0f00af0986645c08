package demo

import (
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
func DefaultForm(item models.Item) form.Schema { return forms.Default(item) }
