package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/workflow"
)

func TestDrawVerifyRecomputesThePublishedDraw(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := models.Open(ctx, dir, models.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	depts, _, items := demo.Catalogue()
	if _, err := store.SeedCatalogue(ctx, depts, models.DefaultItemTypes(), items); err != nil {
		t.Fatal(err)
	}
	cal, _ := workflow.NewCalendar(workflow.DefaultCalendarDays())
	if _, err := demo.SeedInspections(ctx, store, depts, items, cal); err != nil {
		t.Fatal(err)
	}
	plans, _ := store.InspectionPlans(ctx, "", true)
	var joint, committed string
	for _, p := range plans {
		switch p.State {
		case models.PlanPublished:
			joint = itoa(p.ID)
		case models.PlanCommitted:
			committed = itoa(p.ID)
		}
	}
	store.Close()

	verify := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"draw", "verify", "--data", dir}, args...), noEnv, &out, &out)
		return out.String(), err
	}
	out, err := verify("--plan", joint)
	if err != nil || !strings.Contains(out, "OK the published draw recomputes") {
		t.Fatalf("the demo's joint draw: %v\n%s", err, out)
	}
	out, err = verify("--plan", joint, "--seed", "00ff")
	if err == nil || !strings.Contains(out, "MISMATCH") || !strings.Contains(out, "commitment") {
		t.Fatalf("another seed: %v\n%s", err, out)
	}
	if out, err = verify("--plan", committed); err == nil || !strings.Contains(err.Error(), "not revealed") {
		t.Fatalf("a plan before its draw: %v\n%s", err, out)
	}

	// A result edited behind the plan's back no longer recomputes.
	store, err = models.Open(ctx, dir, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db, _ := store.SQL()
	if _, err := db.ExecContext(ctx, store.Rebind("UPDATE inspection_tasks SET credit_code = (SELECT credit_code FROM inspection_entities WHERE industry = '餐饮服务' ORDER BY credit_code DESC LIMIT 1) WHERE plan_id = ? AND seq = 1"), joint); err != nil {
		t.Fatal(err)
	}
	store.Close()
	out, err = verify("--plan", joint)
	if err == nil || !strings.Contains(out, "MISMATCH") || !strings.Contains(out, "result") {
		t.Fatalf("an edited result: %v\n%s", err, out)
	}
}

func itoa(n uint) string { return strconv.FormatUint(uint64(n), 10) }
