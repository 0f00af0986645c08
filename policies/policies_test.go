package policies

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// fixture is a small population covering every role, both kinds of domain
// and a user holding different roles in different departments.
var fixture = []Assignment{
	{User: "admin", Role: Sysadmin, Domain: AllDomains},
	{User: "catalog", Role: CatalogueAdmin, Domain: AllDomains},
	{User: "scj.catalog", Role: CatalogueAdmin, Domain: "scj"},
	{User: "window1", Role: WindowClerk, Domain: AllDomains},
	{User: "supervisor", Role: Supervisor, Domain: AllDomains},
	{User: "citizen1", Role: Citizen, Domain: AllDomains},
	{User: "scj.review", Role: Reviewer, Domain: "scj"},
	{User: "scj.approve", Role: Approver, Domain: "scj"},
	{User: "zjj.review", Role: Reviewer, Domain: "zjj"},
	{User: "zjj.approve", Role: Approver, Domain: "zjj"},
	{User: "multi", Role: Reviewer, Domain: "scj"},
	{User: "multi", Role: Approver, Domain: "zjj"},
	{User: "multi", Role: Reviewer, Domain: "gaj"},
	{User: "approver", Role: Citizen, Domain: AllDomains}, // a user named like a role
	{User: "scj.inspect", Role: InspectionAdmin, Domain: "scj"},
}

func newFixture(t testing.TB) *Authorizer {
	t.Helper()
	a, err := New(fixture)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

func TestCan(t *testing.T) {
	t.Parallel()
	a := newFixture(t)
	tests := []struct {
		user, domain, obj, act string
		want                   bool
	}{
		// sysadmin: system resources live in "*"; no application decisions.
		{"admin", AllDomains, ObjUser, ActManage, true},
		{"admin", AllDomains, ObjRole, ActAssign, true},
		{"admin", AllDomains, ObjDepartment, ActManage, true},
		{"admin", AllDomains, ObjCalendar, ActManage, true},
		{"admin", AllDomains, ObjSite, ActManage, true},
		{"catalog", AllDomains, ObjSite, ActManage, false},
		{"admin", AllDomains, ObjLoginLog, ActRead, true},
		{"admin", AllDomains, ObjAudit, ActVerify, true},
		{"admin", "scj", ObjItem, ActRead, true},
		{"admin", "scj", ObjApplication, ActAccept, false},
		{"admin", "scj", ObjTask, ActApprove, false},
		{"admin", "scj", ObjItem, ActEdit, false},

		// catalogue_admin in "*" edits everywhere; in "scj" only scj items.
		{"catalog", "zjj", ObjItem, ActEdit, true},
		{"catalog", "scj", ObjItem, ActCreate, true},
		{"catalog", "scj", ObjItem, ActDispose, true},
		{"catalog", "scj", ObjItem, ActPublish, true},
		{"catalog", AllDomains, ObjItem, ActImport, true},
		{"catalog", AllDomains, ObjItem, ActExport, true},
		{"catalog", "scj", ObjApplication, ActRead, false},
		{"catalog", AllDomains, ObjUser, ActManage, false},
		{"scj.catalog", "scj", ObjItem, ActEdit, true},
		{"scj.catalog", "scj", ObjItem, ActPublish, true},
		{"scj.catalog", "zjj", ObjItem, ActEdit, false},
		{"scj.catalog", AllDomains, ObjItem, ActImport, false},

		// 好差评: the supervisor reads every evaluation; a department handles its own cases.
		{"supervisor", AllDomains, ObjEvaluation, ActRead, true},
		{"supervisor", "scj", ObjEvaluation, ActHandle, false},
		{"scj.review", "scj", ObjEvaluation, ActHandle, true},
		{"scj.approve", "scj", ObjEvaluation, ActHandle, true},
		{"scj.review", "zjj", ObjEvaluation, ActHandle, false},
		{"window1", "scj", ObjEvaluation, ActHandle, false},
		{"citizen1", AllDomains, ObjEvaluation, ActRead, false},

		// 双随机一公开: a department's inspection administrator, in its department only.
		{"scj.inspect", "scj", ObjInspection, ActManage, true},
		{"scj.inspect", "scj", ObjInspection, ActRecord, true},
		{"scj.inspect", "scj", ObjInspection, ActImport, true},
		{"scj.inspect", "zjj", ObjInspection, ActManage, false},
		{"scj.inspect", "scj", ObjItem, ActEdit, false},
		{"supervisor", "scj", ObjInspection, ActRead, true},
		{"supervisor", "scj", ObjInspection, ActManage, false},
		{"scj.review", "scj", ObjInspection, ActManage, false},
		// 告知承诺制: the window signs, a department checks its own, its approver revokes.
		{"window1", "scj", ObjPledge, ActSign, true},
		{"window1", "scj", ObjPledge, ActCheck, false},
		{"scj.review", "scj", ObjPledge, ActCheck, true},
		{"scj.review", "zjj", ObjPledge, ActCheck, false},
		{"scj.review", "scj", ObjApplication, ActRevoke, false},
		{"scj.approve", "scj", ObjApplication, ActRevoke, true},
		{"scj.approve", "zjj", ObjApplication, ActRevoke, false},
		{"supervisor", AllDomains, ObjPledge, ActRead, true},
		{"supervisor", "scj", ObjPledge, ActCheck, false},

		// window_clerk in "*" works for every department.
		{"window1", "scj", ObjApplication, ActAccept, true},
		{"window1", "zjj", ObjApplication, ActAccept, true},
		{"window1", "fgzx", ObjApplication, ActAcceptPending, true},
		{"window1", "zjj", ObjApplication, ActRegister, true},
		{"window1", "zjj", ObjApplication, ActReject, true},
		{"window1", "zjj", ObjApplication, ActRequestSupplement, true},
		{"window1", "zjj", ObjApplication, ActIssue, true},
		{"window1", "zjj", ObjApplication, ActDecideImmediate, true},
		{"window1", "zjj", ObjApplication, ActTerminate, true},
		{"window1", "zjj", ObjApplication, ActRead, true},
		{"window1", "zjj", ObjTask, ActRead, true},
		{"window1", "zjj", ObjItem, ActRead, true},
		{"window1", "zjj", ObjTask, ActApprove, false},
		{"window1", "zjj", ObjTask, ActReviewPass, false},
		{"window1", "zjj", ObjItem, ActEdit, false},

		// reviewer: own department only.
		{"scj.review", "scj", ObjTask, ActReviewPass, true},
		{"scj.review", "scj", ObjTask, ActClaim, true},
		{"scj.review", "scj", ObjTask, ActRelease, true},
		{"scj.review", "zjj", ObjTask, ActRelease, false},
		{"scj.review", "scj", ObjTask, ActSendBack, true},
		{"scj.review", "scj", ObjTask, ActSuspend, true},
		{"scj.review", "scj", ObjTask, ActResume, true},
		{"scj.review", "scj", ObjTask, ActRead, true},
		{"scj.review", "scj", ObjApplication, ActRead, true},
		{"scj.review", "zjj", ObjTask, ActReviewPass, false},
		{"scj.review", "zjj", ObjApplication, ActRead, false},
		{"scj.review", AllDomains, ObjTask, ActRead, false},
		{"scj.review", "scj", ObjTask, ActApprove, false},
		{"scj.review", "scj", ObjItem, ActEdit, false},
		{"zjj.review", "zjj", ObjTask, ActReviewPass, true},
		{"zjj.review", "scj", ObjTask, ActReviewPass, false},

		// approver: own department only.
		{"scj.approve", "scj", ObjTask, ActApprove, true},
		{"scj.approve", "scj", ObjTask, ActDeny, true},
		{"scj.approve", "scj", ObjTask, ActExtend, true},
		{"scj.approve", "scj", ObjTask, ActTerminate, true},
		{"scj.approve", "scj", ObjTask, ActClaim, true},
		{"scj.approve", "scj", ObjTask, ActRelease, true},
		{"window1", "scj", ObjTask, ActRelease, false},
		{"supervisor", "scj", ObjTask, ActRelease, false},
		{"scj.approve", "scj", ObjApplication, ActRead, true},
		{"scj.approve", "zjj", ObjTask, ActApprove, false},
		{"zjj.approve", "scj", ObjTask, ActDeny, false},
		{"scj.approve", "scj", ObjTask, ActReviewPass, false},
		{"scj.approve", "scj", ObjApplication, ActAccept, false},

		// one user, different roles in different departments.
		{"multi", "scj", ObjTask, ActReviewPass, true},
		{"multi", "zjj", ObjTask, ActApprove, true},
		{"multi", "scj", ObjTask, ActApprove, false},
		{"multi", "zjj", ObjTask, ActReviewPass, false},
		{"multi", "jtj", ObjTask, ActRead, false},

		// supervisor reads everywhere, decides nothing.
		{"supervisor", "scj", ObjApplication, ActRead, true},
		{"supervisor", "zjj", ObjTask, ActRead, true},
		{"supervisor", AllDomains, ObjReport, ActRead, true},
		{"supervisor", AllDomains, ObjAudit, ActVerify, true},
		{"supervisor", "scj", ObjItem, ActRead, true},
		{"supervisor", "scj", ObjTask, ActApprove, false},
		{"supervisor", "scj", ObjApplication, ActAccept, false},
		{"supervisor", AllDomains, ObjUser, ActManage, false},
		{"supervisor", AllDomains, ObjOutbox, ActRead, true},
		{"window1", AllDomains, ObjOutbox, ActRead, false},
		{"admin", AllDomains, ObjOutbox, ActRead, true},

		// citizen: only their own applications.
		{"citizen1", "scj", ObjApplication, ActOwn, true},
		{"citizen1", "scj", ObjApplication, ActRead, false},
		{"citizen1", "scj", ObjTask, ActRead, false},

		// unknown users, names that look like roles, unknown verbs, bad input.
		{"nobody", "scj", ObjItem, ActRead, false},
		{"nobody", AllDomains, ObjUser, ActManage, false},
		{"", "scj", ObjItem, ActRead, false},
		{"admin", "", ObjUser, ActManage, false},
		{"sysadmin", AllDomains, ObjUser, ActManage, false},
		{"window_clerk", "scj", ObjApplication, ActAccept, false},
		{"role:window_clerk", "scj", ObjApplication, ActAccept, false},
		{"approver", "scj", ObjTask, ActApprove, false}, // holds citizen only
		{"admin", AllDomains, ObjUser, "delete", false},
		{"admin", AllDomains, "users", ActManage, false},
		{"window1", "scj", ObjApplication, "", false},
		{"scj.review", "scj$$x", ObjTask, ActRead, false},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s@%s/%s:%s", tt.user, tt.domain, tt.obj, tt.act)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// Twice: the second answer comes from the cache and must agree.
			for range 2 {
				got, err := a.Can(context.Background(), tt.user, tt.domain, tt.obj, tt.act)
				if err != nil {
					t.Fatalf("Can: %v", err)
				}
				if got != tt.want {
					t.Fatalf("Can = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestCanCancelledContext(t *testing.T) {
	t.Parallel()
	a := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ok, err := a.Can(ctx, "admin", AllDomains, ObjUser, ActManage)
	if ok || err == nil {
		t.Fatalf("Can with cancelled context = %v, %v; want false and an error", ok, err)
	}
}

var (
	knownObjects = []string{ObjItem, ObjApplication, ObjTask, ObjUser, ObjRole, ObjDepartment,
		ObjCalendar, ObjLoginLog, ObjAudit, ObjReport, ObjSite, ObjEvaluation, ObjDataLog, ObjOutbox, ObjInspection, ObjPledge}
	knownVerbs = []string{ActRead, ActEdit, ActCreate, ActDispose, ActPublish, ActImport, ActExport,
		ActManage, ActAssign, ActVerify, ActOwn, ActRegister, ActAccept, ActAcceptPending, ActReject,
		ActRequestSupplement, ActIssue, ActDecideImmediate, ActTerminate, ActClaim, ActRelease, ActReviewPass,
		ActSendBack, ActSuspend, ActResume, ActApprove, ActDeny, ActExtend, ActHandle, ActReveal, ActRecord, ActSign, ActCheck, ActRevoke}
)

func TestPolicyFile(t *testing.T) {
	t.Parallel()
	holders, err := parsePolicy(policyCSV)
	if err != nil {
		t.Fatalf("parsePolicy: %v", err)
	}
	perms := make(map[Role]int)
	for k, roles := range holders {
		if !slices.Contains(knownObjects, k.obj) {
			t.Errorf("unknown object %q", k.obj)
		}
		if !slices.Contains(knownVerbs, k.act) {
			t.Errorf("%s: unknown verb %q", k.obj, k.act)
		}
		for _, r := range roles {
			if !ValidRole(string(r)) {
				t.Errorf("unknown role %q", r)
			}
			perms[r]++
		}
		// Decisions on applications belong to the window and the departments only.
		decision := k.obj == ObjTask && slices.Contains([]string{ActApprove, ActDeny, ActReviewPass}, k.act) ||
			k.obj == ObjApplication && k.act != ActRead && k.act != ActOwn
		if decision && (slices.Contains(roles, Sysadmin) || slices.Contains(roles, Supervisor)) {
			t.Errorf("%v may %s %s", roles, k.act, k.obj)
		}
	}
	for _, role := range AllRoles() {
		if perms[role] == 0 {
			t.Errorf("role %s has no permission", role)
		}
	}
}

func TestParsePolicyRejects(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"unknown role":   "p, janitor, item, read\n",
		"grouping row":   "g, alice, sysadmin, *\n",
		"missing verb":   "p, sysadmin, item\n",
		"empty verb":     "p, sysadmin, item,\n",
		"extra field":    "p, sysadmin, item, read, scj\n",
		"duplicate line": "p, sysadmin, item, read\np, sysadmin, item, read\n",
	}
	for name, text := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := parsePolicy(text); err == nil {
				t.Fatalf("parsePolicy(%q) succeeded", text)
			}
		})
	}
}
