package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The applicant looks up an application granted on a pledge whose check
// failed: the status page shows the pledge as made and the 撤销决定书.
func TestBrowserStatusPageShowsThePledgeAndTheRevocation(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)} // Mon 2 Mar 2026
	env := newOfficeEnv(t, clock)
	it := makePledgeItem(t, env)
	f := grantOnPledge(t, env, it)
	clock.Set(time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC))
	rev := loginToken(t, env, it.DepartmentCode+".review")
	checks := listChecks(t, env, rev, "?state=open")
	if len(checks.Checks) != 1 {
		t.Fatalf("open checks: %+v", checks.Checks)
	}
	if s, b := call(t, env, http.MethodPost, "/api/v1/pledge-checks/"+f.Number, rev, map[string]any{"result": "failed",
		"findings": "现场无消毒设施，与承诺不符", "version": checks.Checks[0].Version}); s != http.StatusOK {
		t.Fatalf("record the check: %d %s", s, b)
	}
	mustActAPI(t, env, loginToken(t, env, it.DepartmentCode+".approve"), f.Number, "revoke", map[string]any{"reason": "承诺内容与实际情况不符"})

	ctx := newBrowser(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(env.http.URL+"/status"),
		chromedp.WaitVisible(chromedp.ID("status-form")),
		chromedp.SendKeys(chromedp.ID("number"), f.Number),
		chromedp.SendKeys(chromedp.ID("code"), f.QueryCode),
		chromedp.Click(chromedp.ID("status-submit")),
		chromedp.WaitVisible(chromedp.ID("notice-revocation")),
	)
	if err != nil {
		t.Fatalf("look the application up: %v", err)
	}
	want := map[string][]string{
		"state":             {"已撤销"},
		"status-pledge":     {"您的告知承诺", "在网上勾选", testPledgeText, "核查不通过", "2026-03-16"},
		"notice-revocation": {"撤销决定书", it.Name, "2026-03-02", "现场无消毒设施，与承诺不符", "承诺内容与实际情况不符", "行政复议"},
	}
	for id, texts := range want {
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		for _, w := range texts {
			if !strings.Contains(got, w) {
				t.Errorf("%s shows %q, want %q in it", id, got, w)
			}
		}
	}
	// In English the page says the same in English.
	err = chromedp.Do(ctx,
		chromedp.Navigate(env.http.URL+"/status/"+f.Number+"?code="+f.QueryCode+"&lang=en"),
		chromedp.WaitVisible(chromedp.ID("notice-revocation")),
	)
	if err != nil {
		t.Fatalf("the English status page: %v", err)
	}
	got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("notice-revocation")))
	if err != nil || !strings.Contains(got, "Decision of revocation") || !strings.Contains(got, "revokes the grant") {
		t.Errorf("the English revocation notice says %q (%v)", got, err)
	}
}
