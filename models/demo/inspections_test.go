package demo

import (
	"context"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/workflow"
)

func TestDemoInspectionsSeedAndVerify(t *testing.T) {
	ctx := context.Background()
	store, err := models.Open(ctx, t.TempDir(), models.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	depts, _, items := Catalogue()
	if _, err := store.SeedCatalogue(ctx, depts, models.DefaultItemTypes(), items); err != nil {
		t.Fatal(err)
	}
	cal, _ := workflow.NewCalendar(workflow.DefaultCalendarDays())
	start := time.Now()
	ok, err := SeedInspections(ctx, store, depts, items, cal)
	if err != nil || !ok {
		t.Fatalf("seed: %v %v", ok, err)
	}
	t.Logf("seeding the inspections took %v", time.Since(start))
	seen := map[string]bool{}
	for _, e := range Entities() {
		if err := workflow.ValidateCreditCode(e.CreditCode); err != nil {
			t.Fatalf("%s: %v", e.CreditCode, err)
		}
		if seen[e.CreditCode] {
			t.Fatalf("%s repeated", e.CreditCode)
		}
		seen[e.CreditCode] = true
	}
	if len(seen) != DemoEntities || len(Inspectors(depts)) != DemoInspectors {
		t.Fatalf("%d entities, %d inspectors", len(seen), len(Inspectors(depts)))
	}
	lists, _ := store.InspectionLists(ctx, "")
	per := map[string]int{}
	for _, l := range lists {
		per[l.DepartmentCode]++
	}
	if len(per) != len(depts) {
		t.Fatalf("lists of %d departments, want %d", len(per), len(depts))
	}
	plans, _ := store.InspectionPlans(ctx, "", true)
	if len(plans) != len(depts)+1 {
		t.Fatalf("%d public plans, want %d", len(plans), len(depts)+1)
	}
	var joint *models.InspectionPlan
	for i := range plans {
		if plans[i].Joint() {
			joint = &plans[i]
		}
	}
	if joint == nil || joint.State != models.PlanPublished {
		t.Fatalf("no published joint plan: %+v", joint)
	}
	_, in, pub, err := store.PublishedDraw(ctx, joint.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := workflow.VerifyDraw(in, pub); err != nil || len(pub.Tasks) == 0 {
		t.Fatalf("the demo's joint draw does not verify (%d tasks): %v", len(pub.Tasks), err)
	}
	if again, _ := SeedInspections(ctx, store, depts, items, cal); again {
		t.Fatal("seeded twice")
	}
}
