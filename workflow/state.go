// Package workflow holds the rules of an application's life: its states and
// actions, the transition table, the working-day clock, identity-number
// checks and the audit hash chain. It uses the standard library only.
package workflow

// State is where an application stands.
type State string

// The states of an application (DESIGN §4).
const (
	// None is the state before an application exists; creating actions start here.
	None State = ""
	// Draft is an online application not yet submitted.
	Draft State = "draft"
	// Submitted waits for the window's acceptance check (待受理).
	Submitted State = "submitted"
	// SupplementRequired waits for the applicant's missing materials (待补正).
	SupplementRequired State = "supplement_required"
	// NotAccepted was refused at the window (不予受理); final.
	NotAccepted State = "not_accepted"
	// Accepted was accepted and the legal clock runs (已受理).
	Accepted State = "accepted"
	// InReview is with the departments (审查中).
	InReview State = "in_review"
	// Suspended waits for a special procedure; the clock stops (暂停计时).
	Suspended State = "suspended"
	// Approved was granted (准予) and waits for the result to be issued.
	Approved State = "approved"
	// Denied was refused (不予许可) and waits for the decision to be delivered.
	Denied State = "denied"
	// Completed has had its result handed out (已办结); final.
	Completed State = "completed"
	// Withdrawn was withdrawn by the applicant (已撤回); final.
	Withdrawn State = "withdrawn"
	// Terminated was ended without a decision (终止); final.
	Terminated State = "terminated"
	// Revoked had its grant revoked (撤销) after a failed check of the
	// applicant's pledge (告知承诺); final.
	Revoked State = "revoked"
)

// States lists every state in the order of a typical life.
var States = []State{Draft, Submitted, SupplementRequired, NotAccepted, Accepted, InReview,
	Suspended, Approved, Denied, Completed, Withdrawn, Terminated, Revoked}

// Final reports whether nothing can happen to an application in s any more.
func (s State) Final() bool {
	switch s {
	case NotAccepted, Completed, Withdrawn, Terminated, Revoked:
		return true
	}
	return false
}

// ClockRuns reports whether the legal clock counts days in s.
func (s State) ClockRuns() bool {
	return s == Accepted || s == InReview
}

// Decided reports whether a decision (grant or refusal) has been made.
func (s State) Decided() bool {
	return s == Approved || s == Denied || s == Completed
}

// Valid reports whether s is a known state.
func (s State) Valid() bool {
	for _, k := range States {
		if k == s {
			return true
		}
	}
	return false
}

// Action is something a person does to an application.
type Action string

// The actions (DESIGN §4).
const (
	// Submit files an online application.
	Submit Action = "submit"
	// Register files a walk-in application at the window.
	Register Action = "register"
	// Accept accepts a complete application (受理).
	Accept Action = "accept"
	// AcceptPending accepts with a secondary material to follow (容缺受理).
	AcceptPending Action = "accept_pending"
	// Reject refuses to accept (不予受理).
	Reject Action = "reject"
	// RequestSupplement tells the applicant once every missing material (一次性告知).
	RequestSupplement Action = "request_supplement"
	// Supplement delivers the missing materials.
	Supplement Action = "supplement"
	// Claim takes a department's task.
	Claim Action = "claim"
	// ReviewPass passes a department's review to its decision stage.
	ReviewPass Action = "review_pass"
	// SendBack returns the application for a supplement; the clock stops.
	SendBack Action = "send_back"
	// Approve grants for one department; the last grant approves the application.
	Approve Action = "approve"
	// Deny refuses; any department's refusal denies the application.
	Deny Action = "deny"
	// Suspend stops the clock for a special procedure.
	Suspend Action = "suspend"
	// Resume restarts the clock after a special procedure.
	Resume Action = "resume"
	// Extend adds working days to the limit (延期).
	Extend Action = "extend"
	// Issue hands out the result (出件).
	Issue Action = "issue"
	// Withdraw is the applicant taking the application back before a decision.
	Withdraw Action = "withdraw"
	// Terminate ends the application without a decision.
	Terminate Action = "terminate"
	// ReceivePending records 容缺 materials handed in after a 容缺受理 (容缺补齐).
	ReceivePending Action = "receive_pending"
	// Revoke takes back a grant whose pledge (告知承诺) failed its check (撤销).
	Revoke Action = "revoke"
)

// Actions lists every action.
var Actions = []Action{Submit, Register, Accept, AcceptPending, Reject, RequestSupplement, Supplement,
	Claim, ReviewPass, SendBack, Approve, Deny, Suspend, Resume, Extend, Issue, Withdraw, Terminate, ReceivePending, Revoke}

// Valid reports whether a is a known action.
func (a Action) Valid() bool {
	for _, k := range Actions {
		if k == a {
			return true
		}
	}
	return false
}

// TaskAction reports whether a acts on one department's task rather than on
// the application as a whole.
func (a Action) TaskAction() bool {
	switch a {
	case Claim, ReviewPass, SendBack, Suspend, Resume, Extend:
		return true
	case Approve, Deny:
		return true // unless decided at the window for an immediate item
	}
	return false
}
