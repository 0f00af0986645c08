package handlers

import (
	"reflect"
	"strings"
	"testing"

	"onewindow/models"
	"onewindow/models/form"
	"onewindow/web"
)

func TestFormHistoryReadsAFormChangeAsSentences(t *testing.T) {
	t.Parallel()
	site, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	before := editorSample()
	after := editorSample()
	after.Fields[0].Required = false
	after.Fields[1].Options = []form.Option{{Value: "b", Label: form.Text{Zh: "乙"}}, {Value: "a", Label: form.Text{Zh: "甲", En: "A"}},
		{Value: "c", Label: form.Text{Zh: "丙", En: "C"}}}
	after.Fields[3].Columns[1].Type = form.TypeText
	after.Fields[3].Columns[1].Dictionary = ""
	after.Fields[3].Columns = append(after.Fields[3].Columns, form.Field{Key: "age", Type: form.TypeNumber, Label: form.Text{Zh: "年龄", En: "Age"}})
	after.Fields = append(after.Fields[:2], after.Fields[3], form.Field{Key: "seats", Type: form.TypeNumber, Label: form.Text{Zh: "座位数", En: "Seats"}},
		form.Field{Key: "meal", Type: form.TypeSelect, Required: true, Label: form.Text{Zh: "供餐", En: "Meals"},
			Options: []form.Option{{Value: "b", Label: form.Text{Zh: "早餐", En: "Breakfast"}}, {Value: "l", Label: form.Text{Zh: "午餐", En: "Lunch"}}}},
		form.Field{Key: "folk", Type: form.TypeSelect, Label: form.Text{Zh: "民族"}, Dictionary: "民族"})
	after.Fields[0], after.Fields[1] = after.Fields[1], after.Fields[0]
	changes := []models.FieldChange{{Field: "name", Old: "甲", New: "乙"}}
	for _, c := range form.Diff(before, after) {
		changes = append(changes, models.FieldChange{Field: "form_schema." + c.Path, Old: c.Old, New: c.New})
	}
	h := formHistory{s: &Server{site: site}, lang: "zh-CN", before: before, after: after}
	lines, other := h.lines(changes)
	want := []string{
		"字段「类型」（kind）的选项：新增“丙”（c）；调整了选项顺序",
		"字段「姓名」（name）的必填：是 → 否",
		"表格「成员」（people）的列「关系」（rel）的类型：单选 → 单行文本",
		"表格「成员」（people）的列「关系」（rel）的字典：与申请人关系 → （无）",
		"新增表格「成员」（people）的列「年龄」（age）：数字，选填，第 3 列",
		"新增字段「座位数」（seats）：数字，选填，第 4 项",
		"新增字段「供餐」（meal）：单选，必填，选项：早餐、午餐，第 5 项",
		"新增字段「民族」（folk）：单选，选填，选项取自字典「民族」，第 6 项",
		"删除字段「民族」（nation）：原为单选，选填，第 3 项",
		"调整字段顺序：「姓名」（name）移到第 2 位",
	}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("lines =\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if len(other) != 1 || other[0].Field != "name" {
		t.Errorf("other changes = %+v", other)
	}
	h.lang = "en"
	lines, _ = h.lines(changes)
	if lines[1] != "Changed field “Name” (name), required: yes → no" || lines[8] != "Removed field “民族” (nation): it was Single choice, optional, item 3" ||
		lines[6] != "Added field “Meals” (meal): Single choice, required, options: Breakfast, Lunch, item 5" {
		t.Errorf("English lines = %q", lines)
	}
	// Without the forms, the lines still name what changed by the recorded label or the key.
	h = formHistory{s: &Server{site: site}, lang: "zh-CN"}
	lines, _ = h.lines([]models.FieldChange{{Field: "form_schema.fields[x]", Old: "旧字段"}, {Field: "form_schema.fields[y].max", Old: "5"},
		{Field: "form_schema", Old: "{", New: "{}"}})
	if !reflect.DeepEqual(lines, []string{"删除字段「旧字段」（x）", "字段「y」（y）的最大值：5 → （无）", "申请表单已更改（保存的表单无法解析，不能逐项列出）"}) {
		t.Errorf("lines without forms = %q", lines)
	}
}

func TestLongestCommon(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ x, y, want []string }{
		{[]string{"a", "b", "c", "d"}, []string{"b", "a", "c", "d"}, []string{"b", "c", "d"}},
		{[]string{"a", "b", "c"}, []string{"c", "a", "b"}, []string{"a", "b"}},
		{nil, []string{"a"}, nil},
	} {
		if got := longestCommon(tc.x, tc.y); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("longestCommon(%v, %v) = %v", tc.x, tc.y, got)
		}
	}
}
