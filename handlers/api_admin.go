package handlers

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

type userJSON struct {
	ID          uint       `json:"id"`
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	Department  string     `json:"department"`
	Active      bool       `json:"active"`
	Locked      bool       `json:"locked"`
	Roles       []roleJSON `json:"roles"`
}

func toUserJSON(u *models.User) userJSON {
	out := userJSON{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Department: u.DepartmentCode,
		Active: u.Active, Locked: u.LockedUntil != nil, Roles: []roleJSON{}}
	for _, r := range u.Roles {
		out.Roles = append(out.Roles, roleJSON{Role: r.Role, Domain: r.Domain})
	}
	return out
}

func (s *Server) apiUsers(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjUser, policies.ActManage); err != nil {
		return err
	}
	users, err := s.store.Users(c.Request.Context())
	if err != nil {
		return err
	}
	out := make([]userJSON, len(users))
	for i := range users {
		out[i] = toUserJSON(&users[i])
	}
	c.JSON(http.StatusOK, gin.H{"users": out})
	return nil
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

// userForm is a new account as the API and the admin page submit it.
type userForm struct {
	Username    string     `json:"username" form:"username"`
	DisplayName string     `json:"display_name" form:"display_name"`
	Department  string     `json:"department" form:"department"`
	CitizenID   string     `json:"citizen_id" form:"citizen_id"`
	Password    string     `json:"password" form:"password"`
	Roles       []roleJSON `json:"roles" form:"-"`
}

// validateRoles checks roles against the policy's roles and the departments.
func (s *Server) validateRoles(roles []roleJSON, fields map[string]string) []models.RoleAssignment {
	ref := s.ref.Load()
	out := make([]models.RoleAssignment, 0, len(roles))
	for i, r := range roles {
		key := "roles[" + strconv.Itoa(i) + "]"
		if !policies.ValidRole(r.Role) {
			fields[key+".role"] = "unknown role"
		}
		if _, ok := ref.deptByKey[r.Domain]; !ok && r.Domain != policies.AllDomains {
			fields[key+".domain"] = "must be a department code or *"
		}
		out = append(out, models.RoleAssignment{Role: r.Role, Domain: r.Domain})
	}
	return out
}

func (s *Server) validateUserForm(f *userForm) (models.NewUser, error) {
	fields := map[string]string{}
	f.Username, f.DisplayName = strings.TrimSpace(f.Username), strings.TrimSpace(f.DisplayName)
	if !usernamePattern.MatchString(f.Username) || strings.HasPrefix(f.Username, "role:") {
		fields["username"] = "2–32 lowercase letters, digits, dot, dash or underscore"
	}
	if f.DisplayName == "" {
		fields["display_name"] = "required"
	}
	if _, ok := s.ref.Load().deptByKey[f.Department]; !ok && f.Department != "" {
		fields["department"] = "unknown department code"
	}
	if f.CitizenID = workflow.NormalizeID(f.CitizenID); f.CitizenID != "" {
		if err := workflow.ValidateResidentID(f.CitizenID, time.Now()); err != nil {
			fields["citizen_id"] = err.Error()
		}
	}
	roles := s.validateRoles(f.Roles, fields)
	hash, err := s.hashNewPassword(context.Background(), f.Password, f.Username, 0)
	if e, ok := err.(*Error); ok {
		for k, v := range e.Fields {
			fields[k] = v
		}
	} else if err != nil {
		return models.NewUser{}, err
	}
	if len(fields) > 0 {
		return models.NewUser{}, invalid(fields)
	}
	return models.NewUser{Username: f.Username, DisplayName: f.DisplayName, DepartmentCode: f.Department,
		CitizenID: f.CitizenID, PasswordHash: hash, Roles: roles}, nil
}

func (s *Server) createUser(c *gin.Context, f userForm) (*models.User, error) {
	if err := s.authorize(c, policies.AllDomains, policies.ObjUser, policies.ActManage); err != nil {
		return nil, err
	}
	nu, err := s.validateUserForm(&f)
	if err != nil {
		return nil, err
	}
	u, err := s.store.CreateUser(c.Request.Context(), nu)
	if err != nil {
		if isConflict(err) {
			return nil, invalid(map[string]string{"username": "already taken"})
		}
		return nil, err
	}
	return u, nil
}

func (s *Server) apiCreateUser(c *gin.Context) error {
	var f userForm
	if err := c.ShouldBindJSON(&f); err != nil {
		return badRequest("the body must be a JSON user")
	}
	u, err := s.createUser(c, f)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, toUserJSON(u))
	return nil
}

// userParam loads the user named by the :id path parameter.
func (s *Server) userParam(c *gin.Context) (*models.User, error) {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil {
		return nil, notFound("user")
	}
	return s.store.User(c.Request.Context(), uint(id))
}

func (s *Server) setPassword(c *gin.Context, password string) (*models.User, error) {
	if err := s.authorize(c, policies.AllDomains, policies.ObjUser, policies.ActManage); err != nil {
		return nil, err
	}
	u, err := s.userParam(c)
	if err != nil {
		return nil, err
	}
	hash, err := s.hashNewPassword(c.Request.Context(), password, u.Username, u.ID)
	if err != nil {
		return nil, err
	}
	return u, s.store.SetPassword(c.Request.Context(), u.ID, hash)
}

// passwordRequest is a new password as the API submits it; the page's form
// adds the repeated password.
type passwordRequest struct {
	Password string `json:"password" form:"password"`
}

func (s *Server) apiSetPassword(c *gin.Context) error {
	var body passwordRequest
	if err := c.ShouldBindJSON(&body); err != nil {
		return badRequest("the body must be JSON {\"password\"}")
	}
	if _, err := s.setPassword(c, body.Password); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

func (s *Server) setActive(c *gin.Context, active bool) (*models.User, error) {
	if err := s.authorize(c, policies.AllDomains, policies.ObjUser, policies.ActManage); err != nil {
		return nil, err
	}
	u, err := s.userParam(c)
	if err != nil {
		return nil, err
	}
	if p := principalOf(c); p.user.ID == u.ID && !active {
		return nil, invalid(map[string]string{"active": "you cannot disable your own account"})
	}
	if err := s.store.SetActive(c.Request.Context(), u.ID, active); err != nil {
		if errors.Is(err, models.ErrLastSysadmin) {
			return nil, invalid(map[string]string{"active.sysadmin": "the last active system administrator cannot be disabled"})
		}
		return nil, err
	}
	return u, nil
}

// activeRequest enables or disables an account; active is required.
type activeRequest struct {
	Active *bool `json:"active"`
}

// Validate requires active.
func (r activeRequest) Validate() error {
	if r.Active == nil {
		return formErrors{"active": "must be true or false"}
	}
	return nil
}

func (s *Server) apiSetActive(c *gin.Context) error {
	var body activeRequest
	if err := c.ShouldBindJSON(&body); err != nil {
		body.Active = nil // an unreadable body answers as a missing field does
	}
	if err := body.Validate(); err != nil {
		return err
	}
	if _, err := s.setActive(c, *body.Active); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

func (s *Server) setRoles(c *gin.Context, roles []roleJSON) (*models.User, error) {
	if err := s.authorize(c, policies.AllDomains, policies.ObjRole, policies.ActAssign); err != nil {
		return nil, err
	}
	u, err := s.userParam(c)
	if err != nil {
		return nil, err
	}
	fields := map[string]string{}
	as := s.validateRoles(roles, fields)
	if len(fields) > 0 {
		return nil, invalid(fields)
	}
	if err := s.store.SetRoles(c.Request.Context(), u.ID, as); err != nil {
		if errors.Is(err, models.ErrLastSysadmin) {
			return nil, invalid(map[string]string{"roles.sysadmin": "the last active system administrator keeps the sysadmin role in *"})
		}
		if isConflict(err) {
			return nil, invalid(map[string]string{"roles": "a role is listed twice for the same department"})
		}
		return nil, err
	}
	return u, nil
}

// rolesRequest replaces an account's role assignments.
type rolesRequest struct {
	Roles []roleJSON `json:"roles"`
}

func (s *Server) apiSetRoles(c *gin.Context) error {
	var body rolesRequest
	if err := c.ShouldBindJSON(&body); err != nil {
		return badRequest("the body must be JSON {\"roles\":[{\"role\",\"domain\"}]}")
	}
	u, err := s.setRoles(c, body.Roles)
	if err != nil {
		return err
	}
	u, err = s.store.User(c.Request.Context(), u.ID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toUserJSON(u))
	return nil
}

type loginEventJSON struct {
	Username string `json:"username"`
	At       string `json:"at"`
	IP       string `json:"ip"`
	Result   string `json:"result"`
}

func (s *Server) loginLog(c *gin.Context) ([]models.LoginEvent, int64, int, error) {
	if err := s.authorize(c, policies.AllDomains, policies.ObjLoginLog, policies.ActRead); err != nil {
		return nil, 0, 0, err
	}
	page, _ := strconv.Atoi(c.Query("page"))
	page = min(max(page, 1), maxPage)
	evs, total, err := s.store.LoginEvents(c.Request.Context(), c.Query("username"), 50, (page-1)*50)
	return evs, total, page, err
}

func (s *Server) apiLoginLog(c *gin.Context) error {
	evs, total, page, err := s.loginLog(c)
	if err != nil {
		return err
	}
	out := make([]loginEventJSON, len(evs))
	for i, e := range evs {
		out[i] = loginEventJSON{Username: e.Username, At: e.At.Format("2006-01-02T15:04:05Z"), IP: e.IP, Result: e.Result}
	}
	c.JSON(http.StatusOK, gin.H{"total": total, "page": page, "events": out})
	return nil
}
