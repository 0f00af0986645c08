package models

import (
	"context"
	"testing"
	"time"

	"onewindow/workflow"
)

// The status read by query code carries each department's task: the
// applicant's status names every department of a joint item with its stage
// and the day it decided.
func TestApplicationByCodeReadsEachDepartmentsTask(t *testing.T) {
	s := adminCatalogue(t)
	cal := testCalendar(t)
	now := time.Date(2026, 9, 18, 2, 0, 0, 0, time.UTC)
	f := file(t, s, "A2", now, nil)
	app, err := act(s, cal, f.Number, workflow.Accept, "", 1, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []struct {
		a    workflow.Action
		dept string
	}{{workflow.Claim, "zjj"}, {workflow.ReviewPass, "zjj"}, {workflow.Approve, "zjj"}} {
		if app, err = act(s, cal, f.Number, st.a, st.dept, app.Version, now, map[string]string{}); err != nil {
			t.Fatalf("%s by %s: %v", st.a, st.dept, err)
		}
	}
	got, err := s.ApplicationByCode(context.Background(), f.Number, f.QueryCode)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Tasks) != 2 {
		t.Fatalf("tasks: %+v", got.Tasks)
	}
	for _, task := range got.Tasks {
		switch task.DepartmentCode {
		case "zjj":
			if task.Stage != string(workflow.StageApproved) || task.DecidedAt == nil || !task.DecidedAt.Equal(now) || task.ClaimedBy != "" {
				t.Errorf("the deciding department's task: %+v", task)
			}
		case "scj":
			if task.Stage != string(workflow.StageReview) || task.DecidedAt != nil {
				t.Errorf("the other department's task: %+v", task)
			}
		default:
			t.Errorf("task of %s", task.DepartmentCode)
		}
	}
}
