package handlers

import (
	"bytes"
	"net/http"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/web"
)

// pageData is what every page template receives.
type pageData struct {
	Lang      string
	OtherLang string
	SwitchURL string
	Elder     bool   // 长辈版: large print, simpler pages
	ElderURL  string // this page with 长辈版 switched
	Title     string
	Nav       string
	Demo      bool
	Query     string
	User      *models.User    // nil for visitors
	CSRF      string          // the session's token for forms
	Password  *passwordNotice // the viewer's password expires soon or has expired (landing pages say so)
	Site      siteView        // the centre's name, address, hotline … as the header, footer and notices show them
	Work      []landingLink   // the starting pages of the viewer's roles (landing.go), first is where they land
	Calendar  *calendarNote   // provisional years and the warning that the calendar runs out
	Data      any
}

// render executes a page into a buffer and writes it with status; a template
// failure becomes a plain 500 rather than half a page.
func (s *Server) render(c *gin.Context, status int, page, title, nav string, data any) {
	body, err := s.renderPage(c, page, title, nav, data)
	if err != nil {
		_ = c.Error(err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("internal error"))
		return
	}
	writePage(c, status, body)
}

// renderPage executes a page with the layout's data for this request.
func (s *Server) renderPage(c *gin.Context, page, title, nav string, data any) ([]byte, error) {
	lang := langOf(c)
	other := web.DefaultLang
	if lang == web.DefaultLang {
		other = "en"
	}
	elder := elderOf(c)
	switchLang, switchElder := switchURLs(c.Request.URL, other, elder)
	pd := pageData{Lang: lang, OtherLang: other, SwitchURL: switchLang, Elder: elder, ElderURL: switchElder,
		Title: title, Nav: nav, Demo: s.demo, Query: c.Query("q"), Data: data}
	pd.Site = s.siteView(lang)
	pd.Calendar = s.calendarNoteFor(c.Request.URL.Path)
	if p := principalOf(c); p != nil {
		pd.User, pd.CSRF, pd.Password = p.user, p.session.CSRFToken, s.passwordState(p.user)
		pd.Work = s.landings(p.user.Username)
	}
	var buf bytes.Buffer
	if err := s.site.Render(&buf, page, pd); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writePage answers with a rendered page.
func writePage(c *gin.Context, status int, body []byte) {
	c.Header("Content-Language", langOf(c))
	c.Data(status, "text/html; charset=utf-8", body)
}
