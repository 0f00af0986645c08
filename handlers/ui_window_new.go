package handlers

import (
	"errors"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/models/form"
	"onewindow/models/search"
	"onewindow/policies"
	"onewindow/workflow"
)

// The intake form (窗口登记): choose the item, look up the applicant by
// identity number (一号申请), tick the materials, attach scans, register.

// materialKinds are the forms a material can be handed in (原件/复印件/原件和复印件).
var materialKinds = []string{"original", "copy", "both"}

// intakeApplicant is the applicant part of the intake form.
type intakeApplicant struct {
	Kind, IDNumber, Name, Phone, Address string
}

// intakeMaterial is one line of the intake checklist.
type intakeMaterial struct {
	Key, Name, Necessity, Kind, Remark string
	Copies                             *int // nil: the guide publishes no count and the clerk wrote none
	Provided                           bool
}

// intakePage is the data of the intake form.
type intakePage struct {
	Q          string
	Searched   bool
	Results    []search.Entry
	ItemCode   string
	Item       *models.Item
	Department string
	Token      string
	Applicant  intakeApplicant
	LookedUp   bool
	Known      bool
	// OnFile are the phone and address the applicant's profile holds, masked: the clerk asks
	// the applicant rather than reading them out of the system.
	OnFile    intakeApplicant
	Earlier   []queueRow
	Materials []intakeMaterial
	Files     map[string]guideFiles // each material's blank form and sample links, by key
	// SubItems are the sub-items to choose from when the chosen item is a main item,
	// which takes no application itself.
	SubItems       []models.ItemRef
	Errors         map[string]string // field → message
	Fields         *formView         // the chosen item's application form
	Problems       []formProblem     // the form's refused answers
	Summary        []formProblem     // every problem, for the summary at the top
	Alert          string
	Kinds          []string
	ApplicantKinds []string
	// NotifyForm is how the applicant wants to hear of it; Notify its view.
	NotifyForm outboxNotifyForm
	Notify     outboxNotifyView
	// Pledge: the clerk chose 告知承诺 (the item takes one); the pledge is printed for signing.
	Pledge bool
}

// Err is the message of a field, or "".
func (p intakePage) Err(field string) string { return p.Errors[field] }

// Asks is what the item's form asks of the applicant block's input name
// (formView.Asks); the filing always needs the kind, the identity number
// and the name.
func (p intakePage) Asks(name string) blockField {
	always := []string{"kind", "id_number", "name"}
	if p.Fields == nil {
		return formView{T: &formTexts{}}.Asks(name, always...)
	}
	return p.Fields.Asks(name, always...)
}

func (s *Server) newIntakePage() intakePage {
	return intakePage{Errors: map[string]string{}, Kinds: materialKinds, Token: newFormToken(),
		ApplicantKinds: []string{models.ApplicantPerson, models.ApplicantOrganisation},
		Applicant:      intakeApplicant{Kind: models.ApplicantPerson}}
}

func (s *Server) uiWindowNewForm(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjApplication, policies.ActRegister); err != nil {
		return err
	}
	p := s.newIntakePage()
	p.Q = strings.TrimSpace(c.Query("q"))
	if p.Q != "" {
		p.Searched = true
		yes := true
		res := s.search.Search(search.Query{Q: p.Q, Status: "retained", OnApplication: &yes, Limit: 30})
		p.Results = res.Entries
	}
	if code := strings.TrimSpace(c.Query("item")); code != "" {
		if err := s.intakeItem(c, &p, code, nil); err != nil {
			return err
		}
		// An item serving organisations only is applied for by one.
		if p.Item != nil && len(p.Item.ServiceObjects) > 0 && !slices.Contains(p.Item.ServiceObjects, "person") {
			p.Applicant.Kind = models.ApplicantOrganisation
		}
	}
	if id := strings.TrimSpace(c.Query("id_number")); id != "" && p.Item != nil {
		p.Applicant.IDNumber = id
		if err := s.lookupApplicant(c, &p); err != nil {
			return err
		}
	}
	if err := s.intakeFields(c, &p, nil, nil); err != nil {
		return err
	}
	s.renderIntake(c, http.StatusOK, p)
	return nil
}

// intakeFields lays out the chosen item's application form with the answers
// posted so far and the refused ones; a refused answer of a question the
// applicant block asks (phone, address …) is shown by that input.
func (s *Server) intakeFields(c *gin.Context, p *intakePage, post url.Values, issues form.Issues) error {
	if p.Item == nil {
		return nil
	}
	itf, err := s.actions().ItemForm(c.Request.Context(), p.Item)
	if err != nil {
		return err
	}
	v := form.Values{}
	if post != nil {
		v = form.FromForm(itf.Schema, post)
	}
	fv, applicantErrs := s.formViewOf(formInput{Lang: langOf(c), Schema: itf.Schema, Dicts: itf.Dicts, Values: v,
		Issues: issues, Kind: p.Applicant.Kind})
	for k, msg := range applicantErrs {
		if p.Errors[k] == "" {
			p.Errors[k] = msg
		}
	}
	p.Fields, p.Problems = &fv, formProblems(fv)
	return nil
}

// filed is the applicant as the filing carries it.
func (a intakeApplicant) filed() service.ApplicantInput {
	return service.ApplicantInput{Kind: a.Kind, IDNumber: a.IDNumber, Name: a.Name, Phone: a.Phone, Address: a.Address}
}

func (s *Server) renderIntake(c *gin.Context, status int, p intakePage) {
	p.Notify = outboxNotifyView{Lang: langOf(c), Form: p.NotifyForm, Errors: p.Errors}
	p.Summary = s.intakeSummary(langOf(c), p)
	s.render(c, status, "window_new", s.site.T(langOf(c), "window.new.title"), "staff", p)
}

// intakeApplicantLabels are the locale keys of the applicant block's inputs.
var intakeApplicantLabels = map[string]string{"kind": "window.field.applicant_kind", "id_number": "window.field.id_number",
	"name": "window.field.name", "phone": "window.field.phone", "address": "window.field.address"}

// intakeSummary lists the page's problems: the applicant block's, named
// and linked to their inputs, the others as they are, then the item's form's.
func (s *Server) intakeSummary(lang string, p intakePage) []formProblem {
	keys := make([]string, 0, len(p.Errors))
	for k := range p.Errors {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]formProblem, 0, len(keys)+len(p.Problems))
	for _, k := range keys {
		pr := formProblem{Message: p.Errors[k]}
		if key, ok := intakeApplicantLabels[k]; ok {
			pr.Href, pr.Label = "#"+k, s.site.T(lang, key)
		} else if strings.HasPrefix(k, "notify_") {
			pr.Href, pr.Label = "#"+k, s.site.T(lang, "outbox.field."+k)
		}
		out = append(out, pr)
	}
	return append(out, p.Problems...)
}

// intakeItem loads the chosen item, authorizes registering it and lays out
// its checklist, keeping what the clerk ticked (from a posted form).
func (s *Server) intakeItem(c *gin.Context, p *intakePage, code string, posted func(string) string) error {
	p.ItemCode = code
	it, err := s.store.Item(c.Request.Context(), code)
	switch {
	case errors.Is(err, models.ErrNotFound):
		p.Errors["item_code"] = s.site.T(langOf(c), "window.err.item_unknown")
		return nil
	case err != nil:
		return err
	case it.Reduced() || !it.OnApplication:
		p.Errors["item_code"] = s.site.T(langOf(c), "window.err.item_not_on_application")
		return nil
	}
	if b := s.closedNotice(langOf(c), it); b != nil {
		p.Errors["item_code"] = b.message()
		g, err := s.store.ItemGroup(c.Request.Context(), it)
		if err != nil {
			return err
		}
		p.SubItems = g.Subs
		return nil
	}
	if err := s.authorize(c, it.DepartmentCode, policies.ObjApplication, policies.ActRegister); err != nil {
		return err
	}
	p.Item, p.Department = it, s.ref.Load().deptByKey[it.DepartmentCode].Name
	files, err := s.materialLinks(c, it)
	if err != nil {
		return err
	}
	p.Files = files
	p.Materials = make([]intakeMaterial, 0, len(it.Materials))
	for _, m := range it.Materials {
		im := intakeMaterial{Key: m.Key, Name: m.Name, Necessity: m.Necessity, Kind: m.Kind, Copies: m.Copies, Remark: m.Remark}
		if posted != nil {
			im.Provided = posted("m_"+m.Key+"_provided") != ""
			im.Kind = posted("m_" + m.Key + "_kind")
			im.Copies = nil
			if n, err := strconv.Atoi(posted("m_" + m.Key + "_copies")); err == nil {
				im.Copies = &n
			}
		}
		p.Materials = append(p.Materials, im)
	}
	return nil
}

// lookupApplicant fills the applicant from the stored one with the same
// identity number, when someone who proved the number gave it (an anonymous online
// filer's profile is not the applicant's), and lists their earlier applications (一号申请).
func (s *Server) lookupApplicant(c *gin.Context, p *intakePage) error {
	ctx := c.Request.Context()
	p.LookedUp = true
	id := workflow.NormalizeID(p.Applicant.IDNumber)
	a, err := s.store.Applicant(ctx, id)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	if a != nil && a.Proven {
		p.Known = true
		p.Applicant = intakeApplicant{Kind: a.Kind, IDNumber: a.IDNumber, Name: a.Name}
		p.OnFile = intakeApplicant{Phone: workflow.MaskPhone(a.Phone), Address: workflow.MaskAddress(a.Address)}
	}
	apps, err := s.store.ApplicationsOf(ctx, id, 20)
	if err != nil {
		return err
	}
	p.Earlier = s.queueRows(apps)
	return nil
}

// intakeForm is the window's intake form: the item, the applicant and what
// the clerk asked for; the checklist is read per material of the item
// (m_<key>_provided, _kind, _copies, _file).
type intakeForm struct {
	ItemCode string `form:"item_code"`
	Op       string `form:"op"`
	Kind     string `form:"kind"`
	IDNumber string `form:"id_number"`
	Name     string `form:"name"`
	Phone    string `form:"phone"`
	Address  string `form:"address"`
	Token    string `form:"form_token"`
	Notify   outboxNotifyForm
}

// uiWindowRegister handles the intake form: "lookup" shows the form again
// with the stored applicant; "register" files the application.
func (s *Server) uiWindowRegister(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjApplication, policies.ActRegister); err != nil {
		return err
	}
	var f intakeForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	p := s.newIntakePage()
	if f.Token != "" {
		p.Token = f.Token
	}
	p.NotifyForm = f.Notify // the window does not know the applicant's language: zh
	p.Applicant = intakeApplicant{Kind: f.Kind, IDNumber: strings.TrimSpace(f.IDNumber),
		Name: strings.TrimSpace(f.Name), Phone: strings.TrimSpace(f.Phone), Address: strings.TrimSpace(f.Address)}
	if err := s.intakeItem(c, &p, strings.TrimSpace(f.ItemCode), c.PostForm); err != nil {
		return err
	}
	if p.Item == nil {
		s.renderIntake(c, http.StatusUnprocessableEntity, p)
		return nil
	}
	if f.Op == "lookup" {
		if p.Applicant.IDNumber == "" {
			p.Errors["id_number"] = s.site.T(langOf(c), "window.err.required")
		} else if err := s.lookupApplicant(c, &p); err != nil {
			return err
		}
		if err := s.intakeFields(c, &p, c.Request.PostForm, nil); err != nil {
			return err
		}
		s.renderIntake(c, http.StatusOK, p)
		return nil
	}
	return s.registerIntake(c, p)
}

func (s *Server) registerIntake(c *gin.Context, p intakePage) error {
	f, err := s.fileIntake(c, &p, func(status int, p intakePage) { s.renderIntake(c, status, p) })
	if f == nil || err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/window/applications/"+url.PathEscape(f.Number)+"?filed="+url.QueryEscape(p.Token))
	return nil
}

// fileIntake files the intake form's application with its scans; a refused
// form is shown again with render and no filing is returned.
func (s *Server) fileIntake(c *gin.Context, pp *intakePage, render func(int, intakePage)) (*models.Filed, error) {
	p := *pp
	defer func() { *pp = p }()
	lang := langOf(c)
	a := p.Applicant
	post := c.Request.PostForm
	p.Pledge = post.Get("pledge") == "1"
	in := service.Filing{ItemCode: p.ItemCode, Materials: map[string]models.MaterialCheck{},
		Applicant: a.filed(), Form: service.FormInput{Post: post}, Notify: p.NotifyForm.input(), Pledge: p.Pledge}
	files := map[string]*multipart.FileHeader{}
	for _, m := range p.Materials {
		if m.Kind != "" && !slices.Contains(materialKinds, m.Kind) {
			p.Errors["m_"+m.Key+"_kind"] = s.site.T(lang, "window.err.invalid")
		}
		if raw := c.PostForm("m_" + m.Key + "_copies"); raw != "" {
			if n, err := strconv.Atoi(raw); err != nil || n < 0 || n > 99 {
				p.Errors["m_"+m.Key+"_copies"] = s.site.T(lang, "window.err.copies")
			}
		}
		in.Materials[m.Key] = models.MaterialCheck{Provided: m.Provided, Kind: m.Kind, Copies: min(max(models.Days(m.Copies), 0), 99)}
		if fh, err := c.FormFile("m_" + m.Key + "_file"); err == nil && fh.Filename != "" {
			if _, err := s.sniffUpload(fh); err != nil {
				p.Errors["m_"+m.Key+"_file"] = s.uploadMessage(lang, err)
			} else {
				files[m.Key] = fh
			}
		}
	}
	svc := s.actions()
	var issues form.Issues
	_, err := svc.CheckFiling(c.Request.Context(), in)
	if e := asError(err); err != nil && e.Status == http.StatusUnprocessableEntity {
		s.applicantErrors(lang, &p, e.Fields)
		var se *service.Error
		if errors.As(err, &se) {
			issues = se.Form
		}
	} else if err != nil {
		return nil, err
	}
	if len(p.Errors) > 0 || len(issues) > 0 {
		if err := s.intakeFields(c, &p, post, issues); err != nil {
			return nil, err
		}
		p.Alert = s.site.T(lang, "window.err.summary_new")
		if len(files) > 0 {
			p.Errors["files"] = s.site.T(lang, "form.files_again.window") // a browser does not keep chosen files
		}
		render(http.StatusUnprocessableEntity, p)
		return nil, nil
	}
	in.Idem = formIdempotency(c, p.Token)
	f, err := svc.Register(c.Request.Context(), actorOf(c), in)
	if errors.Is(err, models.ErrIdempotencyMismatch) {
		p.Alert, p.Token = s.site.T(lang, "window.err.token_reused"), newFormToken()
		if err := s.intakeFields(c, &p, post, nil); err != nil {
			return nil, err
		}
		render(http.StatusUnprocessableEntity, p)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !f.Replayed {
		for _, m := range p.Materials {
			if fh := files[m.Key]; fh != nil {
				if _, err := s.storeFile(c, actorOf(c), f.Number, m.Key, fh); err != nil {
					return nil, err
				}
			}
		}
	}
	return f, nil
}

// applicantErrors turns the filing's field errors into the form's messages;
// a bad identity number names the check it failed.
func (s *Server) applicantErrors(lang string, p *intakePage, fields map[string]string) {
	for f := range fields {
		switch f {
		case "item_code":
			p.Errors[f] = s.site.T(lang, "window.err.item_not_on_application")
		case "applicant.id_number":
			// The words of the online application and of the form's own
			// identity numbers for the same check (idCheckKey).
			msg := s.site.T(lang, "window.err.id_number")
			if key := s.idCheckKey(p.Applicant.Kind, p.Applicant.IDNumber); key != "citizen.err.id" {
				msg = s.site.T(lang, key)
			}
			p.Errors["id_number"] = msg
		case "applicant.kind":
			p.Errors["kind"] = s.site.T(lang, "window.err.kind")
		case "applicant.name":
			p.Errors["name"] = s.site.T(lang, "window.err.name")
		case "applicant.phone":
			p.Errors["phone"] = s.site.T(lang, "window.err.too_long")
		case "notify.sms", "notify.email", "notify.lang":
			s.outboxFieldError(lang, p.Errors, f)
		default:
			// The item's form: its issues are shown by its fields (intakeFields).
			if f != "form" && !strings.HasPrefix(f, form.PostPrefix) {
				p.Errors["form"] = s.site.T(lang, "window.err.invalid")
			}
		}
	}
}

// uploadMessage explains a refused scan.
func (s *Server) uploadMessage(lang string, err error) string {
	e := asError(err)
	switch e.Status {
	case http.StatusRequestEntityTooLarge:
		return s.site.T(lang, "window.err.file_too_large", s.uploadLimit>>20)
	case http.StatusUnsupportedMediaType:
		return s.site.T(lang, "window.err.file_type")
	}
	return s.site.T(lang, "window.err.invalid")
}
