package workflow

import (
	"errors"
	"testing"
)

func TestChooseActing(t *testing.T) {
	t.Parallel()
	clerk := []Permission{{Role: "window_clerk", Domain: "*", Obj: objApp, Verb: "accept"},
		{Role: "window_clerk", Domain: "*", Obj: objApp, Verb: "terminate"}}
	scjReviewer := []Permission{{Role: "reviewer", Domain: "scj", Obj: objTask, Verb: "claim"},
		{Role: "reviewer", Domain: "scj", Obj: objTask, Verb: "review_pass"}}
	twoApprover := []Permission{{Role: "approver", Domain: "scj", Obj: objTask, Verb: "approve"},
		{Role: "approver", Domain: "zjj", Obj: objTask, Verb: "approve"}}
	citizen := Case{Department: "scj", ApplicantID: "11010519491231002X"}
	joint := Case{Department: "scj", Tasks: []TaskState{{Department: "scj", Stage: StageDecide}, {Department: "zjj", Stage: StageDecide}}}
	reviewing := Case{Department: "scj", Tasks: []TaskState{{Department: "scj", Stage: StageReview}}}
	closed := Case{Department: "scj", Tasks: []TaskState{{Department: "scj", Stage: StageClosed}}}
	row := func(from State, act Action, f Facts) []Transition {
		rows, err := Next(from, act, f)
		if err != nil {
			t.Fatalf("%s %s: %v", from, act, err)
		}
		return rows
	}
	accepted := Facts{WasAccepted: true}
	tests := []struct {
		name      string
		c         Case
		rows      []Transition
		act       Action
		who       Caller
		want      Acting
		staffOnly bool
		forbidden bool
	}{
		{"applicant with code withdraws", citizen, row(Submitted, Withdraw, Facts{}), Withdraw,
			Caller{QueryCode: "ABC"}, Acting{Role: ApplicantRole}, false, false},
		{"applicant with code may not accept", citizen, row(Submitted, Accept, Facts{}), Accept,
			Caller{QueryCode: "ABC", Permissions: clerk}, Acting{}, true, true},
		{"owner withdraws", citizen, row(Submitted, Withdraw, Facts{}), Withdraw,
			Caller{Owner: "11010519491231002X"}, Acting{Role: ApplicantRole}, false, false},
		{"another citizen may not withdraw", citizen, row(Submitted, Withdraw, Facts{}), Withdraw,
			Caller{Owner: "110105194912310021"}, Acting{}, false, true},
		{"owner without an applicant row falls to staff", citizen, row(Submitted, Accept, Facts{}), Accept,
			Caller{Owner: "11010519491231002X", Permissions: clerk}, Acting{Department: "scj", Role: "window_clerk"}, false, false},
		{"clerk accepts in any department", citizen, row(Submitted, Accept, Facts{}), Accept,
			Caller{Permissions: clerk}, Acting{Department: "scj", Role: "window_clerk"}, false, false},
		{"no permission", citizen, row(Submitted, Accept, Facts{}), Accept,
			Caller{Permissions: scjReviewer}, Acting{}, false, true},
		{"reviewer claims the open task of their department", reviewing, row(Accepted, Claim, accepted), Claim,
			Caller{Permissions: scjReviewer}, Acting{Department: "scj", Role: "reviewer"}, false, false},
		{"asked department not allowed", reviewing, row(Accepted, Claim, accepted), Claim,
			Caller{Permissions: scjReviewer, Department: "zjj"}, Acting{}, false, true},
		{"closed task is not picked", closed, row(InReview, Claim, accepted), Claim,
			Caller{Permissions: scjReviewer}, Acting{}, false, true},
		{"task at the wrong stage is not picked", reviewing, row(InReview, Approve, Facts{WasAccepted: true, PendingDecisions: 1}), Approve,
			Caller{Permissions: twoApprover}, Acting{}, false, true},
		{"first allowed task of a joint item", joint, row(InReview, Approve, Facts{WasAccepted: true, PendingDecisions: 1}), Approve,
			Caller{Permissions: twoApprover}, Acting{Department: "scj", Role: "approver"}, false, false},
		{"asked department of a joint item", joint, row(InReview, Approve, Facts{WasAccepted: true, PendingDecisions: 1}), Approve,
			Caller{Permissions: twoApprover, Department: "zjj"}, Acting{Department: "zjj", Role: "approver"}, false, false},
		{"anonymous without a code", citizen, row(Submitted, Withdraw, Facts{}), Withdraw,
			Caller{}, Acting{}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ChooseActing(tt.c, tt.act, tt.rows, tt.who)
			var fe *ForbiddenError
			if tt.forbidden {
				if !errors.Is(err, ErrForbidden) || !errors.As(err, &fe) || fe.StaffOnly != tt.staffOnly {
					t.Fatalf("want forbidden (staff only %v), got %+v %v", tt.staffOnly, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v %v, want %+v", got, err, tt.want)
			}
		})
	}
}

func TestRoleFor(t *testing.T) {
	t.Parallel()
	perms := []Permission{{Role: "approver", Domain: "scj", Obj: objTask, Verb: "approve"},
		{Role: "supervisor", Domain: "*", Obj: objApp, Verb: "read"},
		{Role: "window_clerk", Domain: "*", Obj: objApp, Verb: "read"}}
	tests := []struct {
		dept, obj, verb, role string
		ok                    bool
	}{
		{"scj", objTask, "approve", "approver", true},
		{"zjj", objTask, "approve", "", false},
		{"zjj", objApp, "read", "supervisor", true},
		{"*", objApp, "read", "supervisor", true},
		{"*", objTask, "approve", "", false},
		{"", objApp, "read", "", false},
		{"scj", objApp, "accept", "", false},
	}
	for _, tt := range tests {
		role, ok := RoleFor(perms, tt.dept, tt.obj, tt.verb)
		if role != tt.role || ok != tt.ok {
			t.Errorf("RoleFor(%q, %s, %s) = %q %v, want %q %v", tt.dept, tt.obj, tt.verb, role, ok, tt.role, tt.ok)
		}
	}
}

func TestChooseActingStageRole(t *testing.T) {
	t.Parallel()
	both := []Permission{{Role: "approver", Domain: "scj", Obj: objTask, Verb: "approve"},
		{Role: "approver", Domain: "scj", Obj: objTask, Verb: "claim"},
		{Role: "reviewer", Domain: "scj", Obj: objTask, Verb: "claim"},
		{Role: "reviewer", Domain: "scj", Obj: objTask, Verb: "review_pass"}}
	first := Case{Department: "scj", Tasks: []TaskState{{Department: "scj", Stage: StageReview, StageName: "初审", StageRole: "reviewer"}}}
	rows, err := Next(InReview, Claim, Facts{WasAccepted: true})
	if err != nil {
		t.Fatal(err)
	}
	// A user holding both roles claims the 初审 as its reviewer.
	got, err := ChooseActing(first, Claim, rows, Caller{Permissions: both})
	if err != nil || got.Role != "reviewer" {
		t.Fatalf("claim at 初审 = %+v %v, want the reviewer role", got, err)
	}
	// An approver alone may not claim a reviewer's stage, and is told which stage.
	approverOnly := both[:2]
	_, err = ChooseActing(first, Claim, rows, Caller{Permissions: approverOnly})
	var fe *ForbiddenError
	if !errors.As(err, &fe) || fe.Stage != "初审" || fe.Role != "reviewer" {
		t.Fatalf("approver claiming 初审: %v, want forbidden naming 初审 and reviewer", err)
	}
	// A decision stage taken by the reviewer role refuses the approver.
	decide := Case{Department: "scj", Tasks: []TaskState{{Department: "scj", Stage: StageDecide, StageName: "决定", StageRole: "reviewer"}}}
	rows, err = Next(InReview, Approve, Facts{WasAccepted: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ChooseActing(decide, Approve, rows, Caller{Permissions: both}); !errors.As(err, &fe) || fe.Stage != "决定" {
		t.Fatalf("approve at a reviewer's 决定: %v, want forbidden naming 决定", err)
	}
	// A stranger to the department is refused without learning its stages.
	stranger := []Permission{{Role: "approver", Domain: "zjj", Obj: objTask, Verb: "claim"}}
	rows, err = Next(InReview, Claim, Facts{WasAccepted: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ChooseActing(first, Claim, rows, Caller{Permissions: stranger}); !errors.As(err, &fe) || fe.Stage != "" {
		t.Fatalf("another department's approver claiming 初审: %v, want forbidden without the stage", err)
	}
	// Other task actions keep the policy's verbs whatever the stage's role.
	ext := []Permission{{Role: "approver", Domain: "scj", Obj: objTask, Verb: "extend"}}
	rows, err = Next(InReview, Extend, Facts{WasAccepted: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ChooseActing(first, Extend, rows, Caller{Permissions: ext}); err != nil || got.Role != "approver" {
		t.Fatalf("extend at 初审 = %+v %v, want the approver", got, err)
	}
}
