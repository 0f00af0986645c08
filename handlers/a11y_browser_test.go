package handlers_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The accessibility pass: axe-core (vendored, see testdata/axe/README.md)
// checks the public pages, the status page, the window's intake page and a
// department's task page, in the standard and the 长辈版 mode, and any
// serious or critical violation fails the test.

//go:embed testdata/axe/axe.min.js
var axeSource string

// axeViolation is one rule a page breaks, with a few of the elements.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// runAxe checks the page shown and returns its serious and critical violations.
func runAxe(t *testing.T, ctx context.Context) []axeViolation {
	t.Helper()
	// Injected through the DevTools protocol: the site's Content-Security-Policy
	// rightly refuses scripts from anywhere else.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](axeSource+";true")); err != nil {
		t.Fatalf("load axe-core: %v", err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(function (r) {
		return JSON.stringify(r.violations.filter(function (v) { return v.impact === "serious" || v.impact === "critical"; }).map(function (v) {
			return {id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map(function (n) { return n.target.join(" ") + " — " + (n.failureSummary || "").split("\n").slice(1, 2).join(""); })};
		}));
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	var out []axeViolation
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatalf("axe-core result %s: %v", raw, err)
	}
	return out
}

// a11yPage is one page of the pass and the element it waits for.
type a11yPage struct{ name, path, wait string }

// checkA11y opens each page in both modes, each in a fresh tab that open
// returns (a page's check takes seconds: one tab's deadline would not cover
// them all), and reports every serious or critical violation.
func checkA11y(t *testing.T, open func() context.Context, base string, pages []a11yPage) {
	t.Helper()
	for _, elder := range []string{"0", "1"} {
		for _, p := range pages {
			ctx := open()
			sep := "?"
			if strings.Contains(p.path, "?") {
				sep = "&"
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(base+p.path+sep+"elder="+elder), chromedp.WaitVisible(chromedp.CSS(p.wait))); err != nil {
				t.Fatalf("%s (elder=%s): %v", p.name, elder, err)
			}
			for _, v := range runAxe(t, ctx) {
				t.Errorf("%s (elder=%s): %s %s: %s\n\t%s", p.name, elder, v.Impact, v.ID, v.Help, strings.Join(v.Targets, "\n\t"))
			}
		}
	}
}

func TestBrowserAccessibilityOfPublicPages(t *testing.T) {
	env := newStaffEnv(t)
	food := namedItem(t, foodLicence)
	number, code := fileAtWindow(t, env, food.Code, handledApplicants[1])
	done, doneCode := fileAtWindow(t, env, food.Code, handledApplicants[0])
	completeAccepted(t, env, done, food.DepartmentCode, time.Now())
	base := env.http.URL
	visitor := newBrowser(t)

	// The pass can fail: a field without a label on the home page is found.
	if err := chromedp.Do(visitor, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("main").appendChild(document.createElement("input"))`)); err != nil {
		t.Fatal(err)
	}
	if found := runAxe(t, visitor); len(found) == 0 || found[0].ID != "label" {
		t.Fatalf("axe-core did not find the unlabelled field: %+v", found)
	}

	checkA11y(t, func() context.Context { return newBrowser(t) }, base, []a11yPage{
		{"home", "/", "#q"},
		{"results", "/items?q=" + url.QueryEscape("食品"), "ol.results"},
		{"guide", "/items/" + food.Code, "#materials"},
		{"department", "/departments/" + food.DepartmentCode, "#office"},
		{"catalogue", "/catalogue", "#by-department"},
		{"handled", "/handled", "#handled"},
		{"status form", "/status", "#status-form"},
		{"status", "/status/" + number + "?code=" + code, "#state"},
		{"status decided", "/status/" + done + "?code=" + doneCode, "#state"},
		{"guide in English", "/items/" + food.Code + "?lang=en", "#materials"},
	})
}

func TestBrowserAccessibilityOfWindowAndTaskPages(t *testing.T) {
	env := newStaffEnv(t)
	food := namedItem(t, foodLicence)
	number, _ := fileAtWindow(t, env, food.Code, handledApplicants[1])
	base := env.http.URL

	as := func(user string) func() context.Context {
		return func() context.Context {
			ctx := newBrowser(t)
			if err := loginBrowser(ctx, base, user); err != nil {
				t.Fatalf("%s signs in: %v", user, err)
			}
			return ctx
		}
	}
	checkA11y(t, as("window1"), base, []a11yPage{
		{"window desk", "/window?lang=zh-CN", "main h1"},
		{"window intake", "/window/new?item=" + food.Code, "#id_number"},
		{"window application", "/window/applications/" + number, "main h1"},
	})

	checkA11y(t, as(food.DepartmentCode+".review"), base, []a11yPage{
		{"work list", "/tasks?lang=zh-CN", "main h1"},
		{"task", fmt.Sprintf("/tasks/%s", number), "main h1"},
	})
}
