package policies

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestNewRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		as      Assignment
		mention string
	}{
		{"unknown role", Assignment{"bob", "janitor", "scj"}, "janitor"},
		{"empty user", Assignment{"", Reviewer, "scj"}, "no user"},
		{"empty domain", Assignment{"bob", Reviewer, ""}, "no domain"},
		{"user named like a casbin role", Assignment{"role:approver", Approver, "scj"}, "role:approver"},
		{"separator in domain", Assignment{"bob", Reviewer, "scj$$zjj"}, "scj$$zjj"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New([]Assignment{{"admin", Sysadmin, AllDomains}, tt.as})
			if err == nil || !strings.Contains(err.Error(), tt.mention) {
				t.Fatalf("New error = %v, want one mentioning %q", err, tt.mention)
			}
		})
	}
}

func TestLoadReplaces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := newFixture(t)
	can := func(user, domain, obj, act string) bool {
		t.Helper()
		ok, err := a.Can(ctx, user, domain, obj, act)
		if err != nil {
			t.Fatalf("Can: %v", err)
		}
		return ok
	}
	// Warm the cache with the answers that are about to change.
	if !can("scj.review", "scj", ObjTask, ActReviewPass) || can("scj.review", "zjj", ObjTask, ActReviewPass) ||
		!can("supervisor", "scj", ObjApplication, ActRead) {
		t.Fatal("fixture answers wrong before Load")
	}
	next := []Assignment{
		{User: "admin", Role: Sysadmin, Domain: AllDomains},
		{User: "scj.review", Role: Reviewer, Domain: "zjj"}, // moved department
	}
	if err := a.Load(next); err != nil {
		t.Fatalf("Load: %v", err)
	}
	if can("scj.review", "scj", ObjTask, ActReviewPass) {
		t.Error("revoked role still allowed after Load (stale cache)")
	}
	if !can("scj.review", "zjj", ObjTask, ActReviewPass) {
		t.Error("granted role refused after Load (stale cache)")
	}
	if can("window1", "scj", ObjApplication, ActAccept) {
		t.Error("user missing from the new assignments still allowed")
	}
	// The demo user "supervisor" shares its name with its role; revoking the
	// role must still revoke the permission.
	if can("supervisor", "scj", ObjApplication, ActRead) {
		t.Error("user named like its revoked role still allowed")
	}
	if got := a.Roles("window1"); len(got) != 0 {
		t.Errorf("Roles(window1) after Load = %v, want none", got)
	}

	// A failed Load changes nothing.
	if err := a.Load([]Assignment{{User: "x", Role: "janitor", Domain: "scj"}}); err == nil {
		t.Fatal("Load with an unknown role succeeded")
	}
	if !can("scj.review", "zjj", ObjTask, ActReviewPass) || !can("admin", AllDomains, ObjUser, ActManage) {
		t.Error("failed Load changed the assignments")
	}
}

func TestCanDuringLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := newFixture(t)
	moved := slices.Clone(fixture)
	moved = append(moved, Assignment{User: "scj.review", Role: Reviewer, Domain: "zjj"})

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				// Present in every version of the assignments: never refused.
				ok, err := a.Can(ctx, "window1", "scj", ObjApplication, ActAccept)
				if err != nil || !ok {
					t.Errorf("Can(window1) during Load = %v, %v", ok, err)
					return
				}
				// Changes with each Load: either answer, never an error.
				if _, err := a.Can(ctx, "scj.review", "zjj", ObjTask, ActReviewPass); err != nil {
					t.Errorf("Can(scj.review) during Load: %v", err)
					return
				}
				_ = a.Roles("scj.review")
				_ = a.Domains("scj.review", ObjTask, ActRead)
			}
		})
	}
	for i := range 20 {
		next := fixture
		if i%2 == 0 {
			next = moved
		}
		if err := a.Load(next); err != nil {
			t.Errorf("Load: %v", err)
		}
	}
	close(stop)
	wg.Wait()
}

func TestRoles(t *testing.T) {
	t.Parallel()
	a := newFixture(t)
	tests := map[string][]Assignment{
		"multi": {
			{User: "multi", Role: Approver, Domain: "zjj"},
			{User: "multi", Role: Reviewer, Domain: "gaj"},
			{User: "multi", Role: Reviewer, Domain: "scj"},
		},
		"window1": {{User: "window1", Role: WindowClerk, Domain: AllDomains}},
		"nobody":  nil,
	}
	for user, want := range tests {
		t.Run(user, func(t *testing.T) {
			t.Parallel()
			got := a.Roles(user)
			if !slices.Equal(got, want) {
				t.Fatalf("Roles(%s) = %v, want %v", user, got, want)
			}
		})
	}
	// The result is a copy: changing it does not change the Authorizer.
	got := a.Roles("multi")
	got[0].Domain = "fgw"
	if a.Roles("multi")[0].Domain != "zjj" {
		t.Fatal("Roles returned the Authorizer's own slice")
	}
}

func TestDomains(t *testing.T) {
	t.Parallel()
	a := newFixture(t)
	tests := []struct {
		user, obj, act string
		want           []string
	}{
		{"multi", ObjTask, ActRead, []string{"gaj", "scj", "zjj"}},
		{"multi", ObjTask, ActReviewPass, []string{"gaj", "scj"}},
		{"multi", ObjTask, ActApprove, []string{"zjj"}},
		{"window1", ObjApplication, ActAccept, []string{AllDomains}},
		{"scj.catalog", ObjItem, ActEdit, []string{"scj"}},
		{"catalog", ObjItem, ActEdit, []string{AllDomains}},
		{"scj.review", ObjTask, ActApprove, nil},
		{"nobody", ObjTask, ActRead, nil},
		{"", ObjTask, ActRead, nil},
	}
	for _, tt := range tests {
		t.Run(tt.user+"/"+tt.obj+":"+tt.act, func(t *testing.T) {
			t.Parallel()
			if got := a.Domains(tt.user, tt.obj, tt.act); !slices.Equal(got, tt.want) {
				t.Fatalf("Domains = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestDomainsAgreesWithCan guards against Domains, which reads the
// assignments directly, drifting from the matcher in model.conf.
func TestDomainsAgreesWithCan(t *testing.T) {
	t.Parallel()
	a := newFixture(t)
	domains := []string{AllDomains, "scj", "zjj", "gaj", "jtj"}
	for _, as := range fixture {
		for k := range a.holders {
			got := a.Domains(as.User, k.obj, k.act)
			for _, d := range domains {
				ok, err := a.Can(context.Background(), as.User, d, k.obj, k.act)
				if err != nil {
					t.Fatal(err)
				}
				want := slices.Contains(got, AllDomains) || slices.Contains(got, d)
				if ok != want {
					t.Errorf("%s@%s %s:%s: Can = %v but Domains = %v", as.User, d, k.obj, k.act, ok, got)
				}
			}
		}
	}
}

func TestAllRoles(t *testing.T) {
	t.Parallel()
	roles := AllRoles()
	if len(roles) != 8 {
		t.Fatalf("AllRoles = %v, want 8 roles", roles)
	}
	for _, r := range roles {
		if !ValidRole(string(r)) {
			t.Errorf("ValidRole(%q) = false", r)
		}
	}
	roles[0] = "janitor"
	if ValidRole("janitor") || AllRoles()[0] == "janitor" {
		t.Fatal("AllRoles returned the package's own slice")
	}
}
