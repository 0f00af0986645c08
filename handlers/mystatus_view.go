package handlers

import (
	"errors"
	"slices"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/workflow"
)

// The applicant's status speaks to the applicant (issue 21 item 6): the
// result's number once it has one, where and when to collect the result or
// how it was posted, each department of a joint item with its own state,
// and the materials in their true state. Every statement is true of the
// application: what is not known yet is said to be not known yet.

// mystatusDept is one department of the application as the applicant sees it.
type mystatusDept struct {
	Department string `json:"department"` // the department's code
	Name       string `json:"name"`
	Lead       bool   `json:"lead"`
	// State is waiting (not with the department yet), in_review, approved,
	// denied or closed (the application ended without its decision).
	State      string `json:"state"`
	StateLabel string `json:"state_label"`
	DecidedOn  string `json:"decided_on,omitempty"` // YYYY-MM-DD, Asia/Shanghai
}

// Department states of the applicant's status.
const (
	mystatusDeptWaiting  = "waiting"
	mystatusDeptInReview = "in_review"
	mystatusDeptApproved = "approved"
	mystatusDeptDenied   = "denied"
	mystatusDeptClosed   = "closed"
)

// mystatusCollect is how the decided result reaches the applicant.
type mystatusCollect struct {
	// Mode is window, post or online; empty while no mode is chosen.
	Mode      string `json:"mode"`
	ModeLabel string `json:"mode_label"`
	// Issued: the result has been handed out, posted or made available.
	Issued   bool   `json:"issued"`
	IssuedOn string `json:"issued_on,omitempty"`
	DueOn    string `json:"due_on,omitempty"` // the day it is to be delivered by
	// Address and Hours are the window's, from the site settings; empty
	// when the centre has not published them.
	Address string `json:"address,omitempty"`
	Hours   string `json:"hours,omitempty"`
	// Carrier and Tracking are the post's, once posted.
	Carrier  string `json:"carrier,omitempty"`
	Tracking string `json:"tracking_number,omitempty"`
	// ReceivedOn is the day the result was signed for.
	ReceivedOn string `json:"received_on,omitempty"`
}

// Material states of the applicant's status.
const (
	mystatusMatProvided   = "provided"   // 已收
	mystatusMatSupplement = "supplement" // 需补正: named by the open 一次性告知 or send-back
	mystatusMatPledged    = "pledged"    // replaced by the applicant's 告知承诺
	mystatusMatPending    = "pending"    // 容缺后补
	mystatusMatMissing    = "missing"    // 未收
)

// mystatusFill adds to the applicant's status what speaks to the applicant:
// the result number, the collection, the departments and the materials'
// states. It runs after v.Delivery is read.
func (s *Server) mystatusFill(c *gin.Context, lang string, app *models.Application, v *statusView) error {
	if app.ResultNumber != "" {
		v.ResultNumber = app.ResultNumber
	}
	v.ResultNumberPending = app.ResultNumber == "" && app.Result == "approved" &&
		(app.State == workflow.Approved || app.State == workflow.Completed)
	if v.Delivery != nil && mystatusDecided(app) {
		v.Collect = s.mystatusCollectOf(v.Delivery)
	}
	v.Departments = s.mystatusDepartments(lang, app)
	pledged, err := s.mystatusPledged(c, app)
	if err != nil {
		return err
	}
	flagged := mystatusFlagged(app)
	for i := range v.Materials {
		m := &v.Materials[i]
		m.State = mystatusMaterialState(app, *m, flagged, pledged)
		m.StateLabel = s.site.T(lang, "mystatus.material."+m.State)
	}
	return nil
}

// mystatusDecided reports whether the application has a decided result to
// deliver (or delivered): granted or refused, before or after the issue.
func mystatusDecided(app *models.Application) bool {
	return app.State.Decided() || (app.State == workflow.Revoked && app.ResultNumber != "")
}

func (s *Server) mystatusCollectOf(d *deliveryView) *mystatusCollect {
	out := &mystatusCollect{Mode: d.Mode, ModeLabel: d.ModeLabel, IssuedOn: d.IssuedOn, DueOn: d.DueOn,
		ReceivedOn: d.ReceivedOn, Issued: d.State == models.DeliverySent || d.State == models.DeliveryDelivered}
	switch d.Mode {
	case "window":
		st := s.siteSettings()
		out.Address, out.Hours = st.Address, st.Hours
	case "post":
		out.Carrier, out.Tracking = d.Carrier, d.Tracking
	}
	return out
}

// mystatusDepartments lists every department of the item as filed, the lead
// first, each with where its task stands.
func (s *Server) mystatusDepartments(lang string, app *models.Application) []mystatusDept {
	ref := s.ref.Load()
	codes := []string{}
	for _, d := range app.Definition.Departments {
		if d.Department != "" && !slices.Contains(codes, d.Department) {
			codes = append(codes, d.Department)
		}
	}
	for _, t := range app.Tasks {
		if !slices.Contains(codes, t.DepartmentCode) {
			codes = append(codes, t.DepartmentCode)
		}
	}
	if len(codes) == 0 && app.DepartmentCode != "" {
		codes = append(codes, app.DepartmentCode)
	}
	out := make([]mystatusDept, 0, len(codes))
	terms := app.Terms()
	for _, code := range codes {
		d := mystatusDept{Department: code, Name: ref.deptByKey[code].Name, Lead: code == app.DepartmentCode}
		if d.Name == "" {
			d.Name = code
		}
		var task *models.Task
		for i := range app.Tasks {
			if app.Tasks[i].DepartmentCode == code {
				task = &app.Tasks[i]
			}
		}
		switch {
		case task == nil && app.State.Final():
			d.State = mystatusDeptClosed
		case task == nil:
			d.State = mystatusDeptWaiting
		case workflow.Stage(task.Stage).Open():
			d.State = mystatusDeptInReview
		case task.Stage == string(workflow.StageApproved):
			d.State = mystatusDeptApproved
		case task.Stage == string(workflow.StageDenied):
			d.State = mystatusDeptDenied
		default:
			d.State = mystatusDeptClosed
		}
		switch d.State {
		case mystatusDeptApproved:
			d.StateLabel = s.site.T(lang, resultKey(terms, "approved"))
		case mystatusDeptDenied:
			d.StateLabel = s.site.T(lang, resultKey(terms, "denied"))
		default:
			d.StateLabel = s.site.T(lang, "mystatus.dept."+d.State)
		}
		if task != nil && task.DecidedAt != nil && (d.State == mystatusDeptApproved || d.State == mystatusDeptDenied) {
			d.DecidedOn = task.DecidedAt.In(citizenZone).Format("2006-01-02")
		}
		out = append(out, d)
	}
	// The lead department first, the others in the item's order.
	slices.SortStableFunc(out, func(a, b mystatusDept) int {
		switch {
		case a.Lead == b.Lead:
			return 0
		case a.Lead:
			return -1
		}
		return 1
	})
	return out
}

// mystatusPledged reports whether the applicant pledged (告知承诺) on an
// item that takes a pledge: before the acceptance, the proofs the pledge
// replaces are not missing.
func (s *Server) mystatusPledged(c *gin.Context, app *models.Application) (bool, error) {
	if app.Definition.Pledge == nil {
		return false, nil
	}
	_, err := s.store.Pledge(c.Request.Context(), app.Number)
	if errors.Is(err, models.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// mystatusFlagged is the set of materials the open request for a
// supplement names (一次性告知 at the window, or a department's send-back):
// the last such event while the application waits for the supplement.
func mystatusFlagged(app *models.Application) map[string]bool {
	out := map[string]bool{}
	if app.State != workflow.SupplementRequired {
		return out
	}
	for i := len(app.Events) - 1; i >= 0; i-- {
		e := app.Events[i]
		if e.Action == workflow.RequestSupplement || e.Action == workflow.SendBack {
			for _, k := range workflow.SplitList(e.Fields()["missing"]) {
				out[k] = true
			}
			break
		}
	}
	return out
}

// mystatusMaterialState is the state of one material as the applicant is told it.
func mystatusMaterialState(app *models.Application, m materialView, flagged map[string]bool, pledged bool) string {
	switch {
	case flagged[m.Key]:
		return mystatusMatSupplement
	case m.Provided:
		return mystatusMatProvided
	case m.Pledged:
		return mystatusMatPledged
	case m.Pending:
		return mystatusMatPending
	case pledged && (app.State == workflow.Submitted || app.State == workflow.SupplementRequired) && mystatusPledgeReplaces(app, m.Key):
		return mystatusMatPledged
	}
	return mystatusMatMissing
}

// mystatusPledgeReplaces reports whether the item's pledge stands for the material.
func mystatusPledgeReplaces(app *models.Application, key string) bool {
	for _, d := range app.Definition.Materials {
		if d.Key == key {
			return d.PledgeReplaces
		}
	}
	return false
}

// mystatusTimelineShown reports whether an event is a step of the handling
// the applicant is told: not the office's own steps (签收, the default
// review passing to its decision, the supervisors' cards) and not a department's part of a
// joint decision that left the application where it was (each department's
// decision is shown with the department).
func mystatusTimelineShown(e models.Event) bool {
	switch e.Action {
	case models.ActionWarning, workflow.Claim, models.ActionRelease:
		return false
	case workflow.ReviewPass:
		// A department's own published stages (初审 → 复审) are named
		// steps; the default review passing to its decision is not.
		return e.Fields()["stage"] != ""
	case workflow.Approve:
		return e.FromState != e.ToState
	}
	return true
}
