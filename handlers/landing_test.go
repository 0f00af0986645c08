package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"onewindow/models/demo"
)

// landingLogin signs user in through the login page without a next page and
// returns the session and where the login sent it.
func landingLogin(t *testing.T, env *demoEnv, user, password string) (*sysSession, string) {
	t.Helper()
	s := loginSession(t, env, user, password)
	// loginSession has signed in once; a second sign-in shows where a fresh one goes.
	status, _, loc := s.post("/login", url.Values{"username": {user}, "password": {password}})
	if status != http.StatusSeeOther {
		t.Fatalf("login %s = %d", user, status)
	}
	_, body, _ := s.get(loc)
	if m := sysCSRF.FindStringSubmatch(body); m != nil {
		s.csrf = m[1] // the new session's form token
	}
	return s, loc
}

// TestLandingEachRoleStartsWhereItsWorkIs: after signing in every role starts
// on its own work (a citizen on their applications, the clerk at the window
// queue, reviewers and approvers on the work list, the supervisor on the
// dashboard, the catalogue administrator on the items, the system
// administrator on the administration tools), not on one page for all.
func TestLandingEachRoleStartsWhereItsWorkIs(t *testing.T) {
	env := newStaffEnv(t)
	cases := []struct{ user, want, heading string }{
		{"citizen1", "/my", `<h1>我的办件`},
		{"window1", "/window", `<h1>综合窗口受理台`},
		{"scj.review", "/tasks", `<h1>待办任务`},
		{"scj.approve", "/tasks", `<h1>待办任务`},
		{"supervisor", "/supervise", `<h1>超期与即将到期办件`},
		{"catalog", "/admin/items", `<h1>事项管理列表`},
		{"admin", "/admin", `id="tool-users"`},
	}
	for _, tc := range cases {
		s, loc := landingLogin(t, env, tc.user, demo.Password)
		if loc != tc.want {
			t.Errorf("%s lands on %q, want %q", tc.user, loc, tc.want)
			continue
		}
		status, body, _ := s.get(loc)
		if status != http.StatusOK || !strings.Contains(body, tc.heading) {
			t.Errorf("%s: GET %s = %d without %s", tc.user, loc, status, tc.heading)
		}
		// One role: no chooser under the header on the work page itself.
		if strings.Contains(body, `id="work-switch"`) {
			t.Errorf("%s: a one-role account is offered a choice of work on %s", tc.user, loc)
		}
		// The home page points a signed-in user to their work.
		_, home, _ := s.get("/")
		if !strings.Contains(home, `id="work-switch"`) || !strings.Contains(home, `href="`+tc.want+`"`) {
			t.Errorf("%s: the home page does not lead to %s", tc.user, tc.want)
		}
	}

	// The citizen's workbench is their applications: /admin sends them there
	// and the header links no staff workbench.
	citizen, _ := landingLogin(t, env, "citizen1", demo.Password)
	if status, _, loc := citizen.get("/admin"); status != http.StatusSeeOther || loc != "/my" {
		t.Errorf("citizen /admin = %d to %q, want 303 to /my", status, loc)
	}
	if _, my, _ := citizen.get("/my"); strings.Contains(my, `id="nav-workbench"`) {
		t.Error("a citizen's header links the staff workbench")
	}
	clerk, _ := landingLogin(t, env, "window1", demo.Password)
	if _, desk, _ := clerk.get("/window"); !strings.Contains(desk, `id="nav-workbench"`) {
		t.Error("a clerk's header lacks the workbench")
	}

	// Two roles: the first by the order of daily work, the other offered on every page
	// and both on the workbench's chooser.
	token := loginToken(t, env, "admin")
	status, body := call(t, env, http.MethodPost, "/api/v1/admin/users", token, map[string]any{
		"username": "twohats", "display_name": "两岗人员", "password": "Two-hats-pass9",
		"roles": []map[string]string{{"role": "supervisor", "domain": "*"}, {"role": "window_clerk", "domain": "*"}},
	})
	if status != http.StatusCreated {
		t.Fatalf("create a two-role user = %d %s", status, body)
	}
	two, loc := landingLogin(t, env, "twohats", "Two-hats-pass9")
	if loc != "/window" {
		t.Errorf("clerk and supervisor lands on %q, want /window", loc)
	}
	_, desk, _ := two.get("/window")
	if !strings.Contains(desk, `id="work-switch"`) || !strings.Contains(desk, `id="landing-supervise" href="/supervise"`) {
		t.Error("the two-role user's window page does not offer the supervision dashboard")
	}
	_, bench, _ := two.get("/admin")
	for _, want := range []string{`id="landing-chooser"`, `id="choose-landing-window" href="/window"`, `id="choose-landing-supervise" href="/supervise"`} {
		if !strings.Contains(bench, want) {
			t.Errorf("the two-role user's workbench lacks %s", want)
		}
	}
	// A page named by the login form still wins over the landing.
	status, _, loc = two.post("/login", url.Values{"username": {"twohats"}, "password": {"Two-hats-pass9"}, "next": {"/supervise/cards"}})
	if status != http.StatusSeeOther || loc != "/supervise/cards" {
		t.Errorf("login with next = %d to %q", status, loc)
	}
}

// TestBrowserLandingPerRole: a clerk signing in in a browser sees the window
// queue at once; after signing out, a citizen in the same browser sees their
// applications.
func TestBrowserLandingPerRole(t *testing.T) {
	ctx := newBrowser(t)
	env := newStaffEnv(t)
	if err := loginBrowser(ctx, env.http.URL, "window1"); err != nil {
		t.Fatalf("clerk login: %v", err)
	}
	path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || path != "/window" {
		t.Fatalf("the clerk landed on %q (%v), want /window", path, err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil || !strings.Contains(heading, "综合窗口") {
		t.Errorf("the clerk's first page is headed %q (%v)", heading, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("button.linkish")),
		chromedp.WaitVisible(chromedp.ID("q")),
	); err != nil {
		t.Fatalf("logout: %v", err)
	}
	if err := loginBrowser(ctx, env.http.URL, "citizen1"); err != nil {
		t.Fatalf("citizen login: %v", err)
	}
	path, err = chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || path != "/my" {
		t.Fatalf("the citizen landed on %q (%v), want /my", path, err)
	}
}
