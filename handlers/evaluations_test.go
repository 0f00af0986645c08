package handlers_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestRatingOnceByAPIAndTheSupervisorsList(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	single, _ := officeItems(t, env.store)
	number, code := fileAtWindow(t, env, single.Code, handledApplicants[0])
	path := "/api/v1/status/" + number + "/evaluation"
	if status, body := call(t, env, "POST", path, "", map[string]any{"code": code, "level": 1}); status != 409 || !strings.Contains(string(body), "not_evaluable") {
		t.Fatalf("rating before completion: %d %s", status, body)
	}
	completeAccepted(t, env, number, "scj", clock.Now())
	if status, _ := call(t, env, "POST", path, "", map[string]any{"code": "WRONGCOD", "level": 1}); status != 404 {
		t.Fatalf("a wrong code: %d", status)
	}
	var e apiError
	status, body := call(t, env, "POST", path, "", map[string]any{"code": code, "level": 6, "tags": []string{"nope"}})
	if json.Unmarshal(body, &e); status != 422 || e.Error.Fields["level"] == "" || e.Error.Fields["tags"] == "" {
		t.Fatalf("a bad rating: %d %s", status, body)
	}
	status, body = call(t, env, "POST", path, "", map[string]any{"code": code, "level": 2, "tags": []string{"slow"}, "comment": "等了很久"})
	var got struct {
		Case *struct{ State, Due string } `json:"case"`
	}
	if json.Unmarshal(body, &got); status != 201 || got.Case == nil || got.Case.State != "open" || got.Case.Due != "2026-03-23" {
		t.Fatalf("rating: %d %s", status, body)
	}
	if status, body := call(t, env, "POST", path, "", map[string]any{"code": code, "level": 5}); status != 409 || !strings.Contains(string(body), "already_evaluated") {
		t.Fatalf("a second rating: %d %s", status, body)
	}
	sup := loginToken(t, env, "supervisor")
	status, body = call(t, env, "GET", "/api/v1/evaluations?level_max=2&department=scj&state=open", sup, nil)
	if status != 200 || !strings.Contains(string(body), number) || !strings.Contains(string(body), `"overdue":false`) {
		t.Fatalf("the supervisor's list: %d %s", status, body)
	}
	clock.Set(time.Date(2026, 3, 24, 2, 0, 0, 0, time.UTC)) // past the 15 working days
	if status, body = call(t, env, "GET", "/api/v1/evaluations?state=overdue", sup, nil); status != 200 || !strings.Contains(string(body), `"overdue":true`) {
		t.Fatalf("overdue: %d %s", status, body)
	}
	if status, _ := call(t, env, "GET", "/api/v1/evaluations", loginToken(t, env, "scj.review"), nil); status != 403 {
		t.Fatalf("a reviewer reads every evaluation: %d", status)
	}
	if status, _ := call(t, env, "GET", "/api/v1/evaluations?state=bogus", sup, nil); status != 422 {
		t.Fatalf("a bad state: %d", status)
	}
	// Public rates: one rating, 0% good, for the department and the item.
	_, page := fetchPage(t, env.http.URL+"/handled")
	if !strings.Contains(page, `id="satisfaction-departments"`) || !strings.Contains(page, "0.0%") {
		t.Fatal("the public page shows no 好差评 rate")
	}
}

func TestWindowTabletRatesTheClerksLatestApplication(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	single, _ := officeItems(t, env.store)
	number, _ := fileAtWindow(t, env, single.Code, handledApplicants[0])
	win := loginSession(t, env, "window1", "demo1234")
	status, page, _ := win.get("/window/evaluate")
	if status != 200 || !strings.Contains(page, number) || !strings.Contains(page, `id="rating-form"`) || !strings.Contains(page, "李*光") {
		t.Fatalf("the tablet: %d", status)
	}
	form := url.Values{"number": {number}, "level": {"5"}, "tags": {"courteous"}}
	if status, page, _ = win.post("/window/evaluate", form); status != 200 || !strings.Contains(page, `id="rating-given"`) {
		t.Fatalf("rating at the tablet: %d", status)
	}
	if status, _, _ = win.post("/window/evaluate", form); status != 409 {
		t.Fatalf("a second rating at the tablet: %d", status)
	}
}

// TestBrowserPoorRatingIsFollowedUpAndTheApplicantSeesTheReply is the
// journey of issue 17: a completed application is published masked, its
// applicant rates it 非常不满意 from the status page, a case opens for the
// department, the department replies, and the applicant reads the reply.
func TestBrowserPoorRatingIsFollowedUpAndTheApplicantSeesTheReply(t *testing.T) {
	clock := &officeClock{t: time.Now()}
	env := newOfficeEnv(t, clock)
	ctx := newBrowser(t)
	base := env.http.URL
	single, _ := officeItems(t, env.store)
	number, code := fileAtWindow(t, env, single.Code, handledApplicants[0])
	completeAccepted(t, env, number, "scj", clock.Now())

	row := `#handled tr[data-number="` + number + `"] td.applicant`
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.Click(chromedp.ID("footer-handled")), chromedp.WaitVisible(chromedp.CSS(row))); err != nil {
		t.Fatalf("办件公示: %v", err)
	}
	if name, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(row))); err != nil || name != "李*光" {
		t.Fatalf("the applicant in 办件公示 %q: %v", name, err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/status"),
		chromedp.SendKeys(chromedp.ID("number"), number),
		chromedp.SendKeys(chromedp.ID("code"), code),
		chromedp.Click(chromedp.ID("status-submit")),
		chromedp.WaitVisible(chromedp.ID("rating-form")),
		chromedp.Click(chromedp.ID("level-1")),
		chromedp.Click(chromedp.ID("tag-many_visits")),
		chromedp.SendKeys(chromedp.ID("rating-comment"), "材料说明不清，跑了三次"),
		chromedp.Click(chromedp.ID("rating-submit")),
		chromedp.WaitVisible(chromedp.ID("rating-given")),
	)
	if err != nil {
		t.Fatalf("rating from the status page: %v", err)
	}
	if level, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("rating-level"))); err != nil || level != "非常不满意" {
		t.Fatalf("the rating shown %q: %v", level, err)
	}
	if st, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("case-state"), "data-state")); err != nil || st.Value != "open" {
		t.Fatalf("the case opened %q: %v", st.Value, err)
	}

	const reply = "经回访核实，窗口材料说明有误，已更正办事指南并向您致歉。"
	if err := loginBrowser(ctx, base, "scj.review"); err != nil {
		t.Fatalf("scj.review logs in: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/rectification"),
		chromedp.Click(chromedp.CSS(`#evaluations tr[data-number="`+number+`"] a`)),
		chromedp.WaitVisible(chromedp.ID("case-form")),
	)
	if err != nil {
		t.Fatalf("the department's case list: %v", err)
	}
	steps := []struct{ note, state string }{{"已电话回访申请人，情况属实。", "verified"}, {reply, "replied"},
		{"已修订材料说明并培训窗口人员。", "rectified"}, {"整改完成。", "closed"}}
	for _, st := range steps {
		note := st.note
		err := chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.ID("note"), note),
			chromedp.Click(chromedp.ID("case-submit")),
			chromedp.WaitVisible(chromedp.CSS(`#done ~ #case #case-state[data-state="`+st.state+`"]`)),
		)
		if err != nil {
			t.Fatalf("case step %q: %v", note, err)
		}
	}
	if st, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("case-state"), "data-state")); err != nil || st.Value != "closed" {
		t.Fatalf("the case after its steps %q: %v", st.Value, err)
	}
	record, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("case-steps")))
	if err != nil || !strings.Contains(record, "回访核实") || !strings.Contains(record, "答复申请人") || !strings.Contains(record, "完成整改") || !strings.Contains(record, "scj.review") ||
		!strings.Contains(record, "申请人") || strings.Contains(record, "applicant") {
		t.Fatalf("the case record %q: %v", record, err)
	}
	if err := officeBrowserLogout(ctx); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/status"),
		chromedp.SendKeys(chromedp.ID("number"), number),
		chromedp.SendKeys(chromedp.ID("code"), code),
		chromedp.Click(chromedp.ID("status-submit")),
		chromedp.WaitVisible(chromedp.ID("case-reply")),
	)
	if err != nil {
		t.Fatalf("the applicant looks again: %v", err)
	}
	if got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("case-reply"))); err != nil || got != reply {
		t.Fatalf("the reply the applicant sees %q: %v", got, err)
	}
}
