package policies

import (
	"context"
	"testing"
)

// TestPermissionsAnswerLikeCan checks that the permissions a user holds, as
// data, answer every question exactly as Can does, for every fixture user,
// department and permission of the policy.
func TestPermissionsAnswerLikeCan(t *testing.T) {
	t.Parallel()
	a := newFixture(t)
	users := []string{"nobody", "role:approver", ""}
	for _, as := range fixture {
		users = append(users, as.User)
	}
	domains := []string{AllDomains, "scj", "zjj", "gaj", "xxx"}
	for _, user := range users {
		perms := a.Permissions(user)
		for k := range a.holders {
			for _, d := range domains {
				want, err := a.Can(context.Background(), user, d, k.obj, k.act)
				if err != nil {
					t.Fatal(err)
				}
				got := false
				for _, p := range perms {
					got = got || (p.Object == k.obj && p.Verb == k.act && (p.Domain == d || p.Domain == AllDomains))
				}
				if got != want {
					t.Errorf("%q %s %s:%s: permissions say %v, Can says %v", user, d, k.obj, k.act, got, want)
				}
			}
		}
	}
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	a := newFixture(t)
	tests := []struct {
		user string
		want Permission
		has  bool
	}{
		{"multi", Permission{Reviewer, "scj", ObjTask, ActClaim}, true},
		{"multi", Permission{Approver, "zjj", ObjTask, ActApprove}, true},
		{"multi", Permission{Approver, "scj", ObjTask, ActApprove}, false},
		{"window1", Permission{WindowClerk, AllDomains, ObjApplication, ActAccept}, true},
		{"citizen1", Permission{Citizen, AllDomains, ObjApplication, ActOwn}, true},
		{"approver", Permission{Approver, AllDomains, ObjTask, ActApprove}, false},
		{"nobody", Permission{Reviewer, "scj", ObjTask, ActClaim}, false},
	}
	for _, tt := range tests {
		found := false
		for _, p := range a.Permissions(tt.user) {
			found = found || p == tt.want
		}
		if found != tt.has {
			t.Errorf("Permissions(%q) holds %+v: %v, want %v", tt.user, tt.want, found, tt.has)
		}
	}
	// The order names the role the way Roles orders assignments.
	perms := a.Permissions("multi")
	for i := 1; i < len(perms); i++ {
		if perms[i-1].Role > perms[i].Role || (perms[i-1].Role == perms[i].Role && perms[i-1].Domain > perms[i].Domain) {
			t.Fatalf("permissions out of order at %d: %+v", i, perms)
		}
	}
}
