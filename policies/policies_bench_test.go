package policies

import (
	"context"
	"fmt"
	"testing"
)

// departments are the codes of the 34 demo departments.
var departments = []string{"fgw", "jyj", "kjj", "gxj", "gaj", "mzj", "sfj", "czj", "rsj", "zrj",
	"sthj", "zjj", "jtj", "slj", "nmj", "swj", "wlj", "wjw", "tyjrj", "yjj", "sjj", "scj", "tjj",
	"ybj", "lcj", "cgj", "mzzjj", "zwfwj", "rfb", "xfj", "dag", "xfdd", "sw", "fgzx"}

// demoPopulation is the demo accounts plus 2,000 synthetic staff spread over
// the departments, about the size of a county's staff.
func demoPopulation() []Assignment {
	as := []Assignment{
		{User: "admin", Role: Sysadmin, Domain: AllDomains},
		{User: "catalog", Role: CatalogueAdmin, Domain: AllDomains},
		{User: "window1", Role: WindowClerk, Domain: AllDomains},
		{User: "supervisor", Role: Supervisor, Domain: AllDomains},
		{User: "citizen1", Role: Citizen, Domain: AllDomains},
	}
	for _, d := range departments {
		as = append(as,
			Assignment{User: d + ".review", Role: Reviewer, Domain: d},
			Assignment{User: d + ".approve", Role: Approver, Domain: d})
	}
	staff := []Role{Reviewer, Approver, Reviewer, CatalogueAdmin, WindowClerk}
	for i := range 2000 {
		role := staff[i%len(staff)]
		domain := departments[i%len(departments)]
		if role == WindowClerk {
			domain = AllDomains
		}
		as = append(as, Assignment{User: fmt.Sprintf("staff%04d", i), Role: role, Domain: domain})
	}
	return as
}

// benchChecks mixes allowed and refused checks of the kinds handlers make.
var benchChecks = [][4]string{
	{"scj.review", "scj", ObjTask, ActReviewPass},
	{"scj.review", "zjj", ObjTask, ActReviewPass},
	{"zjj.approve", "zjj", ObjTask, ActApprove},
	{"window1", "fgzx", ObjApplication, ActAccept},
	{"catalog", "scj", ObjItem, ActEdit},
	{"staff1234", "wjw", ObjTask, ActClaim},
	{"admin", AllDomains, ObjUser, ActManage},
	{"nobody", "scj", ObjItem, ActRead},
}

func newDemo(b *testing.B) *Authorizer {
	b.Helper()
	a, err := New(demoPopulation())
	if err != nil {
		b.Fatalf("New: %v", err)
	}
	return a
}

func runChecks(b *testing.B, a *Authorizer) {
	b.Helper()
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c := benchChecks[i%len(benchChecks)]
		if _, err := a.Can(ctx, c[0], c[1], c[2], c[3]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkCan measures a repeated check, answered from the decision cache.
func BenchmarkCan(b *testing.B) {
	runChecks(b, newDemo(b))
}

// BenchmarkCanUncached measures a check that walks the policy every time.
func BenchmarkCanUncached(b *testing.B) {
	a := newDemo(b)
	for _, e := range a.cur.Load().enforcers {
		e.EnableCache(false)
	}
	runChecks(b, a)
}

// BenchmarkCanParallel measures cached checks from many goroutines, as
// concurrent requests make them.
func BenchmarkCanParallel(b *testing.B) {
	a := newDemo(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			c := benchChecks[i%len(benchChecks)]
			if _, err := a.Can(ctx, c[0], c[1], c[2], c[3]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkLoad measures replacing every assignment of the demo population,
// what an administrator's role edit costs.
func BenchmarkLoad(b *testing.B) {
	a := newDemo(b)
	pop := demoPopulation()
	b.ReportAllocs()
	for b.Loop() {
		if err := a.Load(pop); err != nil {
			b.Fatal(err)
		}
	}
}
