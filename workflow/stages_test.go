package workflow

import (
	"testing"
	"time"
)

func TestStepStage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		n, i int
		want Stage
		next int
		pass bool
	}{
		{1, 0, StageDecide, 0, false},
		{2, 0, StageReview, 1, true},
		{2, 1, StageDecide, 1, false},
		{3, 0, StageReview, 1, true},
		{3, 1, StageReview, 2, true},
		{3, 2, StageDecide, 2, false},
	}
	for _, c := range cases {
		if got := StepStage(c.n, c.i); got != c.want {
			t.Errorf("StepStage(%d, %d) = %s, want %s", c.n, c.i, got, c.want)
		}
		next, ok := PassStep(c.n, c.i)
		if next != c.next || ok != c.pass {
			t.Errorf("PassStep(%d, %d) = %d, %v, want %d, %v", c.n, c.i, next, ok, c.next, c.pass)
		}
	}
	if got := StagesOf(3); len(got) != 2 || FirstStage(got) != StageReview {
		t.Errorf("StagesOf(3) = %v, want review and decide", got)
	}
	if got := StagesOf(1); len(got) != 1 || FirstStage(got) != StageDecide {
		t.Errorf("StagesOf(1) = %v, want decide alone", got)
	}
}

func TestShareDays(t *testing.T) {
	t.Parallel()
	cases := []struct{ share, limit, want int }{
		{0, 20, 0},  // no share: no own due date
		{30, 0, 0},  // unknown limit: no own due date
		{30, 20, 6}, // exact
		{25, 10, 3}, // 2.5 rounds up
		{1, 5, 1},   // at least one day
		{100, 7, 7}, // the whole limit
	}
	for _, c := range cases {
		if got := ShareDays(c.share, c.limit); got != c.want {
			t.Errorf("ShareDays(%d, %d) = %d, want %d", c.share, c.limit, got, c.want)
		}
	}
}

func TestStageDue(t *testing.T) {
	t.Parallel()
	cal, err := NewCalendar(nil)
	if err != nil {
		t.Fatal(err)
	}
	fri := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	// 30% of 10 days is 3 working days after Friday: Wednesday.
	if got := StageDue(cal, fri, 30, 10); !got.Equal(time.Date(2026, 12, 9, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("StageDue = %s, want 2026-12-09", got.Format(time.DateOnly))
	}
	if got := StageDue(cal, fri, 0, 10); !got.IsZero() {
		t.Errorf("StageDue without a share = %s, want none", got)
	}
}

func TestOnlyRole(t *testing.T) {
	t.Parallel()
	perms := []Permission{{Role: "reviewer", Domain: "scj", Obj: "task", Verb: "review_pass"},
		{Role: "approver", Domain: "scj", Obj: "task", Verb: "approve"}}
	if got := OnlyRole(perms, ""); len(got) != 2 {
		t.Errorf("OnlyRole without a role kept %d, want 2", len(got))
	}
	got := OnlyRole(perms, "approver")
	if len(got) != 1 || got[0].Verb != "approve" {
		t.Errorf("OnlyRole(approver) = %v", got)
	}
	if _, ok := RoleFor(OnlyRole(perms, "approver"), "scj", "task", "review_pass"); ok {
		t.Error("an approver passed a reviewer's stage")
	}
}
