package demo

import (
	"context"
	"strings"
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

// TestDemoInspectionListsSayWhatEachItemChecks: the public 清单 says what an
// item checks, without "对对…", and names its own kind of unit as 抽查对象 (an
// item on 药品零售企业 was listed as 辖区内餐饮服务等单位).
func TestDemoInspectionListsSayWhatEachItemChecks(t *testing.T) {
	t.Parallel()
	depts, _, items := Catalogue()
	var drugs int
	for _, li := range InspectionLists(depts, items) {
		if strings.HasPrefix(li.Content, "对对") || strings.HasSuffix(li.Content, "的行政检查涉及的事项进行检查") {
			t.Fatalf("%s: content %q", li.Name, li.Content)
		}
		if li.Name == "对药品零售企业的行政检查" {
			drugs++
			if li.Object != "辖区内药品零售企业" || li.Content != "对药品零售企业遵守有关法律、法规和规章的情况进行检查" {
				t.Errorf("%s: object %q, content %q", li.Name, li.Object, li.Content)
			}
		}
	}
	if drugs == 0 {
		t.Fatal("the demonstration lists have no 对药品零售企业的行政检查 to check")
	}
}
