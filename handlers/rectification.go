package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
)

// The rectification of 差评: a department's staff take each case through
// 回访核实, reply, rectification and closing; supervisors read every
// evaluation with its case, overdue ones marked.

// caseNoteMax bounds a step's note, in characters.
const caseNoteMax = 1000

// evaluationQuery is a parsed filter of the evaluation lists.
type evaluationQuery struct {
	LevelMax   int
	Department string
	State      string
	Page       int
	PageSize   int
}

var evaluationStates = append([]string{"none", "overdue"}, models.CaseStates...)

// parseEvaluationQuery reads level_max, department, state, page and
// page_size; problems are locale keys.
func (s *Server) parseEvaluationQuery(v url.Values) (evaluationQuery, formErrors) {
	q := evaluationQuery{Page: 1, PageSize: 50}
	bad := formErrors{}
	if raw := v.Get("level_max"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 5 {
			bad.add("level_max", "evaluation.err.level_max")
		}
		q.LevelMax = n
	}
	if d := v.Get("department"); d != "" {
		if _, ok := s.ref.Load().deptByKey[d]; !ok {
			bad.add("department", "handled.err.department")
		}
		q.Department = d
	}
	if st := v.Get("state"); st != "" {
		if !slices.Contains(evaluationStates, st) {
			bad.add("state", "evaluation.err.state")
		}
		q.State = st
	}
	for _, p := range []struct {
		name string
		into *int
		max  int
	}{{"page", &q.Page, maxPage}, {"page_size", &q.PageSize, 200}} {
		if raw := v.Get(p.name); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 || n > p.max {
				bad.add(p.name, "handled.err."+p.name)
				continue
			}
			*p.into = n
		}
	}
	return q, bad
}

func (q evaluationQuery) filter(depts []string, today time.Time) models.EvaluationFilter {
	if q.Department != "" {
		depts = []string{q.Department}
	}
	return models.EvaluationFilter{LevelMax: q.LevelMax, Departments: depts, State: q.State, Today: today,
		Page: q.Page, PageSize: q.PageSize}
}

// evaluationRowJSON is one evaluation for supervisors.
type evaluationRowJSON struct {
	Number     string    `json:"number"`
	ItemCode   string    `json:"item_code"`
	Item       string    `json:"item"`
	Department string    `json:"department"`
	Source     string    `json:"source"`
	Level      int       `json:"level"`
	Tags       []string  `json:"tags"`
	Comment    string    `json:"comment"`
	At         time.Time `json:"at"`
	State      string    `json:"state"` // "none" without a case
	Due        string    `json:"due,omitempty"`
	Reply      string    `json:"reply,omitempty"`
	Overdue    bool      `json:"overdue"`
}

func rowJSON(r models.EvaluationRow, today time.Time) evaluationRowJSON {
	out := evaluationRowJSON{Number: r.Number, ItemCode: r.ItemCode, Item: r.ItemName, Department: r.DepartmentCode,
		Source: r.Source, Level: r.Level, Tags: append([]string{}, r.Tags...), Comment: r.Comment, At: r.CreatedAt,
		State: "none", Due: r.DueOn, Reply: r.Reply}
	if r.CaseID != 0 {
		c := models.RectificationCase{State: r.CaseState, DueOn: r.DueOn}
		out.State, out.Overdue = r.CaseState, c.Overdue(today)
	}
	return out
}

// apiEvaluations answers GET /api/v1/evaluations (supervisors).
func (s *Server) apiEvaluations(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjEvaluation, policies.ActRead); err != nil {
		return err
	}
	q, bad := s.parseEvaluationQuery(c.Request.URL.Query())
	if len(bad) > 0 {
		return invalid(s.englishProblems(bad))
	}
	today := models.CentreDay(s.now())
	rows, total, err := s.store.Evaluations(c.Request.Context(), q.filter(nil, today))
	if err != nil {
		return err
	}
	out := struct {
		Total       int                 `json:"total"`
		Page        int                 `json:"page"`
		PageSize    int                 `json:"page_size"`
		Evaluations []evaluationRowJSON `json:"evaluations"`
	}{Total: total, Page: q.Page, PageSize: q.PageSize, Evaluations: []evaluationRowJSON{}}
	for _, r := range rows {
		out.Evaluations = append(out.Evaluations, rowJSON(r, today))
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
	return nil
}

// evaluationListPage is the data of the case list and the supervisors' list.
type evaluationListPage struct {
	Supervisor  bool
	Action      string
	Levels      []int
	Query       evaluationQuery
	Errors      map[string]string
	Departments []option
	States      []option
	Rows        []evaluationRowView
	Total       int
	Prev, Next  string
}

type evaluationRowView struct {
	evaluationRowJSON
	CaseID                             uint
	DepartmentName, LevelLabel, StateL string
}

// handledDepartments are the departments whose cases the caller handles.
func (s *Server) handledDepartments(c *gin.Context) []string {
	var out []string
	for _, p := range s.authz.Permissions(principalOf(c).user.Username) {
		if p.Object == policies.ObjEvaluation && p.Verb == policies.ActHandle && !slices.Contains(out, p.Domain) {
			out = append(out, p.Domain)
		}
	}
	return out
}

// uiCases lists the rectification cases of the caller's departments.
func (s *Server) uiCases(c *gin.Context) error {
	depts := s.handledDepartments(c)
	if len(depts) == 0 {
		return s.authorize(c, policies.AllDomains, policies.ObjEvaluation, policies.ActHandle)
	}
	c.Set(ctxAuthorized, true) // the caller handles the cases of depts, and only those are listed
	q, bad := s.parseEvaluationQuery(c.Request.URL.Query())
	if q.Department != "" && !slices.Contains(depts, q.Department) && !slices.Contains(depts, policies.AllDomains) {
		bad.add("department", "handled.err.department")
	}
	if q.LevelMax == 0 {
		q.LevelMax = models.LevelDissatisfied
	}
	return s.renderEvaluationList(c, false, "/rectification", q, bad, depts)
}

// uiSuperviseEvaluations is the supervisors' list of every evaluation.
func (s *Server) uiSuperviseEvaluations(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjEvaluation, policies.ActRead); err != nil {
		return err
	}
	q, bad := s.parseEvaluationQuery(c.Request.URL.Query())
	return s.renderEvaluationList(c, true, "/supervise/evaluations", q, bad, nil)
}

func (s *Server) renderEvaluationList(c *gin.Context, supervisor bool, action string, q evaluationQuery, bad formErrors, depts []string) error {
	lang, ref := langOf(c), s.ref.Load()
	p := evaluationListPage{Supervisor: supervisor, Action: action, Query: q, Errors: bad, Levels: []int{1, 2, 3, 4, 5}}
	for _, d := range ref.depts {
		if depts == nil || slices.Contains(depts, d.Code) || slices.Contains(depts, policies.AllDomains) {
			p.Departments = append(p.Departments, option{Value: d.Code, Label: d.Name})
		}
	}
	for _, st := range evaluationStates {
		p.States = append(p.States, option{Value: st, Label: s.site.T(lang, "evaluation.case."+st)})
	}
	status := http.StatusOK
	if len(bad) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		today := models.CentreDay(s.now())
		rows, total, err := s.store.Evaluations(c.Request.Context(), q.filter(depts, today))
		if err != nil {
			return err
		}
		p.Total = total
		for _, r := range rows {
			j := rowJSON(r, today)
			p.Rows = append(p.Rows, evaluationRowView{evaluationRowJSON: j, CaseID: r.CaseID,
				DepartmentName: ref.deptByKey[r.DepartmentCode].Name,
				LevelLabel:     s.site.T(lang, "evaluation.level."+strconv.Itoa(r.Level)),
				StateL:         s.site.T(lang, "evaluation.case."+j.State)})
		}
		p.Prev, p.Next = pagerLinks(c.Request.URL, q.Page, (total+q.PageSize-1)/q.PageSize)
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, status, "evaluation_list", s.site.T(lang, "evaluation.list.title"), "staff", p)
	return nil
}

// casePage is one rectification case with its steps and the next step's form.
type casePage struct {
	ID         uint
	Number     string
	Item       string
	Department string
	Level      string
	Tags       []string
	Comment    string
	At         string
	State      string
	StateLabel string
	Due        string
	Overdue    bool
	Reply      string
	Version    int
	Steps      []caseStepView
	Next       string // the next step, "" when closed or when the caller only reads
	Note       string
	Errors     map[string]string
	Notice     string
}

type caseStepView struct {
	Label, Actor, Note, At string
}

// loadCase finds a case and authorizes the caller: its department's staff
// handle it, supervisors read it.
func (s *Server) loadCase(c *gin.Context) (*models.Evaluation, bool, error) {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil {
		return nil, false, notFound("case")
	}
	e, err := s.store.CaseEvaluation(c.Request.Context(), uint(id))
	if err != nil {
		return nil, false, err
	}
	if s.can(c, e.Case.DepartmentCode, policies.ObjEvaluation, policies.ActHandle) {
		c.Set(ctxAuthorized, true)
		return e, true, nil
	}
	return e, false, s.authorize(c, policies.AllDomains, policies.ObjEvaluation, policies.ActRead)
}

// uiCase shows a case.
func (s *Server) uiCase(c *gin.Context) error {
	e, handles, err := s.loadCase(c)
	if err != nil {
		return err
	}
	return s.renderCase(c, http.StatusOK, e, handles, "", nil, c.Query("done"))
}

func (s *Server) renderCase(c *gin.Context, status int, e *models.Evaluation, handles bool, note string, errs map[string]string, notice string) error {
	lang := langOf(c)
	k := e.Case
	p := casePage{ID: k.ID, Number: e.Number, Item: e.ItemName, Department: s.ref.Load().deptByKey[e.DepartmentCode].Name,
		Level: s.site.T(lang, "evaluation.level."+strconv.Itoa(e.Level)), Comment: e.Comment, At: citizenTime(e.CreatedAt),
		State: k.State, StateLabel: s.site.T(lang, "evaluation.case."+k.State), Due: k.DueOn,
		Overdue: k.Overdue(models.CentreDay(s.now())), Reply: k.Reply, Version: k.Version, Note: note, Errors: errs}
	switch {
	case slices.Contains([]string{models.StepVerify, models.StepReply, models.StepRectify, models.StepClose}, notice):
		p.Notice = "evaluation.done." + notice
	case notice == "stale":
		p.Notice = "evaluation.notice.stale"
	}
	for _, t := range e.Tags {
		p.Tags = append(p.Tags, s.site.T(lang, "evaluation.tag."+t))
	}
	for _, st := range k.Steps {
		p.Steps = append(p.Steps, caseStepView{Label: s.site.T(lang, "evaluation.step."+st.Step), Actor: s.actorLabel(lang, st.Actor),
			Note: st.Note, At: citizenTime(st.At)})
	}
	if handles {
		p.Next = models.NextStep(k.State)
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, status, "rectification_case", s.site.T(lang, "evaluation.case.title"), "staff", p)
	return nil
}

// caseStepForm is the form of a case's next step.
type caseStepForm struct {
	Step    string `form:"step"`
	Version int    `form:"version"`
	Note    string `form:"note"`
}

// Validate asks for the note; its problems are locale keys.
func (f caseStepForm) Validate() error {
	bad := formErrors{}
	switch n := utf8.RuneCountInString(f.Note); {
	case n == 0:
		bad.add("note", "evaluation.err.note")
	case n > caseNoteMax:
		bad.add("note", "evaluation.err.note_long")
	}
	return bad.orNil()
}

// uiCaseStep records the next step of a case (PRG on success).
func (s *Server) uiCaseStep(c *gin.Context) error {
	e, handles, err := s.loadCase(c)
	if err != nil {
		return err
	}
	if !handles {
		return s.authorize(c, e.Case.DepartmentCode, policies.ObjEvaluation, policies.ActHandle)
	}
	var f caseStepForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	f.Note = strings.TrimSpace(f.Note)
	if err := f.Validate(); err != nil {
		return s.renderCase(c, http.StatusUnprocessableEntity, e, true, f.Note, problems(err), "")
	}
	_, err = s.store.AdvanceCase(c.Request.Context(), models.CaseStep{CaseID: e.Case.ID, Step: f.Step, Version: f.Version,
		Actor: principalOf(c).user.Username, Note: f.Note, Now: s.now()})
	if err != nil {
		if ae := asError(evaluationError(err)); ae.Status == http.StatusConflict {
			fresh, lerr := s.store.CaseEvaluation(c.Request.Context(), e.Case.ID)
			if lerr != nil {
				return lerr
			}
			return s.renderCase(c, http.StatusConflict, fresh, true, f.Note, nil, "stale")
		}
		return err
	}
	c.Redirect(http.StatusSeeOther, "/rectification/"+strconv.FormatUint(uint64(e.Case.ID), 10)+"?done="+url.QueryEscape(f.Step))
	return nil
}
