package workflow

import (
	"errors"
	"testing"
)

// allFacts are the combinations of conditions the table distinguishes.
var allFacts = []Facts{
	{}, {WasAccepted: true}, {Immediate: true}, {WasAccepted: true, Immediate: true},
	{WasAccepted: true, PendingDecisions: 1}, {WasAccepted: true, PendingDecisions: 2},
}

func TestEveryPairOfTheTable(t *testing.T) {
	t.Parallel()
	for _, from := range append([]State{None}, States...) {
		for _, act := range Actions {
			for _, f := range allFacts {
				want := 0
				for _, row := range Table {
					if row.From == from && row.Act == act && f.holds(row.When) {
						want++
					}
				}
				rows, err := Next(from, act, f)
				if want == 0 {
					if !errors.Is(err, ErrIllegal) || rows != nil {
						t.Errorf("%s --%s--> %+v: want illegal, got %v %v", from, act, f, rows, err)
					}
					continue
				}
				if err != nil || len(rows) != want {
					t.Errorf("%s --%s--> %+v: want %d rows, got %d %v", from, act, f, want, len(rows), err)
				}
			}
		}
	}
}

func TestTableRules(t *testing.T) {
	t.Parallel()
	for _, row := range Table {
		if row.From.Final() && !(row.Act == Revoke && row.From == Completed && row.To == Revoked) {
			t.Errorf("row leaves final state %s", row.From)
		}
		if row.By == Staff && (row.Obj == "" || row.Verb == "") {
			t.Errorf("staff row %s/%s without permission", row.From, row.Act)
		}
		if row.By == Applicant && row.Obj != "" {
			t.Errorf("applicant row %s/%s carries a staff permission", row.From, row.Act)
		}
		if row.Act == Withdraw && row.From.Decided() {
			t.Errorf("withdraw after a decision from %s", row.From)
		}
		if !row.To.Valid() {
			t.Errorf("row to unknown state %q", row.To)
		}
	}
}

func TestExamplesOfTheLaw(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		from State
		act  Action
		f    Facts
		to   State
	}{
		{"window accepts", Submitted, Accept, Facts{}, Accepted},
		{"one-time notice", Submitted, RequestSupplement, Facts{}, SupplementRequired},
		{"supplement before acceptance returns to the window", SupplementRequired, Supplement, Facts{}, Submitted},
		{"supplement after send-back returns to review", SupplementRequired, Supplement, Facts{WasAccepted: true}, InReview},
		{"first of two approvals waits", InReview, Approve, Facts{WasAccepted: true, PendingDecisions: 1}, InReview},
		{"last approval joins", InReview, Approve, Facts{WasAccepted: true}, Approved},
		{"any denial denies", InReview, Deny, Facts{WasAccepted: true, PendingDecisions: 2}, Denied},
		{"immediate item decided at the window", Accepted, Approve, Facts{WasAccepted: true, Immediate: true}, Approved},
		{"denial is delivered too", Denied, Issue, Facts{WasAccepted: true}, Completed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rows, err := Next(c.from, c.act, c.f)
			if err != nil || rows[0].To != c.to {
				t.Fatalf("got %v %v, want %s", rows, err, c.to)
			}
		})
	}
	illegal := []struct {
		from State
		act  Action
		f    Facts
	}{
		{Completed, Withdraw, Facts{}}, {Approved, Withdraw, Facts{}}, {Submitted, Approve, Facts{}},
		{Accepted, Claim, Facts{Immediate: true}}, {Accepted, Approve, Facts{WasAccepted: true}},
		{NotAccepted, Accept, Facts{}}, {Withdrawn, Supplement, Facts{}}, {Suspended, Approve, Facts{}},
	}
	for _, c := range illegal {
		if _, err := Next(c.from, c.act, c.f); !errors.Is(err, ErrIllegal) {
			t.Errorf("%s --%s--> should be illegal, got %v", c.from, c.act, err)
		}
	}
}

func TestTaskStages(t *testing.T) {
	t.Parallel()
	if FirstStage([]string{"review", "decide"}) != StageReview || FirstStage([]string{"decide"}) != StageDecide {
		t.Fatal("first stage")
	}
	ok := []struct {
		from Stage
		act  Action
		to   Stage
	}{{StageReview, ReviewPass, StageDecide}, {StageDecide, Approve, StageApproved}, {StageDecide, Deny, StageDenied}, {StageReview, Claim, StageReview}}
	for _, c := range ok {
		if got, err := TaskStage(c.from, c.act); err != nil || got != c.to {
			t.Errorf("%s %s: %s %v", c.from, c.act, got, err)
		}
	}
	for _, c := range []struct {
		from Stage
		act  Action
	}{{StageReview, Approve}, {StageDecide, ReviewPass}, {StageApproved, Deny}, {StageClosed, Claim}} {
		if _, err := TaskStage(c.from, c.act); !errors.Is(err, ErrIllegal) {
			t.Errorf("%s %s should be illegal", c.from, c.act)
		}
	}
}
