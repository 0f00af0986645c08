package handlers

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"onewindow/policies"
)

// uiWindowUpload attaches a scan to a listed material of an open
// application (multipart: material, file), with the API's checks.
func (s *Server) uiWindowUpload(c *gin.Context) error {
	app, err := s.windowApplication(c, policies.ActRegister)
	if err != nil {
		return err
	}
	lang := langOf(c)
	p, err := s.newWindowAppPage(c, app)
	if err != nil {
		return err
	}
	p.Failed = "upload"
	fail := func(status int, msg string) error {
		p.Errors["file"], p.Alert = msg, s.site.T(lang, "window.err.summary")
		s.renderWindowApp(c, status, p)
		return nil
	}
	if !p.CanUpload {
		p.Failed, p.Alert = "", s.site.T(lang, "window.err.conflict")
		s.renderWindowApp(c, http.StatusConflict, p)
		return nil
	}
	key := c.PostForm("material")
	known := false
	for _, m := range app.Materials {
		known = known || m.MaterialKey == key
	}
	fh, ferr := c.FormFile("file")
	switch {
	case !known:
		return fail(http.StatusUnprocessableEntity, s.site.T(lang, "window.err.material"))
	case ferr != nil:
		return fail(http.StatusUnprocessableEntity, s.site.T(lang, "window.err.required"))
	}
	if _, err := s.storeFile(c, actorOf(c), app.Number, key, fh); err != nil {
		var e *Error
		if errors.As(asError(err), &e) && e.Status < 500 {
			return fail(e.Status, s.uploadMessage(lang, err))
		}
		return err
	}
	c.Redirect(http.StatusSeeOther, "/window/applications/"+url.PathEscape(app.Number)+"?done=upload")
	return nil
}
