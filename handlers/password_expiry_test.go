package handlers_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"onewindow/handlers"
	"onewindow/models/demo"
)

// ageAccount makes the account's password as old as age (before anyone signs in).
func ageAccount(t *testing.T, env *demoEnv, user string, age time.Duration) {
	t.Helper()
	db, err := env.store.SQL()
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Exec(env.store.Rebind(`UPDATE users SET password_changed_at = ? WHERE username = ?`), time.Now().UTC().Add(-age), user)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("age %s: %v", user, err)
	}
}

// pageSession signs user in through the login page and returns the session and where the
// sign-in went.
func pageSession(t *testing.T, env *demoEnv, user, password string) (*sysSession, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	s := &sysSession{t: t, env: env, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	status, _, loc := s.post("/login", url.Values{"username": {user}, "password": {password}})
	if status != http.StatusSeeOther {
		t.Fatalf("login %s = %d", user, status)
	}
	_, body, _ := s.get("/account/password")
	m := sysCSRF.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token on the password page for %s", user)
	}
	s.csrf = m[1]
	return s, loc
}

const day = 24 * time.Hour

// TestPasswordExpiryWarnsThenConfinesStaffToTheChangePage: with a 90-day maximum age, a
// password 80 days old is warned about on the landing pages (days left and a link); one 91
// days old signs a member of staff into the change-password page only (every staff page
// redirects there, the API answers 403 password_expired) until it is changed, while a
// citizen is only warned.
func TestPasswordExpiryWarnsThenConfinesStaffToTheChangePage(t *testing.T) {
	env := newConfiguredEnv(t, func(c *handlers.Config) { c.PasswordMaxAge = 90 * day })
	ageAccount(t, env, "window1", 80*day)
	ageAccount(t, env, "citizen1", 80*day)
	ageAccount(t, env, "scj.review", 91*day)
	ageAccount(t, env, "admin", 91*day)
	ageAccount(t, env, "supervisor", 91*day)

	// Warned: days left and a link, in both languages; nothing else changes.
	window, landing := pageSession(t, env, "window1", demo.Password)
	if landing != "/window" {
		t.Fatalf("window1 landed on %s", landing)
	}
	for _, l := range []struct{ q, want string }{{"", "您的密码将在 10 天后过期"}, {"?lang=en", "Days until your password expires: 10."}} {
		_, page, _ := window.get("/admin" + l.q)
		if !strings.Contains(page, `id="password-expiry"`) || !strings.Contains(page, l.want) || !strings.Contains(page, `href="/account/password"`) {
			t.Errorf("landing page%s without the warning: %.2000s", l.q, page)
		}
	}
	if status, _, _ := window.get("/window"); status != http.StatusOK {
		t.Errorf("a warned clerk's desk = %d", status)
	}
	citizen, landing := pageSession(t, env, "citizen1", demo.Password)
	if _, page, _ := citizen.get(landing); landing != "/my" || !strings.Contains(page, "您的密码将在 10 天后过期") {
		t.Errorf("citizen landing %s without the warning", landing)
	}
	fresh, _ := pageSession(t, env, "catalog", demo.Password)
	if _, page, _ := fresh.get("/admin"); strings.Contains(page, `id="password-expiry"`) {
		t.Error("a fresh password is warned about")
	}

	// Expired staff: signed in to the change page only.
	reviewer, landing := pageSession(t, env, "scj.review", demo.Password)
	if landing != "/account/password" {
		t.Fatalf("an expired reviewer landed on %s", landing)
	}
	_, page, _ := reviewer.get("/account/password")
	if !strings.Contains(page, "修改密码后才能继续使用工作人员功能") {
		t.Errorf("the change page does not say why: %.1500s", page)
	}
	for _, path := range []string{"/admin", "/tasks", "/window", "/admin/users"} {
		if status, _, loc := reviewer.get(path); status != http.StatusSeeOther || loc != "/account/password" {
			t.Errorf("expired reviewer GET %s = %d to %q", path, status, loc)
		}
	}
	token := loginToken(t, env, "supervisor")
	status, body := call(t, env, http.MethodGet, "/api/v1/tasks", token, nil)
	if status != http.StatusForbidden || !strings.Contains(string(body), `"password_expired"`) {
		t.Errorf("expired API call = %d %s", status, body)
	}
	if status, _ := call(t, env, http.MethodGet, "/api/v1/me", token, nil); status != http.StatusOK {
		t.Errorf("who am I with an expired password = %d", status)
	}

	// A citizen's expired password: warned only.
	ageAccount(t, env, "citizen1", 95*day)
	citizen, landing = pageSession(t, env, "citizen1", demo.Password)
	if status, page, _ := citizen.get(landing); landing != "/my" || status != http.StatusOK || !strings.Contains(page, "您的密码已过期") {
		t.Errorf("expired citizen: landing %s = %d", landing, status)
	}

	// Changing it: a wrong current password or a weak new one changes nothing; a good one
	// lets the reviewer in again, with no warning left.
	status, page, _ = reviewer.post("/account/password", url.Values{"current_password": {"wrong"}, "password": {"Gx7!vRt2pLq9"}, "password2": {"Gx7!vRt2pLq9"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "当前密码不正确") {
		t.Errorf("wrong current password = %d", status)
	}
	status, page, _ = reviewer.post("/account/password", url.Values{"current_password": {demo.Password}, "password": {"short1A"}, "password2": {"short1A"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="err-password"`) {
		t.Errorf("weak new password = %d", status)
	}
	status, _, loc := reviewer.post("/account/password", url.Values{"current_password": {demo.Password}, "password": {"Gx7!vRt2pLq9"}, "password2": {"Gx7!vRt2pLq9"}})
	if status != http.StatusSeeOther || loc != "/admin" {
		t.Fatalf("change = %d to %q", status, loc)
	}
	if status, page, _ := reviewer.get("/tasks"); status != http.StatusOK || strings.Contains(page, `id="password-expiry"`) {
		t.Errorf("after the change, the work list = %d", status)
	}

	// Through the API: the change ends the token; a new sign-in works.
	status, body = call(t, env, http.MethodPost, "/api/v1/account/password", token, map[string]string{"current_password": demo.Password, "new_password": "Tq4#mWz8kLp2"})
	if status != http.StatusNoContent {
		t.Fatalf("API change = %d %s", status, body)
	}
	if status, _ := call(t, env, http.MethodGet, "/api/v1/tasks", token, nil); status != http.StatusUnauthorized {
		t.Errorf("the token after the change = %d", status)
	}
	if status, tok := login(t, env, "supervisor", "Tq4#mWz8kLp2"); status != http.StatusOK {
		t.Errorf("sign-in with the new password = %d", status)
	} else if status, body := call(t, env, http.MethodGet, "/api/v1/tasks", tok, nil); status != http.StatusOK {
		t.Errorf("the new token's work list = %d %s", status, body)
	}
}

// TestTheChangePageSaysWhichRuleANewPasswordBreaks: each refused new password is told the
// rule it broke, not the whole policy.
func TestTheChangePageSaysWhichRuleANewPasswordBreaks(t *testing.T) {
	env := newStaffEnv(t)
	s, _ := pageSession(t, env, "window1", demo.Password)
	for pw, want := range map[string]string{"Ab1!": "至少 10 个字符", "abcdefghijkl": "至少三类", "Window1-Strong!": "不能包含用户名"} {
		status, page, _ := s.post("/account/password", url.Values{"current_password": {demo.Password}, "password": {pw}, "password2": {pw}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, want) {
			t.Errorf("new password %q: %d, want the page to say %q", pw, status, want)
		}
	}
}
