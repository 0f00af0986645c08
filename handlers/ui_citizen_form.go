package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/models/form"
	"onewindow/workflow"
)

// The online application's page with the item's form: laid out for the
// applicant (what a citizen account knows filled in), and shown again after
// a refused post with every answer kept and every problem named.

// newApplyPage lays out the page with the item's form, the answers typed so
// far and the refused ones.
func (s *Server) newApplyPage(c *gin.Context, it *models.Item, f applyForm, v form.Values, issues form.Issues) (applyPage, error) {
	itf, err := s.actions().ItemForm(c.Request.Context(), it)
	if err != nil {
		return applyPage{}, err
	}
	p := applyPage{Item: it, Department: s.ref.Load().deptByKey[it.DepartmentCode].Name, Form: f,
		Errors: map[string]string{}, Kinds: []string{models.ApplicantPerson, models.ApplicantOrganisation},
		LimitMB: s.uploadLimit >> 20}
	var applicantErrs map[string]string
	p.Fields, applicantErrs = s.formViewOf(formInput{Lang: langOf(c), Schema: itf.Schema, Dicts: itf.Dicts,
		Values: v, Issues: issues, Kind: f.Kind})
	for k, msg := range applicantErrs {
		p.Errors[k] = msg
	}
	if p.Files, err = s.materialLinks(c, it); err != nil {
		return applyPage{}, err
	}
	return p, nil
}

// citizenProfile fills what the signed-in citizen account knows (一号申请):
// a person applies under the account's name and identity number, with the
// phone and address of its last filing; the form's other questions
// prefilled from the profile (an organisation's agent's name) get the
// account's. Visitors get an empty form.
func (s *Server) citizenProfile(c *gin.Context, it *models.Item, f *applyForm) (form.Values, error) {
	v := form.Values{}
	p := principalOf(c)
	if p == nil || p.user.CitizenID == "" {
		return v, nil
	}
	profile := map[string]string{"name": p.user.DisplayName, "id_number": workflow.NormalizeID(p.user.CitizenID)}
	if a, err := s.store.Applicant(c.Request.Context(), profile["id_number"]); err == nil && a.Proven {
		profile["phone"], profile["address"] = a.Phone, a.Address
	} else if !errors.Is(err, models.ErrNotFound) {
		return nil, err
	}
	if f.Kind == models.ApplicantPerson {
		f.Name, f.IDNumber, f.Phone, f.Address = profile["name"], profile["id_number"], profile["phone"], profile["address"]
	}
	itf, err := s.actions().ItemForm(c.Request.Context(), it)
	if err != nil {
		return nil, err
	}
	asked := applicantInputs(f.Kind)
	for _, fd := range itf.Schema.Fields {
		if _, byApplicant := asked[fd.Prefill]; !byApplicant && profile[fd.Prefill] != "" {
			v[fd.Key] = profile[fd.Prefill]
		}
	}
	return v, nil
}

// applyRefused shows the page again (422) with the answers as posted, each
// problem next to its input and all of them in the summary at the top: the
// applicant block first, then the item's form, then the materials.
func (s *Server) applyRefused(c *gin.Context, it *models.Item, f applyForm, post url.Values, issues form.Issues, errs map[string]string, hadFiles bool, kept map[string]*retryKept) error {
	itf, err := s.actions().ItemForm(c.Request.Context(), it)
	if err != nil {
		return err
	}
	p, err := s.newApplyPage(c, it, f, form.FromForm(itf.Schema, post), issues)
	if err != nil {
		return err
	}
	for k, msg := range errs {
		p.Errors[k] = msg
	}
	p.FilesAgain, p.Kept = hadFiles, kept
	lang := langOf(c)
	for _, k := range []string{"kind", "name", "id_number", "phone", "address"} {
		if msg := p.Errors[k]; msg != "" {
			p.Problems = append(p.Problems, formProblem{Href: "#" + k, Label: s.site.T(lang, "citizen.field."+k), Message: msg})
		}
	}
	p.Problems = append(p.Problems, s.outboxProblems(lang, p.Errors)...)
	p.Problems = append(p.Problems, formProblems(p.Fields)...)
	for _, m := range it.Materials {
		if msg := p.Errors["file_"+m.Key]; msg != "" {
			p.Problems = append(p.Problems, formProblem{Href: "#file_" + m.Key, Label: m.Name, Message: msg})
		}
	}
	if hadFiles {
		// The chosen files are not kept: said at the top too, where the
		// applicant looks first.
		p.Problems = append(p.Problems, formProblem{Href: "#files-again", Label: s.site.T(lang, "citizen.apply.materials"),
			Message: s.site.T(lang, "form.files_again.summary")})
	}
	if msg := p.Errors["item"]; msg != "" {
		p.Problems = append(p.Problems, formProblem{Message: msg})
	}
	s.renderApply(c, http.StatusUnprocessableEntity, p)
	return nil
}

// applyLimited shows the page again (429) with the answers as posted and why nothing
// was filed: the client reached the cap on online filings.
func (s *Server) applyLimited(c *gin.Context, it *models.Item, f applyForm, post url.Values, msg string, hadFiles bool, kept map[string]*retryKept) error {
	itf, err := s.actions().ItemForm(c.Request.Context(), it)
	if err != nil {
		return err
	}
	p, err := s.newApplyPage(c, it, f, form.FromForm(itf.Schema, post), nil)
	if err != nil {
		return err
	}
	p.Limited, p.FilesAgain, p.Kept = msg, hadFiles, kept
	s.renderApply(c, http.StatusTooManyRequests, p)
	return nil
}

// applyRequestErrors turns CheckFiling's field messages about the applicant
// into the page's messages (an identity number names the check it failed)
// and returns the refused answers of the item's form.
func (s *Server) applyRequestErrors(lang string, errs map[string]string, f applyForm, err error, fields map[string]string) form.Issues {
	set := func(k, key string) {
		if errs[k] == "" {
			errs[k] = s.site.T(lang, key)
		}
	}
	for k := range fields {
		switch {
		case k == "applicant.kind":
			set("kind", "citizen.err.kind")
		case k == "applicant.name":
			set("name", "citizen.err.name")
		case k == "applicant.id_number":
			set("id_number", s.idCheckKey(f.Kind, f.IDNumber))
		case k == "applicant.phone":
			if errs["phone"] == "" && errs["address"] == "" {
				set("address", "citizen.err.too_long")
			}
		case strings.HasPrefix(k, "notify."):
			s.outboxFieldError(lang, errs, k)
		case k == "form" || strings.HasPrefix(k, form.PostPrefix):
			// The item's form: its issues, shown by its fields.
		default:
			set("item", "citizen.err.item")
		}
	}
	var se *service.Error
	if errors.As(err, &se) {
		return se.Form
	}
	return nil
}
