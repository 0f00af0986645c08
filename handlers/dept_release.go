package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"onewindow/models"
)

// uiTaskRelease gives the caller's claim on a department's task back to the
// department's queue (退回待签收), recorded as an event of the application.
// One who does not hold the task is refused (403), a decided task too (409).
func (s *Server) uiTaskRelease(c *gin.Context) error {
	var f releaseForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	number := c.Param("number")
	_, err := s.actions().ReleaseTask(c.Request.Context(), actorOf(c), number, f.Department, f.Version, f.Comment)
	if errors.Is(err, models.ErrConflict) {
		return &Error{Status: http.StatusConflict, Code: "conflict", Message: s.site.T(langOf(c), "office.release.conflict"), Err: err}
	}
	if err != nil {
		return err
	}
	c.Set(ctxAuthorized, true) // the service authorized the release
	c.Redirect(http.StatusSeeOther, f.backTo(number, "/tasks/"+url.PathEscape(number)+"?done=release"))
	return nil
}

// releaseForm is the release button of a claimed department task.
type releaseForm struct {
	Department string `form:"department"`
	Version    int    `form:"version"` // 0 from the work list, which shows no version
	Comment    string `form:"comment"`
	returnField
}

// releaseBody is the body of POST /api/v1/tasks/{id}/release.
type releaseBody struct {
	Version int    `json:"version"`
	Comment string `json:"comment"`
}

// apiTaskRelease is POST /api/v1/tasks/{id}/release: the caller gives back
// the task they hold. It answers the task and the application's version.
func (s *Server) apiTaskRelease(c *gin.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil || id == 0 {
		return notFound("task")
	}
	var body releaseBody
	if c.Request.ContentLength != 0 {
		if err := c.ShouldBindJSON(&body); err != nil {
			return badRequest("the body must be JSON {\"version\":N,\"comment\":\"…\"} or empty")
		}
	}
	if body.Version < 0 {
		return invalid(map[string]string{"version": "must be the application's version as you last read it"})
	}
	ref, err := s.store.TaskRef(c.Request.Context(), uint(id))
	if errors.Is(err, models.ErrNotFound) {
		return notFound("task")
	}
	if err != nil {
		return err
	}
	app, err := s.actions().ReleaseTask(c.Request.Context(), actorOf(c), ref.Number, ref.Department, body.Version, body.Comment)
	if err != nil {
		return err
	}
	c.Set(ctxAuthorized, true) // the service authorized the release
	c.JSON(http.StatusOK, gin.H{"id": id, "number": app.Number, "department": ref.Department, "claimed_by": "",
		"state": app.State, "version": app.Version})
	return nil
}
