package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
)

// uiUserRoles adds (action=add) or removes (action=remove) one role
// assignment (role, department or "*") of an account; the authorizer follows
// the store's change signal.
func (s *Server) uiUserRoles(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjRole, policies.ActAssign); err != nil {
		return err
	}
	u, err := s.userParam(c)
	if err != nil {
		return err
	}
	var f roleForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	row := roleJSON{Role: f.Role, Domain: f.Domain}
	roles := make([]roleJSON, 0, len(u.Roles)+1)
	found := false
	for _, r := range u.Roles {
		cur := roleJSON{Role: r.Role, Domain: r.Domain}
		if cur == row {
			found = true
			if f.Action == "remove" {
				continue
			}
		}
		roles = append(roles, cur)
	}
	p := userPage{NewRole: row.Role, NewDept: row.Domain}
	var done string
	switch f.Action {
	case "add":
		if found {
			p.Errors = map[string]string{"roles": "admin.roles.err.duplicate"}
			s.renderUser(c, http.StatusUnprocessableEntity, u, p)
			return nil
		}
		roles, done = append(roles, row), "role_added"
	case "remove":
		if !found {
			return notFound("role assignment")
		}
		done = "role_removed"
	default:
		return badRequest("action must be add or remove")
	}
	_, err = s.setRoles(c, roles)
	if s.userFormFailed(c, err, p, roleFieldKey) {
		return nil
	}
	if err != nil {
		return err
	}
	redirectDone(c, userPath(u), nil, done)
	return nil
}

// roleForm adds or removes one role assignment on the account page; the
// roles are checked as the API's are, by setRoles.
type roleForm struct {
	Role   string `form:"role"`
	Domain string `form:"domain"`
	Action string `form:"action"` // add or remove
}

// roleFieldKey maps a setRoles field ("roles[2].domain") to the locale key
// of the message shown next to the role form.
func roleFieldKey(field string) (string, string) {
	switch {
	case field == "roles.sysadmin":
		return "roles", "admin.roles.err.last_sysadmin"
	case strings.HasSuffix(field, ".role"):
		return "roles", "admin.roles.err.role"
	case strings.HasSuffix(field, ".domain"):
		return "roles", "admin.roles.err.domain"
	}
	return "roles", "admin.roles.err.duplicate"
}

const loginLogPerPage = 50

type loginLogRow struct {
	models.LoginEvent
	Time string
}

type loginLogPage struct {
	Username         string
	Rows             []loginLogRow
	Total            int64
	Page, Pages      int
	PrevURL, NextURL string
}

func (s *Server) uiLoginLog(c *gin.Context) error {
	evs, total, page, err := s.loginLog(c)
	if err != nil {
		return err
	}
	p := loginLogPage{Username: c.Query("username"), Total: total, Page: page,
		Pages: max(1, int((total+loginLogPerPage-1)/loginLogPerPage))}
	for _, e := range evs {
		p.Rows = append(p.Rows, loginLogRow{LoginEvent: e, Time: localTime(e.At)})
	}
	v := url.Values{}
	if p.Username != "" {
		v.Set("username", p.Username)
	}
	p.PrevURL, p.NextURL = pageURLs("/admin/login-log", v, p.Page, p.Pages)
	if page > p.Pages {
		p.NextURL = ""
		p.PrevURL = "/admin/login-log?" + url.Values{"username": {p.Username}, "page": {strconv.Itoa(p.Pages)}}.Encode()
	}
	s.render(c, http.StatusOK, "admin_login_log", s.site.T(langOf(c), "admin.log.title"), "staff", p)
	return nil
}
