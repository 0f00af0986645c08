package handlers_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserAdminRenamesTheCentre: the system administrator changes the
// centre's name on the site settings page, and the home page shows it.
func TestBrowserAdminRenamesTheCentre(t *testing.T) {
	ctx := newBrowser(t)
	env := newStaffEnv(t)
	base := env.http.URL
	if err := loginBrowser(ctx, base, "admin"); err != nil {
		t.Fatalf("login: %v", err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/admin"),
		chromedp.WaitVisible(chromedp.ID("tool-site")),
		chromedp.Click(chromedp.ID("tool-site")),
		chromedp.WaitVisible(chromedp.ID("centre")),
		chromedp.SetValue(chromedp.ID("centre"), "集宁区便民服务大厅"),
		chromedp.Click(chromedp.ID("save-site")),
		chromedp.WaitVisible(chromedp.ID("flash")),
	)
	if err != nil {
		t.Fatalf("save the settings: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("site-name")),
		chromedp.WaitVisible(chromedp.ID("centre-info")),
	)
	if err != nil {
		t.Fatalf("open the home page: %v", err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("centre-h")))
	if err != nil || heading != "集宁区便民服务大厅" {
		t.Errorf("the home page's centre heading %q (%v), want the new name", heading, err)
	}
	footer, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("site-centre")))
	if err != nil || !strings.HasPrefix(footer, "集宁区便民服务大厅") {
		t.Errorf("the footer %q (%v), want the new name", footer, err)
	}
}
