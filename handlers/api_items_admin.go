package handlers

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/policies"
)

// itemInput is an item's editable service guide as the API accepts it; the
// names are those of the guide the API returns.
type itemInput struct {
	Code             string    `json:"code"`
	CatalogCode      string    `json:"catalog_code"`
	Name             string    `json:"name"`
	Type             string    `json:"type"`
	Department       string    `json:"department"`
	OnApplication    bool      `json:"on_application"`
	PowerSource      string    `json:"power_source"`
	UseLevel         string    `json:"use_level"`
	LegalBasis       string    `json:"legal_basis"`
	ServiceObjects   []string  `json:"service_objects"`
	HandlingKind     string    `json:"handling_kind"`
	StatutoryDays    *int      `json:"statutory_days"`
	PromisedDays     *int      `json:"promised_days"`
	AcceptConditions string    `json:"accept_conditions"`
	HandleForms      []string  `json:"handle_forms"`
	Visits           *int      `json:"visits"`
	Location         string    `json:"location"`
	Hours            string    `json:"hours"`
	Phone            string    `json:"phone"`
	ComplaintPhone   string    `json:"complaint_phone"`
	IsFee            *bool     `json:"is_fee"`
	FeeBasis         string    `json:"fee_basis"`
	Fees             []feeJSON `json:"fees"`
	SpecialProcedure string    `json:"special_procedure"`
	ResultType       string    `json:"result_type"`
	ResultName       string    `json:"result_name"`
	OnlineDepth      *int      `json:"online_depth"`
	Area             string    `json:"area"`
	EffectiveOn      string    `json:"effective_on"`
	// 告知承诺制 and the 容缺 period; null days are unknown.
	PledgeAllowed   bool           `json:"pledge_allowed"`
	PledgeText      string         `json:"pledge_text"`
	PledgeCheckDays *int           `json:"pledge_check_days"`
	PendingDays     *int           `json:"pending_days"`
	Materials       []materialJSON `json:"materials"`
	Steps           []stepJSON     `json:"steps"`
	Workflow        struct {
		Departments []workflowDeptJSON `json:"departments"`
	} `json:"workflow"`
	Reason  string `json:"reason"`
	Version int    `json:"version"`
}

func (in *itemInput) item() models.Item {
	it := models.Item{Code: strings.TrimSpace(in.Code), CatalogCode: in.CatalogCode, Name: in.Name, TypeCode: in.Type,
		DepartmentCode: in.Department, OnApplication: in.OnApplication, PowerSource: in.PowerSource, UseLevel: in.UseLevel,
		LegalBasis: in.LegalBasis, ServiceObjects: in.ServiceObjects, HandlingKind: in.HandlingKind,
		StatutoryDays: in.StatutoryDays, PromisedDays: in.PromisedDays, AcceptConditions: in.AcceptConditions,
		HandleForms: in.HandleForms, Visits: in.Visits, Location: in.Location, Hours: in.Hours, Phone: in.Phone,
		ComplaintPhone: in.ComplaintPhone, IsFee: in.IsFee, FeeBasis: in.FeeBasis, SpecialProcedure: in.SpecialProcedure,
		ResultType: in.ResultType, ResultName: in.ResultName, OnlineDepth: in.OnlineDepth, Area: in.Area,
		EffectiveOn: in.EffectiveOn, Disposition: models.DispositionRetained,
		PledgeAllowed: in.PledgeAllowed, PledgeText: in.PledgeText, PledgeCheckDays: in.PledgeCheckDays, PendingDays: in.PendingDays}
	for _, m := range in.Materials {
		it.Materials = append(it.Materials, models.Material{Key: m.Key, Name: m.Name, Necessity: m.Necessity, Form: m.Form,
			Kind: m.Kind, Copies: m.Copies, Source: m.Source, BlankForm: m.BlankForm, Remark: m.Remark, PledgeReplaces: m.PledgeReplaces})
	}
	for _, f := range in.Fees {
		it.Fees = append(it.Fees, models.Fee{Name: f.Name, Standard: f.Standard, Basis: f.Basis, Exemption: f.Exemption})
	}
	for _, st := range in.Steps {
		it.Steps = append(it.Steps, models.Step{Name: st.Name, Actor: st.Actor, Days: st.Days, CountsTime: st.CountsTime, Note: st.Note})
	}
	for _, d := range in.Workflow.Departments {
		it.Departments = append(it.Departments, models.ItemDepartment{DepartmentCode: d.Code, Stages: d.Stages, Plan: d.Plan})
	}
	if len(it.Departments) == 0 && it.DepartmentCode != "" {
		it.Departments = []models.ItemDepartment{{DepartmentCode: it.DepartmentCode, Stages: []string{"review", "decide"}}}
	}
	return it
}

// authorizeItemEdit checks the permission in the item's department and, when
// an edit moves the item, in the new department too.
func (s *Server) authorizeItemEdit(c *gin.Context, stored *models.Item, newDept, act string) error {
	if err := s.authorize(c, stored.DepartmentCode, policies.ObjItem, act); err != nil {
		return err
	}
	if newDept != "" && newDept != stored.DepartmentCode {
		return s.authorize(c, newDept, policies.ObjItem, act)
	}
	return nil
}

func (s *Server) apiUpdateItem(c *gin.Context) error {
	var in itemInput
	if err := c.ShouldBindJSON(&in); err != nil {
		return badRequest("the body must be the item's service guide as JSON, with reason and version")
	}
	return s.changeItem(c, func(ctx context.Context, svc *service.Service, who service.Actor, code string) (*models.Item, error) {
		return svc.UpdateItem(ctx, who, code, in.item(), in.Reason, in.Version)
	})
}

// changeItem is the one path of every published change to an item through
// the service (which loads it and authorizes the change in its department,
// and in the new one when the change moves it): apply the change, refresh
// the public index and answer the new guide.
func (s *Server) changeItem(c *gin.Context, change func(context.Context, *service.Service, service.Actor, string) (*models.Item, error)) error {
	ctx := c.Request.Context()
	it, err := change(ctx, s.actions(), actorOf(c), c.Param("code"))
	if err != nil {
		return err
	}
	c.Set(ctxAuthorized, true) // the service authorized the change
	return s.writeGuide(c, http.StatusOK, it)
}

func (s *Server) apiCreateItem(c *gin.Context) error {
	var in itemInput
	if err := c.ShouldBindJSON(&in); err != nil {
		return badRequest("the body must be the item's service guide as JSON, with reason")
	}
	it, err := s.actions().CreateItem(c.Request.Context(), actorOf(c), in.item(), in.Reason)
	if err != nil {
		return err
	}
	c.Set(ctxAuthorized, true) // the service authorized the creation
	return s.writeGuide(c, http.StatusCreated, it)
}

func (s *Server) apiPublishItem(c *gin.Context) error {
	var body struct {
		Reason  string `json:"reason"`
		Version int    `json:"version"`
	}
	if err := c.ShouldBindJSON(&body); err != nil {
		return badRequest("the body must be JSON {\"reason\",\"version\"}")
	}
	return s.changeItem(c, func(ctx context.Context, svc *service.Service, who service.Actor, code string) (*models.Item, error) {
		return svc.PublishItem(ctx, who, code, body.Reason, body.Version)
	})
}

type dispositionRequest struct {
	Disposition string `json:"disposition"`
	Reason      string `json:"reason"`
	LegalBasis  string `json:"legal_basis"`
	MergedInto  string `json:"merged_into"`
	Version     int    `json:"version"`
}

func (s *Server) apiSetDisposition(c *gin.Context) error {
	var req dispositionRequest
	if err := c.ShouldBindJSON(&req); err != nil {
		return badRequest("the body must be JSON {\"disposition\",\"reason\",\"legal_basis\",\"merged_into\",\"version\"}")
	}
	change := models.DispositionChange{Disposition: req.Disposition, Reason: req.Reason, LegalBasis: req.LegalBasis, MergedInto: req.MergedInto}
	return s.changeItem(c, func(ctx context.Context, svc *service.Service, who service.Actor, code string) (*models.Item, error) {
		return svc.SetDisposition(ctx, who, code, change, req.Version)
	})
}

type revisionJSON struct {
	Version    int                  `json:"version"`
	Actor      string               `json:"actor"`
	Action     string               `json:"action"`
	Reason     string               `json:"reason"`
	LegalBasis string               `json:"legal_basis,omitempty"`
	At         string               `json:"at"`
	Changes    []models.FieldChange `json:"changes"`
}

func (s *Server) apiRevisions(c *gin.Context) error {
	ctx := c.Request.Context()
	stored, _, err := s.store.AdminItem(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	if err := s.authorize(c, stored.DepartmentCode, policies.ObjItem, policies.ActRead); err != nil {
		return err
	}
	revs, err := s.store.Revisions(ctx, stored.Code)
	if err != nil {
		return err
	}
	out := make([]revisionJSON, len(revs))
	for i, r := range revs {
		out[i] = revisionJSON{Version: r.Version, Actor: r.Actor, Action: r.Action, Reason: r.Reason,
			LegalBasis: r.LegalBasis, At: r.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"), Changes: r.Diff}
		if out[i].Changes == nil {
			out[i].Changes = []models.FieldChange{}
		}
	}
	c.JSON(http.StatusOK, gin.H{"code": stored.Code, "revisions": out})
	return nil
}
