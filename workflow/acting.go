package workflow

import (
	"errors"
	"fmt"
)

// Permission is one permission a user holds, as data: Verb on Obj in the
// department Domain ("*" for every department), through Role.
type Permission struct {
	Role   string
	Domain string
	Obj    string
	Verb   string
}

// allDomains is the domain of a permission held in every department.
const allDomains = "*"

// ApplicantRole is the role recorded for an action the applicant takes.
const ApplicantRole = "applicant"

// Caller is who asks to take an action, decided before the write
// transaction and handed to it as plain data.
type Caller struct {
	// QueryCode is the applicant's query code; when set the caller acts as
	// the applicant, and the store checks the code against the locked
	// application before ChooseActing runs.
	QueryCode string
	// Owner is a citizen account's normalized identity number, set only when
	// the account may act on its own applications (application:own in "*").
	Owner string
	// Permissions are every permission the staff user holds, in the order
	// that names the recorded role (by role, then domain).
	Permissions []Permission
	// Department is the acting department the caller asked for ("" lets
	// ChooseActing find the task the caller may act on).
	Department string
}

// TaskState is one department's task of a case.
type TaskState struct {
	Department string
	Stage      Stage
	// StageName and StageRole are the task's current stage of its item's
	// own sequence ("" for the default review and decide): only StageRole
	// claims, passes and decides it.
	StageName string
	StageRole string
}

// Case is what ChooseActing reads of the locked application.
type Case struct {
	Department  string // the application's department
	ApplicantID string // the applicant's normalized identity number
	Tasks       []TaskState
}

// Acting is who takes the action: the acting department ("" for the
// applicant) and the role that allows it.
type Acting struct {
	Department string
	Role       string
}

// ErrForbidden is returned when the caller may not take the action.
var ErrForbidden = errors.New("workflow: not allowed")

// ForbiddenError names the refused action; it matches ErrForbidden.
type ForbiddenError struct {
	Act Action
	// StaffOnly says the applicant asked for an action only staff take.
	StaffOnly bool
	// Stage and Role name the stage of the item's sequence that the caller
	// may not take, and the role that takes it ("" when no stage is at issue).
	Stage, Role string
}

func (e *ForbiddenError) Error() string {
	if e.StaffOnly {
		return fmt.Sprintf("only staff may %s this application", e.Act)
	}
	if e.Stage != "" {
		return fmt.Sprintf("the stage %s is taken by the role %s: you may not %s it", e.Stage, e.Role, e.Act)
	}
	return fmt.Sprintf("you may not %s this application", e.Act)
}

// Is makes errors.Is(err, ErrForbidden) true.
func (e *ForbiddenError) Is(target error) bool { return target == ErrForbidden }

// ChooseActing decides who takes act: the applicant (with the query code,
// or as the citizen account that owns the application), or staff through
// the first row of rows their permissions allow, in the application's
// department or, for a task row, the department asked for or else the
// first open task at the row's stage they may act on.
func ChooseActing(c Case, act Action, rows []Transition, who Caller) (Acting, error) {
	applicantRow := false
	for _, r := range rows {
		applicantRow = applicantRow || r.By == Applicant
	}
	if who.QueryCode != "" {
		if applicantRow {
			return Acting{Role: ApplicantRole}, nil
		}
		return Acting{}, &ForbiddenError{Act: act, StaffOnly: true}
	}
	if applicantRow && who.Owner != "" && who.Owner == c.ApplicantID {
		return Acting{Role: ApplicantRole}, nil
	}
	for _, r := range rows {
		if r.By != Staff {
			continue
		}
		dept, perms := c.Department, who.Permissions
		if r.Obj == objTask {
			dept = who.Department
			if dept == "" {
				dept = actingTask(c, r, who.Permissions)
			}
			perms = OnlyRole(perms, c.stageRole(dept, act))
		}
		if role, ok := RoleFor(perms, dept, r.Obj, r.Verb); ok {
			return Acting{Department: dept, Role: role}, nil
		}
	}
	return Acting{}, c.refusal(act, who)
}

// stagedActions are the actions that only the role of a task's current
// stage takes: claiming it, passing it on and deciding it.
func stagedAction(act Action) bool {
	return act == Claim || act == ReviewPass || act == Approve || act == Deny
}

// stageRole is the role the open task of dept needs for act, or "".
func (c Case) stageRole(dept string, act Action) string {
	if !stagedAction(act) {
		return ""
	}
	for _, t := range c.Tasks {
		if t.Department == dept && t.Stage.Open() {
			return t.StageRole
		}
	}
	return ""
}

// refusal names the stage of the item's sequence the action was refused
// at, when an open task (of the department asked for, if any) is at a named
// stage that takes the action and the caller works on that department's
// tasks at all; a stranger to the department learns nothing of its stages.
func (c Case) refusal(act Action, who Caller) error {
	if stagedAction(act) {
		for _, t := range c.Tasks {
			if (who.Department == "" || t.Department == who.Department) && t.Stage.Open() && t.StageName != "" &&
				worksOnTasks(who.Permissions, t.Department) {
				if _, err := TaskStage(t.Stage, act); err == nil {
					return &ForbiddenError{Act: act, Stage: t.StageName, Role: t.StageRole}
				}
			}
		}
	}
	return &ForbiddenError{Act: act}
}

// actingTask picks the department of the first open task, at a stage that
// takes the row's action, that the permissions allow the row on.
func actingTask(c Case, r Transition, perms []Permission) string {
	for _, t := range c.Tasks {
		if !t.Stage.Open() {
			continue
		}
		staged := perms
		if stagedAction(r.Act) {
			staged = OnlyRole(perms, t.StageRole)
		}
		if _, ok := RoleFor(staged, t.Department, r.Obj, r.Verb); !ok {
			continue
		}
		if _, err := TaskStage(t.Stage, r.Act); err == nil {
			return t.Department
		}
	}
	return ""
}

// worksOnTasks reports whether perms hold any permission on the tasks of dept.
func worksOnTasks(perms []Permission, dept string) bool {
	for _, p := range perms {
		if p.Obj == objTask && (p.Domain == dept || p.Domain == allDomains) {
			return true
		}
	}
	return false
}

// RoleFor reports whether perms allow verb on obj in the department dept,
// and names the role of the first permission that does. A permission in
// "*" allows in every department; no department ("") is never allowed.
func RoleFor(perms []Permission, dept, obj, verb string) (string, bool) {
	if dept == "" {
		return "", false
	}
	for _, p := range perms {
		if p.Obj == obj && p.Verb == verb && (p.Domain == dept || p.Domain == allDomains) {
			return p.Role, true
		}
	}
	return "", false
}
