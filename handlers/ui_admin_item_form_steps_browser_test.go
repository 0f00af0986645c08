package handlers_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// afterPost presses a button of the page and waits until the next page has loaded.
func afterPost(t *testing.T, ctx context.Context, button string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`document.body.dataset.before = "1"`)); err != nil {
		t.Fatalf("mark the page: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Click(chromedp.ID(button))); err != nil {
		t.Fatalf("press %s: %v", button, err)
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && !document.body.dataset.before`))
		if err == nil && loaded {
			time.Sleep(200 * time.Millisecond) // let the browser scroll to the fragment or the focused input
			return
		}
	}
	t.Fatalf("no page came back after %s", button)
}

// inView reports whether the element with the id is on the screen, and how far the page is
// scrolled.
func inView(t *testing.T, ctx context.Context, id string) (bool, float64) {
	t.Helper()
	on, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const r = document.getElementById(`+strconv.Quote(id)+`).getBoundingClientRect();
		return r.top >= -2 && r.top < window.innerHeight; })()`))
	if err != nil {
		t.Fatalf("where is %s: %v", id, err)
	}
	y, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.scrollY`))
	return on, y
}

func TestBrowserFormEditorStepsStayAtTheField(t *testing.T) {
	env := newStaffEnv(t)
	ctx := newBrowser(t)
	code := firstItem(t, env, "scj")
	_, _, before := formDefinition(t, env, code)
	n := len(before.Fields)
	if err := loginBrowser(ctx, env.http.URL, "catalog"); err != nil {
		t.Fatalf("login: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(env.http.URL+"/admin/items/"+code+"/form"), chromedp.WaitVisible(chromedp.ID("form-editor"))); err != nil {
		t.Fatalf("open the editor: %v", err)
	}
	// Move the last field up: the page comes back showing it, not its top.
	last := "f" + strconv.Itoa(n-1) + "-"
	afterPost(t, ctx, last+"up")
	hash, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.hash`))
	if on, y := inView(t, ctx, "fe-field-"+strconv.Itoa(n-1)); hash != "#fe-field-"+strconv.Itoa(n-1) || !on || y == 0 {
		t.Errorf("after moving field %d up: hash %q, its box on screen %v, scrolled %v", n, hash, on, y)
	}
	// Add a field: the page shows the new one.
	afterPost(t, ctx, "op-add")
	if on, y := inView(t, ctx, "fe-field-"+strconv.Itoa(n+1)); !on || y == 0 {
		t.Errorf("after adding a field its box is on screen %v, scrolled %v", on, y)
	}
	// Move the new field to position 2 in one step: the page focuses it there.
	if _, err := chromedp.Run(ctx, chromedp.SendKeys(chromedp.ID("f"+strconv.Itoa(n)+"-move_to"), "2")); err != nil {
		t.Fatal(err)
	}
	afterPost(t, ctx, "f"+strconv.Itoa(n)+"-move")
	focused, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`))
	if on, _ := inView(t, ctx, "f1-move_to"); focused != "f1-move_to" || !on {
		t.Errorf("after moving to position 2 the focus is on %q (on screen %v)", focused, on)
	}
	key, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("f1-key")))
	if key != "" {
		t.Errorf("position 2 holds %q, not the new field", key)
	}
}
