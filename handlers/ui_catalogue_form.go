package handlers

import (
	"cmp"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/models"
)

// The service-guide form shared by the edit and the create pages: every
// field of models.Item that an administrator edits, and four row tables
// (materials, fees, process steps, workflow departments) whose rows are
// added in blank rows, removed with a check box and reordered by an order
// number. Disposition fields have their own page; code, status and version
// are the store's.

// Choices offered by the form.
var (
	editHandlingKinds   = []string{models.KindPromised, models.KindImmediate}
	editNecessities     = []string{models.NecessityRequired, models.NecessityOptional, models.NecessityDeferred}
	editMaterialKinds   = []string{"original", "copy", "both"}
	editMaterialForms   = []string{"paper", "electronic", "both"}
	editMaterialSources = []string{"applicant", "government", "other"}
	editServiceObjects  = []string{"person", "enterprise", "institution", "social_org", "unincorporated", "agency", "other"}
	editHandleForms     = []string{"window", "online", "post"}
	editResultTypes     = []string{"licence", "approval", "other", "none"}
	editPowerSources    = []string{"statutory", "delegated_up", "authorised_up", "authorised_peer", "entrusted_up", "entrusted_peer"}
	editUseLevels       = []string{"district", "township"}
	editStages          = []string{models.StageReview, models.StageDecide}
)

// Blank rows the form offers for adding, per table.
const (
	blankMaterialRows = 2
	blankFeeRows      = 2
	blankStepRows     = 2
	blankDeptRows     = 1
	maxFormRows       = 500
)

// guideRowState is what every form row has besides its values.
type guideRowState struct {
	Order  string // the order number as typed
	Remove bool
	Blank  bool              // offered empty, for adding
	Errors map[string]string // column → translated message
}

type materialRow struct {
	models.Material
	guideRowState
}

type feeRow struct {
	models.Fee
	guideRowState
}

type stepRow struct {
	models.Step
	guideRowState
}

type deptRow struct {
	models.ItemDepartment
	guideRowState
	StageRows []stagesPlanRow // the department's own sequence, with blank rows
	stageOf   []int           // the form row of each stage of the sequence
}

// itemChoice is one option of a select whose labels the handler translates.
type itemChoice struct{ Value, Label string }

// itemEditPage is the data of the edit and create forms.
type itemEditPage struct {
	Item        *models.Item // the values shown (stored, draft or guideSubmission)
	New         bool         // the create form
	Action      string       // where the form posts
	Code        string
	Department  string
	Version     int // the base version of the edit
	Reason      string
	Materials   []materialRow
	Fees        []feeRow
	Steps       []stepRow
	Workflow    []deptRow
	Errors      map[string]string // field → translated message
	Summary     []string          // every message, labelled, for the box on top
	HasDraft    bool
	DraftStale  bool
	DraftBy     string
	Unpublished bool
	CanPublish  bool
	CanDispose  bool
	Saved       string // "published", "draft" or "created" after a redirect

	Types, Departments, UseLevels                             []itemChoice
	HandlingKinds, Necessities, MaterialKinds, MaterialForms  []string
	MaterialSources, ServiceObjects, HandleForms, ResultTypes []string
	PowerSources, Stages                                      []string
	StageRoles                                                []itemChoice // roles a stage of a sequence may name
}

// Has reports whether list holds v (for check boxes).
func (p itemEditPage) Has(list []string, v string) bool { return slices.Contains(list, v) }

// Err is the message element of a field with an error, or nothing.
func (p itemEditPage) Err(field string) template.HTML {
	msg, ok := p.Errors[field]
	if !ok {
		return ""
	}
	return template.HTML(`<p class="field-error" id="err-` + template.HTMLEscapeString(field) + `">` +
		template.HTMLEscapeString(msg) + `</p>`)
}

// withRows fills the row tables from an item, with blank rows for adding.
func (p *itemEditPage) withRows(it *models.Item) {
	order := func(i int) string { return strconv.Itoa(i + 1) }
	p.Materials, p.Fees, p.Steps, p.Workflow = nil, nil, nil, nil
	for i, m := range it.Materials {
		p.Materials = append(p.Materials, materialRow{Material: m, guideRowState: guideRowState{Order: order(i)}})
	}
	for i, f := range it.Fees {
		p.Fees = append(p.Fees, feeRow{Fee: f, guideRowState: guideRowState{Order: order(i)}})
	}
	for i, s := range it.Steps {
		p.Steps = append(p.Steps, stepRow{Step: s, guideRowState: guideRowState{Order: order(i)}})
	}
	for i, d := range it.Departments {
		p.Workflow = append(p.Workflow, deptRow{ItemDepartment: d, guideRowState: guideRowState{Order: order(i)}, StageRows: stagesRows(d.Plan)})
	}
	p.addBlankRows(1)
}

// addBlankRows appends times the usual number of blank rows to every table.
func (p *itemEditPage) addBlankRows(times int) {
	blank := guideRowState{Blank: true}
	for range blankMaterialRows * times {
		p.Materials = append(p.Materials, materialRow{Material: models.Material{Necessity: models.NecessityRequired, Copies: models.IntPtr(1)}, guideRowState: blank})
	}
	for range blankFeeRows * times {
		p.Fees = append(p.Fees, feeRow{guideRowState: blank})
	}
	for range blankStepRows * times {
		p.Steps = append(p.Steps, stepRow{Step: models.Step{CountsTime: true}, guideRowState: blank})
	}
	for i := range p.Workflow {
		p.Workflow[i].StageRows = withBlankStages(p.Workflow[i].StageRows, times)
	}
	for range blankDeptRows * times {
		p.Workflow = append(p.Workflow, deptRow{ItemDepartment: models.ItemDepartment{Stages: models.StringList{models.StageReview}}, guideRowState: blank,
			StageRows: withBlankStages(nil, times)})
	}
}

// guideForm is the service-guide form as posted: the submit button, the
// reason and the base version, the item's own fields, and the row counts of
// the four tables. Numbers are kept as typed, so that one that is not a
// number is a field message rather than a refused form. The tables' cells
// ("m0_name") are numbered by row and read from cells, the posted form.
type guideForm struct {
	Action  string `form:"action"` // publish, draft or rows
	Reason  string `form:"reason"`
	Version *int   `form:"version"` // the edit's base version

	Code             string   `form:"code"`
	CatalogCode      string   `form:"catalog_code"`
	Name             string   `form:"name"`
	Type             string   `form:"type"`
	Department       string   `form:"department"`
	OnApplication    string   `form:"on_application"`
	PowerSource      string   `form:"power_source"`
	UseLevel         string   `form:"use_level"`
	LegalBasis       string   `form:"legal_basis"`
	ServiceObjects   []string `form:"service_objects"`
	HandlingKind     string   `form:"handling_kind"`
	StatutoryDays    string   `form:"statutory_days"`
	PromisedDays     string   `form:"promised_days"`
	AcceptConditions string   `form:"accept_conditions"`
	HandleForms      []string `form:"handle_forms"`
	Visits           string   `form:"visits"`
	Location         string   `form:"location"`
	Hours            string   `form:"hours"`
	Phone            string   `form:"phone"`
	ComplaintPhone   string   `form:"complaint_phone"`
	IsFee            string   `form:"is_fee"`
	FeeBasis         string   `form:"fee_basis"`
	SpecialProcedure string   `form:"special_procedure"`
	ResultType       string   `form:"result_type"`
	ResultName       string   `form:"result_name"`
	OnlineDepth      string   `form:"online_depth"`
	Area             string   `form:"area"`
	EffectiveOn      string   `form:"effective_on"`
	PledgeAllowed    string   `form:"pledge_allowed"`
	PledgeText       string   `form:"pledge_text"`
	PledgeCheckDays  string   `form:"pledge_check_days"`
	PendingDays      string   `form:"pending_days"`

	MaterialRows string `form:"material_rows"`
	FeeRows      string `form:"fee_rows"`
	StepRows     string `form:"step_rows"`
	DeptRows     string `form:"dept_rows"`

	cells url.Values
}

// bindGuideForm binds the posted guide form.
func bindGuideForm(c *gin.Context) (*guideForm, error) {
	var f guideForm
	if err := bindForm(c, &f); err != nil {
		return nil, err
	}
	f.cells = c.Request.PostForm
	return &f, nil
}

// guideFormReader reads the form's values, noting fields that are not well formed.
type guideFormReader struct {
	cells url.Values
	bad   map[string]string // field → locale key
}

func (f guideFormReader) str(name string) string { return strings.TrimSpace(f.cells.Get(name)) }

// num reads the whole number v of the field name.
// num reads a number that may be left blank: blank is unknown (nil), never 0.
func (f guideFormReader) num(name, v string, dst **int) {
	v = strings.TrimSpace(v)
	if v == "" {
		*dst = nil
		return
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		f.bad[name] = "admin.err.number"
		return
	}
	*dst = &n
}

// yesNo reads a 是/否 choice that may be left unknown.
func yesNo(v string) *bool {
	switch v {
	case "1":
		return models.BoolPtr(true)
	case "0":
		return models.BoolPtr(false)
	}
	return nil
}

// list keeps the values given, trimmed.
func trimmedList(values []string) models.StringList {
	out := models.StringList{}
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// rowCount is a table's number of rows as posted, within bounds.
func rowCount(v string) int {
	n, _ := strconv.Atoi(v)
	return min(max(n, 0), maxFormRows)
}

// cell reads column col of row i of the table whose fields start with p ("m0_name").
func (f guideFormReader) cell(p string, i int, col string) string {
	return f.str(p + strconv.Itoa(i) + "_" + col)
}

// guideSubmission is the form as read: the edited item, the rows as typed (for
// showing them again) and, for each table, the form row of every item row.
type guideSubmission struct {
	item                         *models.Item
	materials                    []materialRow
	fees                         []feeRow
	steps                        []stepRow
	workflow                     []deptRow
	bad                          map[string]string
	matOf, feeOf, stepOf, deptOf []int
}

// itemFromForm applies the guide form to a copy of base (the stored item,
// or an empty one for a new item).
func itemFromForm(g *guideForm, base *models.Item) *guideSubmission {
	f := guideFormReader{cells: g.cells, bad: map[string]string{}}
	t := strings.TrimSpace
	it := *base
	if base.ID == 0 {
		it.Code = t(g.Code)
	}
	it.CatalogCode = t(g.CatalogCode)
	it.Name = t(g.Name)
	it.TypeCode = t(g.Type)
	it.DepartmentCode = t(g.Department)
	it.OnApplication = g.OnApplication == "1"
	it.PowerSource = t(g.PowerSource)
	it.UseLevel = t(g.UseLevel)
	it.LegalBasis = t(g.LegalBasis)
	it.ServiceObjects = trimmedList(g.ServiceObjects)
	it.HandlingKind = t(g.HandlingKind)
	f.num("statutory_days", g.StatutoryDays, &it.StatutoryDays)
	f.num("promised_days", g.PromisedDays, &it.PromisedDays)
	it.AcceptConditions = t(g.AcceptConditions)
	it.HandleForms = trimmedList(g.HandleForms)
	f.num("visits", g.Visits, &it.Visits)
	it.Location, it.Hours = t(g.Location), t(g.Hours)
	it.Phone, it.ComplaintPhone = t(g.Phone), t(g.ComplaintPhone)
	it.IsFee = yesNo(g.IsFee)
	it.FeeBasis = t(g.FeeBasis)
	it.SpecialProcedure = t(g.SpecialProcedure)
	it.ResultType, it.ResultName = t(g.ResultType), t(g.ResultName)
	f.num("online_depth", g.OnlineDepth, &it.OnlineDepth)
	it.Area = t(g.Area)
	it.EffectiveOn = t(g.EffectiveOn)
	it.PledgeAllowed, it.PledgeText = g.PledgeAllowed == "1", t(g.PledgeText)
	f.num("pledge_check_days", g.PledgeCheckDays, &it.PledgeCheckDays)
	f.num("pending_days", g.PendingDays, &it.PendingDays)

	s := &guideSubmission{item: &it, bad: f.bad}
	s.readMaterials(f, rowCount(g.MaterialRows))
	s.readFees(f, rowCount(g.FeeRows))
	s.readSteps(f, rowCount(g.StepRows))
	s.readWorkflow(f, rowCount(g.DeptRows))
	return s
}

// rowNum reads a whole number of a row cell; empty is zero.
func rowNumber(f guideFormReader, v string, st *guideRowState, col, table string) int {
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		st.Errors[col] = "admin.err.number"
		f.bad[table] = "catalogue.err.rows"
	}
	return n
}

// rowOptional reads a row number that may be left blank (unknown).
func rowOptional(f guideFormReader, v string, st *guideRowState, col, table string) *int {
	if v == "" {
		return nil
	}
	n := rowNumber(f, v, st, col, table)
	return &n
}

// keep orders the kept rows by their order numbers (stably; a row without
// one goes last) and returns their form indexes.
func orderRows(f guideFormReader, table string, states []*guideRowState, kept []int) []int {
	key := make(map[int]int, len(kept))
	for _, i := range kept {
		key[i] = maxFormRows + 1 + i
		if o := states[i].Order; o != "" {
			n, err := strconv.Atoi(o)
			if err != nil {
				states[i].Errors["order"] = "admin.err.number"
				f.bad[table] = "catalogue.err.rows"
				continue
			}
			key[i] = n
		}
	}
	slices.SortStableFunc(kept, func(a, b int) int { return cmp.Compare(key[a], key[b]) })
	return kept
}

func newRowState(f guideFormReader, p string, i int) guideRowState {
	return guideRowState{Order: f.cell(p, i, "order"), Remove: f.cell(p, i, "remove") == "1", Errors: map[string]string{}}
}

// readRows reads one row table of the form: every row through read, then
// the indexes of the kept rows (neither removed nor blank) in the order of
// their order numbers.
func readRows[R any](f guideFormReader, count int, table string, read func(i int) R, state func(*R) *guideRowState) ([]R, []int) {
	var rows []R
	var kept []int
	for i := range count {
		r := read(i)
		if st := state(&r); !st.Remove && !st.Blank {
			kept = append(kept, i)
		}
		rows = append(rows, r)
	}
	states := make([]*guideRowState, len(rows))
	for i := range rows {
		states[i] = state(&rows[i])
	}
	return rows, orderRows(f, table, states, kept)
}

// pick returns the rows at the given indexes, through get.
func pick[R, T any](rows []R, order []int, get func(R) T) []T {
	var out []T
	for _, i := range order {
		out = append(out, get(rows[i]))
	}
	return out
}

func (s *guideSubmission) readMaterials(f guideFormReader, n int) {
	s.materials, s.matOf = readRows(f, n, "materials", func(i int) materialRow {
		r := materialRow{guideRowState: newRowState(f, "m", i), Material: models.Material{
			Key: f.cell("m", i, "key"), Name: f.cell("m", i, "name"), Necessity: f.cell("m", i, "necessity"),
			Kind: f.cell("m", i, "kind"), Form: f.cell("m", i, "form"), Source: f.cell("m", i, "source"),
			Remark: f.cell("m", i, "remark"), BlankForm: f.cell("m", i, "blank_form") == "1",
			PledgeReplaces: f.cell("m", i, "pledge_replaces") == "1"}}
		r.Copies = rowOptional(f, f.cell("m", i, "copies"), &r.guideRowState, "copies", "materials")
		r.Blank = r.Key == "" && r.Name == "" && r.Remark == ""
		return r
	}, func(r *materialRow) *guideRowState { return &r.guideRowState })
	s.item.Materials = pick(s.materials, s.matOf, func(r materialRow) models.Material { return r.Material })
}

func (s *guideSubmission) readFees(f guideFormReader, n int) {
	s.fees, s.feeOf = readRows(f, n, "fees", func(i int) feeRow {
		r := feeRow{guideRowState: newRowState(f, "f", i), Fee: models.Fee{
			Name: f.cell("f", i, "name"), Standard: f.cell("f", i, "standard"), Basis: f.cell("f", i, "basis"),
			Exemption: f.cell("f", i, "exemption")}}
		r.Blank = r.Name == "" && r.Standard == "" && r.Basis == "" && r.Exemption == ""
		return r
	}, func(r *feeRow) *guideRowState { return &r.guideRowState })
	s.item.Fees = pick(s.fees, s.feeOf, func(r feeRow) models.Fee { return r.Fee })
}

func (s *guideSubmission) readSteps(f guideFormReader, n int) {
	s.steps, s.stepOf = readRows(f, n, "steps", func(i int) stepRow {
		r := stepRow{guideRowState: newRowState(f, "s", i), Step: models.Step{
			Name: f.cell("s", i, "name"), Actor: f.cell("s", i, "actor"), Note: f.cell("s", i, "note"),
			CountsTime: f.cell("s", i, "counts") == "1"}}
		days := f.cell("s", i, "days")
		r.Days = rowNumber(f, days, &r.guideRowState, "days", "steps")
		r.Blank = r.Name == "" && r.Actor == "" && r.Note == "" && (days == "" || days == "0")
		return r
	}, func(r *stepRow) *guideRowState { return &r.guideRowState })
	s.item.Steps = pick(s.steps, s.stepOf, func(r stepRow) models.Step { return r.Step })
}

// readWorkflow reads the departments taking part. An item whose form lists
// none is handled by its own department alone, reviewing and deciding.
func (s *guideSubmission) readWorkflow(f guideFormReader, n int) {
	s.workflow, s.deptOf = readRows(f, n, "departments", func(i int) deptRow {
		r := deptRow{guideRowState: newRowState(f, "d", i), ItemDepartment: models.ItemDepartment{
			DepartmentCode: f.cell("d", i, "code"), Stages: trimmedList(f.cells["d"+strconv.Itoa(i)+"_stages"])}}
		r.StageRows, r.stageOf, r.Plan = readStages(f, i)
		r.Blank = r.DepartmentCode == ""
		return r
	}, func(r *deptRow) *guideRowState { return &r.guideRowState })
	s.item.Departments = pick(s.workflow, s.deptOf, func(r deptRow) models.ItemDepartment { return r.ItemDepartment })
	if len(s.item.Departments) == 0 && s.item.DepartmentCode != "" {
		s.item.Departments = []models.ItemDepartment{{DepartmentCode: s.item.DepartmentCode,
			Stages: models.StringList{models.StageReview, models.StageDecide}}}
	}
}
