package models

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestCreateAndRenameDepartment(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	d, err := s.CreateDepartment(ctx, NewDepartment{Code: "sjj", Name: "集宁区数据局"})
	if err != nil {
		t.Fatal(err)
	}
	if d.ShortName != "集宁区数据局" || d.Sort != 4 {
		t.Errorf("created %+v, want short name = name and sort 4 (after the three)", d)
	}
	list, err := s.Departments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if last := list[len(list)-1]; last.Code != "sjj" || last.Items != 0 {
		t.Errorf("last department %+v, want sjj with 0 items", last)
	}

	_, err = s.CreateDepartment(ctx, NewDepartment{Code: "scj", Name: "重复"})
	if !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate code: %v, want ErrConflict", err)
	}
	for _, bad := range []NewDepartment{{Code: "SCJ2", Name: "x"}, {Code: "a", Name: "x"}, {Code: "abc", Name: " "}} {
		var ve *ValidationError
		if _, err := s.CreateDepartment(ctx, bad); !errors.As(err, &ve) {
			t.Errorf("%+v: %v, want a ValidationError", bad, err)
		}
	}

	r, err := s.RenameDepartment(ctx, "scj", "集宁区市场监督管理局（知识产权局）", "区市场监管局")
	if err != nil {
		t.Fatal(err)
	}
	if r.Code != "scj" || r.Name != "集宁区市场监督管理局（知识产权局）" || r.ShortName != "区市场监管局" || r.Sort != 1 {
		t.Errorf("renamed %+v", r)
	}
	list, _ = s.Departments(ctx)
	if list[0].Code != "scj" || list[0].Items != 2 {
		t.Errorf("renaming lost the items: %+v", list[0])
	}
	if _, err := s.RenameDepartment(ctx, "nope", "x", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("rename missing: %v, want ErrNotFound", err)
	}
	if _, err := s.RenameDepartment(ctx, "scj", "", ""); err == nil {
		t.Error("an empty name was accepted")
	}
}

func TestUpdateDepartmentOffice(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	str := func(v string) *string { return &v }
	before := s.Changes().Catalogue
	d, err := s.UpdateDepartment(ctx, "scj", DepartmentChange{Name: "集宁区市场监督管理局", ShortName: "区市场监管局",
		Address: str(" 新华街 1 号 "), Phone: str("0474-8237315"), Hours: str("工作日 9:00–17:00"),
		Website: str("https://scj.example.gov.cn/"), Description: str("负责市场主体登记。\n负责食品经营许可。")})
	if err != nil {
		t.Fatal(err)
	}
	if d.Address != "新华街 1 号" || d.Phone != "0474-8237315" || d.Website != "https://scj.example.gov.cn/" || d.Hours == "" {
		t.Errorf("updated %+v", d)
	}
	if s.Changes().Catalogue == before {
		t.Error("a department change did not signal the catalogue area")
	}
	// Details left nil stay; an empty one becomes unknown.
	d, err = s.UpdateDepartment(ctx, "scj", DepartmentChange{Name: "集宁区市场监督管理局", Website: str("")})
	if err != nil {
		t.Fatal(err)
	}
	if d.Address != "新华街 1 号" || d.Website != "" || d.ShortName != "集宁区市场监督管理局" {
		t.Errorf("after a partial change %+v", d)
	}
	for field, ch := range map[string]DepartmentChange{
		"phone":       {Name: "x", Phone: str("电话 8237315")},
		"website":     {Name: "x", Website: str("ftp://scj.example.gov.cn")},
		"address":     {Name: "x", Address: str(strings.Repeat("路", 201))},
		"description": {Name: "x", Description: str(strings.Repeat("字", 1001))},
		"name":        {Name: " ", Phone: str("12345")},
	} {
		_, err := s.UpdateDepartment(ctx, "scj", ch)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Fields[field] == "" {
			t.Errorf("%s: %v, want an error naming %s", field, err, field)
		}
	}
	if got, _ := s.Department(ctx, "scj"); got.Address != "新华街 1 号" || got.Name != "集宁区市场监督管理局" {
		t.Errorf("a refused change changed the department: %+v", got)
	}
	if _, err := s.UpdateDepartment(ctx, "nope", DepartmentChange{Name: "x"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing department: %v, want ErrNotFound", err)
	}
}

func TestDepartmentItemsListsRetainedPublishedItems(t *testing.T) {
	s := adminCatalogue(t)
	items, err := s.DepartmentItems(context.Background(), "scj")
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, it := range items {
		codes = append(codes, it.Code+":"+it.TypeCode)
	}
	if strings.Join(codes, ",") != "A1:01,A4:02" {
		t.Errorf("scj items %v, want A1 (01) then A4 (02)", codes)
	}
}
