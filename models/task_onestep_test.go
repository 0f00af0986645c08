package models

import (
	"context"
	"errors"
	"testing"
	"time"

	"onewindow/workflow"
)

// deptPerms are the permissions of a department's reviewer, approver or both.
func deptPerms(dept string, roles ...string) []workflow.Permission {
	verbs := map[string][]string{
		"reviewer": {"read", "claim", "release", "review_pass", "send_back", "suspend", "resume"},
		"approver": {"read", "claim", "release", "approve", "deny", "extend", "suspend", "resume", "terminate"},
	}
	var out []workflow.Permission
	for _, r := range roles {
		for _, v := range verbs[r] {
			out = append(out, workflow.Permission{Role: r, Domain: dept, Obj: "task", Verb: v})
		}
	}
	return out
}

func oneStep(s *Store, cal *workflow.Calendar, number, dept, actor string, version int, act workflow.Action,
	fields map[string]string, now time.Time, perms []workflow.Permission) (*Application, error) {
	return s.ActOneStep(context.Background(), ActionRequest{Number: number, Action: act, Version: version, Actor: actor,
		Department: dept, Fields: fields, Comment: "材料齐全", Cal: cal, Now: now,
		Caller: &workflow.Caller{Department: dept, Permissions: perms}})
}

func TestOneStepDecisionRecordsTheStepsAndRefusesWhatOneStepMayNot(t *testing.T) {
	s := adminCatalogue(t)
	cal := testCalendar(t)
	ctx := context.Background()
	joint, _ := s.Item(ctx, "A2") // zjj + scj
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	n := fileItem(t, s, joint, now)
	accepted := mustAct(t, s, cal, n, workflow.Accept, "", now, nil)
	v := accepted.Version
	both := deptPerms("scj", "reviewer", "approver")

	// Refusals change nothing: a reviewer alone, a stale version, a denial without a reason.
	var forbidden *workflow.ForbiddenError
	if _, err := oneStep(s, cal, n, "scj", "scj.rev", v, workflow.Approve, nil, now, deptPerms("scj", "reviewer")); !errors.As(err, &forbidden) {
		t.Fatalf("a reviewer alone decides in one step: %v", err)
	}
	if _, err := oneStep(s, cal, n, "scj", "scj.both", v-1, workflow.Approve, nil, now, both); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}
	var fe *FieldsError
	if _, err := oneStep(s, cal, n, "scj", "scj.both", v, workflow.Deny, nil, now, both); !errors.As(err, &fe) || fe.Fields["reason"] == "" {
		t.Fatalf("deny without a reason: %v", err)
	}
	if _, err := oneStep(s, cal, n, "scj", "scj.both", v, workflow.Claim, nil, now, both); !errors.Is(err, ErrNotOneStep) {
		t.Fatalf("a claim asked as a one-step decision: %v", err)
	}
	if app, _ := s.Application(ctx, n); app.Version != v || len(app.Events) != accepted.EventCount || app.Task("scj").ClaimedBy != "" {
		t.Fatalf("a refused one-step decision changed the application: version %d, %d events", app.Version, len(app.Events))
	}

	// One submission: the chain holds the four steps, as if taken one by one.
	app, err := oneStep(s, cal, n, "scj", "scj.both", v, workflow.Approve, nil, now, both)
	if err != nil {
		t.Fatal(err)
	}
	full, _ := s.Application(ctx, n)
	want := []workflow.Action{workflow.Claim, workflow.ReviewPass, workflow.Claim, workflow.Approve}
	got := full.Events[len(full.Events)-len(want):]
	for i, e := range got {
		if e.Action != want[i] || e.Actor != "scj.both" || e.Department != "scj" {
			t.Fatalf("event %d: %s by %s in %s, want %s by scj.both in scj", i, e.Action, e.Actor, e.Department, want[i])
		}
	}
	if got[3].Comment != "材料齐全" || got[0].Comment != "" {
		t.Errorf("the comment belongs to the decision: %q, %q", got[0].Comment, got[3].Comment)
	}
	if app.Version != v+4 || app.State != workflow.InReview || full.Task("scj").Stage != string(workflow.StageApproved) ||
		full.Task("scj").DecidedBy != "scj.both" || full.Task("zjj").Stage != string(workflow.StageReview) {
		t.Fatalf("after the one-step decision: version %d, state %s, tasks %+v", app.Version, app.State, full.Tasks)
	}
	verifyChain(t, s, n)
	// A decided task takes no second decision.
	var illegal *workflow.IllegalError
	if _, err := oneStep(s, cal, n, "scj", "scj.both", app.Version, workflow.Approve, nil, now, both); !errors.As(err, &illegal) {
		t.Fatalf("a second one-step decision: %v", err)
	}
	// zjj's approver who holds both roles denies with a reason: the join ends denied.
	denied, err := oneStep(s, cal, n, "zjj", "zjj.both", app.Version, workflow.Deny, map[string]string{"reason": "不符合条件"}, now,
		deptPerms("zjj", "reviewer", "approver"))
	if err != nil || denied.State != workflow.Denied {
		t.Fatalf("deny in one step: %v", err)
	}
}

func TestReleaseIsAnEventOfTheHolderOnlyAndNotAfterADecision(t *testing.T) {
	s := adminCatalogue(t)
	cal := testCalendar(t)
	ctx := context.Background()
	single, _ := s.Item(ctx, "A1") // scj
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	n := fileItem(t, s, single, now)
	mustAct(t, s, cal, n, workflow.Accept, "", now, nil)
	claimed := mustAct(t, s, cal, n, workflow.Claim, "scj", now, nil) // by scj.user
	v := claimed.Version

	var forbidden *workflow.ForbiddenError
	if _, err := s.ReleaseTask(ctx, ReleaseRequest{Number: n, Department: "scj", Actor: "scj.other", Now: now}); !errors.As(err, &forbidden) {
		t.Fatalf("release by one who does not hold the task: %v", err)
	}
	if _, err := s.ReleaseTask(ctx, ReleaseRequest{Number: n, Department: "scj", Actor: "scj.user", Version: v - 1, Now: now}); !errors.Is(err, ErrConflict) {
		t.Fatalf("release at a stale version: %v", err)
	}
	if _, err := s.ReleaseTask(ctx, ReleaseRequest{Number: n, Department: "zjj", Actor: "scj.user", Now: now}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("release in a department without a task: %v", err)
	}
	app, err := s.ReleaseTask(ctx, ReleaseRequest{Number: n, Department: "scj", Actor: "scj.user", Role: "reviewer", Version: v,
		Comment: "请假", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	full, _ := s.Application(ctx, n)
	last := full.Events[len(full.Events)-1]
	if app.Version != v+1 || full.State != claimed.State || full.Task("scj").ClaimedBy != "" ||
		last.Action != ActionRelease || last.Actor != "scj.user" || last.Role != "reviewer" || last.Comment != "请假" ||
		last.FromState != last.ToState {
		t.Fatalf("after the release: version %d, state %s, last event %+v", app.Version, full.State, last)
	}
	verifyChain(t, s, n)
	// Decided: nothing to give back.
	mustAct(t, s, cal, n, workflow.Claim, "scj", now, nil)
	mustAct(t, s, cal, n, workflow.ReviewPass, "scj", now, nil)
	mustAct(t, s, cal, n, workflow.Claim, "scj", now, nil)
	mustAct(t, s, cal, n, workflow.Approve, "scj", now, nil)
	var illegal *workflow.IllegalError
	if _, err := s.ReleaseTask(ctx, ReleaseRequest{Number: n, Department: "scj", Actor: "scj.user", Now: now}); !errors.As(err, &illegal) {
		t.Fatalf("release after the decision: %v", err)
	}
}

// verifyChain checks the event chain of one application.
func verifyChain(t *testing.T, s *Store, number string) {
	t.Helper()
	for r, err := range s.Chains(context.Background(), []string{number}) {
		if err != nil || r.Break != nil {
			t.Fatalf("the chain of %s: %v %+v", number, err, r.Break)
		}
	}
}

// A stage sequence 初审 → 复审 → 决定: one who holds both roles passes each
// stage and decides in one submission; each pass names its stage.
func TestOneStepDecisionThroughAStageSequence(t *testing.T) {
	s := adminCatalogue(t)
	cal := testCalendar(t)
	now := time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC)
	withPlans(t, s, "A1", threeStages())
	f := file(t, s, "A1", now, nil)
	app, err := act(s, cal, f.Number, workflow.Accept, "", 1, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	var forbidden *workflow.ForbiddenError
	if _, err := oneStep(s, cal, f.Number, "scj", "scj.rev", app.Version, workflow.Approve, nil, now, deptPerms("scj", "reviewer")); !errors.As(err, &forbidden) {
		t.Fatalf("a reviewer alone through the sequence: %v", err)
	}
	out, err := oneStep(s, cal, f.Number, "scj", "scj.both", app.Version, workflow.Approve, nil, now, deptPerms("scj", "reviewer", "approver"))
	if err != nil {
		t.Fatal(err)
	}
	full, _ := s.Application(context.Background(), f.Number)
	var got []string
	for _, e := range full.Events[app.EventCount:] {
		got = append(got, string(e.Action)+" "+e.Fields()["stage"])
	}
	want := []string{"claim ", "review_pass 初审", "claim ", "review_pass 复审", "claim ", "approve 决定"}
	if out.State != workflow.Approved || len(got) != len(want) {
		t.Fatalf("state %s, events %q", out.State, got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("events %q, want %q", got, want)
		}
	}
	verifyChain(t, s, f.Number)
}
