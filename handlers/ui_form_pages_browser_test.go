package handlers_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

func TestBrowserFormTablesStackTheirRowsOnAPhone(t *testing.T) {
	env := newDemoEnv(t)
	it := namedItem(t, foodLicence)
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(env.http.URL+"/items/"+it.Code+"/apply"),
		chromedp.WaitVisible(chromedp.ID("apply-form"))); err != nil {
		t.Fatal(err)
	}
	// Every cell of the staff table, its required column included, is on
	// the screen with its column's label above it; nothing scrolls sideways.
	fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
		var cells = document.querySelectorAll('[name^="form.staff.0."]');
		if (cells.length !== 3) { return false; }
		for (var i = 0; i < cells.length; i++) {
			var r = cells[i].getBoundingClientRect();
			var label = cells[i].parentNode.querySelector(".cell-label");
			if (r.left < 0 || r.right > 390 || !label || label.getBoundingClientRect().bottom > r.top + 1) { return false; }
		}
		return document.documentElement.scrollWidth <= 390;
	})()`))
	if err != nil || !fits {
		t.Errorf("at 390 px the staff table's rows do not stack (%v)", err)
	}
}
