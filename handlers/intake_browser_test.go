package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"onewindow/models"
	"onewindow/models/form"
	"onewindow/workflow"
)

// activeID is the id of the focused element ("" for none).
func activeID(t *testing.T, ctx context.Context) string {
	t.Helper()
	id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ""`))
	if err != nil {
		t.Fatalf("read the focus: %v", err)
	}
	return id
}

// tabTo presses Tab until the element with id has the focus and returns the
// ids focused on the way; more than limit presses fail the test.
func tabTo(t *testing.T, ctx context.Context, id string, limit int) []string {
	t.Helper()
	var path []string
	for range limit {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatalf("Tab: %v", err)
		}
		at := activeID(t, ctx)
		path = append(path, at)
		if at == id {
			return path
		}
	}
	t.Fatalf("%d presses of Tab did not reach #%s: %v", limit, id, path)
	return nil
}

// keyFill types the answers of the item's form into its inputs with key
// events only: text typed, a box ticked with the space bar, a choice moved
// to with the arrow keys.
func keyFill(t *testing.T, ctx context.Context, sc *form.Schema, v map[string][]string) {
	t.Helper()
	for i := range sc.Fields {
		f := &sc.Fields[i]
		name := form.PostPrefix + f.Key
		vals := v[name]
		if len(vals) == 0 {
			continue
		}
		var err error
		switch f.Type {
		case form.TypeCheckbox, form.TypeMultiselect:
			for _, c := range vals {
				if err = chromedp.Do(ctx, chromedp.SendKeys(byName("input", name, c), " ")); err != nil {
					break
				}
			}
		case form.TypeSelect:
			// From the choice shown, the arrow keys walk to the wanted one.
			moves, e := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`(function () {
				var s = document.querySelector('select[name=%q]');
				for (var i = 0; i < s.options.length; i++) { if (s.options[i].value === %q) { return i - s.selectedIndex; } }
				return 0;
			})()`, name, vals[0])))
			if e != nil {
				t.Fatal(e)
			}
			key := kb.ArrowDown
			if moves < 0 {
				key, moves = kb.ArrowUp, -moves
			}
			err = chromedp.Do(ctx, chromedp.SendKeys(byName("select", name, ""), strings.Repeat(key, moves)))
		case form.TypeTextarea:
			err = chromedp.Do(ctx, chromedp.SendKeys(byName("textarea", name, ""), vals[0]))
		default:
			err = chromedp.Do(ctx, chromedp.SendKeys(byName("input", name, ""), vals[0]))
		}
		if err != nil {
			t.Fatalf("answer %s: %v", f.Key, err)
		}
	}
}

// codeBoxFits reports whether the search box shows a whole 21-character
// item code typed into it.
const codeBoxFits = `(function () {
	var box = document.getElementById("q"), cs = getComputedStyle(box);
	var pen = document.createElement("canvas").getContext("2d");
	pen.font = cs.font;
	var need = pen.measureText(box.value + "0").width;
	var room = box.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
	return box.value.length === 21 && need <= room && box.getBoundingClientRect().right <= window.innerWidth;
})()`

// intakeByKeyboard is the clerk's journey on the one intake page with the
// keyboard alone, from the item search to 受理 and its notice.
func intakeByKeyboard(t *testing.T, width, height int64, shots string) {
	env := newStaffEnv(t)
	it := windowItem(t, env, false)
	// The applicant came before: the lookup finds them.
	client := staffClient(t, env, "window1")
	earlier := registerWalkIn(t, env, client, it)
	ctx := newBrowser(t)
	base := env.http.URL
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatal(err)
	}
	if err := loginBrowser(ctx, base, "window1"); err != nil {
		t.Fatal(err)
	}
	// The search box wants a whole item code and shows it.
	err := chromedp.Do(ctx, chromedp.Navigate(base+"/window/intake"), chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), it.Code))
	if err != nil {
		t.Fatal(err)
	}
	if fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](codeBoxFits)); err != nil || !fits {
		t.Errorf("at %d px the search box does not show a whole item code (%v)", width, err)
	}
	// From here on only keys: the page opens with the focus in the search box.
	err = chromedp.Do(ctx, chromedp.Navigate(base+"/window/intake"), chromedp.WaitVisible(chromedp.ID("q")))
	if err != nil {
		t.Fatal(err)
	}
	if at := activeID(t, ctx); at != "q" {
		t.Fatalf("the intake page opens with the focus on %q, want the search box", at)
	}
	err = chromedp.Do(ctx, chromedp.KeyEvent(it.Name), chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.ID("item-results")))
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	index, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`Array.prototype.findIndex.call(document.querySelectorAll("[data-result]"),
		function (a) { return a.getAttribute("href") === "/window/intake?item=%s"; })`, it.Code)))
	if err != nil || index < 0 {
		t.Fatalf("the item is not among the results (%v)", err)
	}
	first, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.activeElement === document.querySelector("[data-result]")`))
	if err != nil || !first {
		t.Errorf("after the search the focus is not on the first result (%v)", err)
	}
	// Up goes back to the search box, Down walks the results.
	err = chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowUp))
	if err == nil && activeID(t, ctx) != "q" {
		t.Errorf("Up from the first result leaves the focus on %q, want the search box", activeID(t, ctx))
	}
	err = chromedp.Do(ctx, chromedp.KeyEvent(strings.Repeat(kb.ArrowDown, index+1)))
	if err != nil {
		t.Fatal(err)
	}
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.getAttribute("href") || ""`))
	if err != nil || href != "/window/intake?item="+it.Code {
		t.Fatalf("the arrow keys reach %q, want the item (%v)", href, err)
	}
	err = chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.ID("intake-form")))
	if err != nil {
		t.Fatalf("choose the item with Enter: %v", err)
	}
	if at := activeID(t, ctx); at != "id_number" {
		t.Errorf("the chosen item's page opens with the focus on %q, want the identity number", at)
	}
	// The lookup answers on the page: no reload (the mark set on the page survives).
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.intakeMark = true`)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx, chromedp.KeyEvent(walkInID), chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.ID("lookup-found")))
	if err != nil {
		t.Fatalf("look the applicant up: %v", err)
	}
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.intakeMark === true && document.getElementById("name").value === "王窗口" &&
		document.getElementById("kind").value === "person" && document.getElementById("earlier").textContent.indexOf(`+fmt.Sprintf("%q", earlier)+`) >= 0`))
	if err != nil || !kept {
		t.Errorf("the lookup reloaded the page or did not fill the name, kind and earlier applications (%v)", err)
	}
	// The tab order follows the form: the lookup, the kind, the name, the phone.
	if path := tabTo(t, ctx, "phone", 6); strings.Join(path, ",") != "lookup,kind,name,phone" {
		t.Errorf("Tab from the identity number walks %v", path)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("13800000000"), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent("集宁区新华街 2 号")); err != nil {
		t.Fatal(err)
	}
	keyFill(t, ctx, itemSchema(t, it.Code), pageAnswers(t, it.Code, "person", "王窗口", walkInID))
	// With nothing ticked, 受理 is not offered; 一次性告知 and 不予受理 are.
	offered := func() string {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.prototype.filter.call(document.querySelectorAll("#intake-decide button[name=decision]"),
			function (b) { return !b.hidden && b.offsetParent !== null; }).map(function (b) { return b.value; }).join(",")`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if got := offered(); got != "request_supplement,reject" {
		t.Errorf("with no material ticked the page offers %q", got)
	}
	for _, m := range it.Materials {
		if m.Necessity == models.NecessityOptional {
			continue
		}
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("m_"+m.Key+"_provided"), " ")); err != nil {
			t.Fatalf("tick %s: %v", m.Name, err)
		}
	}
	if got := offered(); got != "accept,reject" {
		t.Errorf("with every material ticked the page offers %q, want accept,reject", got)
	}
	keepScreenshot(t, ctx, shots+"-intake")
	if path := tabTo(t, ctx, "decide-accept", 40); len(path) == 0 {
		t.Fatal("受理 is not reached by Tab")
	}
	key, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("decide-accept").accessKey`))
	if err != nil || key == "" {
		t.Errorf("受理 has no access key (%v)", err)
	}
	err = chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.ID("filed")))
	if err != nil {
		t.Fatalf("受理 with Enter: %v", err)
	}
	keepScreenshot(t, ctx, shots+"-filed")
	number, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("app-number")))
	if err != nil {
		t.Fatal(err)
	}
	if app := application(t, env, number); app.State != workflow.Accepted || app.ApplicantName != "王窗口" {
		t.Errorf("the application is %s for %q, want accepted for 王窗口", app.State, app.ApplicantName)
	}
	if at := activeID(t, ctx); at != "notice-acceptance" {
		t.Errorf("after 受理 the focus is on %q, want the acceptance notice", at)
	}
	err = chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.ID("notice")))
	if err != nil {
		t.Fatalf("open the notice with Enter: %v", err)
	}
	doc, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("notice")))
	if err != nil || !strings.Contains(doc, "受理通知书") || !strings.Contains(doc, number) {
		t.Errorf("the notice lacks its title or the number %s (%v)", number, err)
	}
	if width < 700 {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/window/intake?item="+it.Code), chromedp.WaitVisible(chromedp.ID("intake-form"))); err != nil {
			t.Fatal(err)
		}
		if l := readLayout(t, ctx); l.Overflow > 0 || len(l.Narrow) > 0 {
			t.Errorf("the intake page at %d px: %+v", width, l)
		}
	}
}

func TestBrowserIntakeByKeyboardAtTheDesk(t *testing.T) {
	intakeByKeyboard(t, 1280, 900, "intake-desktop")
}

func TestBrowserIntakeByKeyboardOnAPhone(t *testing.T) {
	intakeByKeyboard(t, phoneWidth, phoneHeight, "intake-phone")
}

// The one intake page, its search results and the answer after a decision
// pass the accessibility check in both modes.
func TestBrowserAccessibilityOfTheIntakePage(t *testing.T) {
	env := newStaffEnv(t)
	it := windowItem(t, env, false)
	client := staffClient(t, env, "window1")
	form := intakeDecisionForm(t, env, client, it, true)
	form.Set("decision", "accept")
	status, _, resp := fetch(t, client, http.MethodPost, env.http.URL+"/window/intake", form)
	if status != http.StatusSeeOther {
		t.Fatalf("decide = %d", status)
	}
	base := env.http.URL
	open := func() context.Context {
		ctx := newBrowser(t)
		if err := loginBrowser(ctx, base, "window1"); err != nil {
			t.Fatal(err)
		}
		return ctx
	}
	checkA11y(t, open, base, []a11yPage{
		{"intake search", "/window/intake?q=" + url.QueryEscape(it.Name), "#item-results"},
		{"intake", "/window/intake?item=" + it.Code, "#intake-form"},
		{"intake filed", resp.Header.Get("Location"), "#filed"},
	})
}
