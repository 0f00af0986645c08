package workflow

import (
	"errors"
	"fmt"
)

// Actor says who may take an action: the applicant, or staff holding a permission.
type Actor string

// Actors.
const (
	// Applicant is the citizen or company the application belongs to.
	Applicant Actor = "applicant"
	// Staff is a logged-in official with the transition's permission.
	Staff Actor = "staff"
)

// Cond narrows a transition to the applications it applies to.
type Cond string

// Conditions of the transition table.
const (
	// Always applies.
	Always Cond = ""
	// BeforeAcceptance applies while the application was never accepted.
	BeforeAcceptance Cond = "before_acceptance"
	// AfterAcceptance applies once the application was accepted.
	AfterAcceptance Cond = "after_acceptance"
	// Immediate applies to 即办件, decided at the window on the spot.
	Immediate Cond = "immediate"
	// Departmental applies to items the departments decide (not 即办件).
	Departmental Cond = "departmental"
	// MoreDecisions applies while other departments have still to decide.
	MoreDecisions Cond = "more_decisions"
	// LastDecision applies to the decision that completes the join.
	LastDecision Cond = "last_decision"
)

// Transition is one row of the table: in state From, action Act by Actor
// (with permission Obj:Verb for staff) moves the application to To.
type Transition struct {
	From  State
	Act   Action
	To    State
	By    Actor
	Obj   string // policy object for staff ("application" or "task")
	Verb  string // policy verb for staff
	When  Cond
	Clock ClockEffect
}

// ClockEffect is what a transition does to the legal clock.
type ClockEffect string

// Clock effects.
const (
	// ClockNone leaves the clock alone.
	ClockNone ClockEffect = ""
	// ClockStart starts the clock (acceptance).
	ClockStart ClockEffect = "start"
	// ClockStop stops the clock (supplement, special procedure).
	ClockStop ClockEffect = "stop"
	// ClockResume restarts a stopped clock.
	ClockResume ClockEffect = "resume"
	// ClockExtend adds days to the limit.
	ClockExtend ClockEffect = "extend"
	// ClockEnd records the end of the clock (decision or final state).
	ClockEnd ClockEffect = "end"
)

const (
	objApp  = "application"
	objTask = "task"
)

// Table is the transition table of DESIGN §4. Rows are data: the documentation
// renders them, the tests walk every pair, and Next consults nothing else.
var Table = []Transition{
	{None, Submit, Submitted, Applicant, "", "", Always, ClockNone},
	{None, Register, Submitted, Staff, objApp, "register", Always, ClockNone},
	{Draft, Submit, Submitted, Applicant, "", "", Always, ClockNone},
	{Submitted, Accept, Accepted, Staff, objApp, "accept", Always, ClockStart},
	{Submitted, AcceptPending, Accepted, Staff, objApp, "accept_pending", Always, ClockStart},
	{Submitted, Reject, NotAccepted, Staff, objApp, "reject", Always, ClockNone},
	{Submitted, RequestSupplement, SupplementRequired, Staff, objApp, "request_supplement", Always, ClockNone},
	{SupplementRequired, Supplement, Submitted, Applicant, "", "", BeforeAcceptance, ClockNone},
	{SupplementRequired, Supplement, InReview, Applicant, "", "", AfterAcceptance, ClockResume},
	{SupplementRequired, Reject, NotAccepted, Staff, objApp, "reject", BeforeAcceptance, ClockNone},
	{Accepted, Claim, InReview, Staff, objTask, "claim", Departmental, ClockNone},
	{InReview, Claim, InReview, Staff, objTask, "claim", Always, ClockNone},
	{InReview, ReviewPass, InReview, Staff, objTask, "review_pass", Always, ClockNone},
	{InReview, SendBack, SupplementRequired, Staff, objTask, "send_back", Always, ClockStop},
	{InReview, Approve, InReview, Staff, objTask, "approve", MoreDecisions, ClockNone},
	{InReview, Approve, Approved, Staff, objTask, "approve", LastDecision, ClockEnd},
	{InReview, Deny, Denied, Staff, objTask, "deny", Always, ClockEnd},
	{Accepted, Approve, Approved, Staff, objApp, "decide_immediate", Immediate, ClockEnd},
	{Accepted, Deny, Denied, Staff, objApp, "decide_immediate", Immediate, ClockEnd},
	{Accepted, Suspend, Suspended, Staff, objTask, "suspend", Departmental, ClockStop},
	{InReview, Suspend, Suspended, Staff, objTask, "suspend", Always, ClockStop},
	{Suspended, Resume, InReview, Staff, objTask, "resume", Always, ClockResume},
	{Accepted, Extend, Accepted, Staff, objTask, "extend", Departmental, ClockExtend},
	{InReview, Extend, InReview, Staff, objTask, "extend", Always, ClockExtend},
	{Suspended, Extend, Suspended, Staff, objTask, "extend", Always, ClockExtend},
	{Approved, Issue, Completed, Staff, objApp, "issue", Always, ClockNone},
	{Denied, Issue, Completed, Staff, objApp, "issue", Always, ClockNone},
	{Submitted, Withdraw, Withdrawn, Applicant, "", "", Always, ClockNone},
	{SupplementRequired, Withdraw, Withdrawn, Applicant, "", "", Always, ClockEnd},
	{Accepted, Withdraw, Withdrawn, Applicant, "", "", Always, ClockEnd},
	{InReview, Withdraw, Withdrawn, Applicant, "", "", Always, ClockEnd},
	{Suspended, Withdraw, Withdrawn, Applicant, "", "", Always, ClockEnd},
	{SupplementRequired, Terminate, Terminated, Staff, objApp, "terminate", Always, ClockEnd},
	{Accepted, Terminate, Terminated, Staff, objApp, "terminate", Always, ClockEnd},
	{InReview, Terminate, Terminated, Staff, objApp, "terminate", Always, ClockEnd},
	{Suspended, Terminate, Terminated, Staff, objApp, "terminate", Always, ClockEnd},
	{InReview, Terminate, Terminated, Staff, objTask, "terminate", Always, ClockEnd},
	{Suspended, Terminate, Terminated, Staff, objTask, "terminate", Always, ClockEnd},
	{Accepted, ReceivePending, Accepted, Staff, objApp, "accept_pending", Always, ClockNone},
	{InReview, ReceivePending, InReview, Staff, objApp, "accept_pending", Always, ClockNone},
	{Suspended, ReceivePending, Suspended, Staff, objApp, "accept_pending", Always, ClockNone},
	// 撤销 (行政许可法 Art. 69, 告知承诺制): a grant whose pledge failed its
	// check is revoked, issued or not; the one row that leaves a final state.
	{Approved, Revoke, Revoked, Staff, objApp, "revoke", Always, ClockNone},
	{Completed, Revoke, Revoked, Staff, objApp, "revoke", Always, ClockNone},
}

// Facts are what the conditions of the table look at.
type Facts struct {
	WasAccepted      bool // the application was accepted at some point
	Immediate        bool // 即办件
	PendingDecisions int  // departments other than the acting one still to decide
}

func (f Facts) holds(c Cond) bool {
	switch c {
	case BeforeAcceptance:
		return !f.WasAccepted
	case AfterAcceptance:
		return f.WasAccepted
	case Immediate:
		return f.Immediate
	case Departmental:
		return !f.Immediate
	case MoreDecisions:
		return f.PendingDecisions > 0
	case LastDecision:
		return f.PendingDecisions == 0
	}
	return true
}

// ErrIllegal is returned for an action that the table does not allow now.
var ErrIllegal = errors.New("workflow: illegal transition")

// IllegalError names the refused transition; it matches ErrIllegal.
type IllegalError struct {
	From State
	Act  Action
}

func (e *IllegalError) Error() string {
	from := string(e.From)
	if from == "" {
		from = "none"
	}
	return fmt.Sprintf("workflow: %s is not allowed in state %s", e.Act, from)
}

// Is makes errors.Is(err, ErrIllegal) true.
func (e *IllegalError) Is(target error) bool { return target == ErrIllegal }

// Next returns the transitions that take act from state from under facts:
// one row when the action is legal (staff rows may be several, one per
// permission that allows it), none otherwise. The first row's To is the new state.
func Next(from State, act Action, f Facts) ([]Transition, error) {
	var out []Transition
	for _, t := range Table {
		if t.From == from && t.Act == act && f.holds(t.When) {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil, &IllegalError{From: from, Act: act}
	}
	return out, nil
}

// Available lists the actions legal in state from under facts, in table order
// and without repeats.
func Available(from State, f Facts) []Action {
	var out []Action
	seen := map[Action]bool{}
	for _, t := range Table {
		if t.From == from && f.holds(t.When) && !seen[t.Act] {
			seen[t.Act] = true
			out = append(out, t.Act)
		}
	}
	return out
}
