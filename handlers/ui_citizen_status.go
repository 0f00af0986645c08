package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// The status pages take the number and query code from a POSTed form and
// render the answer in place, so that the code stays out of URLs and logs;
// GET /status/{number}?code= keeps working for links. A wrong code answers
// exactly like an unknown number; statusLookup rate-limits wrong codes.

// statusPage is the data of the status page: the lookup form, and the
// application once found.
type statusPage struct {
	Number  string
	Message string // locale key: not found, rate limited
	Result  *statusResult
}

// statusResult is what the applicant sees of one application.
type statusResult struct {
	View          statusView
	Department    string
	Submitted     string
	Timeline      []timelineRow
	Code          string // carried by the action forms; empty for the owner
	Owner         bool
	CanSupplement bool
	CanWithdraw   bool
	Notice        string            // locale key of what just happened
	Errors        map[string]string // field → locale key
	Token         string            // the action forms' idempotency token
	Comment       string            // the supplement's note, kept when the form is refused
	Reason        string            // the withdrawal's reason, kept when the form is refused
	LimitMB       int64
	Answers       answersView     // the applicant's own answers to the application form
	Bundle        *bundleRef      // the 一件事 the application is a child of, or nil
	Rating        *evaluationView // 好差评: the rating given, or its form
	// Notices are the written notices and decisions of the application so far.
	Notices []noticeDoc
	// Pending are the 容缺 materials still to come, due on PendingDue
	// (overdue once the day has passed): the applicant's reminder.
	Pending        []string
	PendingDue     string
	PendingOverdue bool
	// Pledge is the applicant's 告知承诺 as recorded, nil when none.
	Pledge *pledgeView
}

// bundleRef names the bundle filing a child application belongs to.
type bundleRef struct{ Number, Name string }

// bundleRefOf is the bundle filing of a child application (nil for an
// application filed on its own).
func (s *Server) bundleRefOf(c *gin.Context, app *models.Application) (*bundleRef, error) {
	if app.BundleFilingID == 0 {
		return nil, nil
	}
	f, err := s.store.BundleFilingHead(c.Request.Context(), app.BundleFilingID)
	if err != nil {
		return nil, err
	}
	return &bundleRef{Number: f.Number, Name: f.BundleName}, nil
}

type timelineRow struct {
	Time, Label, Who string
}

func (s *Server) renderStatus(c *gin.Context, status int, p statusPage) {
	c.Header("Cache-Control", "no-store")
	s.render(c, status, "citizen_status", s.site.T(langOf(c), "citizen.status.title"), "status", p)
}

func (s *Server) uiStatusForm(c *gin.Context) error {
	s.renderStatus(c, http.StatusOK, statusPage{Number: strings.TrimSpace(c.Query("number"))})
	return nil
}

// uiStatusLookup answers the lookup form.
func (s *Server) uiStatusLookup(c *gin.Context) error {
	var f statusLookupForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	return s.showStatus(c, strings.TrimSpace(f.Number), f.Code)
}

// statusLookupForm is the lookup form: the application's number and its
// query code, checked together by showStatus.
type statusLookupForm struct {
	Number string `form:"number"`
	Code   string `form:"code"`
}

// uiStatus shows an application by link: with ?code=, or to its owner's
// citizen account; otherwise the lookup form with the number filled in.
func (s *Server) uiStatus(c *gin.Context) error {
	number := c.Param("number")
	if code := c.Query("code"); code != "" {
		return s.showStatus(c, number, code)
	}
	app, err := s.store.Application(c.Request.Context(), number)
	if err == nil && s.ownsApplication(c, app) {
		if err := s.authorize(c, policies.AllDomains, policies.ObjApplication, policies.ActOwn); err != nil {
			return err
		}
		return s.renderResult(c, http.StatusOK, app, "", "", nil)
	}
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	s.renderStatus(c, http.StatusOK, statusPage{Number: number})
	return nil
}

func (s *Server) showStatus(c *gin.Context, number, code string) error {
	app, err := s.statusOrBundle(c, number, code)
	if errors.Is(err, errBundleNumber) {
		return s.showBundleStatus(c, number, code)
	}
	if err != nil {
		return s.lookupFailed(c, number, err)
	}
	return s.renderResult(c, http.StatusOK, app, strings.ToUpper(strings.TrimSpace(code)), "", nil)
}

// lookupFailed renders the lookup form for a wrong number or code (404, the
// same for both) or too many wrong codes (429); other errors pass on.
func (s *Server) lookupFailed(c *gin.Context, number string, err error) error {
	e := asError(err)
	switch e.Status {
	case http.StatusNotFound:
		s.renderStatus(c, http.StatusNotFound, statusPage{Number: number, Message: "citizen.status.not_found"})
		return nil
	case http.StatusTooManyRequests:
		s.renderStatus(c, http.StatusTooManyRequests, statusPage{Number: number, Message: "citizen.status.rate_limited"})
		return nil
	}
	return err
}

// typed is what the applicant wrote in a refused action form, shown again.
type typed struct{ Comment, Reason string }

func (s *Server) renderResult(c *gin.Context, status int, app *models.Application, code, notice string, errs map[string]string, kept ...typed) error {
	token, err := newSecret()
	if err != nil {
		return err
	}
	lang := langOf(c)
	answers, err := s.applicantAnswers(c, lang, app)
	if err != nil {
		return err
	}
	ref := s.ref.Load()
	v := s.statusViewOf(lang, app)
	if v.Payment, v.Delivery, err = s.feesAndDelivery(c, lang, app); err != nil {
		return err
	}
	if err := s.mystatusFill(c, lang, app, &v); err != nil {
		return err
	}
	r := &statusResult{View: v, Department: ref.deptByKey[app.DepartmentCode].Name, Submitted: citizenTime(app.SubmittedAt),
		Code: code, Owner: code == "", Notice: notice, Errors: errs, Token: token, LimitMB: s.uploadLimit >> 20, Answers: answers,
		CanSupplement: slices.Contains(v.CanAct, workflow.Supplement), CanWithdraw: slices.Contains(v.CanAct, workflow.Withdraw)}
	for _, k := range kept {
		r.Comment, r.Reason = k.Comment, k.Reason
	}
	r.Notices = s.noticesOf(c, lang, app, applicantNoticeKinds)
	if r.Pledge, err = s.pledgeViewOf(c, app); err != nil {
		return err
	}
	if r.Pledge != nil {
		r.Pledge.CanSign = false // the window records the signed pledge
	}
	if app.PendingDue != "" && !app.State.Final() {
		for _, m := range app.PendingMaterials() {
			r.Pending = append(r.Pending, m.Name)
		}
		r.PendingDue = app.PendingDue
		r.PendingOverdue = app.PendingDue < models.FormatDay(models.CentreDay(s.now()))
	}
	// A bundle's child is supplemented and withdrawn only with its bundle.
	if r.Bundle, err = s.bundleRefOf(c, app); err != nil {
		return err
	}
	if r.Bundle != nil {
		r.CanSupplement, r.CanWithdraw = false, false
	}
	if r.Rating, err = s.statusEvaluation(c, app); err != nil {
		return err
	}
	for _, e := range v.Timeline {
		who := ref.deptByKey[e.Department].Name
		switch {
		case e.Department != "":
		case e.Action == workflow.Submit || e.Action == workflow.Supplement || e.Action == workflow.Withdraw:
			who = s.site.T(lang, "citizen.timeline.applicant")
		default:
			who = s.site.T(lang, "citizen.timeline.centre")
		}
		r.Timeline = append(r.Timeline, timelineRow{Time: citizenTime(e.At), Label: e.Label, Who: who})
	}
	s.renderStatus(c, status, statusPage{Number: app.Number, Result: r})
	return nil
}

// applicantAnswers are the application form's answers the applicant gave.
// The read by query code is narrow (no answers, no definition); the answers
// come from the full application then.
func (s *Server) applicantAnswers(c *gin.Context, lang string, app *models.Application) (answersView, error) {
	if app.Form == nil {
		full, err := s.store.Application(c.Request.Context(), app.Number)
		if err != nil {
			return answersView{}, err
		}
		app = full
	}
	return s.answersOf(c.Request.Context(), lang, app)
}

// citizenTarget finds the application an action form is about: by the query
// code it carries, or for the owner's citizen account without one.
func (s *Server) citizenTarget(c *gin.Context, number, code string) (*models.Application, error) {
	if code != "" {
		return s.statusLookup(c, number, code)
	}
	app, err := s.store.Application(c.Request.Context(), number)
	if err != nil {
		return nil, err
	}
	if !s.ownsApplication(c, app) {
		return nil, notFound("application")
	}
	return app, nil
}

// actionIdempotency keys an applicant's action by the form's random token;
// the page's forms share one token, so the key names the action too.
func actionIdempotency(token, number string, act workflow.Action, comment string) *models.Idempotency {
	if token == "" || len(token) > formTokenMax {
		return nil
	}
	sum := sha256.Sum256([]byte(number + "\x00" + string(act) + "\x00" + comment))
	return &models.Idempotency{Scope: "web:act", Key: string(act) + ":" + token, Request: hex.EncodeToString(sum[:])}
}

// supplementForm is the applicant's supplement (补正) form; the files are
// read per listed material.
type supplementForm struct {
	Version   int    `form:"version"` // the version the page showed; 0 from an older page skips the check
	Code      string `form:"code"`
	Comment   string `form:"comment"`
	FormToken string `form:"form_token"`
}

func (f *supplementForm) normalize() {
	f.Code, f.Comment = strings.ToUpper(strings.TrimSpace(f.Code)), strings.TrimSpace(f.Comment)
}

// Validate checks the comment; its problems are locale keys.
func (f supplementForm) Validate() error {
	bad := formErrors{}
	if utf8.RuneCountInString(f.Comment) > applyContentMax {
		bad.add("comment", "citizen.err.too_long")
	}
	return bad.orNil()
}

// withdrawForm is the applicant's withdrawal, confirmed.
type withdrawForm struct {
	Version   int    `form:"version"` // the version the page showed; 0 from an older page skips the check
	Code      string `form:"code"`
	Reason    string `form:"reason"`
	Confirm   string `form:"confirm"`
	FormToken string `form:"form_token"`
}

func (f *withdrawForm) normalize() {
	f.Code, f.Reason = strings.ToUpper(strings.TrimSpace(f.Code)), strings.TrimSpace(f.Reason)
}

// Validate asks for the confirmation and bounds the reason; its problems
// are locale keys.
func (f withdrawForm) Validate() error {
	bad := formErrors{}
	if f.Confirm != "yes" {
		bad.add("confirm", "citizen.err.confirm")
	}
	if utf8.RuneCountInString(f.Reason) > applyContentMax {
		bad.add("reason", "citizen.err.too_long")
	}
	return bad.orNil()
}

// uiSupplement stores the supplementary files and then reports the
// supplement complete (补正完成) through the one action path.
func (s *Server) uiSupplement(c *gin.Context) error {
	number := c.Param("number")
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 20*s.uploadLimit+1<<20)
	if err := c.Request.ParseMultipartForm(1 << 20); err != nil {
		return s.bodyError(c, err)
	}
	var f supplementForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	f.normalize()
	code, comment := f.Code, f.Comment
	app, err := s.citizenTarget(c, number, code)
	if err != nil {
		return s.lookupFailed(c, number, err)
	}
	if app.State == workflow.SupplementRequired {
		errs := map[string]string{}
		var files []upload
		for _, m := range app.Materials {
			name := "file_" + m.MaterialKey
			if fh := formFile(c, name); fh != nil {
				if msg := s.uploadProblem(fh); msg != "" {
					errs[name] = msg
				} else {
					files = append(files, upload{key: m.MaterialKey, fh: fh})
				}
			}
		}
		if len(files) == 0 && len(errs) == 0 {
			errs["files"] = "citizen.err.supplement_files"
		}
		for k, v := range problems(f.Validate()) {
			errs[k] = v
		}
		if len(errs) > 0 {
			return s.renderResult(c, http.StatusUnprocessableEntity, app, code, "", errs, typed{Comment: comment})
		}
		who := actorOf(c)
		who.QueryCode = code
		for _, u := range files {
			if _, err := s.storeFile(c, who, app.Number, u.key, u.fh); err != nil {
				return err
			}
		}
	}
	in := actionInput{Version: f.Version, Code: code, Comment: comment, asApplicant: code != "", Fields: map[string]string{}}
	idem := actionIdempotency(f.FormToken, app.Number, workflow.Supplement, comment)
	return s.citizenAct(c, app, code, workflow.Supplement, in, idem, "citizen.notice.supplemented")
}

// uiWithdraw withdraws the application after the applicant confirmed it.
func (s *Server) uiWithdraw(c *gin.Context) error {
	number := c.Param("number")
	var f withdrawForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	f.normalize()
	code, reason := f.Code, f.Reason
	app, err := s.citizenTarget(c, number, code)
	if err != nil {
		return s.lookupFailed(c, number, err)
	}
	if err := f.Validate(); err != nil {
		return s.renderResult(c, http.StatusUnprocessableEntity, app, code, "", problems(err), typed{Reason: reason})
	}
	in := actionInput{Version: f.Version, Code: code, Comment: reason, asApplicant: code != "", Fields: map[string]string{}}
	idem := actionIdempotency(f.FormToken, app.Number, workflow.Withdraw, reason)
	return s.citizenAct(c, app, code, workflow.Withdraw, in, idem, "citizen.notice.withdrawn")
}

// citizenAct runs the applicant's action through doAction and shows the
// application as it now stands.
func (s *Server) citizenAct(c *gin.Context, app *models.Application, code string, act workflow.Action,
	in actionInput, idem *models.Idempotency, done string) error {
	_, err := s.doAction(c, app.Number, act, in, idem)
	status, notice := http.StatusOK, done
	switch e := asError(err); {
	case err == nil:
	case e.Status == http.StatusNotFound || e.Status == http.StatusTooManyRequests:
		return s.lookupFailed(c, app.Number, err)
	case e.Status == http.StatusConflict || e.Status == http.StatusForbidden || errors.Is(err, models.ErrIdempotencyMismatch):
		status, notice = http.StatusConflict, "citizen.notice.not_allowed"
	default:
		return err
	}
	fresh, err := s.store.Application(c.Request.Context(), app.Number)
	if err != nil {
		return err
	}
	return s.renderResult(c, status, fresh, code, notice, nil)
}

// myRow is one application in a citizen's list.
type myRow struct {
	Number, Item, Department, Submitted, StateLabel, Deadline string
	State                                                     workflow.State
}

// uiMyApplications lists every application filed under the citizen
// account's identity number (一号申请).
func (s *Server) uiMyApplications(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjApplication, policies.ActOwn); err != nil {
		return err
	}
	p := principalOf(c)
	var rows []myRow
	if p.user.CitizenID != "" {
		apps, err := s.store.ApplicationsOf(c.Request.Context(), workflow.NormalizeID(p.user.CitizenID), 200)
		if err != nil {
			return err
		}
		lang, ref := langOf(c), s.ref.Load()
		for _, a := range apps {
			rows = append(rows, myRow{Number: a.Number, Item: a.ItemName, Department: ref.deptByKey[a.DepartmentCode].Name,
				Submitted: citizenTime(a.SubmittedAt), State: a.State, StateLabel: s.site.T(lang, "state."+string(a.State)),
				Deadline: a.PromisedDeadline})
		}
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, http.StatusOK, "citizen_my", s.site.T(langOf(c), "citizen.my.title"), "my", rows)
	return nil
}
