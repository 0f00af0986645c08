package handlers

import (
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// actionInput is the body of POST /api/v1/applications/{number}/actions/{action}.
type actionInput struct {
	Version    int                             `json:"version"`
	Comment    string                          `json:"comment"`
	Code       string                          `json:"code"`       // the applicant's query code
	Department string                          `json:"department"` // the acting department of a joint item
	Materials  map[string]models.MaterialCheck `json:"materials"`
	// asApplicant makes a signed-in visitor who gives the query code on the
	// citizen pages act as the applicant, not as their account.
	asApplicant bool
	// The action's fields (reason, missing, pending, due, kind, expected_days,
	// days, result_number, delivery, tracking_number) as strings.
	Fields map[string]string `json:"-"`
}

// actionFields are the body keys an action may carry.
var actionFields = []string{"reason", "missing", "pending", "due", "kind", "expected_days", "days",
	"result_number", "delivery", "tracking_number", "received", "carrier", "receiver"}

// requireVersion refuses a state-changing call without the version the
// caller saw: a missing version is a missing field (422 naming it), never a
// conflict; 409 stays for a version that is really stale.
func requireVersion(v int) error {
	if v < 1 {
		return invalid(map[string]string{"version": "is required: send the version of the application (or bundle) as you last read it"})
	}
	return nil
}

func parseActionInput(body []byte) (actionInput, error) {
	var in actionInput
	if err := json.Unmarshal(body, &in); err != nil {
		return in, badRequest("the body is not valid JSON for an action")
	}
	var raw map[string]any
	_ = json.Unmarshal(body, &raw)
	in.Fields = map[string]string{}
	for _, k := range actionFields {
		switch v := raw[k].(type) {
		case string:
			in.Fields[k] = strings.TrimSpace(v)
		case float64:
			in.Fields[k] = strconv.FormatFloat(v, 'f', -1, 64)
		case []any:
			parts := make([]string, 0, len(v))
			for _, p := range v {
				if s, ok := p.(string); ok {
					parts = append(parts, s)
				}
			}
			in.Fields[k] = strings.Join(parts, ",")
		}
	}
	return in, nil
}

// apiAct runs an action. The applicant acts with the query code; staff act
// with their login and the permission the transition table names.
func (s *Server) apiAct(c *gin.Context) error {
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, 1<<20))
	if err != nil {
		return badRequest("unreadable body")
	}
	in, err := parseActionInput(body)
	if err != nil {
		return err
	}
	act := workflow.Action(c.Param("action"))
	if !act.Valid() || act == workflow.Submit || act == workflow.Register {
		return notFound("action")
	}
	if err := requireVersion(in.Version); err != nil {
		return err
	}
	app, err := s.doAction(c, c.Param("number"), act, in, idempotency(c, body))
	if err != nil {
		return err
	}
	if in.Code != "" && principalOf(c) == nil {
		c.JSON(http.StatusOK, s.statusViewOf(langOf(c), app))
		return nil
	}
	full, err := s.store.Application(c.Request.Context(), app.Number)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.applicationViewOf(langOf(c), full, s.staffActions(c, full)))
	return nil
}

// doAction is the one path every action takes, from the API and the pages:
// resolve the caller once, then the action service (which authorizes over
// the locked application inside the store's transaction). The wrong-code
// limiter stays here: it counts the service's wrong-code answers.
func (s *Server) doAction(c *gin.Context, number string, act workflow.Action, in actionInput, idem *models.Idempotency) (*models.Application, error) {
	who := actorOf(c)
	if in.Code != "" && (who.Username == "" || in.asApplicant) {
		who = service.Actor{QueryCode: in.Code}
	}
	var app *models.Application
	err := s.withCodeLimit(c, number, who, func() (err error) {
		app, err = s.actions().Act(c.Request.Context(), who, number, act, in.Version, service.ActionInput{
			Comment: in.Comment, Department: in.Department, Fields: in.Fields, Materials: in.Materials, Idem: idem})
		return err
	})
	if err == nil {
		c.Set(ctxAuthorized, true) // the service authorized the action
	}
	return app, err
}

// withCodeLimit runs attempt, a look at application number as who, under the
// limits of wrong query codes when who gives one: per client and number (a
// client guessing one application's code may still look up another with its
// right code), and per number from every client together (guesses spread over
// many addresses). A refusal carries Retry-After; a wrong code
// (service.IsWrongCode) counts against both.
func (s *Server) withCodeLimit(c *gin.Context, number string, who service.Actor, attempt func() error) error {
	if who.QueryCode == "" {
		return attempt()
	}
	now, client := s.now(), c.ClientIP()+" "+number
	if wait := max(s.codeLimiter.RetryAfter(client, now), s.numberLimiter.RetryAfter(number, now)); wait > 0 {
		c.Header("Retry-After", strconv.Itoa(int(wait.Round(time.Second)/time.Second)+1))
		return service.ErrTooManyAttempts
	}
	err := attempt()
	if service.IsWrongCode(err) {
		s.codeLimiter.Fail(client, now)
		s.numberLimiter.Fail(number, now)
	}
	return err
}

// actions is the action service over the server's store, authorizer,
// calendar and clock.
func (s *Server) actions() *service.Service {
	return &service.Service{Store: s.store, Authz: s.authz, Cal: s.cal.Load(), Now: s.now, Item: s.publishedItem,
		IsMainItem: func(code string) bool { return s.ref.Load().mainItems[code] }, Forms: &s.forms, Bundles: &s.bundles}
}

// staffActions lists the actions the caller may take now.
func (s *Server) staffActions(c *gin.Context, app *models.Application) []workflow.Action {
	perms := s.permissionsOf(c)
	if len(perms) == 0 {
		return nil
	}
	var out []workflow.Action
	for _, act := range workflow.Available(app.State, app.Facts("")) {
		if mayAct(perms, app, act) {
			out = append(out, act)
		}
	}
	return out
}

// permissionsOf is every permission the signed-in user holds, as data.
func (s *Server) permissionsOf(c *gin.Context) []workflow.Permission {
	p := principalOf(c)
	if p == nil {
		return nil
	}
	return s.actions().Permissions(p.user.Username)
}

func mayAct(perms []workflow.Permission, app *models.Application, act workflow.Action) bool {
	for _, t := range workflow.Table {
		if t.Act != act || t.From != app.State || t.By != workflow.Staff {
			continue
		}
		if _, ok := workflow.RoleFor(perms, app.DepartmentCode, t.Obj, t.Verb); ok && t.Obj == policies.ObjApplication {
			return true
		}
		for _, task := range app.Tasks {
			if _, err := workflow.TaskStage(workflow.Stage(task.Stage), act); err != nil {
				continue
			}
			if _, err := workflow.Next(app.State, act, app.Facts(task.DepartmentCode)); err != nil {
				continue
			}
			if _, ok := workflow.RoleFor(stagesPerms(perms, app, task, act), task.DepartmentCode, t.Obj, t.Verb); ok {
				return true
			}
		}
	}
	return false
}

// apiStatus answers number + query code with the citizen-facing status; a
// wrong code answers exactly like an unknown number.
func (s *Server) apiStatus(c *gin.Context) error {
	app, err := s.statusOrBundle(c, c.Param("number"), c.Query("code"))
	if errors.Is(err, errBundleNumber) {
		return s.bundleStatus(c)
	}
	if err != nil {
		return err
	}
	v := s.statusViewOf(langOf(c), app)
	e, err := s.evaluationOf(c, app.Number)
	if err != nil {
		return err
	}
	v.Evaluation = s.evaluationJSONOf(langOf(c), e)
	c.Header("Cache-Control", "no-store")
	if v.Payment, v.Delivery, err = s.feesAndDelivery(c, langOf(c), app); err != nil {
		return err
	}
	if err := s.mystatusFill(c, langOf(c), app, &v); err != nil {
		return err
	}
	c.JSON(http.StatusOK, v)
	return nil
}

// statusLookup checks the rate limit and the code of an application.
func (s *Server) statusLookup(c *gin.Context, number, code string) (*models.Application, error) {
	app, err := s.statusOrBundle(c, number, code)
	if errors.Is(err, errBundleNumber) {
		return nil, service.ErrWrongCode // not an application: like an unknown number
	}
	return app, err
}

// errBundleNumber says that a number looked up is an 一件事 bundle filing's.
var errBundleNumber = errors.New("handlers: the number is a bundle filing's")

// statusOrBundle looks an application up by number and code under the rate limit, or
// answers errBundleNumber when no application has the number but a bundle filing does.
// The bundle is asked only when the application's look-up finds nothing, so the common
// look-up pays no second query.
func (s *Server) statusOrBundle(c *gin.Context, number, code string) (*models.Application, error) {
	var app *models.Application
	err := s.withCodeLimit(c, number, service.Actor{QueryCode: code}, func() (err error) {
		ctx := c.Request.Context()
		app, err = s.store.ApplicationByCode(ctx, number, strings.ToUpper(strings.TrimSpace(code)))
		if !errors.Is(err, models.ErrNotFound) {
			return err
		}
		if bundle, err := s.store.IsBundleNumber(ctx, number); err != nil {
			return err
		} else if bundle {
			return errBundleNumber
		}
		return service.ErrWrongCode
	})
	return app, err
}

// Accepted upload types, decided by the content, never by the name.
var uploadTypes = map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

// apiUpload stores a file for a listed material (multipart: material, file;
// code for the applicant).
func (s *Server) apiUpload(c *gin.Context) error {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.uploadLimit+1<<20)
	number := c.Param("number")
	who, err := s.uploadTarget(c, number, c.PostForm("code"), c.PostForm("material"))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return asError(models.ErrTooLarge)
		}
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return invalid(map[string]string{"file": "is required"})
	}
	f, err := s.storeFile(c, who, number, c.PostForm("material"), fh)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, gin.H{"id": f.ID, "sha256": f.SHA256, "size": f.Size, "content_type": f.ContentType})
	return nil
}

// uploadTarget parses the form and asks the action service whether the
// caller may upload for the material: the applicant with the code while the
// application is open, the citizen account that owns it, or staff who may
// read it. The wrong-code limiter stays here (withCodeLimit).
func (s *Server) uploadTarget(c *gin.Context, number, code, material string) (service.Actor, error) {
	if err := c.Request.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return service.Actor{}, asError(models.ErrTooLarge)
		}
		return service.Actor{}, badRequest("expected a multipart form with material and file")
	}
	who := actorOf(c)
	if code != "" && principalOf(c) == nil {
		who = service.Actor{QueryCode: code}
	}
	err := s.withCodeLimit(c, number, who, func() error {
		_, err := s.actions().MayUpload(c.Request.Context(), who, number, material)
		return err
	})
	if err != nil {
		return who, err
	}
	c.Set(ctxAuthorized, true) // the service authorized the upload
	return who, nil
}

// sniffUpload checks an uploaded file's size and type, sniffed from its
// content, never from its name; it answers the content type.
func (s *Server) sniffUpload(fh *multipart.FileHeader) (string, error) {
	if fh.Size > s.uploadLimit {
		return "", asError(models.ErrTooLarge)
	}
	src, err := fh.Open()
	if err != nil {
		return "", err
	}
	defer src.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(src, head)
	ctype := http.DetectContentType(head[:n])
	if _, ok := uploadTypes[ctype]; !ok {
		return "", &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_type",
			Message: "only PDF, JPEG and PNG files are accepted", Fields: map[string]string{"file": "is " + ctype}}
	}
	return ctype, nil
}

// storeFile checks and stores one uploaded file for a listed material of an
// application; the API and the window form both use it.
func (s *Server) storeFile(c *gin.Context, who service.Actor, number, key string, fh *multipart.FileHeader) (*models.AppFile, error) {
	ctype, err := s.sniffUpload(fh)
	if err != nil {
		return nil, err
	}
	src, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer src.Close()
	if err := s.store.CheckDisk(); err != nil {
		return nil, err
	}
	sum, size, err := s.files.Put(c.Request.Context(), src, s.uploadLimit)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(strings.ReplaceAll(fh.Filename, "\\", "/"))
	if !utf8.ValidString(name) || len(name) > 200 {
		name = "upload" + uploadTypes[ctype]
	}
	return s.actions().AddFile(c.Request.Context(), who, number, models.AppFile{MaterialKey: key, SHA256: sum, Size: size,
		ContentType: ctype, DisplayName: name})
}

// apiDownload sends an uploaded file to staff who may read the application
// or to the applicant with the code.
func (s *Server) apiDownload(c *gin.Context) error {
	number := c.Param("number")
	var app *models.Application
	var err error
	if code := c.Query("code"); code != "" && principalOf(c) == nil {
		app, err = s.statusLookup(c, number, code)
	} else if principalOf(c) == nil {
		return &Error{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "log in, or give the query code"}
	} else if app, err = s.store.Application(c.Request.Context(), number); err == nil {
		err = s.authorizeRead(c, app)
	}
	if err != nil {
		return err
	}
	id, _ := strconv.ParseUint(c.Param("id"), 10, 32)
	f, err := s.store.File(c.Request.Context(), app.Number, uint(id))
	if err != nil {
		return err
	}
	r, _, err := s.files.Open(c.Request.Context(), f.SHA256)
	if err != nil {
		return err
	}
	defer r.Close()
	c.Header("Content-Disposition", "inline; filename=\"file"+uploadTypes[f.ContentType]+"\"")
	c.Header("X-Content-Type-Options", "nosniff")
	c.DataFromReader(http.StatusOK, f.Size, f.ContentType, r, nil)
	return nil
}
