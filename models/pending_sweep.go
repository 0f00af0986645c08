package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"onewindow/workflow"
)

// 容缺受理 is accepted against the applicant's pledge to hand the pending
// materials in by a due date. The sweeper terminates (终止) every application
// whose due date has passed with a material still pending. Each termination
// is an ordinary action at the version the sweeper read, so two sweepers
// (two servers) racing terminate an application exactly once: the loser
// finds a new version or a final state and leaves it.

// PendingCase is an application accepted with materials to follow.
type PendingCase struct {
	Number, ItemName, ApplicantName, DepartmentCode string
	State                                           workflow.State
	Version                                         int
	Due                                             string // YYYY-MM-DD
}

// Overdue reports whether the due date has passed on today.
func (p PendingCase) Overdue(today time.Time) bool { return p.Due < FormatDay(today) }

// openPendingStates are the states in which a pending material can still come.
var openPendingStates = []workflow.State{workflow.Accepted, workflow.InReview, workflow.Suspended, workflow.SupplementRequired}

// PendingCases lists open applications with 容缺 materials still to come,
// the earliest due first; dueBefore, when set, keeps those due before it.
func (s *Store) PendingCases(ctx context.Context, dueBefore string, limit int) ([]PendingCase, error) {
	q := s.read.WithContext(ctx).Table("applications").
		Select("number, item_name, applicant_name, department_code, state, version, pending_due AS due").
		Where("pending_due <> '' AND state IN ?", openPendingStates)
	if dueBefore != "" {
		q = q.Where("pending_due < ?", dueBefore)
	}
	var out []PendingCase
	if err := q.Order("pending_due, id").Limit(limit).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("models: pending cases: %w", err)
	}
	return out, nil
}

// SweepActor is who the event chain names for the sweeper's terminations.
const SweepActor = "system"

// RulePendingOverdue names the clock rule of a termination for 容缺
// materials not handed in by their due date, as the event records it.
const RulePendingOverdue = "pending_overdue"

// SweepPending terminates every application whose 容缺 materials were due
// before now's day and are still pending, and returns the numbers it
// terminated. An application changed meanwhile (a new version, a final
// state) is left alone: another sweeper or a clerk got there first.
func (s *Store) SweepPending(ctx context.Context, cal *workflow.Calendar, now time.Time) ([]string, error) {
	cases, err := s.PendingCases(ctx, FormatDay(CentreDay(now)), 500)
	if err != nil {
		return nil, err
	}
	var done []string
	for _, pc := range cases {
		_, err := s.Act(ctx, ActionRequest{Number: pc.Number, Action: workflow.Terminate, Version: pc.Version,
			Actor: SweepActor, Role: SweepActor, Cal: cal, Now: now,
			Fields: map[string]string{"reason": "容缺材料逾期未补齐（补齐期限 " + pc.Due + "）",
				"rule": RulePendingOverdue, "due": pc.Due}})
		switch {
		case err == nil:
			done = append(done, pc.Number)
		case errors.Is(err, ErrConflict), errors.Is(err, workflow.ErrIllegal), errors.Is(err, ErrBundleChild):
			// Someone acted first; the next sweep reads it again if it still matters.
		default:
			return done, fmt.Errorf("models: sweep pending %s: %w", pc.Number, err)
		}
	}
	return done, nil
}

// pendingKeys lists the keys of the pending materials, for the event.
func pendingKeys(app *Application) string {
	var keys []string
	for _, m := range app.PendingMaterials() {
		keys = append(keys, m.MaterialKey)
	}
	return strings.Join(keys, ",")
}
