package handlers_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"onewindow/models/demo"
)

// sysSession is a browser-like session: the login cookie, the form token,
// and no automatic redirects so that tests see the 303s.
type sysSession struct {
	t      *testing.T
	env    *demoEnv
	client *http.Client
	csrf   string
}

var sysCSRF = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (s *sysSession) do(req *http.Request) (int, string, string) {
	s.t.Helper()
	if strings.HasPrefix(req.URL.Path, "/api/") {
		resp, b := checkedDo(s.t, s.client, req, nil)
		return resp.StatusCode, string(b), resp.Header.Get("Location")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

func (s *sysSession) get(path string) (int, string, string) {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.env.http.URL+path, nil)
	return s.do(req)
}

// post sends a form; the session's CSRF token is added when it has one.
func (s *sysSession) post(path string, form url.Values) (int, string, string) {
	s.t.Helper()
	if s.csrf != "" && form.Get("csrf_token") == "" {
		form.Set("csrf_token", s.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, s.env.http.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.do(req)
}

// follow GETs the target of a redirect; it takes post's results.
func (s *sysSession) follow(status int, _ string, loc string) string {
	s.t.Helper()
	if status != http.StatusSeeOther || loc == "" {
		s.t.Fatalf("want a 303 redirect, got %d to %q", status, loc)
	}
	code, body, _ := s.get(loc)
	if code != http.StatusOK {
		s.t.Fatalf("GET %s = %d", loc, code)
	}
	return body
}

func TestLandingShowsOnlyTheToolsOfTheUser(t *testing.T) {
	env := newStaffEnv(t)
	cases := []struct {
		user      string
		want, not []string
	}{
		{"admin", []string{`id="tool-users"`, `id="tool-departments"`, `id="tool-calendar"`, `id="tool-login-log"`},
			[]string{`id="tools-catalogue"`, `id="tool-window"`, `id="tool-tasks"`}},
		{"catalog", []string{`id="tool-items"`, `id="tool-item-new"`, `id="tool-transfer"`},
			[]string{`id="tools-system"`, `id="tools-work"`}},
		{"window1", []string{`id="tool-window"`}, []string{`id="tools-system"`, `id="tool-tasks"`}},
		{"scj.review", []string{`id="tool-tasks"`}, []string{`id="tools-system"`, `id="tool-window"`, `id="tool-supervise"`}},
		{"supervisor", []string{`id="tool-supervise"`}, []string{`id="tools-system"`, `id="tool-tasks"`}},
	}
	for _, tc := range cases {
		s := loginSession(t, env, tc.user, demo.Password)
		status, body, _ := s.get("/admin")
		if status != http.StatusOK {
			t.Fatalf("%s: /admin = %d", tc.user, status)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: landing page lacks %s", tc.user, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(body, n) {
				t.Errorf("%s: landing page shows %s", tc.user, n)
			}
		}
	}
	// Anonymous visitors are sent to the login page.
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(env.http.URL + "/admin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("anonymous /admin = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestSysadminManagesAnAccountThroughThePages(t *testing.T) {
	env := newStaffEnv(t)
	admin := loginSession(t, env, "admin", demo.Password)

	// A bad form comes back with the input and a message per field.
	status, body, _ := admin.post("/admin/users", url.Values{"username": {"Bad Name"}, "display_name": {"王五"},
		"citizen_id": {"110105194912310021"}, "password": {"short"}})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("bad user form = %d", status)
	}
	for _, want := range []string{`id="err-username"`, `id="err-password"`, `id="err-citizen_id"`, `value="王五"`, "校验码"} {
		if !strings.Contains(body, want) {
			t.Errorf("bad user form lacks %s", want)
		}
	}
	if _, err := env.store.UserByName(t.Context(), "bad name"); err == nil {
		t.Fatal("an invalid form created an account")
	}

	status, body, loc := admin.post("/admin/users", url.Values{"username": {"clerk9"}, "display_name": {"王五"},
		"department": {"scj"}, "password": {"initial-pass-1"}})
	body = admin.follow(status, body, loc)
	if !strings.Contains(body, `id="flash"`) || !strings.Contains(body, "clerk9") {
		t.Fatalf("account page after create: %s", body)
	}
	userPath := strings.SplitN(loc, "?", 2)[0]
	status, _, _ = admin.post("/admin/users", url.Values{"username": {"clerk9"}, "display_name": {"x"}, "password": {"initial-pass-1"}})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("taken username = %d, want 422", status)
	}
	if loginStatus(t, env, "clerk9", "initial-pass-1") != http.StatusOK {
		t.Fatal("the new account cannot log in")
	}

	// Disabled: the login fails. Enabled again: it works.
	body = admin.follow(admin.post(userPath+"/active", url.Values{"active": {"0"}}))
	if !strings.Contains(body, "已停用") {
		t.Error("account page does not say the account is disabled")
	}
	if got := loginStatus(t, env, "clerk9", "initial-pass-1"); got != http.StatusUnauthorized {
		t.Errorf("login of a disabled account = %d, want 401", got)
	}
	admin.follow(admin.post(userPath+"/active", url.Values{"active": {"1"}}))

	// Password reset: both fields must agree and meet the API's minimum.
	status, body, _ = admin.post(userPath+"/password", url.Values{"password": {"Brand-new-pass9"}, "password2": {"Brand-new-pasz9"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "两次输入的密码不一致") {
		t.Errorf("mismatched passwords = %d", status)
	}
	status, _, _ = admin.post(userPath+"/password", url.Values{"password": {"short"}, "password2": {"short"}})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("short password = %d, want 422", status)
	}
	admin.follow(admin.post(userPath+"/password", url.Values{"password": {"Brand-new-pass9"}, "password2": {"Brand-new-pass9"}}))
	if got := loginStatus(t, env, "clerk9", "initial-pass-1"); got != http.StatusUnauthorized {
		t.Errorf("old password after reset = %d, want 401", got)
	}
	if got := loginStatus(t, env, "clerk9", "Brand-new-pass9"); got != http.StatusOK {
		t.Errorf("new password after reset = %d, want 200", got)
	}

	// A reviewer role in scj gives the scj task list at once; removing it takes it away.
	clerk := loginSession(t, env, "clerk9", "Brand-new-pass9")
	if _, b, _ := clerk.get("/admin"); strings.Contains(b, `id="tool-tasks"`) || !strings.Contains(b, `id="no-tools"`) {
		t.Fatal("a user without roles is offered tools")
	}
	body = admin.follow(admin.post(userPath+"/roles", url.Values{"action": {"add"}, "role": {"reviewer"}, "domain": {"scj"}}))
	if !strings.Contains(body, `data-role="reviewer" data-domain="scj"`) {
		t.Error("account page does not list the new role")
	}
	if _, b, _ := clerk.get("/admin"); !strings.Contains(b, `id="tool-tasks"`) {
		t.Error("after the role assignment the reviewer has no task list")
	}
	status, body, _ = admin.post(userPath+"/roles", url.Values{"action": {"add"}, "role": {"reviewer"}, "domain": {"scj"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-roles"`) {
		t.Errorf("the same role twice = %d", status)
	}
	status, _, _ = admin.post(userPath+"/roles", url.Values{"action": {"add"}, "role": {"overlord"}, "domain": {"*"}})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("unknown role = %d, want 422", status)
	}
	admin.follow(admin.post(userPath+"/roles", url.Values{"action": {"remove"}, "role": {"reviewer"}, "domain": {"scj"}}))
	if _, b, _ := clerk.get("/admin"); strings.Contains(b, `id="tool-tasks"`) {
		t.Error("after removing the role the task list is still offered")
	}

	// The admin cannot disable themself.
	u, _ := env.store.UserByName(t.Context(), "admin")
	status, body, _ = admin.post("/admin/users/"+strconv.FormatUint(uint64(u.ID), 10)+"/active", url.Values{"active": {"0"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-active"`) {
		t.Errorf("disabling oneself = %d", status)
	}

	// The list finds the account by name and by department.
	_, body, _ = admin.get("/admin/users?q=" + url.QueryEscape("王五"))
	if !strings.Contains(body, `data-user="clerk9"`) || strings.Contains(body, `data-user="admin"`) {
		t.Error("search by display name")
	}
	_, body, _ = admin.get("/admin/users?department=scj")
	if !strings.Contains(body, `data-user="clerk9"`) || !strings.Contains(body, `data-user="scj.review"`) || strings.Contains(body, `data-user="zjj.review"`) {
		t.Error("filter by department")
	}

	// The login log lists the failed logins, newest first.
	_, body, _ = admin.get("/admin/login-log?username=clerk9")
	first := strings.Index(body, "data-result=")
	if first < 0 || !strings.HasPrefix(body[first:], `data-result="ok"`) || !strings.Contains(body, `data-result="bad_password"`) ||
		!strings.Contains(body, `data-result="disabled"`) {
		t.Errorf("login log for clerk9 does not show the history newest first")
	}
}
