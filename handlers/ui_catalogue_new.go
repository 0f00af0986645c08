package handlers

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
)

// Creating an item in the browser: the edit form with a code field. The new
// item is stored unpublished ("create") and, when asked and allowed,
// published at once.

// authorizeAnyDomain authorizes act on items in at least one department and
// returns the departments allowed ("*" for all).
func (s *Server) authorizeAnyDomain(c *gin.Context, act string) ([]string, error) {
	p := principalOf(c)
	if p == nil {
		return nil, s.authorize(c, policies.AllDomains, policies.ObjItem, act)
	}
	domains := s.authz.Domains(p.user.Username, policies.ObjItem, act)
	if len(domains) == 0 {
		return nil, s.authorize(c, policies.AllDomains, policies.ObjItem, act)
	}
	return domains, s.authorize(c, domains[0], policies.ObjItem, act)
}

// newItemPage is the create form for an administrator allowed in domains.
func (s *Server) newItemPage(c *gin.Context, domains []string, it *models.Item) itemEditPage {
	p := s.newEditPage(c, it, nil)
	p.New, p.Action, p.Code, p.Unpublished, p.Version = true, "/admin/items/new", "", false, 0
	p.CanDispose = false
	// Offer publishing to whoever may publish where they may create.
	p.CanPublish = s.can(c, domains[0], policies.ObjItem, policies.ActPublish)
	if domains[0] != policies.AllDomains {
		var allowed []itemChoice
		for _, d := range p.Departments {
			for _, dom := range domains {
				if d.Value == dom {
					allowed = append(allowed, d)
				}
			}
		}
		p.Departments = allowed
	}
	return p
}

func (s *Server) uiNewItemForm(c *gin.Context) error {
	domains, err := s.authorizeAnyDomain(c, policies.ActCreate)
	if err != nil {
		return err
	}
	it := &models.Item{TypeCode: "01", OnApplication: true, HandlingKind: models.KindPromised, PowerSource: "statutory",
		UseLevel: "district", Disposition: models.DispositionRetained, ResultType: "licence",
		ServiceObjects: models.StringList{}, HandleForms: models.StringList{"window"}}
	if domains[0] != policies.AllDomains {
		it.DepartmentCode = domains[0]
	}
	p := s.newItemPage(c, domains, it)
	p.withRows(it)
	s.renderEdit(c, http.StatusOK, p)
	return nil
}

// uiNewItem creates the item of the guideSubmission form: "create" stores it
// unpublished, "publish" publishes it too, "rows" shows the form again with
// more blank rows.
func (s *Server) uiNewItem(c *gin.Context) error {
	ctx := c.Request.Context()
	domains, err := s.authorizeAnyDomain(c, policies.ActCreate)
	if err != nil {
		return err
	}
	form, err := bindGuideForm(c)
	if err != nil {
		return err
	}
	sub := itemFromForm(form, &models.Item{Disposition: models.DispositionRetained})
	it := sub.item
	// The item's department decides; an unknown one is a field error below.
	if _, known := s.ref.Load().deptByKey[it.DepartmentCode]; known {
		if err := s.authorize(c, it.DepartmentCode, policies.ObjItem, policies.ActCreate); err != nil {
			return err
		}
	}
	action := form.Action
	p := s.newItemPage(c, domains, it)
	p.Item, p.Reason = it, form.Reason
	if action == "rows" {
		s.setGuideErrors(c, &p, sub, nil)
		p.addBlankRows(1)
		s.renderEdit(c, http.StatusOK, p)
		return nil
	}
	if action == "publish" {
		if err := s.authorize(c, it.DepartmentCode, policies.ObjItem, policies.ActPublish); err != nil {
			return err
		}
	}
	if len(sub.bad) > 0 {
		// Check it as the store will hold it: a new item is a draft.
		draft := *it
		draft.Status = models.ItemDraft
		ve := models.CheckItem(&draft, s.catalogueKnown(), nil)
		if blank(p.Reason) {
			ve = withReasonMissing(ve)
		}
		s.setGuideErrors(c, &p, sub, ve)
		s.renderEdit(c, http.StatusUnprocessableEntity, p)
		return nil
	}
	svc, who := s.actions(), actorOf(c)
	created, err := svc.CreateItem(ctx, who, *it, p.Reason)
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		s.setGuideErrors(c, &p, sub, ve)
		s.renderEdit(c, http.StatusUnprocessableEntity, p)
		return nil
	case err != nil:
		return err
	}
	saved := "created"
	if action == "publish" {
		if _, err := svc.PublishItem(ctx, who, created.Code, p.Reason, created.Version); err != nil {
			return err
		}
		saved = "published"
	}
	c.Redirect(http.StatusSeeOther, "/admin/items/"+created.Code+"/edit?saved="+saved)
	return nil
}
