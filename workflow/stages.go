package workflow

import "time"

// StageStep is one stage of a department's own sequence (初审 → 复审 → 决定):
// its name, the role that takes it, and an optional share of the time limit
// in percent (0 for none). The last stage of a sequence is the decision.
type StageStep struct {
	Name  string `json:"name"`
	Role  string `json:"role"`
	Share int    `json:"share,omitempty"`
}

// StepStage is the task stage of step i of a sequence of n stages: every
// stage but the last is passed on (review_pass), the last decides.
func StepStage(n, i int) Stage {
	if i < n-1 {
		return StageReview
	}
	return StageDecide
}

// StagesOf is the review/decide pair a sequence of n stages runs, the form
// the tasks and the work lists have always known.
func StagesOf(n int) []string {
	if n > 1 {
		return []string{string(StageReview), string(StageDecide)}
	}
	return []string{string(StageDecide)}
}

// PassStep is the step a task moves to when step i of a sequence of n stages
// is passed on; ok is false when step i is the decision, which is not passed.
func PassStep(n, i int) (next int, ok bool) {
	if i >= n-1 {
		return i, false
	}
	return i + 1, true
}

// ShareDays is a stage's own working days: share percent of limit, rounded
// up, at least one; 0 when the stage has no share or the limit is unknown.
func ShareDays(share, limit int) int {
	if share <= 0 || limit <= 0 {
		return 0
	}
	return max(1, (share*limit+99)/100)
}

// StageDue is the due date of a stage entered on day with a share of the
// limit, or the zero time when the stage has no due date of its own.
func StageDue(cal *Calendar, day time.Time, share, limit int) time.Time {
	n := ShareDays(share, limit)
	if n == 0 || cal == nil {
		return time.Time{}
	}
	return cal.AddWorkdays(day, n)
}

// OnlyRole narrows perms to the permissions of role; "" keeps them all (a
// stage that names no role, as in the default review and decide sequence).
func OnlyRole(perms []Permission, role string) []Permission {
	if role == "" {
		return perms
	}
	var out []Permission
	for _, p := range perms {
		if p.Role == role {
			out = append(out, p)
		}
	}
	return out
}
