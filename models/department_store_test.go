package models

import (
	"context"
	"errors"
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
