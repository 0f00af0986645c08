package handlers

import (
	"slices"

	"onewindow/policies"
)

// Landing per role: every account starts where its work is. A clerk's day
// is the window queue, a reviewer's or approver's the task list, a
// supervisor's the supervision dashboard, a catalogue administrator's the
// item list, a system administrator's the administration tools and a
// citizen's their own applications. An account with several roles starts at
// the first of them in landingOrder and is offered the others on every page.

// landingLink is one role's starting page; Label is a locale key.
type landingLink struct {
	ID, Href, Label string
}

// landingOrder lists the roles' starting pages, the daily work at the counter
// and in the departments first, the citizen's own applications last.
var landingOrder = []struct {
	roles []policies.Role
	link  landingLink
}{
	{[]policies.Role{policies.WindowClerk}, landingLink{"landing-window", "/window", "landing.window"}},
	{[]policies.Role{policies.Reviewer, policies.Approver}, landingLink{"landing-tasks", "/tasks", "landing.tasks"}},
	{[]policies.Role{policies.Supervisor}, landingLink{"landing-supervise", "/supervise", "landing.supervise"}},
	{[]policies.Role{policies.CatalogueAdmin}, landingLink{"landing-items", "/admin/items", "landing.items"}},
	{[]policies.Role{policies.InspectionAdmin}, landingLink{"landing-inspection", "/admin/inspection", "landing.inspection"}},
	{[]policies.Role{policies.Sysadmin}, landingLink{"landing-admin", "/admin", "landing.admin"}},
	{[]policies.Role{policies.Citizen}, landingLink{"landing-my", "/my", "landing.my"}},
}

// landings returns the starting pages of username's roles in landingOrder,
// one per page; none for an account without roles.
func (s *Server) landings(username string) []landingLink {
	var held []policies.Role
	for _, a := range s.authz.Roles(username) {
		held = append(held, a.Role)
	}
	var out []landingLink
	for _, l := range landingOrder {
		if slices.ContainsFunc(l.roles, func(r policies.Role) bool { return slices.Contains(held, r) }) {
			out = append(out, l.link)
		}
	}
	return out
}

// landingOf is where username starts: the first role's page, or the
// workbench (which says that no tools are offered) for an account without
// roles.
func (s *Server) landingOf(username string) string {
	if ls := s.landings(username); len(ls) > 0 {
		return ls[0].Href
	}
	return "/admin"
}

// StaffNav reports whether the header links the staff workbench: for every
// signed-in account except a citizen's, whose work is their own applications.
func (p pageData) StaffNav() bool {
	return p.User != nil && !(len(p.Work) == 1 && p.Work[0].Href == "/my")
}

// WorkSwitch reports whether the page offers the roles' starting pages under
// the header: to an account with several roles on every page, and to anyone
// signed in on the home page.
func (p pageData) WorkSwitch() bool {
	return len(p.Work) > 1 || (len(p.Work) == 1 && p.Nav == "home")
}
