package handlers_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/workflow"
)

// A clerk registers a walk-in, issues a one-time notice, the applicant
// supplements online with the query code, and the clerk accepts and prints
// the acceptance notice.
func TestBrowserWindowClerkRegistersNotifiesAndAccepts(t *testing.T) {
	env := newStaffEnv(t)
	it := windowItem(t, env, false)
	first, second := it.Materials[0], it.Materials[1]
	for _, m := range it.Materials[1:] {
		if m.Necessity == models.NecessityRequired { // the one-time notice pre-ticks required materials only
			second = m
			break
		}
	}
	ctx := newBrowser(t)
	base := env.http.URL
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login?next=/window"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "window1"),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.ID("new-application")),
		chromedp.Click(chromedp.ID("new-application")),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), it.Name),
		chromedp.Click(chromedp.ID("item-search")),
		chromedp.WaitVisible(chromedp.ID("item-results")),
		chromedp.Click(chromedp.CSS(`#item-results a[href="/window/new?item=`+url.QueryEscape(it.Code)+`"]`)),
		chromedp.WaitVisible(chromedp.ID("intake-form")),
		chromedp.SetValue(chromedp.ID("kind"), "person"), // a person applying for an organisation
		chromedp.SendKeys(chromedp.ID("id_number"), walkInID),
		chromedp.Click(chromedp.ID("lookup")),
		chromedp.WaitVisible(chromedp.ID("lookup-none")),
		chromedp.SendKeys(chromedp.ID("name"), "王窗口"),
		chromedp.SendKeys(chromedp.ID("phone"), "13800000000"),
		chromedp.SendKeys(chromedp.ID("address"), "集宁区新华街 2 号"),
	)
	if err != nil {
		t.Fatalf("open the intake form: %v", err)
	}
	steps := fillForm(itemSchema(t, it.Code), pageAnswers(t, it.Code, "person", "王窗口", walkInID)) // the item's form
	steps = append(steps, chromedp.Click(chromedp.ID("m_"+first.Key+"_provided")),
		chromedp.Click(chromedp.ID("register")),
		chromedp.WaitVisible(chromedp.ID("query-code")))
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("register a walk-in: %v", err)
	}
	number, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("app-number")))
	if err != nil {
		t.Fatal(err)
	}
	code, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("query-code")))
	if err != nil || len(code) != 8 {
		t.Fatalf("query code %q: %v", code, err)
	}
	// The one-time notice: the missing material is ticked already.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("do-request_supplement")),
		chromedp.WaitVisible(chromedp.ID("notice-supplement")),
		chromedp.Click(chromedp.ID("notice-supplement")),
		chromedp.WaitVisible(chromedp.ID("missing")),
	)
	if err != nil {
		t.Fatalf("one-time notice: %v", err)
	}
	missing, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("missing")))
	if err != nil || !strings.Contains(missing, second.Name) || strings.Contains(missing, first.Name) {
		t.Fatalf("one-time notice lists %q; want %q and not %q (%v)", missing, second.Name, first.Name, err)
	}
	// The applicant supplements online with the query code.
	before, err := env.store.Application(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	status, body := call(t, env, "POST", "/api/v1/applications/"+number+"/actions/supplement", "", map[string]any{"code": code, "version": before.Version})
	if status != 200 {
		t.Fatalf("supplement with the code = %d %s", status, body)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/window/applications/"+number),
		chromedp.WaitVisible(chromedp.ID("form-accept")),
	)
	if err != nil {
		t.Fatalf("open the acceptance form: %v", err)
	}
	// Acceptance follows the materials: every one is ticked received.
	for _, m := range it.Materials[1:] {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("acc_"+m.Key+"_provided"))); err != nil {
			t.Fatalf("tick %s: %v", m.Name, err)
		}
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("do-accept")),
		chromedp.WaitVisible(chromedp.ID("done")),
		chromedp.Click(chromedp.ID("notice-acceptance")),
		chromedp.WaitVisible(chromedp.ID("notice-number")),
		chromedp.WaitVisible(chromedp.ID("print")),
	)
	if err != nil {
		t.Fatalf("accept and open the acceptance notice: %v", err)
	}
	app, err := env.store.Application(context.Background(), number)
	if err != nil || app.State != workflow.Accepted {
		t.Fatalf("application %s: %v", app.State, err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("notice-number")))
	if err != nil || shown != number {
		t.Errorf("notice number %q, want %s (%v)", shown, number, err)
	}
	deadline, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("notice-promised")))
	if err != nil || !strings.Contains(deadline, app.PromisedDeadline) {
		t.Errorf("promised deadline on the notice %q, want %s (%v)", deadline, app.PromisedDeadline, err)
	}
	doc, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("notice")))
	if err != nil || strings.Contains(doc, code) || !strings.Contains(doc, "受理通知书") {
		t.Errorf("the acceptance notice shows the query code or lacks its title (%v)", err)
	}
}
