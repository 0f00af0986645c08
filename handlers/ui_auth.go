package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"

	"onewindow/policies"
)

type loginPage struct {
	Username string
	Next     string
	Error    string
}

// safeNext keeps a post-login redirect on this site: a local path only, or "" (where an
// account goes by default). Browsers drop tabs and line breaks from a URL and read a
// backslash as a slash, so "/\t/evil.example" and "/\\evil.example" would leave the site:
// any control character, space or backslash refuses the path, as do a scheme and a host.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || len(next) > 2000 {
		return ""
	}
	for _, r := range next {
		if r < 0x21 || r == 0x7f || r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r) {
			return ""
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return ""
	}
	return next
}

func (s *Server) uiLoginForm(c *gin.Context) error {
	next := c.Query("next")
	if next != "" { // no next: where an account goes depends on who signs in
		next = safeNext(next)
	}
	s.render(c, http.StatusOK, "login", s.site.T(langOf(c), "login.title"), "login", loginPage{Next: next})
	return nil
}

// loginForm is the login page's form: the API's login and where to go next.
type loginForm struct {
	loginRequest
	Next string `form:"next"`
}

func (s *Server) uiLogin(c *gin.Context) error {
	var f loginForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	username, password, next := strings.TrimSpace(f.Username), f.Password, safeNext(f.Next)
	if f.Next == "" {
		next = "" // kept empty on a re-rendered form
	}
	lang := langOf(c)
	if f.Validate() != nil {
		s.render(c, http.StatusUnprocessableEntity, "login", s.site.T(lang, "login.title"), "login",
			loginPage{Username: username, Next: next, Error: s.site.T(lang, "login.required")})
		return nil
	}
	_, _, err := s.login(c.Request.Context(), c, username, password, "cookie")
	var e *Error
	if errors.As(err, &e) && (e.Status == http.StatusUnauthorized || e.Status == http.StatusTooManyRequests) {
		key := "login.invalid"
		if e.Status == http.StatusTooManyRequests {
			key = "login.locked"
		}
		s.render(c, e.Status, "login", s.site.T(lang, "login.title"), "login",
			loginPage{Username: username, Next: next, Error: s.site.T(lang, key)})
		return nil
	}
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, s.landingAfterLogin(c.Request.Context(), username, next))
	return nil
}

// citizenOnly reports whether the account holds the citizen role and no staff role.
func (s *Server) citizenOnly(username string) bool {
	roles := s.authz.Roles(username)
	for _, r := range roles {
		if r.Role != policies.Citizen {
			return false
		}
	}
	return len(roles) > 0
}

func (s *Server) uiLogout(c *gin.Context) error {
	if err := s.logout(c); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/")
	return nil
}
