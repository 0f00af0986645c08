package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The applicant looks the application up with its number and query code and
// reads every written notice on the status page, in Chinese and in English.
func TestBrowserStatusPageShowsTheNotices(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)} // Mon 2 Mar 2026
	env := newOfficeEnv(t, clock)
	it := deferredLicence(t)
	n, code := registerPending(t, env, it)
	rev, appr := loginToken(t, env, it.DepartmentCode+".review"), loginToken(t, env, it.DepartmentCode+".approve")
	mustActAPI(t, env, rev, n, "claim", nil)
	clock.Set(time.Date(2026, 3, 3, 2, 0, 0, 0, time.UTC))
	mustActAPI(t, env, rev, n, "suspend", map[string]any{"kind": "expert_review", "reason": "需组织专家评审", "expected_days": 5})
	clock.Set(time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC))
	mustActAPI(t, env, rev, n, "resume", nil)
	mustActAPI(t, env, rev, n, "review_pass", nil)
	mustActAPI(t, env, appr, n, "claim", nil)
	mustActAPI(t, env, appr, n, "extend", map[string]any{"days": 5, "reason": "需要补充现场核查"})

	ctx := newBrowser(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(env.http.URL+"/status"),
		chromedp.WaitVisible(chromedp.ID("status-form")),
		chromedp.SendKeys(chromedp.ID("number"), n),
		chromedp.SendKeys(chromedp.ID("code"), code),
		chromedp.Click(chromedp.ID("status-submit")),
		chromedp.WaitVisible(chromedp.ID("notices")),
	)
	if err != nil {
		t.Fatalf("look the application up: %v", err)
	}
	want := map[string][]string{
		"notice-acceptance": {"受理通知书", it.Name},
		"notice-pending":    {"容缺受理通知书", "补齐期限"},
		"notice-special":    {"特别程序告知书", "专家评审", "2026-03-03", "不计入办理期限"},
		"notice-extension":  {"延期通知书", "需要补充现场核查", "延长 5 个工作日"},
		"pending-reminder":  {"容缺材料待补"},
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
	// In English the notices speak English with ASCII punctuation.
	err = chromedp.Do(ctx,
		chromedp.Navigate(env.http.URL+"/status/"+n+"?code="+code+"&lang=en"),
		chromedp.WaitVisible(chromedp.ID("notice-extension")),
	)
	if err != nil {
		t.Fatalf("the English status page: %v", err)
	}
	for _, id := range []string{"notice-special", "notice-extension"} {
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#"+id+" .law")))
		if err != nil || !strings.Contains(got, "Article") || strings.ContainsAny(got, "，。：；（）") {
			t.Errorf("the English %s says %q (%v)", id, got, err)
		}
	}
}
