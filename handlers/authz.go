package handlers

import (
	"context"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"onewindow/policies"
)

const ctxAuthorized = "authorized"

// loadAuthorizer (re)loads every role assignment into the authorizer; refresh
// calls it when the store signals a change of accounts or roles.
func (s *Server) loadAuthorizer(ctx context.Context) error {
	rows, err := s.store.RoleAssignments(ctx)
	if err != nil {
		return err
	}
	as := make([]policies.Assignment, len(rows))
	for i, r := range rows {
		as[i] = policies.Assignment{User: r.Username, Role: policies.Role(r.Role), Domain: r.Domain}
	}
	if s.authz == nil {
		s.authz, err = policies.New(as)
		return err
	}
	return s.authz.Load(as)
}

// authorize is the one check every staff handler makes, with the department
// of the resource it touches ("*" for resources of no department).
func (s *Server) authorize(c *gin.Context, dept, obj, act string) error {
	p := principalOf(c)
	if p == nil {
		return &Error{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "log in first"}
	}
	ok, err := s.authz.Can(c.Request.Context(), p.user.Username, dept, obj, act)
	if err != nil {
		return err
	}
	if !ok {
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "you may not " + act + " this " + obj}
	}
	c.Set(ctxAuthorized, true)
	return nil
}

// can answers a permission question for a page (to show or hide a button)
// without failing the request.
func (s *Server) can(c *gin.Context, dept, obj, act string) bool {
	p := principalOf(c)
	if p == nil {
		return false
	}
	ok, err := s.authz.Can(c.Request.Context(), p.user.Username, dept, obj, act)
	return err == nil && ok
}

// guardWriter refuses to send a successful answer from a staff handler that
// never called authorize: a forgotten check fails closed as a 500.
type guardWriter struct {
	gin.ResponseWriter
	c *gin.Context
}

func (w *guardWriter) allowed(code int) bool {
	return code >= 400 || w.c.GetBool(ctxAuthorized)
}

func (w *guardWriter) WriteHeader(code int) {
	if !w.allowed(code) {
		code = http.StatusInternalServerError
		w.ResponseWriter.Header().Set("X-Authz", "missing")
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *guardWriter) WriteHeaderNow() {
	if !w.Written() && !w.allowed(w.Status()) {
		w.WriteHeader(w.Status())
	}
	w.ResponseWriter.WriteHeaderNow()
}

func (w *guardWriter) Write(b []byte) (int, error) {
	if !w.Written() && !w.allowed(w.Status()) {
		w.WriteHeader(http.StatusOK)
		return 0, http.ErrAbortHandler
	}
	return w.ResponseWriter.Write(b)
}

func (w *guardWriter) WriteString(str string) (int, error) { return w.Write([]byte(str)) }

// protect wraps the handler of a route that needs a login (see routeTable):
// a visitor without one is sent to log in (401 from the API), and the answer
// is withheld unless the handler authorized the request.
func (s *Server) protect(h gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if principalOf(c) == nil {
			if isAPI(c) {
				s.apiError(c, &Error{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "log in first"})
			} else {
				c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
				c.Abort()
			}
			return
		}
		c.Writer = &guardWriter{ResponseWriter: c.Writer, c: c}
		h(c)
	}
}
