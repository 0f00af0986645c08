package handlers

import (
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
)

// System administration: the /admin landing page ("工作台") that links every
// tool the user may use, and the pages and API for users, role assignments,
// the login log, departments and the working-day calendar.

// loginOnly authorizes a page that every logged-in user may open, such as
// the landing page. protect has already refused anonymous visitors; such a
// page must show nothing beyond what s.can allows the user.
func (s *Server) loginOnly(c *gin.Context) error {
	if principalOf(c) == nil {
		return &Error{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "log in first"}
	}
	c.Set(ctxAuthorized, true)
	return nil
}

// adminLink is one tool on the landing page; Label and Hint are locale keys.
type adminLink struct {
	ID, Href, Label, Hint string
}

// adminSection is a group of tools on the landing page.
type adminSection struct {
	ID, Heading string
	Links       []adminLink
}

type adminHomePage struct {
	Sections []adminSection
	Roles    []roleRow
	Work     []landingLink // each role's starting page: the chooser for an account with several
}

func (s *Server) uiAdminHome(c *gin.Context) error {
	if err := s.loginOnly(c); err != nil {
		return err
	}
	user := principalOf(c).user.Username
	if s.citizenOnly(user) { // a citizen's work is their own applications; nothing else is here
		c.Redirect(http.StatusSeeOther, "/my")
		return nil
	}
	p := adminHomePage{Roles: s.roleRows(principalOf(c).user.Roles), Work: s.landings(user)}
	for _, sec := range []adminSection{s.systemTools(c), s.catalogueTools(c), s.workTools(c), s.inspectionTools(c)} {
		if len(sec.Links) > 0 {
			p.Sections = append(p.Sections, sec)
		}
	}
	s.render(c, http.StatusOK, "admin_home", s.site.T(langOf(c), "admin.home.title"), "staff", p)
	return nil
}

func (s *Server) systemTools(c *gin.Context) adminSection {
	sec := adminSection{ID: "tools-system", Heading: "admin.home.system"}
	all := policies.AllDomains
	if s.can(c, all, policies.ObjUser, policies.ActManage) {
		sec.Links = append(sec.Links, adminLink{"tool-users", "/admin/users", "admin.users.title", "admin.home.users_hint"})
	}
	if s.can(c, all, policies.ObjDepartment, policies.ActManage) {
		sec.Links = append(sec.Links, adminLink{"tool-departments", "/admin/departments", "admin.depts.title", "admin.home.depts_hint"})
	}
	if s.can(c, all, policies.ObjCalendar, policies.ActManage) {
		sec.Links = append(sec.Links, adminLink{"tool-calendar", "/admin/calendar", "admin.cal.title", "admin.home.cal_hint"})
	}
	if s.can(c, all, policies.ObjSite, policies.ActManage) {
		sec.Links = append(sec.Links, adminLink{"tool-site", "/admin/site", "site.admin.title", "site.admin.hint"})
	}
	if s.can(c, all, policies.ObjLoginLog, policies.ActRead) {
		sec.Links = append(sec.Links, adminLink{"tool-login-log", "/admin/login-log", "admin.log.title", "admin.home.log_hint"})
		// The log of views of personal data sits beside the login log for administrators
		// (supervisors find it beside their supervision page).
		if s.can(c, all, policies.ObjDataLog, policies.ActRead) {
			sec.Links = append(sec.Links, adminLink{"tool-personal-log", "/supervise/personal-data", "personal.log.title", "personal.log.hint"})
		}
		// So is the notification outbox (supervisors: beside the cards on their page).
		if s.can(c, all, policies.ObjOutbox, policies.ActRead) {
			sec.Links = append(sec.Links, adminLink{"tool-outbox", "/supervise/outbox", "outbox.title", "outbox.hint"})
		}
	}
	return sec
}

// catalogueTools links the catalogue tools for a catalogue administrator of
// all departments or of some.
func (s *Server) catalogueTools(c *gin.Context) adminSection {
	sec := adminSection{ID: "tools-catalogue", Heading: "admin.home.catalogue"}
	user := principalOf(c).user.Username
	has := func(act string) bool { return len(s.authz.Domains(user, policies.ObjItem, act)) > 0 }
	if has(policies.ActEdit) {
		sec.Links = append(sec.Links, adminLink{"tool-items", "/items", "admin.home.items", "admin.home.items_hint"})
		sec.Links = append(sec.Links, adminLink{"tool-item-list", "/admin/items", "guide.admin.title", "guide.admin.hint"})
	}
	if has(policies.ActCreate) {
		sec.Links = append(sec.Links, adminLink{"tool-item-new", "/admin/items/new", "admin.home.item_new", "admin.home.item_new_hint"})
	}
	if has(policies.ActImport) || has(policies.ActExport) {
		sec.Links = append(sec.Links, adminLink{"tool-transfer", "/admin/catalogue/transfer", "admin.home.transfer", "admin.home.transfer_hint"})
	}
	if s.can(c, policies.AllDomains, policies.ObjItem, policies.ActEdit) {
		sec.Links = append(sec.Links, adminLink{"tool-aliases", "/admin/search/aliases", "aliases.title", "aliases.home_hint"})
		sec.Links = append(sec.Links, adminLink{"tool-form-dicts", "/admin/forms/dictionaries", "formedit.dicts.title", "formedit.dicts.home_hint"})
	}
	return sec
}

// workTools links the application work lists: the window for clerks, the
// task list for reviewers and approvers of any department, supervision, and
// a citizen's own applications.
func (s *Server) workTools(c *gin.Context) adminSection {
	sec := adminSection{ID: "tools-work", Heading: "admin.home.work"}
	user := principalOf(c).user.Username
	if s.can(c, policies.AllDomains, policies.ObjApplication, policies.ActRegister) {
		sec.Links = append(sec.Links, adminLink{"tool-window", "/window", "admin.home.window", "admin.home.window_hint"})
	}
	if len(s.authz.Domains(user, policies.ObjTask, policies.ActClaim)) > 0 {
		sec.Links = append(sec.Links, adminLink{"tool-tasks", "/tasks", "admin.home.tasks", "admin.home.tasks_hint"})
	}
	if s.can(c, policies.AllDomains, policies.ObjReport, policies.ActRead) {
		sec.Links = append(sec.Links, adminLink{"tool-supervise", "/supervise", "admin.home.supervise", "admin.home.supervise_hint"})
		if s.can(c, policies.AllDomains, policies.ObjDataLog, policies.ActRead) {
			sec.Links = append(sec.Links, adminLink{"tool-personal-log", "/supervise/personal-data", "personal.log.title", "personal.log.hint"})
		}
	}
	if len(s.authz.Domains(user, policies.ObjPledge, policies.ActCheck)) > 0 || s.can(c, policies.AllDomains, policies.ObjPledge, policies.ActRead) {
		sec.Links = append(sec.Links, adminLink{"tool-pledge-checks", "/pledge-checks", "pledge.list.title", "pledge.home.hint"})
	}
	if s.can(c, policies.AllDomains, policies.ObjApplication, policies.ActOwn) {
		sec.Links = append(sec.Links, adminLink{"tool-my", "/my", "admin.home.my", "admin.home.my_hint"})
	}
	return sec
}

// flashValue keeps a flash code to plain snake_case so that a crafted link
// cannot choose an arbitrary message key.
var flashValue = regexp.MustCompile(`^[a-z_]{1,40}$`)

// flash returns the locale key of the message named by ?done= after a
// POST-redirect-GET, or "" when there is none.
func (s *Server) flash(c *gin.Context) string {
	v := c.Query("done")
	if !flashValue.MatchString(v) {
		return ""
	}
	key := "admin.done." + v
	if s.site.TOr(langOf(c), key, "") == "" {
		return ""
	}
	return key
}

// redirectDone answers a successful form with 303 to path, naming what was done.
func redirectDone(c *gin.Context, path string, q url.Values, done string) {
	if q == nil {
		q = url.Values{}
	}
	q.Set("done", done)
	c.Redirect(http.StatusSeeOther, path+"?"+q.Encode())
}

// displayZone is where staff read times: the district's local time.
var displayZone = models.CentreZone()

func localTime(t time.Time) string { return t.In(displayZone).Format("2006-01-02 15:04:05") }
