package handlers

import (
	"strings"
	"time"

	"onewindow/models"
	"onewindow/models/form"
	"onewindow/workflow"
)

// Response shapes of applications. They are built field by field from the
// models so that no personal data leaks through a forgotten field.

type applicantView struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
}

type clockView struct {
	AcceptedOn        string `json:"accepted_on,omitempty"`
	StatutoryDays     int    `json:"statutory_days"`
	PromisedDays      int    `json:"promised_days"`
	StatutoryDeadline string `json:"statutory_deadline,omitempty"`
	PromisedDeadline  string `json:"promised_deadline,omitempty"`
	ExtendedDays      int    `json:"extended_days"`
	SuspendedDays     int    `json:"suspended_days"`
	Stopped           bool   `json:"stopped"`
	Used              int    `json:"used"`
	Remaining         int    `json:"remaining"`
	Overdue           bool   `json:"overdue"`
	OnTime            *bool  `json:"on_time,omitempty"` // set once the clock ended
	// Provisional is set when a deadline falls in a year counted with
	// weekends only: it may move once that year's holidays are published.
	Provisional bool `json:"deadline_provisional,omitempty"`
}

type materialView struct {
	Key       string `json:"key"`
	Name      string `json:"name"`
	Necessity string `json:"necessity"`
	Provided  bool   `json:"provided"`
	Pending   bool   `json:"pending"`
	Pledged   bool   `json:"pledged"` // replaced by the applicant's 告知承诺
	Kind      string `json:"kind,omitempty"`
	Copies    int    `json:"copies,omitempty"`
	// State and StateLabel are the material as the applicant's status tells
	// it (provided, supplement, pledged, pending, missing); only there.
	State      string `json:"state,omitempty"`
	StateLabel string `json:"state_label,omitempty"`
}

type fileView struct {
	ID          uint      `json:"id"`
	Material    string    `json:"material"`
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	Name        string    `json:"name"`
	At          time.Time `json:"at"`
}

type taskView struct {
	Department string     `json:"department"`
	Stage      string     `json:"stage"`
	ClaimedBy  string     `json:"claimed_by,omitempty"`
	DecidedBy  string     `json:"decided_by,omitempty"`
	DecidedAt  *time.Time `json:"decided_at,omitempty"`

	// The open task's stage of the item's own sequence, the role that takes
	// it and its own due date; absent for the default review and decide.
	StageName string `json:"stage_name,omitempty"`
	StageRole string `json:"stage_role,omitempty"`
	StageDue  string `json:"stage_due,omitempty"`
}

type eventView struct {
	Seq        int               `json:"seq"`
	At         time.Time         `json:"at"`
	Actor      string            `json:"actor,omitempty"`
	Role       string            `json:"role,omitempty"`
	Department string            `json:"department,omitempty"`
	Action     workflow.Action   `json:"action"`
	From       workflow.State    `json:"from"`
	State      workflow.State    `json:"state"`
	Comment    string            `json:"comment,omitempty"`
	Fields     map[string]string `json:"fields,omitempty"`
}

// applicationView is the staff view of an application.
type applicationView struct {
	Number      string            `json:"number"`
	ItemCode    string            `json:"item_code"`
	ItemName    string            `json:"item_name"`
	ItemVersion int               `json:"item_version"`
	Department  string            `json:"department"`
	Joint       bool              `json:"joint"`
	Immediate   bool              `json:"immediate"`
	Channel     string            `json:"channel"`
	State       workflow.State    `json:"state"`
	StateLabel  string            `json:"state_label"`
	Version     int               `json:"version"`
	Applicant   applicantView     `json:"applicant"`
	Form        form.Values       `json:"form"`
	SubmittedAt time.Time         `json:"submitted_at"`
	Clock       clockView         `json:"clock"`
	PendingDue  string            `json:"pending_due,omitempty"`
	Result      string            `json:"result,omitempty"`
	ResultNo    string            `json:"result_number,omitempty"`
	Delivery    string            `json:"delivery,omitempty"`
	Tracking    string            `json:"tracking_number,omitempty"`
	Materials   []materialView    `json:"materials"`
	Files       []fileView        `json:"files"`
	Tasks       []taskView        `json:"tasks"`
	Events      []eventView       `json:"events"`
	Actions     []workflow.Action `json:"actions"` // what the caller may do now
	// Decision is how this item type's decisions are worded; ResultLabel the result in those words.
	Decision    decisionView `json:"decision"`
	ResultLabel string       `json:"result_label,omitempty"`
	terms       models.DecisionTerms
}

func (s *Server) clockOf(a *models.Application) clockView {
	cal, today := s.cal.Load(), models.CentreDay(s.now())
	c := a.Clock()
	v := clockView{AcceptedOn: a.AcceptedOn, StatutoryDays: c.StatutoryDays, PromisedDays: c.PromisedDays,
		ExtendedDays: c.ExtendedDays, Stopped: c.Stopped(), SuspendedDays: c.StoppedDays}
	if c.Started() {
		v.StatutoryDeadline = models.FormatDay(c.StatutoryDeadline(cal, today))
		v.PromisedDeadline = models.FormatDay(c.PromisedDeadline(cal, today))
		v.Used, v.Remaining, v.Overdue = c.Used(cal, today), c.Remaining(cal, today), c.Overdue(cal, today)
		v.Provisional = c.EndedOn.IsZero() && (cal.Provisional(c.StatutoryDeadline(cal, today)) || cal.Provisional(c.PromisedDeadline(cal, today)))
		if c.Stopped() {
			v.SuspendedDays += cal.WorkdaysBetween(c.StoppedSince, today)
		}
		if !c.EndedOn.IsZero() {
			onTime := !v.Overdue
			v.OnTime = &onTime
		}
	}
	return v
}

func (s *Server) applicationViewOf(lang string, a *models.Application, actions []workflow.Action) applicationView {
	v := applicationView{Number: a.Number, ItemCode: a.ItemCode, ItemName: a.ItemName, ItemVersion: a.ItemVersion,
		Department: a.DepartmentCode, Joint: a.Joint, Immediate: a.Immediate, Channel: a.Channel, State: a.State,
		StateLabel: s.stateLabel(lang, a, a.State), Version: a.Version, terms: a.Terms(), Decision: s.decisionViewOf(lang, a.Terms()),
		Applicant: maskedApplicant(a.ApplicantKind, a.ApplicantName, a.ApplicantIDNumber, a.ApplicantPhone),
		Form:      maskedAnswers(a), SubmittedAt: a.SubmittedAt, Clock: s.clockOf(a), PendingDue: a.PendingDue,
		Result: a.Result, ResultNo: a.ResultNumber, Delivery: a.Delivery, Tracking: a.TrackingNumber,
		Materials: materialViews(a), Files: []fileView{}, Tasks: []taskView{}, Events: []eventView{}, Actions: actions}
	if v.Actions == nil {
		v.Actions = []workflow.Action{}
	}
	if a.Result != "" {
		v.ResultLabel = s.site.T(lang, resultKey(a.Terms(), a.Result))
	}
	if a.State == workflow.Revoked { // the grant stands no more
		v.ResultLabel = s.site.T(lang, "pledge.result.revoked", v.ResultLabel)
	}
	for _, f := range a.Files {
		v.Files = append(v.Files, fileView{ID: f.ID, Material: f.MaterialKey, SHA256: f.SHA256, Size: f.Size,
			ContentType: f.ContentType, Name: f.DisplayName, At: f.CreatedAt})
	}
	for _, t := range a.Tasks {
		tv := taskView{Department: t.DepartmentCode, Stage: t.Stage, ClaimedBy: t.ClaimedBy,
			DecidedBy: t.DecidedBy, DecidedAt: t.DecidedAt}
		if workflow.Stage(t.Stage).Open() {
			tv.StageName, tv.StageRole, tv.StageDue = t.StageName, a.StageRole(t), t.StageDue
		}
		v.Tasks = append(v.Tasks, tv)
	}
	for _, e := range a.Events {
		v.Events = append(v.Events, eventView{Seq: e.Seq, At: e.At, Actor: e.Actor, Role: e.Role, Department: e.Department,
			Action: e.Action, From: e.FromState, State: e.ToState, Comment: e.Comment, Fields: e.Fields()})
	}
	return v
}

func materialViews(a *models.Application) []materialView {
	out := make([]materialView, 0, len(a.Materials))
	for _, m := range a.Materials {
		out = append(out, materialView{Key: m.MaterialKey, Name: m.Name, Necessity: m.Necessity, Provided: m.Provided,
			Pending: m.Pending, Pledged: m.Pledged, Kind: m.Kind, Copies: m.Copies})
	}
	return out
}

// statusView is what the applicant sees: no staff names, no internal comments.
type statusView struct {
	Number     string         `json:"number"`
	Item       string         `json:"item"`
	ItemCode   string         `json:"item_code"`
	Department string         `json:"department"`
	State      workflow.State `json:"state"`
	StateLabel string         `json:"state_label"`
	// Version is what the applicant's next action sends back (a stale one gets 409).
	Version   int               `json:"version"`
	Deadline  string            `json:"deadline,omitempty"` // the promised completion date
	Statutory string            `json:"statutory_deadline,omitempty"`
	Result    string            `json:"result,omitempty"`
	Missing   string            `json:"missing,omitempty"` // what the last one-time notice asked for
	Materials []materialView    `json:"materials"`
	Timeline  []timelineEntry   `json:"timeline"`
	CanAct    []workflow.Action `json:"can_act"` // withdraw, supplement
	Form      form.Values       `json:"form"`    // the applicant's own answers, as filed
	// ResultLabel is the result in the words of the item type (确认, 不予给付 …).
	ResultLabel string       `json:"result_label,omitempty"`
	Decision    decisionView `json:"decision"`
	// Payment is the 缴费 step of a charging item; Delivery how the result reaches the applicant.
	Payment  *feesStatus   `json:"payment,omitempty"`
	Delivery *deliveryView `json:"delivery,omitempty"`
	// Provisional: the deadline falls in a year counted with weekends only.
	Provisional bool `json:"deadline_provisional,omitempty"`
	// Evaluation is the applicant's 好差评 with the rectification reply, if any (null before rating).
	Evaluation *evaluationJSON `json:"evaluation"`
	// ResultNumber is the 证照/批文 number once the result is issued;
	// ResultNumberPending says a grant's number is not known until then.
	ResultNumber        string `json:"result_number,omitempty"`
	ResultNumberPending bool   `json:"result_number_pending,omitempty"`
	// Collect is where and when to collect the decided result, or how it was posted.
	Collect *mystatusCollect `json:"collect,omitempty"`
	// Departments are the departments of the item, each with its own state.
	Departments []mystatusDept `json:"departments"`
}

type timelineEntry struct {
	At         time.Time       `json:"at"`
	Action     workflow.Action `json:"action"`
	Label      string          `json:"label"`
	State      workflow.State  `json:"state"`
	Department string          `json:"department,omitempty"`
}

func (s *Server) statusViewOf(lang string, a *models.Application) statusView {
	c := s.clockOf(a)
	v := statusView{Number: a.Number, Item: a.ItemName, ItemCode: a.ItemCode, Department: a.DepartmentCode, State: a.State,
		StateLabel: s.stateLabel(lang, a, a.State), Version: a.Version, Deadline: c.PromisedDeadline, Statutory: c.StatutoryDeadline,
		Result: a.Result, Materials: materialViews(a), Timeline: []timelineEntry{}, CanAct: applicantActions(a),
		Form: maskedAnswers(a), Decision: s.decisionViewOf(lang, a.Terms()), Provisional: c.Provisional,
		Departments: []mystatusDept{}}
	if a.Result != "" {
		v.ResultLabel = s.site.T(lang, resultKey(a.Terms(), a.Result))
	}
	if a.State == workflow.Revoked { // the grant stands no more
		v.ResultLabel = s.site.T(lang, "pledge.result.revoked", v.ResultLabel)
	}
	for _, e := range a.Events {
		if e.Action == workflow.RequestSupplement || e.Action == workflow.SendBack {
			v.Missing = strings.Join(materialNames(a, workflow.SplitList(e.Fields()["missing"])), "；")
		}
		if !mystatusTimelineShown(e) {
			continue // the office's own steps: no step of the handling the applicant sees
		}
		v.Timeline = append(v.Timeline, timelineEntry{At: e.At, Action: e.Action, Label: s.stagesTimelineLabel(lang, a, e),
			State: e.ToState, Department: e.Department})
	}
	return v
}

// applicantActions lists what the applicant may do now.
func applicantActions(a *models.Application) []workflow.Action {
	out := []workflow.Action{}
	for _, act := range workflow.Available(a.State, a.Facts("")) {
		rows, err := workflow.Next(a.State, act, a.Facts(""))
		if err == nil && rows[0].By == workflow.Applicant {
			out = append(out, act)
		}
	}
	return out
}
