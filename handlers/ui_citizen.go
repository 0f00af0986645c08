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
	"onewindow/models/form"
	"onewindow/policies"
	"onewindow/workflow"
)

// citizenZone is the centre's local time (Asia/Shanghai, UTC+8 all year),
// fixed so that no time-zone database is needed.
var citizenZone = models.CentreZone()

func citizenTime(t time.Time) string { return t.In(citizenZone).Format("2006-01-02 15:04") }

// Online form limits, a little inside what the service's CheckFiling accepts.
const (
	applyContentMax = 600 // runes of the status page's notes (supplement, withdrawal)
	applyTextMax    = 100 // runes of the applicant's name and address
	formTokenMax    = 100
)

var phonePattern = regexp.MustCompile(`^[0-9+\-() ]{7,20}$`)

// applyForm is the applicant block of the online application as submitted;
// the item's form is read from the "form.<key>" inputs (form.FromForm).
type applyForm struct {
	Kind     string `form:"kind"`
	Name     string `form:"name"`
	IDNumber string `form:"id_number"`
	Phone    string `form:"phone"`
	Address  string `form:"address"`
	Token    string `form:"form_token"`
	// Notify is how the applicant wants to hear of the application (outbox).
	Notify outboxNotifyForm
	Pledge string `form:"pledge"` // "1": the applicant ticked the item's 告知承诺
}

// applyPage is the data of the online application form.
type applyPage struct {
	Item       *models.Item
	Department string
	Form       applyForm
	Fields     formView
	Errors     map[string]string // applicant input or material file → message
	Problems   []formProblem     // every refused answer, for the summary at the top
	FilesAgain bool              // a refused post carried files that could not be kept for the retry
	Kinds      []string
	LimitMB    int64
	Limited    string // the filing cap was reached: why nothing was filed
	Notify     outboxNotifyView
	// Kept are the files of a refused post kept for the retry, by material key.
	Kept  map[string]*retryKept
	Files map[string]guideFiles // each material's blank form and sample links, by key
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

func (s *Server) renderApply(c *gin.Context, status int, p applyPage) {
	c.Header("Cache-Control", "no-store")
	p.Notify = outboxNotifyView{Lang: langOf(c), Form: p.Form.Notify, Errors: p.Errors}
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
	f := applyForm{Kind: models.ApplicantPerson, Token: token}
	if len(it.ServiceObjects) > 0 && !slices.Contains(it.ServiceObjects, "person") {
		f.Kind = models.ApplicantOrganisation
	}
	v, err := s.citizenProfile(c, it, &f)
	if err != nil {
		return err
	}
	p, err := s.newApplyPage(c, it, f, v, nil)
	if err != nil {
		return err
	}
	s.renderApply(c, http.StatusOK, p)
	return nil
}

// normalize removes the blanks around every value.
func (f *applyForm) normalize() {
	for _, v := range []*string{&f.Kind, &f.Name, &f.IDNumber, &f.Phone, &f.Address, &f.Token} {
		*v = strings.TrimSpace(*v)
	}
}

// applicant is the applicant block as the filing carries it.
func (f applyForm) applicant() service.ApplicantInput {
	return service.ApplicantInput{Kind: f.Kind, Name: f.Name, IDNumber: f.IDNumber, Phone: f.Phone, Address: f.Address}
}

// filing is what the form files, as the API's body would carry it.
func (f applyForm) filing(itemCode string, post url.Values) service.Filing {
	return service.Filing{ItemCode: itemCode, Form: service.FormInput{Post: post}, Applicant: f.applicant(),
		Notify: f.Notify.input(), Pledge: f.Pledge == "1"}
}

// uiApply files an online application: the same validation as the API
// (service.CheckFiling, which checks the item's form), every upload sniffed
// before anything is filed, the form's random token as the Idempotency-Key,
// then PRG to the receipt. A refused post shows the page again with every
// answer kept, the chosen files kept for the retry (retry_files.go) and each
// problem next to its input.
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
	f.Notify.Lang = langOf(c) // the applicant hears in the language they filed in
	lang, post := langOf(c), c.Request.PostForm
	keys := map[string]string{} // field → locale key
	for k, v := range problems(f.Validate()) {
		keys[k] = v
	}
	files := s.applyFiles(c, it, f.Pledge == "1", keys)
	kept := s.retryApplyKept(c, it, keys)
	errs := make(map[string]string, len(keys)) // field → message
	for k, v := range keys {
		errs[k] = s.site.T(lang, v)
	}
	svc := s.actions()
	var issues form.Issues
	_, err = svc.CheckFiling(c.Request.Context(), f.filing(it.Code, post))
	if e := asError(err); err != nil && e.Status == http.StatusUnprocessableEntity {
		issues = s.applyRequestErrors(lang, errs, f, err, e.Fields)
	} else if err != nil {
		return err
	}
	if len(errs) > 0 || len(issues) > 0 {
		allKept := s.retryKeepFiles(c, it, files, kept)
		return s.applyRefused(c, it, f, post, issues, errs, !allKept, kept)
	}
	if wait := s.filingWait(c); wait > 0 {
		allKept := s.retryKeepFiles(c, it, files, kept)
		return s.applyLimited(c, it, f, post, s.filingLimitMessage(c, wait), !allKept, kept)
	}
	filing := f.filing(it.Code, post)
	filing.Idem = applyIdempotency(f, it.Code, post)
	filed, err := svc.File(c.Request.Context(), actorOf(c), filing)
	if errors.Is(err, models.ErrIdempotencyMismatch) {
		return s.renderAlreadySubmitted(c)
	}
	if err != nil {
		return err
	}
	if !filed.Replayed {
		s.countFiling(c)
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
		s.retryFileKept(c, filed.Number, filed.QueryCode, kept, files)
	}
	s.setReceiptCookie(c, filed.Number, filed.QueryCode)
	c.Redirect(http.StatusSeeOther, "/receipt/"+filed.Number)
	return nil
}

// Validate checks what the online form asks of the applicant beyond the
// API's rules (which service.CheckFiling checks for both); its problems are
// locale keys.
func (f applyForm) Validate() error {
	e := formErrors{}
	if !phonePattern.MatchString(f.Phone) {
		e["phone"] = "citizen.err.phone"
	}
	for name, v := range map[string]string{"name": f.Name, "address": f.Address} {
		if utf8.RuneCountInString(v) > applyTextMax {
			e[name] = "citizen.err.too_long"
		}
	}
	return e.orNil()
}

// upload is one file of a form, for a listed material.
type upload struct {
	key string
	fh  *multipart.FileHeader
}

// applyFiles picks the file of each listed material and checks it (size,
// sniffed type); a required material without a file is an error too, unless
// the applicant ticked the item's 告知承诺 and the pledge replaces it.
func (s *Server) applyFiles(c *gin.Context, it *models.Item, pledged bool, errs map[string]string) []upload {
	var out []upload
	for _, m := range it.Materials {
		name := "file_" + m.Key
		fh := formFile(c, name)
		if fh == nil {
			if m.Necessity == models.NecessityRequired && !(pledged && it.PledgeAllowed && m.PledgeReplaces) {
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
// fields and every answer of the item's form, so an edited form under a used
// token is refused, never replayed.
func applyIdempotency(f applyForm, itemCode string, post url.Values) *models.Idempotency {
	if f.Token == "" || len(f.Token) > formTokenMax {
		return nil
	}
	parts := []string{itemCode, f.Kind, f.Name, workflow.NormalizeID(f.IDNumber), f.Phone, f.Address}
	names := make([]string, 0, len(post))
	for k := range post {
		if strings.HasPrefix(k, form.PostPrefix) {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, k := range names {
		parts = append(parts, k+"="+strings.Join(post[k], "\x1f"))
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
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
