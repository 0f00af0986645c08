package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// 好差评 (DESIGN §2, §8): the applicant rates an application once, from the
// status page or the API with the query code (or as its owner), or on the
// evaluation tablet beside the window; a 差评 opens a rectification case.

// evaluationCommentMax bounds the comment, in characters.
const evaluationCommentMax = 500

// evaluationInput is a rating as posted (JSON or form).
type evaluationInput struct {
	Code    string   `json:"code" form:"code"`
	Level   int      `json:"level" form:"level"`
	Tags    []string `json:"tags" form:"tags"`
	Comment string   `json:"comment" form:"comment"`
}

func (in *evaluationInput) normalize() {
	in.Code, in.Comment = strings.ToUpper(strings.TrimSpace(in.Code)), strings.TrimSpace(in.Comment)
}

// Validate checks the level, the tags and the comment; its problems are locale keys.
func (in evaluationInput) Validate() error {
	bad := formErrors{}
	if in.Level < 1 || in.Level > 5 {
		bad.add("level", "evaluation.err.level")
	}
	seen := map[string]bool{}
	for _, t := range in.Tags {
		if !models.ValidTag(t) || seen[t] {
			bad.add("tags", "evaluation.err.tags")
		}
		seen[t] = true
	}
	if utf8.RuneCountInString(in.Comment) > evaluationCommentMax {
		bad.add("comment", "evaluation.err.comment")
	}
	return bad.orNil()
}

// evaluationError answers the store's evaluation errors; others pass on.
func evaluationError(err error) error {
	switch {
	case errors.Is(err, models.ErrAlreadyEvaluated):
		return &Error{Status: http.StatusConflict, Code: "already_evaluated", Message: "this application has already been rated", Err: err}
	case errors.Is(err, models.ErrNotEvaluable):
		return &Error{Status: http.StatusConflict, Code: "not_evaluable", Message: "the application can be rated once it is completed (at the window: once accepted)", Err: err}
	case errors.Is(err, models.ErrWrongStep):
		return &Error{Status: http.StatusConflict, Code: "wrong_step", Message: "this is not the case's next step; reload it", Err: err}
	}
	return err
}

// rectificationDays is how many working days a department has to close a case.
func (s *Server) rectificationDays() int {
	if s.rectifyDays > 0 {
		return s.rectifyDays
	}
	return models.DefaultRectificationDays
}

// evaluate records a checked rating.
func (s *Server) evaluate(c *gin.Context, number, code, source, clerk string, in evaluationInput) (*models.Evaluation, error) {
	e, err := s.store.Evaluate(c.Request.Context(), models.NewEvaluation{Number: number, QueryCode: code, Source: source,
		Clerk: clerk, Level: in.Level, Tags: in.Tags, Comment: in.Comment, Cal: s.cal.Load(), DueDays: s.rectificationDays(), Now: s.now()})
	return e, evaluationError(err)
}

// evaluationJSON is a rating as the applicant and the API see it.
type evaluationJSON struct {
	Level   int             `json:"level"`
	Label   string          `json:"label"`
	Tags    []string        `json:"tags"`
	Comment string          `json:"comment"`
	At      time.Time       `json:"at"`
	Case    *caseStatusJSON `json:"case"`
}

// caseStatusJSON is what the applicant sees of a rectification case: its
// state, due day and the department's reply.
type caseStatusJSON struct {
	State string `json:"state"`
	Due   string `json:"due"`
	Reply string `json:"reply,omitempty"`
}

func (s *Server) evaluationJSONOf(lang string, e *models.Evaluation) *evaluationJSON {
	if e == nil {
		return nil
	}
	out := &evaluationJSON{Level: e.Level, Label: s.site.T(lang, "evaluation.level."+strconv.Itoa(e.Level)),
		Tags: append([]string{}, e.Tags...), Comment: e.Comment, At: e.CreatedAt}
	if e.Case != nil {
		out.Case = &caseStatusJSON{State: e.Case.State, Due: e.Case.DueOn, Reply: e.Case.Reply}
	}
	return out
}

// apiEvaluate answers POST /api/v1/status/{number}/evaluation.
func (s *Server) apiEvaluate(c *gin.Context) error {
	var in evaluationInput
	if err := c.ShouldBindJSON(&in); err != nil {
		return badRequest("the body is not a rating: " + err.Error())
	}
	in.normalize()
	number := c.Param("number")
	app, err := s.citizenTarget(c, number, in.Code)
	if err != nil {
		return err
	}
	if err := in.Validate(); err != nil {
		return invalid(s.englishProblems(problems(err)))
	}
	e, err := s.evaluate(c, app.Number, in.Code, models.SourceOnline, "", in)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, s.evaluationJSONOf(langOf(c), e))
	return nil
}

// evaluationOf is the application's rating, or nil when it has none.
func (s *Server) evaluationOf(c *gin.Context, number string) (*models.Evaluation, error) {
	e, err := s.store.EvaluationOf(c.Request.Context(), number)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	return e, err
}

// choice is one level or tag of the rating form.
type choice struct {
	Value, Label string
	Checked      bool
}

// evaluationView is the rating part of the status page and of the window tablet.
type evaluationView struct {
	Lang, CSRF string
	Action     string // where the form posts
	Code       string // the query code the status page's form carries
	Number     string // the application the tablet's form rates
	Given      *evaluationJSON
	TagLabels  []string
	CaseLabel  string
	CanRate    bool
	Levels     []choice
	Tags       []choice
	Errors     map[string]string
	Comment    string
}

// evaluationViewOf builds the rating part for app: what was given, or the
// form when the application may be rated from source.
func (s *Server) evaluationViewOf(c *gin.Context, app *models.Application, source string, typed *evaluationInput, errs map[string]string) (*evaluationView, error) {
	lang := langOf(c)
	e, err := s.evaluationOf(c, app.Number)
	if err != nil {
		return nil, err
	}
	v := &evaluationView{Lang: lang, Given: s.evaluationJSONOf(lang, e), Errors: errs,
		Action: "/status/" + app.Number + "/evaluation", Number: app.Number}
	if source == models.SourceWindow {
		v.Action = "/window/evaluate"
	}
	if p := principalOf(c); p != nil && p.session != nil {
		v.CSRF = p.session.CSRFToken
	}
	if e != nil {
		for _, t := range e.Tags {
			v.TagLabels = append(v.TagLabels, s.site.T(lang, "evaluation.tag."+t))
		}
		if e.Case != nil {
			v.CaseLabel = s.site.T(lang, "evaluation.case."+e.Case.State)
		}
		return v, nil
	}
	v.CanRate = app.State == workflow.Completed || source == models.SourceWindow && app.AcceptedOn != "" &&
		app.State != workflow.Withdrawn && app.State != workflow.Terminated
	if typed == nil {
		typed = &evaluationInput{}
	}
	v.Comment = typed.Comment
	for l := 5; l >= 1; l-- {
		v.Levels = append(v.Levels, choice{Value: strconv.Itoa(l), Label: s.site.T(lang, "evaluation.level."+strconv.Itoa(l)), Checked: typed.Level == l})
	}
	for _, t := range models.EvaluationTags {
		checked := false
		for _, x := range typed.Tags {
			checked = checked || x == t
		}
		v.Tags = append(v.Tags, choice{Value: t, Label: s.site.T(lang, "evaluation.tag."+t), Checked: checked})
	}
	return v, nil
}

// uiEvaluate takes the status page's rating form and shows the page again.
func (s *Server) uiEvaluate(c *gin.Context) error {
	number := c.Param("number")
	var in evaluationInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	in.normalize()
	app, err := s.citizenTarget(c, number, in.Code)
	if err != nil {
		return s.lookupFailed(c, number, err)
	}
	if err := in.Validate(); err != nil {
		return s.renderRated(c, http.StatusUnprocessableEntity, app, in, problems(err), "")
	}
	_, err = s.evaluate(c, app.Number, in.Code, models.SourceOnline, "", in)
	switch e := asError(err); {
	case err == nil:
		return s.renderRated(c, http.StatusOK, app, in, nil, "evaluation.notice.thanks")
	case e.Status == http.StatusConflict:
		return s.renderRated(c, http.StatusConflict, app, in, nil, "evaluation.notice."+e.Code)
	default:
		return err
	}
}

// renderRated shows the status page after a rating form.
func (s *Server) renderRated(c *gin.Context, status int, app *models.Application, in evaluationInput, errs map[string]string, notice string) error {
	c.Set(ctxRatingInput, &ratingState{input: in, errs: errs})
	return s.renderResult(c, status, app, in.Code, notice, nil)
}

// ctxRatingInput carries a refused rating form to the status page's view.
const ctxRatingInput = "rating_input"

type ratingState struct {
	input evaluationInput
	errs  map[string]string
}

// statusEvaluation is the rating part of the status page for app.
func (s *Server) statusEvaluation(c *gin.Context, app *models.Application) (*evaluationView, error) {
	var typed *evaluationInput
	var errs map[string]string
	if v, ok := c.Get(ctxRatingInput); ok {
		if st, ok := v.(*ratingState); ok && st.errs != nil {
			typed, errs = &st.input, st.errs
		}
	}
	v, err := s.evaluationViewOf(c, app, models.SourceOnline, typed, errs)
	if v != nil && c.Request.Method == http.MethodPost {
		v.Code = strings.ToUpper(strings.TrimSpace(c.PostForm("code")))
	} else if v != nil {
		v.Code = strings.ToUpper(strings.TrimSpace(c.Query("code")))
	}
	return v, err
}

// windowEvaluatePage is the evaluation tablet beside the window: the clerk's
// window and the application the clerk handled last.
type windowEvaluatePage struct {
	Clerk, ClerkName string
	Number, Item     string
	Department       string
	Applicant        string // masked: the tablet faces the queue
	State            string
	Rating           *evaluationView
	Notice           string
}

// uiWindowEvaluateForm shows the tablet page.
func (s *Server) uiWindowEvaluateForm(c *gin.Context) error {
	return s.windowEvaluatePage(c, http.StatusOK, strings.TrimSpace(c.Query("number")), nil, nil, "")
}

func (s *Server) windowEvaluatePage(c *gin.Context, status int, number string, typed *evaluationInput, errs map[string]string, notice string) error {
	p := principalOf(c)
	ctx := c.Request.Context()
	page := windowEvaluatePage{Clerk: p.user.Username, ClerkName: p.user.DisplayName, Notice: notice}
	if number == "" {
		n, err := s.store.ClerkLatestApplication(ctx, p.user.Username)
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			return err
		}
		number = n
	}
	if number == "" {
		if err := s.authorize(c, policies.AllDomains, policies.ObjApplication, policies.ActRegister); err != nil {
			return err
		}
	} else {
		app, err := s.store.Application(ctx, number)
		if err != nil {
			return err
		}
		if err := s.authorize(c, app.DepartmentCode, policies.ObjApplication, policies.ActRegister); err != nil {
			return err
		}
		lang := langOf(c)
		page.Number, page.Item, page.State = app.Number, app.ItemName, s.site.T(lang, "state."+string(app.State))
		page.Department = s.ref.Load().deptByKey[app.DepartmentCode].Name
		page.Applicant = models.MaskName(app.ApplicantKind, app.ApplicantName)
		if page.Rating, err = s.evaluationViewOf(c, app, models.SourceWindow, typed, errs); err != nil {
			return err
		}
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, status, "window_evaluate", s.site.T(langOf(c), "evaluation.window.title"), "staff", page)
	return nil
}

// windowRatingForm is the tablet's rating form.
type windowRatingForm struct {
	Number string `form:"number"`
	evaluationInput
}

// uiWindowEvaluate records a rating given on the tablet.
func (s *Server) uiWindowEvaluate(c *gin.Context) error {
	var f windowRatingForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	f.normalize()
	f.Code = "" // the clerk's session stands for the applicant at the window
	app, err := s.store.Application(c.Request.Context(), strings.TrimSpace(f.Number))
	if err != nil {
		return err
	}
	if err := s.authorize(c, app.DepartmentCode, policies.ObjApplication, policies.ActRegister); err != nil {
		return err
	}
	if err := f.Validate(); err != nil {
		return s.windowEvaluatePage(c, http.StatusUnprocessableEntity, app.Number, &f.evaluationInput, problems(err), "")
	}
	_, err = s.evaluate(c, app.Number, "", models.SourceWindow, principalOf(c).user.Username, f.evaluationInput)
	switch e := asError(err); {
	case err == nil:
		return s.windowEvaluatePage(c, http.StatusOK, app.Number, nil, nil, "evaluation.notice.thanks")
	case e.Status == http.StatusConflict:
		return s.windowEvaluatePage(c, http.StatusConflict, app.Number, nil, nil, "evaluation.notice."+e.Code)
	default:
		return err
	}
}
