package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// Account pages: the user list, a new account, one account's status,
// password and role assignments, and the login log. They call the same
// functions as the JSON API in api_admin.go.

const usersPerPage = 50

// roleRow is one role assignment as a page shows it.
type roleRow struct {
	Role, Domain, DomainName string
}

func (s *Server) roleRows(roles []models.RoleAssignment) []roleRow {
	ref := s.ref.Load()
	out := make([]roleRow, len(roles))
	for i, r := range roles {
		out[i] = roleRow{Role: r.Role, Domain: r.Domain, DomainName: ref.deptByKey[r.Domain].Name}
	}
	return out
}

type userRow struct {
	*models.User
	Locked   bool
	DeptName string
	Roles    []roleRow
}

type usersPage struct {
	Q, Department     string
	Users             []userRow
	Depts             []models.DepartmentCount
	Total             int
	Page, Pages       int
	PrevURL, NextURL  string
	Flash             string
	CanCreate, Assign bool
}

func (s *Server) uiUsers(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjUser, policies.ActManage); err != nil {
		return err
	}
	users, err := s.store.Users(c.Request.Context())
	if err != nil {
		return err
	}
	ref := s.ref.Load()
	p := usersPage{Q: strings.TrimSpace(c.Query("q")), Department: c.Query("department"), Depts: ref.depts,
		Flash: s.flash(c), CanCreate: true}
	q, now := strings.ToLower(p.Q), time.Now()
	var rows []userRow
	for i := range users {
		u := &users[i]
		if p.Department != "" && u.DepartmentCode != p.Department {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(u.Username), q) && !strings.Contains(strings.ToLower(u.DisplayName), q) {
			continue
		}
		rows = append(rows, userRow{User: u, Locked: u.Locked(now), DeptName: ref.deptByKey[u.DepartmentCode].Name,
			Roles: s.roleRows(u.Roles)})
	}
	page, _ := strconv.Atoi(c.Query("page"))
	p.Total, p.Pages = len(rows), max(1, (len(rows)+usersPerPage-1)/usersPerPage)
	p.Page = min(max(page, 1), p.Pages)
	p.Users = rows[min((p.Page-1)*usersPerPage, len(rows)):min(p.Page*usersPerPage, len(rows))]
	v := url.Values{"q": {p.Q}, "department": {p.Department}}
	p.PrevURL, p.NextURL = pageURLs("/admin/users", v, p.Page, p.Pages)
	s.render(c, http.StatusOK, "admin_users", s.site.T(langOf(c), "admin.users.title"), "staff", p)
	return nil
}

// pageURLs returns the links to the previous and next page, "" at either end.
func pageURLs(path string, v url.Values, page, pages int) (prev, next string) {
	if page > 1 {
		v.Set("page", strconv.Itoa(page-1))
		prev = path + "?" + v.Encode()
	}
	if page < pages {
		v.Set("page", strconv.Itoa(page+1))
		next = path + "?" + v.Encode()
	}
	return prev, next
}

type userNewPage struct {
	Form   userForm
	Depts  []models.DepartmentCount
	Errors map[string]string // field → locale key
}

func (s *Server) uiUserNewForm(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjUser, policies.ActManage); err != nil {
		return err
	}
	s.renderUserNew(c, http.StatusOK, userNewPage{Errors: map[string]string{}})
	return nil
}

func (s *Server) renderUserNew(c *gin.Context, status int, p userNewPage) {
	p.Depts = s.ref.Load().depts
	s.render(c, status, "admin_user_new", s.site.T(langOf(c), "admin.users.new"), "staff", p)
}

func (s *Server) uiUserCreate(c *gin.Context) error {
	var f userForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	u, err := s.createUser(c, f)
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusUnprocessableEntity {
		errs := map[string]string{}
		for field, msg := range e.Fields {
			errs[field] = userFieldKey(field, msg)
		}
		var ie *workflow.IDError
		if errors.As(workflow.ValidateResidentID(workflow.NormalizeID(f.CitizenID), time.Now()), &ie) && errs["citizen_id"] != "" {
			errs["citizen_id"] = "admin.users.err.citizen_id_" + ie.Check // says which check failed
		}
		f.Password = "" // never sent back
		s.renderUserNew(c, http.StatusUnprocessableEntity, userNewPage{Form: f, Errors: errs})
		return nil
	}
	if err != nil {
		return err
	}
	redirectDone(c, "/admin/users/"+strconv.FormatUint(uint64(u.ID), 10), nil, "user_created")
	return nil
}

// userFieldKey names the locale message for a field error of the user form.
func userFieldKey(field, msg string) string {
	if field == "username" && msg == "already taken" {
		return "admin.users.err.username_taken"
	}
	switch field {
	case "username", "display_name", "department", "citizen_id", "password":
		return "admin.users.err." + field
	}
	return "admin.users.err.invalid"
}

type userPage struct {
	U                 *models.User
	Locked, Self      bool
	DeptName          string
	Roles             []roleRow
	RoleChoices       []policies.Role
	Depts             []models.DepartmentCount
	NewRole, NewDept  string
	Errors            map[string]string // part of the page → locale key
	Flash             string
	CanAssign, Active bool
	// MaskedCitizenID is a citizen account's identity number as staff see it.
	MaskedCitizenID string
}

func (s *Server) uiUser(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjUser, policies.ActManage); err != nil {
		return err
	}
	u, err := s.userParam(c)
	if err != nil {
		return err
	}
	s.renderUser(c, http.StatusOK, u, userPage{Flash: s.flash(c)})
	return nil
}

func (s *Server) renderUser(c *gin.Context, status int, u *models.User, p userPage) {
	ref := s.ref.Load()
	p.U, p.Locked, p.Self, p.Active = u, u.Locked(time.Now()), principalOf(c).user.ID == u.ID, u.Active
	p.DeptName, p.Roles, p.RoleChoices, p.Depts = ref.deptByKey[u.DepartmentCode].Name, s.roleRows(u.Roles), policies.AllRoles(), ref.depts
	p.CanAssign = s.can(c, policies.AllDomains, policies.ObjRole, policies.ActAssign)
	p.MaskedCitizenID = workflow.MaskID(u.CitizenID)
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	s.render(c, status, "admin_user", s.site.T(langOf(c), "admin.users.user_title", u.Username), "staff", p)
}

// userFormFailed re-renders the account page with the form's problems when
// err is a field error, and reports whether it did.
func (s *Server) userFormFailed(c *gin.Context, err error, p userPage, key func(field string) (part, msgKey string)) bool {
	var e *Error
	if !errors.As(err, &e) || e.Status != http.StatusUnprocessableEntity {
		return false
	}
	u, uerr := s.userParam(c)
	if uerr != nil {
		return false
	}
	p.Errors = map[string]string{}
	for field := range e.Fields {
		part, k := key(field)
		p.Errors[part] = k
	}
	s.renderUser(c, http.StatusUnprocessableEntity, u, p)
	return true
}

// activeForm is the account page's enable/disable button: active is "1"
// to enable.
type activeForm struct {
	Active string `form:"active"`
}

func (s *Server) uiUserActive(c *gin.Context) error {
	var f activeForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	active := f.Active == "1"
	u, err := s.setActive(c, active)
	if s.userFormFailed(c, err, userPage{}, func(field string) (string, string) {
		if field == "active.sysadmin" {
			return "active", "admin.users.err.last_sysadmin"
		}
		return "active", "admin.users.err.self_disable"
	}) {
		return nil
	}
	if err != nil {
		return err
	}
	done := "user_disabled"
	if active {
		done = "user_enabled"
	}
	redirectDone(c, userPath(u), nil, done)
	return nil
}

func (s *Server) uiUserPassword(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjUser, policies.ActManage); err != nil {
		return err
	}
	var f passwordForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	var u *models.User
	var err error
	if verr := f.Validate(); verr != nil {
		err = asError(verr)
	} else {
		u, err = s.setPassword(c, f.Password)
	}
	if s.userFormFailed(c, err, userPage{}, func(f string) (string, string) {
		if f == "password2" {
			return "password", "admin.users.err.password_mismatch"
		}
		return "password", "admin.users.err.password"
	}) {
		return nil
	}
	if err != nil {
		return err
	}
	redirectDone(c, userPath(u), nil, "password_set")
	return nil
}

// passwordForm is the account page's password form: the API's new
// password, typed twice.
type passwordForm struct {
	passwordRequest
	Password2 string `form:"password2"`
}

// Validate requires the two passwords to be the same; their strength is
// checked when the password is hashed, as for the API.
func (f passwordForm) Validate() error {
	if f.Password != f.Password2 {
		return formErrors{"password2": "the two passwords differ"}
	}
	return nil
}

func userPath(u *models.User) string { return "/admin/users/" + strconv.FormatUint(uint64(u.ID), 10) }
