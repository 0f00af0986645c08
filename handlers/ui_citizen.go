package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// citizenZone is the centre's local time (Asia/Shanghai, UTC+8 all year),
// fixed so that no time-zone database is needed.
var citizenZone = time.FixedZone("CST", 8*3600)

func citizenTime(t time.Time) string { return t.In(citizenZone).Format("2006-01-02 15:04") }

// Online form limits, a little inside what the service's CheckFiling accepts (2,000 bytes a value).
const (
	applyContentMax = 600 // runes of the 申请内容 textarea
	applyTextMax    = 100 // runes of short text fields
	formTokenMax    = 100
)

var phonePattern = regexp.MustCompile(`^[0-9+\-() ]{7,20}$`)

// applyForm is the online application form as submitted.
type applyForm struct {
	Kind         string `form:"kind"`
	Name         string `form:"name"`
	IDNumber     string `form:"id_number"`
	Phone        string `form:"phone"`
	Address      string `form:"address"`
	Content      string `form:"content"`
	ContactName  string `form:"contact_name"`
	ContactPhone string `form:"contact_phone"`
	Delivery     string `form:"delivery"`
	Token        string `form:"form_token"`
}

// applyPage is the data of the online application form.
type applyPage struct {
	Item       *models.Item
	Department string
	Form       applyForm
	Errors     map[string]string // field → locale key of the message
	Kinds      []string
	Deliveries []string
	LimitMB    int64
}

// applyItem loads the item of the URL and refuses, with a page that says why,
// items that are not filed on application, no longer exist as retained or
// whose guide is incomplete (that page is the guide with its closed box).
func (s *Server) applyItem(c *gin.Context) (*models.Item, bool, error) {
	it, err := s.store.Item(c.Request.Context(), c.Param("code"))
	if err != nil {
		return nil, false, err
	}
	if it.Reduced() || !it.OnApplication {
		lang := langOf(c)
		msg := "citizen.apply.not_on_application"
		if it.Reduced() {
			msg = "citizen.apply.reduced"
		}
		heading := s.site.T(lang, "citizen.apply.unavailable")
		s.render(c, http.StatusNotFound, "error", heading, "items",
			errorPage{Status: http.StatusNotFound, Heading: heading, Message: s.site.T(lang, msg, it.Name)})
		return nil, false, nil
	}
	// An incomplete guide takes no application: its page says what is
	// missing and how to reach the department.
	if s.closedNotice(langOf(c), it) != nil {
		return nil, false, s.renderItem(c, http.StatusConflict, it)
	}
	return it, true, nil
}

func (s *Server) newApplyPage(it *models.Item, f applyForm) applyPage {
	return applyPage{Item: it, Department: s.ref.Load().deptByKey[it.DepartmentCode].Name, Form: f,
		Errors: map[string]string{}, Kinds: []string{models.ApplicantPerson, models.ApplicantOrganisation},
		Deliveries: workflow.Deliveries, LimitMB: s.uploadLimit >> 20}
}

func (s *Server) renderApply(c *gin.Context, status int, p applyPage) {
	c.Header("Cache-Control", "no-store")
	s.render(c, status, "citizen_apply", s.site.T(langOf(c), "citizen.apply.title", p.Item.Name), "items", p)
}

func (s *Server) uiApplyForm(c *gin.Context) error {
	it, ok, err := s.applyItem(c)
	if !ok {
		return err
	}
	token, err := newSecret()
	if err != nil {
		return err
	}
	f := applyForm{Kind: models.ApplicantPerson, Delivery: workflow.Deliveries[0], Token: token}
	if len(it.ServiceObjects) > 0 && !slices.Contains(it.ServiceObjects, "person") {
		f.Kind = models.ApplicantOrganisation
	}
	// 一号申请: a citizen account applies under its own identity number.
	if p := principalOf(c); p != nil && p.user.CitizenID != "" && f.Kind == models.ApplicantPerson {
		f.Name, f.IDNumber = p.user.DisplayName, p.user.CitizenID
	}
	s.renderApply(c, http.StatusOK, s.newApplyPage(it, f))
	return nil
}

// normalize removes the blanks around every value.
func (f *applyForm) normalize() {
	for _, v := range []*string{&f.Kind, &f.Name, &f.IDNumber, &f.Phone, &f.Address, &f.Content,
		&f.ContactName, &f.ContactPhone, &f.Delivery, &f.Token} {
		*v = strings.TrimSpace(*v)
	}
}

// filing is what the form files, as the API's body would carry it.
func (f applyForm) filing(itemCode string, post url.Values) service.Filing {
	return service.Filing{ItemCode: itemCode, Form: service.FormInput{Post: post},
		Applicant: service.ApplicantInput{Kind: f.Kind, Name: f.Name, IDNumber: f.IDNumber, Phone: f.Phone, Address: f.Address}}
}

// uiApply files an online application: the same validation as the API
// (service.CheckFiling), every upload sniffed before anything is filed, the form's
// random token as the Idempotency-Key, then PRG to the receipt.
func (s *Server) uiApply(c *gin.Context) error {
	it, ok, err := s.applyItem(c)
	if !ok {
		return err
	}
	limit := int64(len(it.Materials)+1)*s.uploadLimit + 1<<20
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	if err := c.Request.ParseMultipartForm(1 << 20); err != nil {
		return s.bodyError(c, err)
	}
	var f applyForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	f.normalize()
	p := s.newApplyPage(it, f)
	p.Errors = map[string]string{}
	for k, v := range problems(f.Validate()) {
		p.Errors[k] = v
	}
	files := s.applyFiles(c, it, p.Errors)
	svc := s.actions()
	_, err = svc.CheckFiling(c.Request.Context(), f.filing(it.Code, c.Request.PostForm))
	if e := asError(err); err != nil && e.Status == http.StatusUnprocessableEntity {
		s.applyRequestErrors(p.Errors, f, e.Fields)
	} else if err != nil {
		return err
	}
	if len(p.Errors) > 0 {
		s.renderApply(c, http.StatusUnprocessableEntity, p)
		return nil
	}
	filing := f.filing(it.Code, c.Request.PostForm)
	filing.Idem = applyIdempotency(f, it.Code)
	filed, err := svc.File(c.Request.Context(), actorOf(c), filing)
	if errors.Is(err, models.ErrIdempotencyMismatch) {
		return s.renderAlreadySubmitted(c)
	}
	if err != nil {
		return err
	}
	if !filed.Replayed {
		// The files go in as the applicant, by the new query code.
		applicant := actorOf(c)
		applicant.QueryCode = filed.QueryCode
		for _, u := range files {
			// The files were checked above; a failure now is the disk's, and the
			// filing stands: the receipt lists what arrived, the window asks for the rest.
			if _, err := s.storeFile(c, applicant, filed.Number, u.key, u.fh); err != nil {
				_ = c.Error(err)
			}
		}
	}
	s.setReceiptCookie(c, filed.Number, filed.QueryCode)
	c.Redirect(http.StatusSeeOther, "/receipt/"+filed.Number)
	return nil
}

// Validate checks what the online form asks beyond the API's rules (which
// service.CheckFiling checks for both); its problems are locale keys.
func (f applyForm) Validate() error {
	e := formErrors{}
	if !phonePattern.MatchString(f.Phone) {
		e["phone"] = "citizen.err.phone"
	}
	if f.ContactPhone != "" && !phonePattern.MatchString(f.ContactPhone) {
		e["contact_phone"] = "citizen.err.phone"
	}
	switch n := utf8.RuneCountInString(f.Content); {
	case n == 0:
		e["content"] = "citizen.err.content"
	case n > applyContentMax:
		e["content"] = "citizen.err.too_long"
	}
	for name, v := range map[string]string{"name": f.Name, "address": f.Address, "contact_name": f.ContactName} {
		if utf8.RuneCountInString(v) > applyTextMax {
			e[name] = "citizen.err.too_long"
		}
	}
	if !slices.Contains(workflow.Deliveries, f.Delivery) {
		e["delivery"] = "citizen.err.delivery"
	}
	if f.Delivery == "post" && f.Address == "" {
		e["address"] = "citizen.err.address_for_post"
	}
	return e.orNil()
}

// upload is one file of a form, for a listed material.
type upload struct {
	key string
	fh  *multipart.FileHeader
}

// applyFiles picks the file of each listed material and checks it (size,
// sniffed type); a required material without a file is an error too.
func (s *Server) applyFiles(c *gin.Context, it *models.Item, errs map[string]string) []upload {
	var out []upload
	for _, m := range it.Materials {
		name := "file_" + m.Key
		fh := formFile(c, name)
		if fh == nil {
			if m.Necessity == models.NecessityRequired {
				errs[name] = "citizen.err.file_required"
			}
			continue
		}
		if msg := s.uploadProblem(fh); msg != "" {
			errs[name] = msg
			continue
		}
		out = append(out, upload{key: m.Key, fh: fh})
	}
	return out
}

// formFile returns the first file of a multipart field, or nil.
func formFile(c *gin.Context, name string) *multipart.FileHeader {
	if mf := c.Request.MultipartForm; mf != nil && len(mf.File[name]) > 0 {
		return mf.File[name][0]
	}
	return nil
}

// uploadProblem names, as a locale key, why a file cannot be accepted.
func (s *Server) uploadProblem(fh *multipart.FileHeader) string {
	_, err := s.sniffUpload(fh)
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e) && e.Status == http.StatusUnsupportedMediaType:
		return "citizen.err.file_type"
	case errors.As(err, &e) && e.Status == http.StatusRequestEntityTooLarge:
		return "citizen.err.file_too_large"
	}
	return "citizen.err.file_unreadable"
}

// applyRequestErrors turns CheckFiling's field messages into the form's
// fields and locale keys; an identity number names the check it failed.
func (s *Server) applyRequestErrors(errs map[string]string, f applyForm, fields map[string]string) {
	for k := range fields {
		switch {
		case k == "applicant.kind":
			errs["kind"] = "citizen.err.kind"
		case k == "applicant.name":
			errs["name"] = "citizen.err.name"
		case k == "applicant.id_number":
			errs["id_number"] = s.idCheckKey(f.Kind, f.IDNumber)
		case k == "applicant.phone":
			if errs["phone"] == "" && errs["address"] == "" {
				errs["address"] = "citizen.err.too_long"
			}
		case strings.HasPrefix(k, "form."):
			errs[strings.TrimPrefix(k, "form.")] = "citizen.err.too_long"
		default:
			errs["form"] = "citizen.err.item"
		}
	}
}

// idCheckKey is the locale key naming the check an identity number failed,
// e.g. citizen.err.resident_id.checksum.
func (s *Server) idCheckKey(kind, id string) string {
	k := workflow.ResidentID
	if kind == models.ApplicantOrganisation {
		k = workflow.CreditCode
	}
	var ie *workflow.IDError
	if errors.As(workflow.ValidateID(k, workflow.NormalizeID(id), s.now()), &ie) && ie.Check != workflow.IDCheckKind {
		return "citizen.err." + string(ie.Kind) + "." + ie.Check
	}
	return "citizen.err.id"
}

// applyIdempotency keys the filing by the form's random token. The scope is
// fixed rather than the client's address: the token is unguessable and only
// the browser that loaded the form holds it, and a changing mobile address
// between two clicks must not file twice. The request hash covers the filed
// fields, so an edited form under a used token is refused, never replayed.
func applyIdempotency(f applyForm, itemCode string) *models.Idempotency {
	if f.Token == "" || len(f.Token) > formTokenMax {
		return nil
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{itemCode, f.Kind, f.Name, workflow.NormalizeID(f.IDNumber),
		f.Phone, f.Address, f.Content, f.ContactName, f.ContactPhone, f.Delivery}, "\x00")))
	return &models.Idempotency{Scope: "web:apply", Key: f.Token, Request: hex.EncodeToString(sum[:])}
}

func (s *Server) renderAlreadySubmitted(c *gin.Context) error {
	lang := langOf(c)
	heading := s.site.T(lang, "citizen.apply.already_heading")
	s.render(c, http.StatusConflict, "error", heading, "items",
		errorPage{Status: http.StatusConflict, Heading: heading, Message: s.site.T(lang, "citizen.apply.already_message")})
	return nil
}

// bodyError answers a multipart body that could not be read.
func (s *Server) bodyError(c *gin.Context, err error) error {
	var mbe *http.MaxBytesError
	if !errors.As(err, &mbe) {
		return badRequest("expected a multipart form")
	}
	lang := langOf(c)
	heading := s.site.T(lang, "citizen.err.body_too_large_heading")
	s.render(c, http.StatusRequestEntityTooLarge, "error", heading, "",
		errorPage{Status: http.StatusRequestEntityTooLarge, Heading: heading,
			Message: s.site.T(lang, "citizen.err.body_too_large", s.uploadLimit>>20)})
	return nil
}

// ownsApplication reports whether the signed-in citizen filed the
// application under the account's identity number (一号申请).
func (s *Server) ownsApplication(c *gin.Context, app *models.Application) bool {
	p := principalOf(c)
	return p != nil && p.user.CitizenID != "" &&
		workflow.NormalizeID(p.user.CitizenID) == app.ApplicantIDNumber &&
		s.can(c, policies.AllDomains, policies.ObjApplication, policies.ActOwn)
}
