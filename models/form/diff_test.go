package form

import (
	"reflect"
	"testing"
)

func diffBase() *Schema {
	return &Schema{Version: 1, Fields: []Field{
		{Key: "name", Type: TypeText, Required: true, Label: Text{Zh: "姓名", En: "Name"}, Max: num(50)},
		{Key: "kind", Type: TypeSelect, Label: Text{Zh: "类型"}, Options: []Option{
			{Value: "a", Label: Text{Zh: "甲", En: "A"}}, {Value: "b", Label: Text{Zh: "乙"}}}},
		{Key: "note", Type: TypeTextarea, Label: Text{Zh: "备注"}, VisibleIf: &Condition{Field: "kind", Equals: "a"}},
		{Key: "people", Type: TypeTable, Label: Text{Zh: "成员"}, MaxRows: 5, Columns: []Field{
			{Key: "who", Type: TypeText, Label: Text{Zh: "姓名"}},
			{Key: "age", Type: TypeNumber, Label: Text{Zh: "年龄"}},
		}},
	}}
}

func TestDiffOfAFormWithItselfIsEmpty(t *testing.T) {
	t.Parallel()
	if d := Diff(diffBase(), diffBase()); len(d) != 0 {
		t.Errorf("diff = %+v", d)
	}
	if d := Diff(nil, nil); len(d) != 0 {
		t.Errorf("diff of nothing = %+v", d)
	}
}

func TestDiffNamesEveryChange(t *testing.T) {
	t.Parallel()
	a, b := diffBase(), diffBase()
	b.Fields[0].Label.Zh = "申请人姓名"
	b.Fields[0].Required = false
	b.Fields[0].Max = nil
	b.Fields[1].Options = append(b.Fields[1].Options, Option{Value: "c", Label: Text{Zh: "丙", En: "C"}})
	b.Fields[2].VisibleIf = &Condition{Field: "kind", Equals: "b"}
	b.Fields[2].Type = TypeText
	b.Fields[3].Columns[1].Type = TypeMoney
	b.Fields[3].Columns = append(b.Fields[3].Columns, Field{Key: "tel", Type: TypePhone, Label: Text{Zh: "电话"}})
	b.Fields[3].MaxRows = 0
	b.Fields = append(b.Fields, Field{Key: "agree", Type: TypeCheckbox, Label: Text{Zh: "同意"}})
	want := []Change{
		{Path: "fields[name].label.zh", Old: "姓名", New: "申请人姓名"},
		{Path: "fields[name].required", Old: "true", New: "false"},
		{Path: "fields[name].max", Old: "50", New: ""},
		{Path: "fields[kind].options", Old: "a=甲|A\nb=乙", New: "a=甲|A\nb=乙\nc=丙|C"},
		{Path: "fields[note].type", Old: "textarea", New: "text"},
		{Path: "fields[note].visible_if", Old: "kind = a", New: "kind = b"},
		{Path: "fields[people].max_rows", Old: "5", New: ""},
		{Path: "fields[people].columns[age].type", Old: "number", New: "money"},
		{Path: "fields[people].columns[tel]", New: "电话"},
		{Path: "fields[agree]", New: "同意"},
	}
	if got := Diff(a, b); !reflect.DeepEqual(got, want) {
		t.Errorf("diff =\n%+v\nwant\n%+v", got, want)
	}
}

func TestDiffReportsRemovedFieldsAndRealMovesOnly(t *testing.T) {
	t.Parallel()
	a, b := diffBase(), diffBase()
	// Removing a field shifts the others without moving them.
	b.Fields = append(b.Fields[:1], b.Fields[2:]...)
	want := []Change{{Path: "fields[kind]", Old: "类型"}}
	if got := Diff(a, b); !reflect.DeepEqual(got, want) {
		t.Errorf("remove: diff = %+v", got)
	}
	// Adding one at the top moves nobody either.
	c := diffBase()
	c.Fields = append([]Field{{Key: "first", Type: TypeText, Label: Text{Zh: "首项"}}}, c.Fields...)
	if got := Diff(a, c); !reflect.DeepEqual(got, []Change{{Path: "fields[first]", New: "首项"}}) {
		t.Errorf("add at the top: diff = %+v", got)
	}
	// Swapping two is a move, reported once with both orders.
	d := diffBase()
	d.Fields[0], d.Fields[1] = d.Fields[1], d.Fields[0]
	d.Fields[3].Columns[0], d.Fields[3].Columns[1] = d.Fields[3].Columns[1], d.Fields[3].Columns[0]
	want = []Change{
		{Path: "fields[people].order", Old: "who, age", New: "age, who"},
		{Path: "order", Old: "name, kind, note, people", New: "kind, name, note, people"},
	}
	if got := Diff(a, d); !reflect.DeepEqual(got, want) {
		t.Errorf("swap: diff =\n%+v\nwant\n%+v", got, want)
	}
}

func TestDiffRenamedKeyIsRemovedAndAdded(t *testing.T) {
	t.Parallel()
	a, b := diffBase(), diffBase()
	b.Fields[2].Key = "remark"
	want := []Change{{Path: "fields[remark]", New: "备注"}, {Path: "fields[note]", Old: "备注"}}
	if got := Diff(a, b); !reflect.DeepEqual(got, want) {
		t.Errorf("diff = %+v", got)
	}
}

func TestDiffSurvivesRepeatedKeysAndVersions(t *testing.T) {
	t.Parallel()
	a := &Schema{Version: 1, Fields: []Field{{Key: "x", Label: Text{Zh: "一"}}, {Key: "x", Label: Text{Zh: "二"}}}}
	b := &Schema{Version: 2, Fields: []Field{{Key: "x", Label: Text{Zh: "一"}}}}
	want := []Change{{Path: "version", Old: "1", New: "2"}}
	if got := Diff(a, b); !reflect.DeepEqual(got, want) {
		t.Errorf("diff = %+v", got)
	}
}

func TestOptionsTextAndBoundText(t *testing.T) {
	t.Parallel()
	if got := OptionsText([]Option{{Value: "m", Label: Text{Zh: "男", En: "Male"}}, {Value: "f", Label: Text{Zh: "女"}}}); got != "m=男|Male\nf=女" {
		t.Errorf("options = %q", got)
	}
	if BoundText(nil) != "" || BoundText(num(2.5)) != "2.5" || BoundText(num(100)) != "100" {
		t.Error("bounds render wrongly")
	}
}
