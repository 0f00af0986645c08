package handlers

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// defaultDueSoonDays is how many working days remaining mark work as due
// soon unless the request asks for another warning (due_soon_days).
const defaultDueSoonDays = 3

// worklistRequest is a parsed and authorized work-list query.
type worklistRequest struct {
	filter  models.WorklistFilter
	allowed []string // the departments the caller may read tasks of; ["*"] for all
	dept    string   // the department asked for, "" for all allowed
	claimed string   // "", "me", "unclaimed"
}

// parseWorklist reads the work-list query of the API and the page, and
// authorizes it: the caller reads tasks of the departments where the policy
// lets them (Domains), or of one of them when department= is given.
func (s *Server) parseWorklist(c *gin.Context) (*worklistRequest, error) {
	p := principalOf(c)
	r := &worklistRequest{allowed: s.authz.Domains(p.user.Username, policies.ObjTask, policies.ActRead),
		dept: strings.TrimSpace(c.Query("department")), claimed: c.Query("claimed")}
	switch {
	case len(r.allowed) == 0:
		return nil, s.authorize(c, policies.AllDomains, policies.ObjTask, policies.ActRead)
	case r.dept != "":
		if err := s.authorize(c, r.dept, policies.ObjTask, policies.ActRead); err != nil {
			return nil, err
		}
		r.filter.Departments = []string{r.dept}
	default:
		if err := s.authorize(c, r.allowed[0], policies.ObjTask, policies.ActRead); err != nil {
			return nil, err
		}
		r.filter.Departments = r.allowed
	}
	f := &r.filter
	bad := map[string]string{}
	f.Stage = workflow.Stage(c.Query("stage"))
	if f.Stage != "" && f.Stage != workflow.StageReview && f.Stage != workflow.StageDecide {
		bad["stage"] = "must be review or decide"
	}
	switch r.claimed {
	case "":
	case "me":
		f.ClaimedBy = p.user.Username
	case "unclaimed":
		f.Unclaimed = true
	default:
		bad["claimed"] = "must be me or unclaimed"
	}
	if f.ItemCode = strings.TrimSpace(c.Query("item")); len(f.ItemCode) > 64 {
		bad["item"] = "is too long"
	}
	f.Due = c.Query("due")
	if f.Due != "" && f.Due != models.DueOverdue && f.Due != models.DueSoon && f.Due != models.DueAttention {
		bad["due"] = "must be overdue, due_soon or attention"
	}
	f.WarnDays = defaultDueSoonDays
	if v := c.Query("due_soon_days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 60 {
			bad["due_soon_days"] = "must be a number of working days from 0 to 60"
		}
		f.WarnDays = n
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			bad["limit"] = "must be from 1 to 200"
		}
		f.Limit = n
	}
	if len(bad) > 0 {
		return nil, invalid(bad)
	}
	f.After, f.Cal, f.Today = c.Query("after"), s.cal.Load(), models.CentreDay(s.now())
	return r, nil
}

// worklist runs an authorized work-list request.
func (s *Server) worklist(c *gin.Context, r *worklistRequest) (*models.Worklist, error) {
	w, err := s.store.Worklist(c.Request.Context(), r.filter)
	if errors.Is(err, models.ErrBadCursor) {
		return nil, invalid(map[string]string{"after": "is not a cursor of this list"})
	}
	return w, err
}

// workItemView is one line of a work list.
type workItemView struct {
	TaskID         uint           `json:"task_id"`
	Number         string         `json:"number"`
	ItemCode       string         `json:"item_code"`
	ItemName       string         `json:"item_name"`
	Applicant      string         `json:"applicant"`
	Department     string         `json:"department"`
	DepartmentName string         `json:"department_name"`
	Joint          bool           `json:"joint"`
	Stage          workflow.Stage `json:"stage"`
	StageLabel     string         `json:"stage_label"`
	ClaimedBy      string         `json:"claimed_by"`
	State          workflow.State `json:"state"`
	StateLabel     string         `json:"state_label"`
	Version        int            `json:"version"`
	Deadline       string         `json:"promised_deadline"`
	Remaining      int            `json:"remaining"` // working days of the promised limit; negative when overdue
	Stopped        bool           `json:"stopped"`   // waiting for a supplement or a special procedure
	Overdue        bool           `json:"overdue"`
	DueSoon        bool           `json:"due_soon"`
	// Mark is "overdue", "due_soon", "stopped" or "": the one flag a list shows.
	Mark string `json:"mark"`
	// For the pages: the days in words, and whether the caller holds the
	// task (release instead of claim).
	RemainingText string `json:"-"`
	Mine          bool   `json:"-"`
	Bundle        bool   `json:"-"` // a child of an 一件事 bundle
	Card          string `json:"-"` // the task's strongest 黄牌 / 红牌: yellow, red or "" (pages only)
	CardText      string `json:"-"`
	// GroupSize is, on the first row of a joint item's tasks listed
	// together, how many there are (0 elsewhere); Next marks the row
	// focused after a decision.
	GroupSize int  `json:"-"`
	Next      bool `json:"-"`

	// StageName and StageDue are the current stage of the item's own
	// sequence and its own due date, StageOverdue a stage past that date;
	// absent for the default review and decide.
	StageName    string `json:"stage_name,omitempty"`
	StageDue     string `json:"stage_due,omitempty"`
	StageOverdue bool   `json:"stage_overdue,omitempty"`
}

func (s *Server) workItemViews(lang string, items []models.WorkItem, warn int) []workItemView {
	cal, today := s.cal.Load(), models.CentreDay(s.now())
	ref := s.ref.Load()
	out := make([]workItemView, 0, len(items))
	for _, w := range items {
		clk := w.Clock()
		v := workItemView{TaskID: w.TaskID, Number: w.Number, ItemCode: w.ItemCode, ItemName: w.ItemName, Applicant: w.ApplicantName,
			Department: w.Department, DepartmentName: ref.deptByKey[w.Department].Name, Joint: w.Joint,
			Stage: w.Stage, StageLabel: stagesLabel(s, lang, string(w.Stage), w.StageName), StageName: w.StageName, StageDue: w.StageDue, ClaimedBy: w.ClaimedBy,
			State: w.State, StateLabel: s.site.T(lang, "state."+string(w.State)), Version: w.Version,
			Deadline: models.FormatDay(clk.PromisedDeadline(cal, today)), Remaining: clk.Remaining(cal, today),
			Stopped: clk.Stopped(), Overdue: clk.Overdue(cal, today), Bundle: w.BundleFilingID != 0}
		v.DueSoon = !v.Stopped && clk.DueSoon(cal, today, warn)
		v.StageOverdue = w.StageDue != "" && w.StageDue < models.FormatDay(today)
		switch {
		case v.Overdue:
			v.Mark = "overdue"
		case v.DueSoon:
			v.Mark = "due_soon"
		case v.Stopped:
			v.Mark = "stopped"
		}
		out = append(out, v)
	}
	return out
}

// workItemPageViews are workItemViews with what the pages show in words.
func (s *Server) workItemPageViews(lang string, items []models.WorkItem, warn int) []workItemView {
	out := s.workItemViews(lang, items, warn)
	for i := range out {
		v := &out[i]
		if v.Overdue {
			v.RemainingText = s.site.T(lang, "office.days_over", -v.Remaining)
		} else {
			v.RemainingText = s.site.T(lang, "office.days_left", v.Remaining)
		}
	}
	return out
}

// apiTasks is the caller's work list: GET /api/v1/tasks.
func (s *Server) apiTasks(c *gin.Context) error {
	r, err := s.parseWorklist(c)
	if err != nil {
		return err
	}
	w, err := s.worklist(c, r)
	if err != nil {
		return err
	}
	depts := r.filter.Departments
	if slices.Contains(depts, policies.AllDomains) {
		depts = []string{policies.AllDomains}
	}
	c.JSON(http.StatusOK, gin.H{"tasks": s.workItemViews(langOf(c), w.Items, r.filter.WarnDays), "next": w.Next,
		"departments": depts, "due_soon_days": r.filter.WarnDays})
	return nil
}
