package handlers

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// 双随机一公开, the department's side: its inspection administrator keeps the
// list and rules, imports the 两库, creates plans, freezes and commits them,
// draws, publishes and records results. Every check is made in the
// department of the plan (a joint plan: its leading department manages it,
// any taking part records results).

// inspectionError answers the store's inspection errors; others pass on.
func inspectionError(err error) error {
	switch {
	case errors.Is(err, models.ErrPlanState):
		return &Error{Status: http.StatusConflict, Code: "illegal_transition", Message: "the plan's state does not allow this step; reload it", Err: err}
	case errors.Is(err, workflow.ErrDrawInput):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_draw", Message: err.Error(),
			Fields: map[string]string{"candidates": strings.TrimPrefix(err.Error(), workflow.ErrDrawInput.Error()+": ")}, Err: err}
	}
	return err
}

// inspectionDomains authorizes act on inspections in at least one department
// and returns the departments the user may act in ("*" for all).
func (s *Server) inspectionDomains(c *gin.Context, act string) ([]string, error) {
	p := principalOf(c)
	if p == nil {
		return nil, s.authorize(c, policies.AllDomains, policies.ObjInspection, act)
	}
	domains := s.authz.Domains(p.user.Username, policies.ObjInspection, act)
	if len(domains) == 0 {
		return nil, s.authorize(c, policies.AllDomains, policies.ObjInspection, act)
	}
	return domains, s.authorize(c, domains[0], policies.ObjInspection, act)
}

// authorizePlan loads a plan and checks act in its department: the leading
// one for manage, any taking part for record, read and export.
func (s *Server) authorizePlan(c *gin.Context, id uint, act string) (*models.InspectionPlan, error) {
	p, err := s.store.InspectionPlan(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	if act != policies.ActManage {
		for _, d := range p.Departments {
			if s.can(c, d, policies.ObjInspection, act) {
				return p, s.authorize(c, d, policies.ObjInspection, act)
			}
		}
	}
	return p, s.authorize(c, p.DepartmentCode, policies.ObjInspection, act)
}

// planInput is a new plan as posted (JSON or form).
type planInput struct {
	Department string   `json:"department" form:"department"`
	Joint      []string `json:"joint_departments" form:"joint"`
	Year       int      `json:"year" form:"year"`
	Title      string   `json:"title" form:"title"`
	Industry   string   `json:"industry" form:"industry"`
	ListItemID *uint    `json:"list_item_id" form:"list_item_id"`
}

// validate checks the plan's fields against the known departments.
func (in *planInput) validate(known map[string]models.DepartmentCount) error {
	in.Title, in.Industry = strings.TrimSpace(in.Title), strings.TrimSpace(in.Industry)
	bad := formErrors{}
	if _, ok := known[in.Department]; !ok {
		bad.add("department", "inspection.err.department")
	}
	seen := map[string]bool{in.Department: true}
	for _, d := range in.Joint {
		if _, ok := known[d]; !ok || seen[d] {
			bad.add("joint_departments", "inspection.err.joint")
		}
		seen[d] = true
	}
	if in.Year < 2000 || in.Year > 2100 {
		bad.add("year", "inspection.err.year")
	}
	if in.Title == "" || utf8.RuneCountInString(in.Title) > 100 {
		bad.add("title", "inspection.err.title")
	}
	if utf8.RuneCountInString(in.Industry) > 50 {
		bad.add("industry", "inspection.err.industry")
	}
	return bad.orNil()
}

// createPlan checks and stores a new plan.
func (s *Server) createPlan(c *gin.Context, in planInput) (*models.InspectionPlan, error) {
	if _, err := s.inspectionDomains(c, policies.ActManage); err != nil {
		return nil, err
	}
	// Another department's plan is refused before its fields are looked at.
	known := s.ref.Load().deptByKey
	if _, ok := known[in.Department]; ok {
		if err := s.authorize(c, in.Department, policies.ObjInspection, policies.ActManage); err != nil {
			return nil, err
		}
	}
	if err := in.validate(known); err != nil {
		return nil, err
	}
	if in.ListItemID != nil {
		items, err := s.store.InspectionLists(c.Request.Context(), in.Department)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(items, func(it models.InspectionListItem) bool { return it.ID == *in.ListItemID }) {
			return nil, formErrors{"list_item_id": "inspection.err.list_item"}
		}
	}
	return s.store.CreateInspectionPlan(c.Request.Context(), models.NewInspectionPlan{Departments: append([]string{in.Department}, in.Joint...),
		Year: in.Year, Title: in.Title, Industry: in.Industry, ListItemID: in.ListItemID, Actor: principalOf(c).user.Username, Now: s.now()})
}

// planStepTo runs one step of a plan (commit, draw, publish) after checking it.
func (s *Server) planStepTo(c *gin.Context, step string, version int) (*models.InspectionPlan, error) {
	id, err := inspectionPlanID(c)
	if err != nil {
		return nil, err
	}
	if _, err := s.authorizePlan(c, id, policies.ActManage); err != nil {
		return nil, err
	}
	ctx := c.Request.Context()
	var p *models.InspectionPlan
	switch step {
	case "commit":
		p, err = s.store.CommitInspectionPlan(ctx, id, version, nil, s.now())
	case "draw":
		p, err = s.store.DrawInspectionPlan(ctx, id, version, s.cal.Load(), s.now())
	case "publish":
		p, err = s.store.PublishInspectionPlan(ctx, id, version, s.now())
	default:
		return nil, notFound("step")
	}
	return p, inspectionError(err)
}

// resultInput is a task's result as posted (JSON or form).
type resultInput struct {
	Result  string `json:"result" form:"result"`
	Note    string `json:"note" form:"note"`
	Day     string `json:"day" form:"day"`
	Version int    `json:"version" form:"version"`
}

// validate checks the result, its day (not before the draw, not after today) and the note.
func (in *resultInput) validate(p *models.InspectionPlan, today string) error {
	in.Note, in.Day = strings.TrimSpace(in.Note), strings.TrimSpace(in.Day)
	bad := formErrors{}
	if !slices.Contains(models.InspectionResults, in.Result) {
		bad.add("result", "inspection.err.result")
	}
	drawn := ""
	if p.DrawnAt != nil {
		drawn = models.FormatDay(models.CentreDay(*p.DrawnAt))
	}
	if _, err := workflow.ParseDate(in.Day); err != nil || in.Day > today || in.Day < drawn {
		bad.add("day", "inspection.err.day")
	}
	if utf8.RuneCountInString(in.Note) > 500 {
		bad.add("note", "inspection.err.note")
	}
	if in.Result != "" && in.Result != "no_problem" && in.Result != "not_operating" && in.Note == "" {
		bad.add("note", "inspection.err.note_required")
	}
	return bad.orNil()
}

// recordResult checks and records a task's result.
func (s *Server) recordResult(c *gin.Context, in resultInput) (*models.InspectionTask, *models.InspectionPlan, error) {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil {
		return nil, nil, notFound("task")
	}
	t, err := s.store.InspectionTask(c.Request.Context(), uint(id))
	if err != nil {
		return nil, nil, err
	}
	p, err := s.authorizePlan(c, t.PlanID, policies.ActRecord)
	if err != nil {
		return nil, p, err
	}
	if err := in.validate(p, models.FormatDay(models.CentreDay(s.now()))); err != nil {
		return nil, p, err
	}
	t, err = s.store.RecordInspectionResult(c.Request.Context(), models.InspectionResult{TaskID: t.ID, Version: in.Version,
		Result: in.Result, Note: in.Note, Day: in.Day, Actor: principalOf(c).user.Username})
	return t, p, inspectionError(err)
}

// importSheet reads and imports one kind of sheet; the report carries row problems.
func (s *Server) importSheet(c *gin.Context, kind string) (*models.InspectionImportReport, error) {
	domains, err := s.inspectionDomains(c, policies.ActImport)
	if err != nil {
		return nil, err
	}
	sheet, err := readUpload(c)
	if err != nil {
		return nil, err
	}
	ctx, now := c.Request.Context(), s.now()
	switch kind {
	case "entities":
		if err := sheet.requireColumns(models.ColCreditCode, models.ColEntityName, models.ColRiskLevel); err != nil {
			return nil, err
		}
		return s.store.ImportInspectionEntities(ctx, entityRows(sheet), now)
	case "inspectors":
		if err := sheet.requireColumns(models.ColCertNo, models.ColInspectorName, models.ColDepartment); err != nil {
			return nil, err
		}
		return s.store.ImportInspectors(ctx, inspectorRows(sheet), domains, now)
	case "lists":
		if err := sheet.requireColumns(models.ColDepartment, models.ColListName, models.ColListMethod); err != nil {
			return nil, err
		}
		return s.store.ImportInspectionList(ctx, listRows(sheet), domains, now)
	}
	return nil, notFound("import")
}

// The staff JSON API.

// apiInspectionCreatePlan answers POST /api/v1/inspection/plans.
func (s *Server) apiInspectionCreatePlan(c *gin.Context) error {
	var in planInput
	if err := c.ShouldBindJSON(&in); err != nil {
		return badRequest("the body is not a plan: " + err.Error())
	}
	p, err := s.createPlan(c, in)
	if err != nil {
		if fe := problems(err); fe != nil {
			return invalid(s.englishProblems(fe))
		}
		return err
	}
	v, err := s.planView(c, p, false)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, planJSON(v))
	return nil
}

// apiInspectionPlanStep answers POST /api/v1/inspection/plans/{id}/commit|draw|publish.
func (s *Server) apiInspectionPlanStep(c *gin.Context) error {
	var in struct {
		Version int `json:"version"`
	}
	if err := c.ShouldBindJSON(&in); err != nil || in.Version < 1 {
		return invalid(map[string]string{"version": "the plan's version is required"})
	}
	step := c.Request.URL.Path[strings.LastIndexByte(c.Request.URL.Path, '/')+1:]
	p, err := s.planStepTo(c, step, in.Version)
	if err != nil {
		return err
	}
	v, err := s.planView(c, p, p.State != models.PlanCommitted)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, planJSON(v))
	return nil
}

// apiInspectionResult answers POST /api/v1/inspection/tasks/{id}/result.
func (s *Server) apiInspectionResult(c *gin.Context) error {
	var in resultInput
	if err := c.ShouldBindJSON(&in); err != nil {
		return badRequest("the body is not a result: " + err.Error())
	}
	t, _, err := s.recordResult(c, in)
	if err != nil {
		if fe := problems(err); fe != nil {
			return invalid(s.englishProblems(fe))
		}
		return err
	}
	c.JSON(http.StatusOK, gin.H{"id": t.ID, "entity": t.CreditCode, "result": t.Result, "result_on": t.ResultOn, "version": t.Version})
	return nil
}

// apiInspectionImport answers POST /api/v1/inspection/{entities,inspectors,lists}/import.
func (s *Server) apiInspectionImport(c *gin.Context) error {
	kind := strings.Split(strings.TrimPrefix(c.Request.URL.Path, "/api/v1/inspection/"), "/")[0]
	rep, err := s.importSheet(c, kind)
	if errors.Is(err, models.ErrImportRows) {
		fields := map[string]string{}
		for _, p := range rep.Problems {
			fields["rows."+strconv.Itoa(p.Row)+"."+p.Column] = s.site.T("en", "inspection.import."+p.Code, p.Detail)
		}
		c.JSON(http.StatusUnprocessableEntity, gin.H{"error": errorDetail{Code: "invalid_rows",
			Message: "some rows have problems; nothing was imported", Fields: fields}, "report": rep})
		return nil
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, rep)
	return nil
}

// apiInspectionExport answers GET /api/v1/inspection/plans/{id}/export: the
// plan's tasks and results as XLSX.
func (s *Server) apiInspectionExport(c *gin.Context) error {
	id, err := inspectionPlanID(c)
	if err != nil {
		return err
	}
	p, err := s.authorizePlan(c, id, policies.ActExport)
	if err != nil {
		return err
	}
	v, err := s.planView(c, p, true)
	if err != nil {
		return err
	}
	lang := langOf(c)
	var rows [][]string
	for _, t := range v.Tasks {
		var names []string
		for _, x := range t.Inspectors {
			names = append(names, x.Name+"（"+x.CertNo+"）")
		}
		res := ""
		if t.Result != "" {
			res = s.site.T(lang, "inspection.result."+t.Result)
		} else if t.Overdue {
			res = s.site.T(lang, "inspection.result.overdue")
		}
		rows = append(rows, []string{strconv.Itoa(t.Seq), t.EntityName, t.CreditCode, t.Stratum, strings.Join(names, "、"), res, t.ResultOn, t.ResultNote})
	}
	return writeXLSX(c, "inspection-plan-"+strconv.FormatUint(uint64(id), 10)+".xlsx",
		[]string{"序号", "检查对象", "统一社会信用代码", "风险等级", "执法检查人员", "检查结果", "检查日期", "说明"}, rows)
}

// uiInspectionListExport answers GET /admin/inspection/lists/export?department=:
// the department's list in the import layout.
func (s *Server) uiInspectionListExport(c *gin.Context) error {
	dept := c.Query("department")
	if _, ok := s.ref.Load().deptByKey[dept]; !ok {
		return invalid(map[string]string{"department": "unknown department"})
	}
	if err := s.authorize(c, dept, policies.ObjInspection, policies.ActExport); err != nil {
		return err
	}
	items, err := s.store.InspectionLists(c.Request.Context(), dept)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, it := range items {
		rows = append(rows, []string{it.DepartmentCode, it.ItemCode, it.Name, it.SubItem, it.Basis, it.Subject, it.Object, it.Content,
			s.site.T("zh-CN", "inspection.method."+it.Method), it.Ratio, it.Frequency, it.Requirement})
	}
	return writeXLSX(c, "inspection-list-"+dept+".xlsx", listHeaders, rows)
}
