package workflow

// Stage is where one department's task on an application stands.
type Stage string

// Task stages: a department reviews, then decides; some run only one of them.
const (
	// StageReview waits for the department's reviewer (承办/审查).
	StageReview Stage = "review"
	// StageDecide waits for the department's approver (审批/决定).
	StageDecide Stage = "decide"
	// StageApproved is the department's grant.
	StageApproved Stage = "approved"
	// StageDenied is the department's refusal.
	StageDenied Stage = "denied"
	// StageClosed ended without this department's decision (another denied, withdrawn, terminated).
	StageClosed Stage = "closed"
)

// Open reports whether the task still waits for its department.
func (s Stage) Open() bool { return s == StageReview || s == StageDecide }

// FirstStage is where a department's task starts: review when the definition
// lists a review stage, otherwise straight to the decision.
func FirstStage(stages []string) Stage {
	for _, st := range stages {
		if Stage(st) == StageReview {
			return StageReview
		}
	}
	return StageDecide
}

// TaskStage returns the stage a department's task moves to when act is taken
// on it, or an IllegalError when act does not fit the task's stage.
func TaskStage(stage Stage, act Action) (Stage, error) {
	switch {
	case act == Claim && stage.Open():
		return stage, nil
	case act == ReviewPass && stage == StageReview:
		return StageDecide, nil
	case act == Approve && stage == StageDecide:
		return StageApproved, nil
	case act == Deny && stage == StageDecide:
		return StageDenied, nil
	case (act == SendBack || act == Suspend || act == Resume || act == Extend || act == Terminate) && stage.Open():
		return stage, nil
	}
	return stage, &IllegalError{From: State("task:" + string(stage)), Act: act}
}
