package handlers

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// loginRequest is a login as the API and the login page submit it.
type loginRequest struct {
	Username string `json:"username" form:"username"`
	Password string `json:"password" form:"password"`
}

// Validate requires both fields.
func (r loginRequest) Validate() error {
	fields := formErrors{}
	if strings.TrimSpace(r.Username) == "" {
		fields.add("username", "required")
	}
	if r.Password == "" {
		fields.add("password", "required")
	}
	return fields.orNil()
}

type loginResponse struct {
	Token     string `json:"token"`
	CSRFToken string `json:"csrf_token"`
	ExpiresAt string `json:"expires_at"`
}

func (s *Server) apiLogin(c *gin.Context) error {
	var req loginRequest
	if err := c.ShouldBindJSON(&req); err != nil {
		return badRequest("the body must be JSON {\"username\",\"password\"}")
	}
	if err := req.Validate(); err != nil {
		return err
	}
	token, sess, err := s.login(c.Request.Context(), c, strings.TrimSpace(req.Username), req.Password, "bearer")
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, loginResponse{Token: token, CSRFToken: sess.CSRFToken, ExpiresAt: sess.ExpiresAt.Format("2006-01-02T15:04:05Z07:00")})
	return nil
}

func (s *Server) apiLogout(c *gin.Context) error {
	if err := s.logout(c); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

type meResponse struct {
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	Department  string     `json:"department"`
	Roles       []roleJSON `json:"roles"`
}

type roleJSON struct {
	Role   string `json:"role"`
	Domain string `json:"domain"`
}

// apiMe answers who the caller is; it needs a login but no permission.
func (s *Server) apiMe(c *gin.Context) error {
	c.Header("Cache-Control", "no-store")
	p := principalOf(c)
	if p == nil {
		return &Error{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "log in first"}
	}
	out := meResponse{Username: p.user.Username, DisplayName: p.user.DisplayName, Department: p.user.DepartmentCode, Roles: []roleJSON{}}
	for _, r := range p.user.Roles {
		out.Roles = append(out.Roles, roleJSON{Role: r.Role, Domain: r.Domain})
	}
	c.JSON(http.StatusOK, out)
	return nil
}
