package handlers

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/workflow"
)

// 双随机一公开, the public side (DESIGN §8): every department's 随机抽查事项清单,
// the plans with their commitments, revealed seeds and results, the
// recomputation of a draw on request, and an entity's 信用信息.

// inspectionPlanID reads the :id of a plan or task route.
func inspectionPlanID(c *gin.Context) (uint, error) {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil || id == 0 {
		return 0, notFound("plan")
	}
	return uint(id), nil
}

// publicInspectionPlan loads a plan the public may see (committed or later).
func (s *Server) publicInspectionPlan(c *gin.Context) (*models.InspectionPlan, error) {
	id, err := inspectionPlanID(c)
	if err != nil {
		return nil, err
	}
	p, err := s.store.InspectionPlan(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	if !p.Public() {
		return nil, notFound("plan")
	}
	return p, nil
}

// inspectionTaskView is a task as a page shows it.
type inspectionTaskView struct {
	models.InspectionTask
	Inspectors []inspectorRef
	Overdue    bool
}

type inspectorRef struct {
	CertNo string `json:"cert_no"`
	Name   string `json:"name"`
}

// inspectionPlanView is a plan as a page shows it.
type inspectionPlanView struct {
	Plan        *models.InspectionPlan
	DeptNames   []string
	DeptLinks   []option
	Params      workflow.DrawParams
	Entities    int
	Inspectors  int
	Tasks       []inspectionTaskView
	Recorded    int
	Overdue     int
	ShowResults bool // the tasks are public (published) or the viewer is staff
}

// planView builds the view of a plan; withTasks loads its tasks.
func (s *Server) planView(c *gin.Context, p *models.InspectionPlan, withTasks bool) (*inspectionPlanView, error) {
	ctx, ref := c.Request.Context(), s.ref.Load()
	v := &inspectionPlanView{Plan: p, ShowResults: withTasks}
	for _, d := range p.Departments {
		v.DeptNames = append(v.DeptNames, ref.deptByKey[d].Name)
		v.DeptLinks = append(v.DeptLinks, option{Value: d, Label: ref.deptByKey[d].Name})
	}
	if p.State != models.PlanDraft {
		if err := json.Unmarshal([]byte(p.Params), &v.Params); err != nil {
			return nil, fmt.Errorf("handlers: parameters of plan %d: %w", p.ID, err)
		}
		var err error
		if v.Entities, v.Inspectors, err = s.store.InspectionCandidateCounts(ctx, p.ID); err != nil {
			return nil, err
		}
	}
	if !withTasks {
		return v, nil
	}
	tasks, err := s.store.InspectionTasks(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	today := models.CentreDay(s.now())
	for _, t := range tasks {
		tv := inspectionTaskView{InspectionTask: t, Overdue: t.Overdue(p.ResultsDueOn, today)}
		for i, cert := range strings.Split(t.Inspectors, ",") {
			tv.Inspectors = append(tv.Inspectors, inspectorRef{CertNo: cert, Name: t.InspectorNames[i]})
		}
		if t.Result != "" {
			v.Recorded++
		}
		if tv.Overdue {
			v.Overdue++
		}
		v.Tasks = append(v.Tasks, tv)
	}
	return v, nil
}

// inspectionIndexPage is the public 双随机一公开 page.
type inspectionIndexPage struct {
	Departments []inspectionDeptRow
	Plans       []inspectionPlanRow
}

type inspectionDeptRow struct {
	Code, Name  string
	Items       int
	Plans       int
	LatestState string
}

type inspectionPlanRow struct {
	models.InspectionPlan
	DeptNames string
}

func (s *Server) planRows(plans []models.InspectionPlan) []inspectionPlanRow {
	ref := s.ref.Load()
	out := make([]inspectionPlanRow, 0, len(plans))
	for _, p := range plans {
		var names []string
		for _, d := range p.Departments {
			names = append(names, ref.deptByKey[d].Name)
		}
		out = append(out, inspectionPlanRow{InspectionPlan: p, DeptNames: strings.Join(names, " · ")})
	}
	return out
}

// uiInspection is the public index: every department with its list and plans.
func (s *Server) uiInspection(c *gin.Context) error {
	ctx, ref := c.Request.Context(), s.ref.Load()
	lists, err := s.store.InspectionLists(ctx, "")
	if err != nil {
		return err
	}
	plans, err := s.store.InspectionPlans(ctx, "", true)
	if err != nil {
		return err
	}
	items, nplans := map[string]int{}, map[string]int{}
	for _, l := range lists {
		items[l.DepartmentCode]++
	}
	for _, p := range plans {
		for _, d := range p.Departments {
			nplans[d]++
		}
	}
	var p inspectionIndexPage
	for _, d := range ref.depts {
		p.Departments = append(p.Departments, inspectionDeptRow{Code: d.Code, Name: d.Name, Items: items[d.Code], Plans: nplans[d.Code]})
	}
	for _, pl := range s.planRows(plans) {
		if pl.Joint() || pl.State == models.PlanPublished {
			p.Plans = append(p.Plans, pl)
		}
	}
	s.render(c, http.StatusOK, "inspection_index", s.site.T(langOf(c), "inspection.title"), "inspection", p)
	return nil
}

// inspectionDeptPage is a department's public list, rules and plans.
type inspectionDeptPage struct {
	Dept   models.DepartmentCount
	Items  []models.InspectionListItem
	Rules  models.InspectionRules
	Ratios []option // risk level and the share of it drawn
	Plans  []inspectionPlanRow
}

// permille writes a per mille share as a percentage.
func permille(n int) string {
	return strconv.FormatFloat(float64(n)/10, 'f', -1, 64) + "%"
}

// uiInspectionDepartment is a department's 随机抽查事项清单 with its 抽查细则 and plans.
func (s *Server) uiInspectionDepartment(c *gin.Context) error {
	ctx := c.Request.Context()
	d, ok := s.ref.Load().deptByKey[c.Param("code")]
	if !ok {
		return notFound("department")
	}
	items, err := s.store.InspectionLists(ctx, d.Code)
	if err != nil {
		return err
	}
	rules, err := s.store.InspectionRulesOf(ctx, d.Code)
	if err != nil {
		return err
	}
	plans, err := s.store.InspectionPlans(ctx, d.Code, true)
	if err != nil {
		return err
	}
	p := inspectionDeptPage{Dept: d, Items: items, Rules: rules, Plans: s.planRows(plans)}
	for _, lvl := range models.RiskLevels {
		p.Ratios = append(p.Ratios, option{Value: lvl, Label: permille(rules.Ratio(lvl))})
	}
	s.render(c, http.StatusOK, "inspection_department", s.site.T(langOf(c), "inspection.dept.title", d.Name), "inspection", p)
	return nil
}

// inspectionVerifyView is the outcome of recomputing a draw.
type inspectionVerifyView struct {
	Done     bool
	Verified bool
	Check    string
	Reason   string
	Got      string // the recomputed value, when the check has one
	Want     string // the published value it was compared with
	Task     int    // the task that differs (0 when none)
	Seed     string // the seed checked (hex)
	Tasks    int
}

// verifyPlan recomputes a plan's draw with its revealed seed, or with seedHex when given.
func (s *Server) verifyPlan(c *gin.Context, p *models.InspectionPlan, seedHex string) (inspectionVerifyView, error) {
	_, in, pub, err := s.store.PublishedDraw(c.Request.Context(), p.ID)
	if err != nil {
		return inspectionVerifyView{}, err
	}
	verify := workflow.VerifyDraw
	if p.State != models.PlanPublished {
		verify = workflow.VerifyCommitment // the result is not public yet: only the commitment and the lists
	}
	if seedHex = strings.TrimSpace(seedHex); seedHex != "" {
		seed, err := hex.DecodeString(seedHex)
		if err != nil || len(seed) == 0 {
			return inspectionVerifyView{}, invalid(map[string]string{"seed": "the seed must be hexadecimal"})
		}
		pub.Seed = seed
	}
	if pub.Seed == nil {
		return inspectionVerifyView{}, &Error{Status: http.StatusConflict, Code: "seed_not_revealed",
			Message: "the plan has not revealed its seed yet", Fields: map[string]string{"seed": "give a seed to check against the commitment"}}
	}
	v := inspectionVerifyView{Done: true, Seed: hex.EncodeToString(pub.Seed)}
	if p.State == models.PlanPublished {
		v.Tasks = len(pub.Tasks)
	}
	err = verify(in, pub)
	var m *workflow.DrawMismatch
	switch {
	case err == nil:
		v.Verified = true
	case errors.As(err, &m):
		v.Check, v.Reason, v.Got, v.Want, v.Task = m.Check, m.Reason, m.Got, m.Want, m.Task
	default:
		return v, err
	}
	return v, nil
}

// inspectionPlanPage is the public page of one plan.
type inspectionPlanPage struct {
	*inspectionPlanView
	Verify    inspectionVerifyView
	SeedInput string
	Error     string
}

// uiInspectionPlan shows a plan: parameters, digests, commitment, and after
// publication the seed and the result; ?verify=1 recomputes the draw.
func (s *Server) uiInspectionPlan(c *gin.Context) error {
	p, err := s.publicInspectionPlan(c)
	if err != nil {
		return err
	}
	v, err := s.planView(c, p, p.State == models.PlanPublished)
	if err != nil {
		return err
	}
	page := inspectionPlanPage{inspectionPlanView: v, SeedInput: c.Query("seed")}
	status := http.StatusOK
	if c.Query("verify") != "" {
		page.Verify, err = s.verifyPlan(c, p, page.SeedInput)
		var e *Error
		switch {
		case errors.As(err, &e) && e.Status < 500:
			status, page.Error = e.Status, e.Code
		case err != nil:
			return err
		}
	}
	s.render(c, status, "inspection_plan", p.Title, "inspection", page)
	return nil
}

// inspectionEntityPage is an entity's public 信用信息 with its inspections.
type inspectionEntityPage struct {
	Entity      *models.InspectionEntity
	Inspections []entityInspectionView
	Query       string
	Found       []models.InspectionEntity
	Total       int64
}

type entityInspectionView struct {
	models.EntityInspection
	DeptName string
}

// uiInspectionEntities finds entities by name or credit code.
func (s *Server) uiInspectionEntities(c *gin.Context) error {
	q := strings.TrimSpace(c.Query("q"))
	p := inspectionEntityPage{Query: q}
	if q != "" {
		if len([]rune(q)) > 60 {
			q = string([]rune(q)[:60])
		}
		var err error
		if p.Found, p.Total, err = s.store.InspectionEntities(c.Request.Context(), q, 50); err != nil {
			return err
		}
	}
	s.render(c, http.StatusOK, "inspection_entity", s.site.T(langOf(c), "inspection.entity.search"), "inspection", p)
	return nil
}

// uiInspectionEntity is an entity's public 信用信息 page with its inspection results.
func (s *Server) uiInspectionEntity(c *gin.Context) error {
	ctx := c.Request.Context()
	e, err := s.store.InspectionEntity(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	ins, err := s.store.EntityInspections(ctx, e.CreditCode)
	if err != nil {
		return err
	}
	p := inspectionEntityPage{Entity: e}
	ref := s.ref.Load()
	for _, i := range ins {
		p.Inspections = append(p.Inspections, entityInspectionView{EntityInspection: i, DeptName: ref.deptByKey[i.Department].Name})
	}
	s.render(c, http.StatusOK, "inspection_entity", e.Name, "inspection", p)
	return nil
}

// The public JSON API.

type inspectionListJSON struct {
	Department     string                      `json:"department"`
	DepartmentName string                      `json:"department_name"`
	Items          []models.InspectionListItem `json:"items"`
}

// apiInspectionLists answers GET /api/v1/inspection/lists?department=.
func (s *Server) apiInspectionLists(c *gin.Context) error {
	ref := s.ref.Load()
	dept := c.Query("department")
	if _, ok := ref.deptByKey[dept]; dept != "" && !ok {
		return invalid(map[string]string{"department": "unknown department"})
	}
	items, err := s.store.InspectionLists(c.Request.Context(), dept)
	if err != nil {
		return err
	}
	out := []inspectionListJSON{}
	for _, it := range items {
		if n := len(out); n == 0 || out[n-1].Department != it.DepartmentCode {
			out = append(out, inspectionListJSON{Department: it.DepartmentCode, DepartmentName: ref.deptByKey[it.DepartmentCode].Name})
		}
		out[len(out)-1].Items = append(out[len(out)-1].Items, it)
	}
	c.JSON(http.StatusOK, gin.H{"lists": out})
	return nil
}

type inspectionTaskJSON struct {
	Entity     string         `json:"entity"`
	EntityName string         `json:"entity_name"`
	Stratum    string         `json:"stratum"`
	Inspectors []inspectorRef `json:"inspectors"`
	Result     *string        `json:"result"`
	ResultOn   *string        `json:"result_on"`
	Overdue    bool           `json:"overdue"`
}

type inspectionResultJSON struct {
	DrawnAt      *time.Time           `json:"drawn_at"`
	ResultsDueOn string               `json:"results_due_on"`
	Tasks        []inspectionTaskJSON `json:"tasks"`
}

type inspectionPlanJSON struct {
	ID               uint                  `json:"id"`
	Department       string                `json:"department"`
	Departments      []string              `json:"departments"`
	Year             int                   `json:"year"`
	Title            string                `json:"title"`
	State            string                `json:"state"`
	Params           *workflow.DrawParams  `json:"params"`
	ParamsSHA256     string                `json:"params_sha256"`
	EntitiesSHA256   string                `json:"entities_sha256"`
	InspectorsSHA256 string                `json:"inspectors_sha256"`
	InputsSHA256     string                `json:"inputs_sha256"`
	Commitment       string                `json:"commitment"`
	Seed             *string               `json:"seed"`
	Version          int                   `json:"version"`
	Result           *inspectionResultJSON `json:"result"`
}

func planJSON(v *inspectionPlanView) inspectionPlanJSON {
	p := v.Plan
	out := inspectionPlanJSON{ID: p.ID, Department: p.DepartmentCode, Departments: p.Departments, Year: p.Year, Title: p.Title,
		State: p.State, ParamsSHA256: p.ParamsSHA256, EntitiesSHA256: p.EntitiesSHA256, InspectorsSHA256: p.InspectorsSHA256,
		InputsSHA256: p.InputsSHA256, Commitment: p.Commitment, Version: p.Version}
	if p.State != models.PlanDraft {
		params := v.Params
		out.Params = &params
	}
	if seed := p.PublicSeed(); seed != "" {
		out.Seed = &seed
	}
	if v.ShowResults && p.DrawnAt != nil {
		r := &inspectionResultJSON{DrawnAt: p.DrawnAt, ResultsDueOn: p.ResultsDueOn, Tasks: []inspectionTaskJSON{}}
		for _, t := range v.Tasks {
			tj := inspectionTaskJSON{Entity: t.CreditCode, EntityName: t.EntityName, Stratum: t.Stratum, Inspectors: t.Inspectors, Overdue: t.Overdue}
			if t.Result != "" {
				res, on := t.Result, t.ResultOn
				tj.Result, tj.ResultOn = &res, &on
			}
			r.Tasks = append(r.Tasks, tj)
		}
		out.Result = r
	}
	return out
}

// apiInspectionPlans answers GET /api/v1/inspection/plans?department=: the
// public plans with their commitments, and the results of published ones.
func (s *Server) apiInspectionPlans(c *gin.Context) error {
	dept := c.Query("department")
	if _, ok := s.ref.Load().deptByKey[dept]; dept != "" && !ok {
		return invalid(map[string]string{"department": "unknown department"})
	}
	plans, err := s.store.InspectionPlans(c.Request.Context(), dept, true)
	if err != nil {
		return err
	}
	out := []inspectionPlanJSON{}
	for i := range plans {
		v, err := s.planView(c, &plans[i], plans[i].State == models.PlanPublished)
		if err != nil {
			return err
		}
		out = append(out, planJSON(v))
	}
	c.JSON(http.StatusOK, gin.H{"plans": out})
	return nil
}

// apiInspectionDraw answers GET /api/v1/inspection/plans/{id}/draw: every
// published input of the draw, to recompute it with any tool.
func (s *Server) apiInspectionDraw(c *gin.Context) error {
	p, err := s.publicInspectionPlan(c)
	if err != nil {
		return err
	}
	_, in, pub, err := s.store.PublishedDraw(c.Request.Context(), p.ID)
	if err != nil {
		return err
	}
	var seed *string
	var tasks []workflow.DrawTask
	if p.State == models.PlanPublished {
		h := hex.EncodeToString(pub.Seed)
		seed, tasks = &h, pub.Tasks
	}
	c.JSON(http.StatusOK, gin.H{"plan": p.ID, "state": p.State, "input": in, "digests": pub.Digests,
		"commitment": pub.Commitment, "seed": seed, "tasks": tasks,
		"algorithm": "rank = HMAC-SHA256(key = seed bytes, message = label 0x1F id); entities: label \"entity\" 0x1F stratum, lowest take per stratum; inspectors per task: label \"inspector\" 0x1F entity id, skipping avoided, one of each department first"})
	return nil
}

// apiInspectionVerify answers GET /api/v1/inspection/plans/{id}/verify?seed=.
func (s *Server) apiInspectionVerify(c *gin.Context) error {
	p, err := s.publicInspectionPlan(c)
	if err != nil {
		return err
	}
	v, err := s.verifyPlan(c, p, c.Query("seed"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"verified": v.Verified, "check": v.Check, "reason": v.Reason, "seed": v.Seed, "tasks": v.Tasks})
	return nil
}

// apiInspectionEntity answers GET /api/v1/inspection/entities/{code}: the
// entity's public record and its published inspection results.
func (s *Server) apiInspectionEntity(c *gin.Context) error {
	ctx := c.Request.Context()
	e, err := s.store.InspectionEntity(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	ins, err := s.store.EntityInspections(ctx, e.CreditCode)
	if err != nil {
		return err
	}
	type inspectionJSON struct {
		Plan       uint    `json:"plan"`
		Title      string  `json:"title"`
		Department string  `json:"department"`
		Result     *string `json:"result"`
		ResultOn   *string `json:"result_on"`
	}
	out := []inspectionJSON{}
	for _, i := range ins {
		j := inspectionJSON{Plan: i.PlanID, Title: i.Title, Department: i.Department}
		if i.Result != "" {
			res, on := i.Result, i.ResultOn
			j.Result, j.ResultOn = &res, &on
		}
		out = append(out, j)
	}
	c.JSON(http.StatusOK, gin.H{"credit_code": e.CreditCode, "name": e.Name, "kind": e.Kind, "industry": e.Industry,
		"town": e.Town, "registered_on": e.RegisteredOn, "inspections": out})
	return nil
}
