package models

import (
	"context"
	"errors"
	"strings"
	"testing"

	"onewindow/workflow"
)

func TestAddAndRemoveCalendarDay(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if _, err := s.SeedCalendar(ctx, workflow.DefaultCalendarDays()); err != nil {
		t.Fatal(err)
	}
	if err := s.AddCalendarDay(ctx, workflow.CalendarDay{Date: "2026-03-10", Kind: workflow.Holiday, Name: " 测试假日 "}); err != nil {
		t.Fatal(err)
	}
	days, err := s.CalendarYear(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range days {
		if d.Date == "2026-03-10" && d.Kind == workflow.Holiday && d.Name == "测试假日" {
			found = true
		}
		if !strings.HasPrefix(d.Date, "2026-") {
			t.Errorf("CalendarYear(2026) returned %s", d.Date)
		}
	}
	if !found {
		t.Errorf("added day missing from %v", days)
	}
	err = s.AddCalendarDay(ctx, workflow.CalendarDay{Date: "2026-03-10", Kind: workflow.Holiday, Name: "again"})
	if !errors.Is(err, ErrConflict) {
		t.Errorf("second entry on the same date: %v, want ErrConflict", err)
	}
	var ce *CalendarError
	err = s.AddCalendarDay(ctx, workflow.CalendarDay{Date: "2026-03-11", Kind: workflow.AdjustedWorkday, Name: "周三"})
	if !errors.As(err, &ce) || ce.Problems[0].Code != "weekday_workday" {
		t.Errorf("workday on a Wednesday: %v", err)
	}
	if err := s.RemoveCalendarDay(ctx, "2026-03-10"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveCalendarDay(ctx, "2026-03-10"); !errors.Is(err, ErrNotFound) {
		t.Errorf("removing twice: %v, want ErrNotFound", err)
	}
}

func TestCheckCalendarYearListsEveryProblem(t *testing.T) {
	days := []workflow.CalendarDay{
		{Date: "2027-01-01", Kind: workflow.Holiday, Name: "元旦"},
		{Date: "2027-02-30", Kind: workflow.Holiday, Name: "春节"},        // no such day
		{Date: "2026-10-01", Kind: workflow.Holiday, Name: "国庆节"},       // other year
		{Date: "2027-01-01", Kind: workflow.Holiday, Name: "元旦"},        // twice
		{Date: "2027-03-03", Kind: "vacation", Name: ""},                // kind and name
		{Date: "2027-03-03", Kind: workflow.AdjustedWorkday, Name: "x"}, // a Wednesday, and twice
	}
	got := CheckCalendarYear(2027, days)
	want := []struct {
		row       int
		col, code string
	}{
		{2, "date", "bad_date"}, {3, "date", "wrong_year"}, {4, "date", "duplicate"},
		{5, "kind", "bad_kind"}, {5, "name", "no_name"}, {6, "kind", "weekday_workday"}, {6, "date", "duplicate"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d problems %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		if got[i].Row != w.row || got[i].Column != w.col || got[i].Code != w.code {
			t.Errorf("problem %d = %+v, want row %d %s %s", i, got[i], w.row, w.col, w.code)
		}
	}
}

func TestReplaceCalendarYear(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if _, err := s.SeedCalendar(ctx, workflow.DefaultCalendarDays()); err != nil {
		t.Fatal(err)
	}
	before, _ := s.CalendarDays(ctx)
	bad := []workflow.CalendarDay{{Date: "2026-01-01", Kind: workflow.Holiday, Name: "元旦"}, {Date: "2025-05-01", Kind: workflow.Holiday, Name: "x"}}
	var ce *CalendarError
	if err := s.ReplaceCalendarYear(ctx, 2026, bad); !errors.As(err, &ce) || len(ce.Problems) != 1 || ce.Problems[0].Row != 2 {
		t.Fatalf("bad import: %v", err)
	}
	if after, _ := s.CalendarDays(ctx); len(after) != len(before) {
		t.Fatalf("a refused import changed the calendar: %d → %d entries", len(before), len(after))
	}
	good := []workflow.CalendarDay{{Date: "2026-01-01", Kind: workflow.Holiday, Name: "元旦"}, {Date: "2026-01-04", Kind: workflow.AdjustedWorkday, Name: "元旦"}}
	if err := s.ReplaceCalendarYear(ctx, 2026, good); err != nil {
		t.Fatal(err)
	}
	y26, _ := s.CalendarYear(ctx, 2026)
	if len(y26) != 2 || y26[1].Date != "2026-01-04" {
		t.Errorf("2026 after import: %v", y26)
	}
	y25, _ := s.CalendarYear(ctx, 2025)
	if len(y25) == 0 {
		t.Error("importing 2026 removed 2025")
	}
	if err := s.ReplaceCalendarYear(ctx, 2026, nil); err != nil {
		t.Fatal(err)
	}
	if y26, _ := s.CalendarYear(ctx, 2026); len(y26) != 0 {
		t.Errorf("an empty import left %v", y26)
	}
}
