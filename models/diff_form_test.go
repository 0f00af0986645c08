package models

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"onewindow/models/form"
)

func TestDiffItemsListsTheFormFieldByField(t *testing.T) {
	t.Parallel()
	def := form.Default("食品经营许可", []string{"企业法人"})
	own := def
	own.Fields = append([]form.Field{}, def.Fields...)
	own.Fields[0].Label.Zh = "单位全称"
	own.Fields = append(own.Fields, form.Field{Key: "shop_area", Type: form.TypeNumber, Label: form.Text{Zh: "经营面积"}})
	b, err := own.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	before := &Item{Name: "食品经营许可", ServiceObjects: StringList{"企业法人"}}
	after := *before
	after.FormSchema = string(b)
	want := []FieldChange{
		{Field: "form_schema.source", Old: "default", New: "custom"},
		{Field: "form_schema.fields[org_name].label.zh", Old: "单位名称", New: "单位全称"},
		{Field: "form_schema.fields[shop_area]", New: "经营面积"},
	}
	if got := DiffItems(before, &after); !reflect.DeepEqual(got, want) {
		t.Errorf("diff =\n%+v\nwant\n%+v", got, want)
	}
	// Back to the default form: the own fields go, the source says so.
	back := DiffItems(&after, before)
	if len(back) != 3 || back[0] != (FieldChange{Field: "form_schema.source", Old: "custom", New: "default"}) ||
		back[2] != (FieldChange{Field: "form_schema.fields[shop_area]", Old: "经营面积"}) {
		t.Errorf("diff back = %+v", back)
	}
	// A stored form that no longer parses is compared as its text.
	broken := *before
	broken.FormSchema = "{"
	if got := DiffItems(before, &broken); len(got) != 1 || got[0].Field != "form_schema" || got[0].New != "{" {
		t.Errorf("broken form diff = %+v", got)
	}
}

func TestSetItemFormRevisionHasReadableDiff(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	it := adminItem(t, s, "A1")
	schema, _, err := it.ApplicationForm()
	if err != nil {
		t.Fatal(err)
	}
	schema.Fields = append(schema.Fields, form.Field{Key: "seats", Type: form.TypeNumber, Label: form.Text{Zh: "座位数"}})
	if _, err := s.SetItemForm(ctx, "A1", schema, "catalog", "增加座位数", it.Version); err != nil {
		t.Fatal(err)
	}
	rev := revisions(t, s, "A1")[0]
	var lines []string
	for _, ch := range rev.Diff {
		lines = append(lines, ch.Field+"="+ch.New)
		if len(ch.Old) > 200 || len(ch.New) > 200 {
			t.Errorf("a diff line holds the whole form: %s", ch.Field)
		}
	}
	if got := strings.Join(lines, ";"); got != "form_schema.source=custom;form_schema.fields[seats]=座位数" {
		t.Errorf("revision diff = %s", got)
	}
}
