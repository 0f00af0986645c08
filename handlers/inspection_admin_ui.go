package handlers

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
)

// The inspection administrator's pages: /admin/inspection for a department,
// and one page per plan with its steps and results.

// inspectionAdminPage is the department dashboard.
type inspectionAdminPage struct {
	Dept        models.DepartmentCount
	Choices     []option      // departments the user may read
	AllDepts    []jointChoice // for joint plans
	RatioFields []option      // the rules form's share fields: name and value
	ImportKinds []string
	CanManage   bool
	CanImport   bool
	Items       []models.InspectionListItem
	Rules       models.InspectionRules
	RuleForm    rulesForm
	Plans       []inspectionPlanRow
	Inspectors  []models.Inspector
	Entities    int64
	Plan        planInput
	Errors      map[string]string
	ImportKind  string
	Report      *models.InspectionImportReport
	Problems    []importProblemView
	ImportError string
	Notice      string
}

// jointChoice is a department that may join a plan.
type jointChoice struct {
	Value, Label string
	Selected     bool
}

type importProblemView struct {
	models.ImportRowProblem
	Message string
}

// inspectionDept picks the department of the dashboard: the asked one if the
// user may read it, else the first the user may read.
func (s *Server) inspectionDept(c *gin.Context, asked string) (models.DepartmentCount, []option, error) {
	domains, err := s.inspectionDomains(c, policies.ActRead)
	if err != nil {
		return models.DepartmentCount{}, nil, err
	}
	ref := s.ref.Load()
	var choices []option
	for _, d := range ref.depts {
		if slices.Contains(domains, policies.AllDomains) || slices.Contains(domains, d.Code) {
			choices = append(choices, option{Value: d.Code, Label: d.Name})
		}
	}
	if len(choices) == 0 {
		return models.DepartmentCount{}, nil, s.authorize(c, policies.AllDomains, policies.ObjInspection, policies.ActRead)
	}
	code := choices[0].Value
	if asked != "" {
		code = asked
	}
	d, ok := ref.deptByKey[code]
	if !ok {
		return d, nil, notFound("department")
	}
	return d, choices, s.authorize(c, d.Code, policies.ObjInspection, policies.ActRead)
}

// adminPage loads the dashboard of a department.
func (s *Server) adminPage(c *gin.Context, asked string) (*inspectionAdminPage, error) {
	d, choices, err := s.inspectionDept(c, asked)
	if err != nil {
		return nil, err
	}
	ctx, ref := c.Request.Context(), s.ref.Load()
	p := &inspectionAdminPage{Dept: d, Choices: choices, CanManage: s.can(c, d.Code, policies.ObjInspection, policies.ActManage),
		CanImport: s.can(c, d.Code, policies.ObjInspection, policies.ActImport), Plan: planInput{Department: d.Code, Year: s.now().Year()}}
	p.ImportKinds = []string{"entities", "inspectors", "lists"}
	for _, x := range ref.depts {
		if x.Code != d.Code {
			p.AllDepts = append(p.AllDepts, jointChoice{Value: x.Code, Label: x.Name})
		}
	}
	if p.Items, err = s.store.InspectionLists(ctx, d.Code); err != nil {
		return nil, err
	}
	if p.Rules, err = s.store.InspectionRulesOf(ctx, d.Code); err != nil {
		return nil, err
	}
	p.RuleForm = rulesFormOf(p.Rules)
	plans, err := s.store.InspectionPlans(ctx, d.Code, false)
	if err != nil {
		return nil, err
	}
	p.Plans = s.planRows(plans)
	if p.Inspectors, err = s.store.Inspectors(ctx, d.Code); err != nil {
		return nil, err
	}
	if _, p.Entities, err = s.store.InspectionEntities(ctx, "", 0); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Server) renderInspectionAdmin(c *gin.Context, status int, p *inspectionAdminPage) {
	f := p.RuleForm
	p.RatioFields = []option{{Value: "ratio_a", Label: f.RatioA}, {Value: "ratio_b", Label: f.RatioB},
		{Value: "ratio_c", Label: f.RatioC}, {Value: "ratio_d", Label: f.RatioD}}
	for i := range p.AllDepts {
		p.AllDepts[i].Selected = slices.Contains(p.Plan.Joint, p.AllDepts[i].Value)
	}
	s.render(c, status, "inspection_admin", s.site.T(langOf(c), "inspection.admin.title", p.Dept.Name), "staff", p)
}

// uiInspectionAdmin is GET /admin/inspection?department=.
func (s *Server) uiInspectionAdmin(c *gin.Context) error {
	p, err := s.adminPage(c, c.Query("department"))
	if err != nil {
		return err
	}
	if n := c.Query("done"); n != "" {
		p.Notice = "inspection.admin.done." + n
	}
	created, err1 := strconv.Atoi(c.Query("created"))
	updated, err2 := strconv.Atoi(c.Query("updated"))
	if err1 == nil && err2 == nil { // the report of the import that redirected here
		p.Report = &models.InspectionImportReport{Created: created, Updated: updated}
	}
	s.renderInspectionAdmin(c, http.StatusOK, p)
	return nil
}

// uiInspectionImport is POST /admin/inspection/import: the report, with row problems, on the dashboard.
func (s *Server) uiInspectionImport(c *gin.Context) error {
	kind := c.PostForm("kind")
	if kind != "entities" && kind != "inspectors" && kind != "lists" {
		return badRequest("unknown kind of sheet")
	}
	rep, ierr := s.importSheet(c, kind)
	p, err := s.adminPage(c, c.PostForm("department"))
	if err != nil {
		return err
	}
	p.ImportKind, p.Report = kind, rep
	status := http.StatusOK
	lang := langOf(c)
	var fault *inspectionSheetFault
	switch e := asError(ierr); {
	case errors.Is(ierr, models.ErrImportRows):
		status = http.StatusUnprocessableEntity
		for _, pr := range rep.Problems {
			p.Problems = append(p.Problems, importProblemView{ImportRowProblem: pr, Message: s.site.T(lang, "inspection.import."+pr.Code, pr.Detail)})
		}
	case ierr == nil: // PRG: a reload must not import the file again
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/inspection?department=%s&created=%d&updated=%d#libraries-h",
			url.QueryEscape(p.Dept.Code), rep.Created, rep.Updated))
		return nil
	case errors.As(ierr, &fault): // the file as a whole: said on the page, in its language
		status = e.Status
		if p.ImportError = s.site.T(lang, "inspection.sheet."+fault.Key); len(fault.Columns) > 0 {
			p.ImportError = s.site.T(lang, "inspection.sheet."+fault.Key, strings.Join(fault.Columns, s.site.T(lang, "inspection.sep")))
		}
	default:
		return ierr
	}
	s.renderInspectionAdmin(c, status, p)
	return nil
}

// rulesForm is the 抽查细则 form: shares in percent.
type rulesForm struct {
	Department    string `form:"department"`
	RatioA        string `form:"ratio_a"`
	RatioB        string `form:"ratio_b"`
	RatioC        string `form:"ratio_c"`
	RatioD        string `form:"ratio_d"`
	Inspectors    int    `form:"inspectors"`
	ExcludeMonths int    `form:"exclude_months"`
	Avoidance     string `form:"avoidance"`
}

func rulesFormOf(r models.InspectionRules) rulesForm {
	pct := func(n int) string { return strconv.FormatFloat(float64(n)/10, 'f', -1, 64) }
	return rulesForm{Department: r.DepartmentCode, RatioA: pct(r.RatioA), RatioB: pct(r.RatioB), RatioC: pct(r.RatioC),
		RatioD: pct(r.RatioD), Inspectors: r.Inspectors, ExcludeMonths: r.ExcludeMonths, Avoidance: r.Avoidance}
}

// rules checks the form and returns the rules it sets.
func (f rulesForm) rules() (models.InspectionRules, error) {
	bad := formErrors{}
	r := models.InspectionRules{DepartmentCode: f.Department, Inspectors: f.Inspectors, ExcludeMonths: f.ExcludeMonths,
		Avoidance: strings.TrimSpace(f.Avoidance)}
	for _, x := range []struct {
		name, v string
		into    *int
	}{{"ratio_a", f.RatioA, &r.RatioA}, {"ratio_b", f.RatioB, &r.RatioB}, {"ratio_c", f.RatioC, &r.RatioC}, {"ratio_d", f.RatioD, &r.RatioD}} {
		v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(x.v, "%")), 64)
		if err != nil || v < 0 || v > 100 || math.IsNaN(v) {
			bad.add(x.name, "inspection.err.ratio")
			continue
		}
		*x.into = int(math.Round(v * 10))
	}
	if r.Inspectors < 2 || r.Inspectors > 10 {
		bad.add("inspectors", "inspection.err.inspectors")
	}
	if r.ExcludeMonths < 0 || r.ExcludeMonths > 36 {
		bad.add("exclude_months", "inspection.err.exclude_months")
	}
	if utf8.RuneCountInString(r.Avoidance) > 200 {
		bad.add("avoidance", "inspection.err.avoidance")
	}
	return r, bad.orNil()
}

// uiInspectionRules is POST /admin/inspection/rules.
func (s *Server) uiInspectionRules(c *gin.Context) error {
	var f rulesForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	if _, ok := s.ref.Load().deptByKey[f.Department]; !ok {
		return notFound("department")
	}
	if err := s.authorize(c, f.Department, policies.ObjInspection, policies.ActManage); err != nil {
		return err
	}
	r, err := f.rules()
	if err != nil {
		p, perr := s.adminPage(c, f.Department)
		if perr != nil {
			return perr
		}
		p.RuleForm, p.Errors = f, problems(err)
		s.renderInspectionAdmin(c, http.StatusUnprocessableEntity, p)
		return nil
	}
	if err := s.store.SaveInspectionRules(c.Request.Context(), r, s.now()); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/inspection?department="+url.QueryEscape(f.Department)+"&done=rules#admin-notice") // the notice is at the top; the form sent the browser to #rules-h
	return nil
}

// uiInspectionPlanCreate is POST /admin/inspection/plans.
func (s *Server) uiInspectionPlanCreate(c *gin.Context) error {
	var in planInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	pl, err := s.createPlan(c, in)
	if fe := problems(err); fe != nil {
		p, perr := s.adminPage(c, in.Department)
		if perr != nil {
			return perr
		}
		p.Plan, p.Errors = in, fe
		s.renderInspectionAdmin(c, http.StatusUnprocessableEntity, p)
		return nil
	}
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/inspection/plans/"+strconv.FormatUint(uint64(pl.ID), 10))
	return nil
}

// inspectionAdminPlanPage is a plan's staff page.
type inspectionAdminPlanPage struct {
	*inspectionPlanView
	CanManage bool
	CanRecord bool
	CanExport bool
	Results   []string
	Today     string
	Notice    string
	Error     string
	Errors    map[string]string
	TaskID    uint
	Input     resultInput
}

// uiInspectionPlanAdmin is GET /admin/inspection/plans/{id}.
func (s *Server) uiInspectionPlanAdmin(c *gin.Context) error {
	id, err := inspectionPlanID(c)
	if err != nil {
		return err
	}
	p, err := s.authorizePlan(c, id, policies.ActRead)
	if err != nil {
		return err
	}
	page, err := s.adminPlanPage(c, p)
	if err != nil {
		return err
	}
	if n := c.Query("done"); n != "" {
		page.Notice = "inspection.admin.done." + n
	}
	s.render(c, http.StatusOK, "inspection_admin_plan", p.Title, "staff", page)
	return nil
}

func (s *Server) adminPlanPage(c *gin.Context, p *models.InspectionPlan) (*inspectionAdminPlanPage, error) {
	v, err := s.planView(c, p, p.State == models.PlanDrawn || p.State == models.PlanPublished)
	if err != nil {
		return nil, err
	}
	page := &inspectionAdminPlanPage{inspectionPlanView: v, CanManage: s.can(c, p.DepartmentCode, policies.ObjInspection, policies.ActManage),
		Results: models.InspectionResults, Today: models.FormatDay(models.CentreDay(s.now()))}
	for _, d := range p.Departments {
		page.CanRecord = page.CanRecord || s.can(c, d, policies.ObjInspection, policies.ActRecord)
		page.CanExport = page.CanExport || s.can(c, d, policies.ObjInspection, policies.ActExport)
	}
	return page, nil
}

// uiInspectionPlanStep is POST /admin/inspection/plans/{id}/step (step, version).
func (s *Server) uiInspectionPlanStep(c *gin.Context) error {
	version, _ := strconv.Atoi(c.PostForm("version"))
	step := c.PostForm("step")
	p, err := s.planStepTo(c, step, version)
	if err != nil {
		e := asError(err)
		if e.Status != http.StatusConflict && e.Status != http.StatusUnprocessableEntity {
			return err
		}
		id, _ := inspectionPlanID(c)
		fresh, lerr := s.store.InspectionPlan(c.Request.Context(), id)
		if lerr != nil {
			return lerr
		}
		page, perr := s.adminPlanPage(c, fresh)
		if perr != nil {
			return perr
		}
		page.Error = e.Message
		s.render(c, e.Status, "inspection_admin_plan", fresh.Title, "staff", page)
		return nil
	}
	c.Redirect(http.StatusSeeOther, "/admin/inspection/plans/"+strconv.FormatUint(uint64(p.ID), 10)+"?done="+step)
	return nil
}

// uiInspectionResult is POST /admin/inspection/tasks/{id}.
func (s *Server) uiInspectionResult(c *gin.Context) error {
	var in resultInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	t, p, err := s.recordResult(c, in)
	if err == nil {
		c.Redirect(http.StatusSeeOther, "/admin/inspection/plans/"+strconv.FormatUint(uint64(t.PlanID), 10)+"?done=result#task-"+strconv.Itoa(t.Seq))
		return nil
	}
	e := asError(err)
	if p == nil || (e.Status != http.StatusConflict && e.Status != http.StatusUnprocessableEntity) {
		return err
	}
	fresh, lerr := s.store.InspectionPlan(c.Request.Context(), p.ID)
	if lerr != nil {
		return lerr
	}
	page, perr := s.adminPlanPage(c, fresh)
	if perr != nil {
		return perr
	}
	id, _ := strconv.ParseUint(c.Param("id"), 10, 32)
	page.TaskID, page.Input, page.Errors = uint(id), in, problems(err)
	if page.Errors == nil {
		page.Error = e.Message
	}
	s.render(c, e.Status, "inspection_admin_plan", fresh.Title, "staff", page)
	return nil
}

// inspectionTools links the 双随机一公开 dashboard on the staff landing page
// for whoever reads a department's inspections.
func (s *Server) inspectionTools(c *gin.Context) adminSection {
	sec := adminSection{ID: "tools-inspection", Heading: "inspection.admin.section"}
	if p := principalOf(c); p != nil && len(s.authz.Domains(p.user.Username, policies.ObjInspection, policies.ActRead)) > 0 {
		sec.Links = append(sec.Links, adminLink{"tool-inspection", "/admin/inspection", "inspection.admin.tool", "inspection.admin.tool_hint"})
	}
	return sec
}
