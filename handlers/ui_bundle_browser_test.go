package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// fillScript sets the page's inputs by name, as a person would type and
// tick them: text, selects, radios and checkboxes (checked when their value
// is one of the given).
func fillScript(t *testing.T, values map[string][]string) string {
	t.Helper()
	b, err := json.Marshal(values)
	if err != nil {
		t.Fatal(err)
	}
	return `(function(vals){
		for (const [name, list] of Object.entries(vals)) {
			for (const el of document.getElementsByName(name)) {
				if (el.type === 'checkbox' || el.type === 'radio') { el.checked = list.includes(el.value); }
				else { el.value = list[0]; }
			}
		}
		return true;
	})(` + string(b) + `)`
}

// bundleFormValues are the merged form's answers and the applicant block as the page names them.
func bundleFormValues(t *testing.T, env *demoEnv) map[string][]string {
	t.Helper()
	_, answers := bundleAnswers(t, env, restaurantBundle, orgProfile)
	vals := map[string][]string(answersPost(t, answers))
	vals["kind"] = []string{"organisation"}
	vals["name"] = []string{orgProfile["org_name"]}
	vals["id_number"] = []string{orgProfile["credit_code"]}
	vals["phone"] = []string{orgProfile["phone"]}
	return vals
}

// decideEveryChild lets each child's department decide it through the API,
// in parallel; deny names the department that refuses ("" for none).
func decideEveryChild(t *testing.T, env *demoEnv, number, deny string) {
	t.Helper()
	clerk := loginToken(t, env, "window1")
	var view bundleView
	if status, b := call(t, env, "GET", "/api/v1/bundle-filings/"+number, clerk, nil); status != 200 {
		t.Fatalf("bundle: %d %s", status, b)
	} else if err := json.Unmarshal(b, &view); err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{}
	for _, c := range view.Children {
		for _, u := range []string{c.Department + ".review", c.Department + ".approve"} {
			tokens[u] = loginToken(t, env, u)
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(view.Children))
	for i, c := range view.Children {
		decision := "approve"
		if c.Department == deny {
			decision = "deny"
		}
		wg.Go(func() { errs[i] = decideInDepartment(env, tokens, c.Number, c.Department, decision) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// windowAcceptsAndLater issues: the clerk's browser accepts the bundle as a whole,
// the departments decide, and the clerk issues every result together.
func windowAcceptsDecidesAndIssues(t *testing.T, env *demoEnv, clerk context.Context, number, deny string) {
	t.Helper()
	base := env.http.URL
	err := chromedp.Do(clerk,
		chromedp.Navigate(base+"/window"),
		chromedp.WaitVisible(chromedp.CSS(`#bundles a[href="/window/bundles/`+number+`"]`)),
		chromedp.Click(chromedp.CSS(`#bundles a[href="/window/bundles/`+number+`"]`)),
		chromedp.WaitVisible(chromedp.ID("form-accept")),
	)
	if err != nil {
		t.Fatalf("open the bundle at the window: %v", err)
	}
	// Acceptance follows the materials: the clerk ticks every one received.
	if _, err := chromedp.Run(clerk, chromedp.Evaluate[bool](`(() => { document.querySelectorAll('#form-accept input[type=checkbox][name^="m_"]').forEach(e => { e.checked = true }); return true })()`)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(clerk,
		chromedp.Click(chromedp.ID("act-accept")),
		chromedp.WaitVisible(chromedp.ID("done")),
	)
	if err != nil {
		t.Fatalf("accept at the window: %v", err)
	}
	children, err := chromedp.Run(clerk, chromedp.Text(chromedp.ID("bundle-children")))
	if err != nil || strings.Count(children, "已受理") != 4 {
		t.Fatalf("children after acceptance %q: %v", children, err)
	}
	decideEveryChild(t, env, number, deny)
	err = chromedp.Do(clerk,
		chromedp.Navigate(base+"/window/bundles/"+number),
		chromedp.WaitVisible(chromedp.ID("form-issue")),
	)
	if err != nil {
		t.Fatalf("the bundle to issue: %v", err)
	}
	inputs, err := chromedp.Run(clerk, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#form-issue input[name^="result_"]')).map(e => e.name)`))
	if err != nil {
		t.Fatal(err)
	}
	vals := map[string][]string{}
	for i, n := range inputs {
		vals[n] = []string{fmt.Sprintf("JN-%s-%d", number[8:], i+1)}
	}
	if _, err := chromedp.Run(clerk, chromedp.Evaluate[bool](fillScript(t, vals))); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(clerk,
		chromedp.Click(chromedp.ID("act-issue")),
		chromedp.WaitVisible(chromedp.ID("done")),
	)
	if err != nil {
		t.Fatalf("统一发证: %v", err)
	}
	state, err := chromedp.Run(clerk, chromedp.Text(chromedp.ID("bundle-state")))
	if err != nil || state != "已统一发证" {
		t.Fatalf("bundle state after issuing %q: %v", state, err)
	}
}

// applicantSeesOneApplication looks the number up on the status page: one
// application, every child with its department.
func applicantSeesOneApplication(t *testing.T, env *demoEnv, ctx context.Context, number, code string) string {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(env.http.URL+"/status"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="number"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="number"]`), number),
		chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), code),
		chromedp.Submit(chromedp.CSS(`input[name="code"]`)),
		chromedp.WaitVisible(chromedp.ID("bundle-children")),
	)
	if err != nil {
		t.Fatalf("status lookup: %v", err)
	}
	page, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"开办餐饮店一件事", "已统一发证", "区市场监督管理局", "区卫生健康委员会", "消防救援大队"} {
		if !strings.Contains(page, want) {
			t.Errorf("the status page lacks %q", want)
		}
	}
	rows, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#bundle-children tbody")))
	if err != nil || strings.Count(rows, "已办结")+strings.Count(rows, "已出件") < 4 {
		t.Errorf("children on the status page %q: %v", rows, err)
	}
	return page
}

func TestBrowserBundleFiledOnlineRunsToUnifiedIssue(t *testing.T) {
	env := newStaffEnv(t)
	citizen, clerk := newBrowser(t), newBrowser(t)
	base := env.http.URL
	_, page, _ := fetch(t, http.DefaultClient, http.MethodGet, base+"/bundles/restaurant/apply", nil)
	pdf := filepath.Join(t.TempDir(), "scan.pdf")
	if err := os.WriteFile(pdf, tinyPDF, 0o600); err != nil {
		t.Fatal(err)
	}
	var uploads []chromedp.Action[chromedp.Void]
	for _, name := range requiredBundleFiles(page) {
		uploads = append(uploads, chromedp.SetUploadFiles(chromedp.ID(name), []string{pdf}))
	}
	err := chromedp.Do(citizen,
		chromedp.Navigate(base+"/bundles"),
		chromedp.WaitVisible(chromedp.ID("bundle-restaurant")),
		chromedp.Click(chromedp.ID("bundle-restaurant")),
		chromedp.WaitVisible(chromedp.ID("bundle-apply")),
		chromedp.Click(chromedp.ID("bundle-apply")),
		chromedp.WaitVisible(chromedp.ID("bundle-form")),
	)
	if err != nil {
		t.Fatalf("open the merged form: %v", err)
	}
	if _, err := chromedp.Run(citizen, chromedp.Evaluate[bool](fillScript(t, bundleFormValues(t, env)))); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(citizen, append(uploads,
		chromedp.Click(chromedp.ID("bundle-submit")),
		chromedp.WaitVisible(chromedp.ID("receipt-code")),
	)...)
	if err != nil {
		t.Fatalf("apply online: %v", err)
	}
	number, err := chromedp.Run(citizen, chromedp.Text(chromedp.ID("receipt-number")))
	if err != nil {
		t.Fatal(err)
	}
	code, err := chromedp.Run(citizen, chromedp.Text(chromedp.ID("receipt-code")))
	if err != nil || len(code) != 8 {
		t.Fatalf("query code %q: %v", code, err)
	}
	if err := loginBrowser(clerk, base, "window1"); err != nil {
		t.Fatal(err)
	}
	windowAcceptsDecidesAndIssues(t, env, clerk, number, "")
	applicantSeesOneApplication(t, env, citizen, number, code)
}

func TestBrowserBundleFiledAtTheWindowRunsToUnifiedIssue(t *testing.T) {
	env := newStaffEnv(t)
	citizen, clerk := newBrowser(t), newBrowser(t)
	base := env.http.URL
	if err := loginBrowser(clerk, base, "window1"); err != nil {
		t.Fatal(err)
	}
	vals := bundleFormValues(t, env)
	vals["m_m1"], vals["m_m2"] = []string{"1"}, []string{"1"}
	err := chromedp.Do(clerk,
		chromedp.Navigate(base+"/window"),
		chromedp.WaitVisible(chromedp.ID("new-bundle")),
		chromedp.Click(chromedp.ID("new-bundle")),
		chromedp.WaitVisible(chromedp.ID("pick-restaurant")),
		chromedp.Click(chromedp.ID("pick-restaurant")),
		chromedp.WaitVisible(chromedp.ID("bundle-form")),
	)
	if err != nil {
		t.Fatalf("open the window's merged form: %v", err)
	}
	if _, err := chromedp.Run(clerk, chromedp.Evaluate[bool](fillScript(t, vals))); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(clerk,
		chromedp.Click(chromedp.ID("bundle-submit")),
		chromedp.WaitVisible(chromedp.ID("query-code")),
	)
	if err != nil {
		t.Fatalf("register at the window: %v", err)
	}
	number, err := chromedp.Run(clerk, chromedp.Text(chromedp.ID("bundle-number")))
	if err != nil {
		t.Fatal(err)
	}
	code, err := chromedp.Run(clerk, chromedp.Text(chromedp.ID("query-code")))
	if err != nil || len(code) != 8 {
		t.Fatalf("query code %q: %v", code, err)
	}
	// The public-hygiene licence is refused: the bundle still issues the
	// other results, and the applicant reads which item and why.
	windowAcceptsDecidesAndIssues(t, env, clerk, number, "wjw")
	page := applicantSeesOneApplication(t, env, citizen, number, code)
	denied, err := chromedp.Run(citizen, chromedp.Text(chromedp.ID("bundle-denied")))
	if err != nil || !strings.Contains(denied, "公共场所卫生许可") || !strings.Contains(denied, "经营场所不符合卫生要求") {
		t.Fatalf("the denied item on the status page %q: %v\n%s", denied, err, page)
	}
}
