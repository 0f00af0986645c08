package handlers_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// officeBrowserLogout logs out with the header's button.
func officeBrowserLogout(ctx context.Context) error {
	return chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("header.site form button.linkish")),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/login"]`)),
	)
}

// officeBrowserAct opens the processing page and submits the form of act
// (the acting department is the one the page offers).
func officeBrowserAct(ctx context.Context, base, number, act string) error {
	return chromedp.Do(ctx,
		chromedp.Navigate(base+"/tasks/"+number),
		chromedp.WaitVisible(chromedp.ID("form-"+act)),
		chromedp.Click(chromedp.CSS("#form-"+act+" button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("done")),
	)
}

// officeBrowserClaimFromList claims the task of number on the work list.
func officeBrowserClaimFromList(ctx context.Context, base, number string) error {
	row := `tr[data-number="` + number + `"]`
	return chromedp.Do(ctx,
		chromedp.Navigate(base+"/tasks"),
		chromedp.WaitVisible(chromedp.CSS(row+" button.claim")),
		chromedp.Click(chromedp.CSS(row+" button.claim")),
		chromedp.WaitVisible(chromedp.CSS(row+" button.release")),
	)
}

func officeState(ctx context.Context) (string, error) {
	r, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("app-state"), "data-state"))
	return r.Value, err
}

func TestBrowserTaskJourneyOfASingleDepartmentEndsCompleted(t *testing.T) {
	clock := &officeClock{t: time.Now()}
	env := newOfficeEnv(t, clock)
	ctx := newBrowser(t)
	base := env.http.URL
	single, _ := officeItems(t, env.store)
	number, code := officeFileWithCode(t, env, single.Code)

	if err := loginBrowser(ctx, base, "scj.review"); err != nil {
		t.Fatalf("scj.review logs in: %v", err)
	}
	if err := officeBrowserClaimFromList(ctx, base, number); err != nil {
		t.Fatalf("claim from the work list: %v", err)
	}
	if err := officeBrowserAct(ctx, base, number, "review_pass"); err != nil {
		t.Fatalf("review_pass: %v", err)
	}
	if err := officeBrowserLogout(ctx); err != nil {
		t.Fatal(err)
	}
	if err := loginBrowser(ctx, base, "scj.approve"); err != nil {
		t.Fatalf("scj.approve logs in: %v", err)
	}
	if err := officeBrowserAct(ctx, base, number, "approve"); err != nil {
		t.Fatalf("approve: %v", err)
	}
	if state, err := officeState(ctx); err != nil || state != "approved" {
		t.Fatalf("state after approval %q: %v", state, err)
	}
	docs, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("documents")))
	if err != nil || !strings.Contains(docs, "准予行政许可决定书") {
		t.Fatalf("documents %q: %v", docs, err)
	}
	// The window hands out the result (统一出件) through the API.
	tok := loginToken(t, env, "window1")
	v, _ := officeVersion(t, env, number)
	status, body := call(t, env, "POST", "/api/v1/applications/"+number+"/actions/issue", tok,
		map[string]any{"version": v, "result_number": "JY11509020001234", "delivery": "window"})
	if status != 200 {
		t.Fatalf("issue: %d %s", status, body)
	}
	status, body = call(t, env, "GET", "/api/v1/status/"+number+"?code="+code, "", nil)
	var st struct {
		State      string `json:"state"`
		StateLabel string `json:"state_label"`
	}
	json.Unmarshal(body, &st)
	if status != 200 || st.State != "completed" || st.StateLabel != "已办结" {
		t.Fatalf("the applicant's status: %d %s", status, body)
	}
}

func TestBrowserJointItemThroughTwoDepartmentsInTwoSessions(t *testing.T) {
	clock := &officeClock{t: time.Now()}
	env := newOfficeEnv(t, clock)
	a, b := newBrowser(t), newBrowser(t)
	base := env.http.URL
	_, joint := officeItems(t, env.store)
	joint = officeTwoDepartments(t, env, joint)
	number, _ := officeFileWithCode(t, env, joint.Code)
	app, err := env.store.Application(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	var depts []string
	for _, task := range app.Tasks {
		depts = append(depts, task.DepartmentCode)
	}
	sessions := map[string]context.Context{depts[0]: a, depts[1]: b}
	for _, d := range depts[:2] {
		ctx := sessions[d]
		if err := loginBrowser(ctx, base, d+".review"); err != nil {
			t.Fatalf("%s.review logs in: %v", d, err)
		}
		if err := officeBrowserClaimFromList(ctx, base, number); err != nil {
			t.Fatalf("%s claims: %v", d, err)
		}
	}
	for _, d := range depts[:2] {
		if err := officeBrowserAct(sessions[d], base, number, "review_pass"); err != nil {
			t.Fatalf("%s passes the review: %v", d, err)
		}
		if err := officeBrowserLogout(sessions[d]); err != nil {
			t.Fatal(err)
		}
		if err := loginBrowser(sessions[d], base, d+".approve"); err != nil {
			t.Fatalf("%s.approve logs in: %v", d, err)
		}
	}
	// The first department's approval leaves the application in review; the
	// page shows that department's decision and the other's pending stage.
	if err := officeBrowserAct(a, base, number, "approve"); err != nil {
		t.Fatalf("%s approves: %v", depts[0], err)
	}
	if state, err := officeState(a); err != nil || state != "in_review" {
		t.Fatalf("after the first approval: %q %v", state, err)
	}
	progress, err := chromedp.Run(a, chromedp.Text(chromedp.ID("departments")))
	if err != nil || !strings.Contains(progress, "已准予") || !strings.Contains(progress, "决定") {
		t.Fatalf("progress of the departments %q: %v", progress, err)
	}
	if err := officeBrowserAct(b, base, number, "approve"); err != nil {
		t.Fatalf("%s approves: %v", depts[1], err)
	}
	if state, err := officeState(b); err != nil || state != "approved" {
		t.Fatalf("after both approvals: %q %v", state, err)
	}
	final, err := env.store.Application(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	decided := 0
	for _, task := range final.Tasks {
		if task.Stage == "approved" {
			decided++
		}
	}
	if decided != 2 {
		t.Fatalf("decisions recorded: %d of 2", decided)
	}
}
