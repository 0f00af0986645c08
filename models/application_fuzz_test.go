package models

import (
	"context"
	"errors"
	"testing"
	"time"

	"onewindow/workflow"
)

// FuzzActionSequences applies random actions by random departments to fresh
// applications and checks the invariants: no state change without an event,
// a failed action changes nothing, the chain verifies, no deadline before
// acceptance, final states stay final, a decided join happened exactly once.
func FuzzActionSequences(f *testing.F) {
	s := adminCatalogue(f)
	cal, err := workflow.NewCalendar(workflow.DefaultCalendarDays())
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte{3, 10, 11, 14, 10, 11, 14, 24})
	f.Add([]byte{5, 6, 22, 3, 10, 12, 7, 13})
	f.Add([]byte{3, 10, 19, 20, 11, 22})
	depts := []string{"zjj", "scj", "rsj"}
	fields := map[string]string{"reason": "理由", "missing": "m1", "pending": "m1", "due": "2099-01-01",
		"kind": "hearing", "expected_days": "5", "days": "3", "result_number": "NO.1", "delivery": "window"}
	f.Fuzz(func(t *testing.T, ops []byte) {
		ctx := context.Background()
		now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
		code := "A1"
		if len(ops) > 0 && ops[0]%2 == 1 {
			code = "A2" // the joint item
		}
		it, err := s.Item(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		filed, err := s.CreateApplication(ctx, NewApplication{Item: it, Channel: ChannelWindow, Actor: "w", Now: now,
			Applicant: Applicant{Kind: ApplicantPerson, IDKind: "resident_id", IDNumber: "321083197812162119", Name: "王五"}})
		if err != nil {
			t.Fatal(err)
		}
		for i, op := range ops {
			if i > 30 {
				break
			}
			before, _ := s.Application(ctx, filed.Number)
			act := workflow.Actions[int(op)%len(workflow.Actions)]
			dept := depts[int(op>>5)%len(depts)]
			now = now.Add(26 * time.Hour)
			after, err := s.Act(ctx, ActionRequest{Number: filed.Number, Action: act, Actor: "x", Department: dept,
				Fields: fields, Cal: cal, Now: now})
			got, _ := s.Application(ctx, filed.Number)
			if err != nil {
				if got.Version != before.Version || got.State != before.State || len(got.Events) != len(before.Events) {
					t.Fatalf("failed %s changed the application: %v", act, err)
				}
				if before.State.Final() && !errors.Is(err, workflow.ErrIllegal) {
					t.Fatalf("final state %s: %s failed with %v, not illegal", before.State, act, err)
				}
				continue
			}
			if before.State.Final() {
				t.Fatalf("%s moved a final application out of %s", act, before.State)
			}
			if len(got.Events) != len(before.Events)+1 || got.Events[len(got.Events)-1].ToState != got.State || after.State != got.State {
				t.Fatalf("%s: state %s without its event", act, got.State)
			}
			if got.AcceptedOn == "" && (got.PromisedDeadline != "" || got.StatutoryDeadline != "") {
				t.Fatalf("deadline before acceptance")
			}
			if got.PromisedDeadline != "" && got.PromisedDeadline <= got.AcceptedOn {
				t.Fatalf("deadline %s not after acceptance %s", got.PromisedDeadline, got.AcceptedOn)
			}
		}
		joins := 0
		app, _ := s.Application(ctx, filed.Number)
		for _, e := range app.Events {
			if e.ToState == workflow.Approved && e.FromState != workflow.Approved {
				joins++
			}
		}
		if joins > 1 {
			t.Fatalf("joined %d times", joins)
		}
		for r, e := range s.Chains(ctx, []string{filed.Number}) {
			if e != nil {
				err = e
				break
			}
			if r.Break != nil {
				t.Fatalf("chain broken: %v", r.Break)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	})
}
