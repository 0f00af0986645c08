package handlers

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/models/search"
	"onewindow/workflow"
)

type statsResponse struct {
	Reviewed      int            `json:"reviewed"`
	Retained      int            `json:"retained"`
	Reduced       int            `json:"reduced"`
	Departments   int            `json:"departments"`
	ByType        map[string]int `json:"by_type"`
	ByDisposition map[string]int `json:"by_disposition"`
	Services      int            `json:"public_services"`
	Guides        guideStatsJSON `json:"guides"`
}

// guideStatsJSON is the completeness of the service guides of the items filed
// on application; averages are null when no value is known, and every count
// of known values has its unknown companion.
type guideStatsJSON struct {
	OnApplication    int      `json:"on_application"`
	Incomplete       int      `json:"incomplete"`
	Immediate        int      `json:"immediate"`
	Promised         int      `json:"promised"`
	KindUnknown      int      `json:"handling_kind_unknown"`
	StatutoryUnknown int      `json:"statutory_days_unknown"`
	AvgStatutoryDays *float64 `json:"avg_statutory_days"`
	PromisedUnknown  int      `json:"promised_days_unknown"`
	AvgPromisedDays  *float64 `json:"avg_promised_days"`
	FeeYes           int      `json:"fee_yes"`
	FeeNo            int      `json:"fee_no"`
	FeeUnknown       int      `json:"fee_unknown"`
	AtMostOneVisit   int      `json:"at_most_one_visit"`
	VisitsUnknown    int      `json:"visits_unknown"`
}

func guideStatsOf(g models.GuideStats) guideStatsJSON {
	return guideStatsJSON{OnApplication: g.OnApplication, Incomplete: g.Incomplete, Immediate: g.Immediate,
		Promised: g.Promised, KindUnknown: g.KindUnknown, StatutoryUnknown: g.StatutoryUnknown,
		AvgStatutoryDays: g.AvgStatutoryDays, PromisedUnknown: g.PromisedUnknown, AvgPromisedDays: g.AvgPromisedDays,
		FeeYes: g.FeeYes, FeeNo: g.FeeNo, FeeUnknown: g.FeeUnknown, AtMostOneVisit: g.AtMostOneVisit,
		VisitsUnknown: g.VisitsUnknown}
}

func (s *Server) apiStats(c *gin.Context) error {
	st, err := s.store.Stats(c.Request.Context())
	if err != nil {
		return err
	}
	g, err := s.store.GuideStats(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, statsResponse{
		Reviewed: st.Reviewed, Retained: st.Retained, Reduced: st.Reduced, Departments: st.Departments,
		ByType: st.ByType, ByDisposition: st.ByDisposition, Services: st.Services, Guides: guideStatsOf(g),
	})
	return nil
}

type departmentJSON struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Short string `json:"short_name"`
	Items int    `json:"items"`
	Phone string `json:"phone"`
	// The office details; empty is unknown (未公布).
	Address     string `json:"address"`
	Hours       string `json:"hours"`
	Website     string `json:"website"`
	Description string `json:"description"`
}

func (s *Server) apiDepartments(c *gin.Context) error {
	depts, err := s.store.Departments(c.Request.Context())
	if err != nil {
		return err
	}
	out := make([]departmentJSON, len(depts))
	for i, d := range depts {
		out[i] = departmentOut(d.Department, d.Items)
	}
	c.JSON(http.StatusOK, gin.H{"departments": out})
	return nil
}

type itemSummaryJSON struct {
	Code           string `json:"code"`
	Name           string `json:"name"`
	Type           string `json:"type"`
	TypeName       string `json:"type_name"`
	Department     string `json:"department"`
	DepartmentName string `json:"department_name"`
	Disposition    string `json:"disposition"`
	OnApplication  bool   `json:"on_application"`
	Joint          bool   `json:"joint"`
	Immediate      bool   `json:"immediate"`
	StatutoryDays  *int   `json:"statutory_days"`
	PromisedDays   *int   `json:"promised_days"`
	// Score and Highlight come with a text search: the rank and the escaped name with
	// the matched words in <mark>.
	Score     *float64 `json:"score,omitempty"`
	Highlight string   `json:"highlight,omitempty"`
}

type itemListResponse struct {
	Total    int               `json:"total"`
	Page     int               `json:"page"`
	PageSize int               `json:"page_size"`
	Items    []itemSummaryJSON `json:"items"`
	// DidYouMean offers the nearest known terms when a search found nothing.
	DidYouMean []string `json:"did_you_mean,omitempty"`
}

// apiItems lists and searches the published catalogue. The answer depends
// on the catalogue alone, so answers are kept until it changes: citizens
// ask the same few questions (食品, 营业执照 …) all day.
func (s *Server) apiItems(c *gin.Context) error {
	gen := s.answers.generation() // before anything the answer is built from
	q, err := s.parseItemQuery(c.Request.URL.Query())
	if err != nil {
		return err
	}
	key := searchKeyOf(q.Query)
	if b, ok := s.answers.get(key); ok {
		c.Data(http.StatusOK, jsonContentType, b)
		return nil
	}
	res := s.search.Search(q.Query)
	ref := s.ref.Load()
	out := itemListResponse{Total: res.Total, Page: q.Page, PageSize: q.PageSize, Items: make([]itemSummaryJSON, len(res.Entries))}
	for i, e := range res.Entries {
		out.Items[i] = summaryJSON(e, ref)
		if i < len(res.Matches) {
			score := res.Matches[i].Score
			out.Items[i].Score, out.Items[i].Highlight = &score, res.Matches[i].HighlightHTML()
		}
	}
	out.DidYouMean = res.DidYouMean
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	s.answers.put(gen, key, b)
	c.Data(http.StatusOK, jsonContentType, b)
	return nil
}

// jsonContentType is what gin's JSON answers carry.
const jsonContentType = "application/json; charset=utf-8"

// searchKey is a catalogue query as a map key.
type searchKey struct {
	q, department, typ, status, scope string
	onApplication, joint              string // "", "true" or "false"
	offset, limit                     int
}

func searchKeyOf(q search.Query) searchKey {
	tri := func(b *bool) string {
		if b == nil {
			return ""
		}
		return strconv.FormatBool(*b)
	}
	return searchKey{q: q.Q, department: q.Department, typ: q.Type, status: q.Status, scope: q.Scope,
		onApplication: tri(q.OnApplication), joint: tri(q.Joint), offset: q.Offset, limit: q.Limit}
}

// answersCacheSize bounds the kept catalogue answers (about 6 KB each).
const answersCacheSize = 1024

func summaryJSON(e search.Entry, ref *reference) itemSummaryJSON {
	return itemSummaryJSON{
		Code: e.Code, Name: e.Name, Type: e.TypeCode, TypeName: ref.typeByKey[e.TypeCode].Name,
		Department: e.DepartmentCode, DepartmentName: e.DepartmentName, Disposition: e.Disposition,
		OnApplication: e.OnApplication, Joint: e.Joint, Immediate: e.Immediate,
		StatutoryDays: e.StatutoryDays, PromisedDays: e.PromisedDays,
	}
}

func (s *Server) apiItem(c *gin.Context) error {
	it, err := s.store.Item(c.Request.Context(), c.Param("code"))
	if err != nil {
		return err
	}
	return s.writeGuide(c, http.StatusOK, it)
}

// writeGuide answers an item's guide with its place in its 主项 / 子项 group.
func (s *Server) writeGuide(c *gin.Context, status int, it *models.Item) error {
	grp, err := s.store.ItemGroup(c.Request.Context(), it)
	if err != nil {
		return err
	}
	g := guideJSON(it, s.ref.Load())
	g.OpenForApplication, g.Missing = s.openForApplication(it)
	g.SubItems = make([]string, len(grp.Subs))
	for i, r := range grp.Subs {
		g.SubItems[i] = r.Code
	}
	if grp.Main != nil {
		g.MainItem = &grp.Main.Code
	}
	c.JSON(status, g)
	return nil
}

type deadlineResponse struct {
	Start    string `json:"start"`
	Days     int    `json:"days"`
	Deadline string `json:"deadline"`
}

// maxDeadlineDays bounds the working days a deadline query may add (a few years).
const maxDeadlineDays = 1000

func (s *Server) apiDeadline(c *gin.Context) error {
	fields := map[string]string{}
	start, err := workflow.ParseDate(c.Query("start"))
	if err != nil {
		fields["start"] = "must be a date as YYYY-MM-DD"
	}
	days, err := strconv.Atoi(c.Query("days"))
	if err != nil || days < 0 || days > maxDeadlineDays {
		fields["days"] = "must be a whole number of working days from 0 to " + strconv.Itoa(maxDeadlineDays)
	}
	if len(fields) > 0 {
		return invalid(fields)
	}
	d := s.cal.Load().AddWorkdays(start, days)
	c.JSON(http.StatusOK, deadlineResponse{Start: start.Format(time.DateOnly), Days: days, Deadline: d.Format(time.DateOnly)})
	return nil
}

// itemGuideJSON is the full service guide of one item.
type itemGuideJSON struct {
	itemSummaryJSON
	CatalogCode       string    `json:"catalog_code"`
	Status            string    `json:"status"`
	Version           int       `json:"version"`
	DispositionReason string    `json:"disposition_reason,omitempty"`
	DispositionBasis  string    `json:"disposition_basis,omitempty"`
	MergedInto        string    `json:"merged_into,omitempty"`
	PowerSource       string    `json:"power_source"`
	UseLevel          string    `json:"use_level"`
	LegalBasis        string    `json:"legal_basis"`
	ServiceObjects    []string  `json:"service_objects"`
	HandlingKind      string    `json:"handling_kind"`
	AcceptConditions  string    `json:"accept_conditions"`
	HandleForms       []string  `json:"handle_forms"`
	Visits            *int      `json:"visits"`
	Location          string    `json:"location"`
	Hours             string    `json:"hours"`
	Phone             string    `json:"phone"`
	ComplaintPhone    string    `json:"complaint_phone"`
	IsFee             *bool     `json:"is_fee"`
	FeeBasis          string    `json:"fee_basis"`
	Fees              []feeJSON `json:"fees"`
	SpecialProcedure  string    `json:"special_procedure"`
	ResultType        string    `json:"result_type"`
	ResultName        string    `json:"result_name"`
	OnlineDepth       *int      `json:"online_depth"`
	Area              string    `json:"area"`
	EffectiveOn       string    `json:"effective_on"`
	CancelOn          string    `json:"cancel_on,omitempty"`
	// 告知承诺制: whether a pledge may replace the proofs, its text and its
	// check period; pending_days is the 容缺 period, null when the item does not
	// say, and pending_days_effective the period that applies (the default then).
	PledgeAllowed        bool            `json:"pledge_allowed"`
	PledgeText           string          `json:"pledge_text"`
	PledgeCheckDays      *int            `json:"pledge_check_days"`
	PendingDays          *int            `json:"pending_days"`
	PendingDaysEffective int             `json:"pending_days_effective"`
	Materials            []materialJSON  `json:"materials"`
	Steps                []stepJSON      `json:"steps"`
	Workflow             workflowDefJSON `json:"workflow"`
	// OpenForApplication is false for an item that takes no application;
	// Missing names what an incomplete guide of an item filed on application lacks.
	OpenForApplication bool     `json:"open_for_application"`
	Missing            []string `json:"missing"`
	MainName           string   `json:"main_name"`
	MainItem           *string  `json:"main_item"` // code of the main item, null when none
	SubItems           []string `json:"sub_items"` // codes of the sub-items
}

type materialJSON struct {
	Key       string `json:"key"`
	Name      string `json:"name"`
	Necessity string `json:"necessity"`
	Form      string `json:"form"`
	Kind      string `json:"kind"`
	Copies    *int   `json:"copies"`
	Source    string `json:"source"`
	BlankForm bool   `json:"blank_form"`
	Remark    string `json:"remark"`
	// PledgeReplaces: the item's 告知承诺 may stand for this material.
	PledgeReplaces bool `json:"pledge_replaces"`
}

type feeJSON struct {
	Name      string `json:"name"`
	Standard  string `json:"standard"`
	Basis     string `json:"basis"`
	Exemption string `json:"exemption,omitempty"` // the published 减免; absent when none
}

type stepJSON struct {
	Name       string `json:"name"`
	Actor      string `json:"actor"`
	Days       int    `json:"days"`
	CountsTime bool   `json:"counts_toward_limit"`
	Note       string `json:"note"`
}

type workflowDefJSON struct {
	Joint       bool               `json:"joint"`
	Immediate   bool               `json:"immediate"`
	Departments []workflowDeptJSON `json:"departments"`
}

type workflowDeptJSON struct {
	Code   string   `json:"code"`
	Name   string   `json:"name"`
	Stages []string `json:"stages"`
	// Plan is the department's own sequence of stages; absent for the default review and decide.
	Plan []workflow.StageStep `json:"plan,omitempty"`
}

func guideJSON(it *models.Item, ref *reference) itemGuideJSON {
	dept := ref.deptByKey[it.DepartmentCode]
	g := itemGuideJSON{
		itemSummaryJSON: itemSummaryJSON{
			Code: it.Code, Name: it.Name, Type: it.TypeCode, TypeName: ref.typeByKey[it.TypeCode].Name,
			Department: it.DepartmentCode, DepartmentName: dept.Name, Disposition: it.Disposition,
			OnApplication: it.OnApplication, Joint: it.Joint(), Immediate: it.HandlingKind == models.KindImmediate,
			StatutoryDays: it.StatutoryDays, PromisedDays: it.PromisedDays,
		},
		CatalogCode: it.CatalogCode, Status: it.Status, Version: it.Version,
		DispositionReason: it.DispositionReason, DispositionBasis: it.DispositionBasis, MergedInto: it.MergedInto,
		PowerSource: it.PowerSource, UseLevel: it.UseLevel, LegalBasis: it.LegalBasis,
		ServiceObjects: nonNil(it.ServiceObjects), HandlingKind: it.HandlingKind, AcceptConditions: it.AcceptConditions,
		HandleForms: nonNil(it.HandleForms), Visits: it.Visits, Location: it.Location, Hours: it.Hours,
		Phone: it.Phone, ComplaintPhone: it.ComplaintPhone, IsFee: it.IsFee, FeeBasis: it.FeeBasis,
		SpecialProcedure: it.SpecialProcedure, ResultType: it.ResultType, ResultName: it.ResultName,
		OnlineDepth: it.OnlineDepth, Area: it.Area, EffectiveOn: it.EffectiveOn, CancelOn: it.CancelOn,
		Materials: make([]materialJSON, len(it.Materials)), Fees: make([]feeJSON, len(it.Fees)),
		Steps: make([]stepJSON, len(it.Steps)),
		Workflow: workflowDefJSON{Joint: it.Joint(), Immediate: it.HandlingKind == models.KindImmediate,
			Departments: make([]workflowDeptJSON, len(it.Departments))},
	}
	g.MainName, g.SubItems = it.MainName, []string{}
	g.PledgeAllowed, g.PledgeText, g.PledgeCheckDays = it.PledgeAllowed, it.PledgeText, it.PledgeCheckDays
	g.PendingDays, g.PendingDaysEffective = it.PendingDays, models.EffectivePendingDays(it.PendingDays)
	for i, m := range it.Materials {
		g.Materials[i] = materialJSON{Key: m.Key, Name: m.Name, Necessity: m.Necessity, Form: m.Form, Kind: m.Kind,
			Copies: m.Copies, Source: m.Source, BlankForm: m.BlankForm, Remark: m.Remark, PledgeReplaces: m.PledgeReplaces}
	}
	for i, f := range it.Fees {
		g.Fees[i] = feeJSON{Name: f.Name, Standard: f.Standard, Basis: f.Basis, Exemption: f.Exemption}
	}
	for i, st := range it.Steps {
		g.Steps[i] = stepJSON{Name: st.Name, Actor: st.Actor, Days: st.Days, CountsTime: st.CountsTime, Note: st.Note}
	}
	for i, d := range it.Departments {
		g.Workflow.Departments[i] = workflowDeptJSON{Code: d.DepartmentCode, Name: ref.deptByKey[d.DepartmentCode].Name, Stages: nonNil(d.Stages),
			Plan: d.Plan}
	}
	return g
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
