package handlers_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"onewindow/models/demo"
)

// TestBrowserSysadminJourney: the administrator logs in, lands on the
// workbench, creates an account, gives it a role, adds a holiday, and every
// page shows the result.
func TestBrowserSysadminJourney(t *testing.T) {
	env := newStaffEnv(t)
	ctx := newBrowser(t)
	base := env.http.URL
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "admin"),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.ID("tools-system")),
		chromedp.Click(chromedp.ID("tool-users")),
		chromedp.WaitVisible(chromedp.ID("users")),
		chromedp.Click(chromedp.ID("new-user")),
		chromedp.WaitVisible(chromedp.ID("user-form")),
		chromedp.SendKeys(chromedp.ID("username"), "zhao.liu"),
		chromedp.SendKeys(chromedp.ID("display_name"), "赵六"),
		chromedp.SetValue(chromedp.ID("department"), "scj"),
		chromedp.SendKeys(chromedp.ID("password"), "first-pass-2026"),
		chromedp.Click(chromedp.ID("create-user")),
		chromedp.WaitVisible(chromedp.ID("flash")),
	)
	if err != nil {
		t.Fatalf("create the account: %v", err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil || !strings.Contains(heading, "赵六") {
		t.Fatalf("account page heading %q: %v", heading, err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("role"), "reviewer"),
		chromedp.SetValue(chromedp.ID("domain"), "scj"),
		chromedp.Click(chromedp.ID("add-role")),
		chromedp.WaitVisible(chromedp.CSS(`#roles tr[data-role="reviewer"][data-domain="scj"]`)),
	)
	if err != nil {
		t.Fatalf("assign the role: %v", err)
	}
	row, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#roles tr[data-role="reviewer"]`)))
	if err != nil || !strings.Contains(row, "审查人员") || !strings.Contains(row, "市场监督") {
		t.Errorf("role row %q: %v", row, err)
	}
	// The list shows the account with its department and role.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/admin/users?q=zhao"),
		chromedp.WaitVisible(chromedp.CSS(`#users tr[data-user="zhao.liu"]`)),
	)
	if err != nil {
		t.Fatalf("user list: %v", err)
	}
	listed, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#users tr[data-user="zhao.liu"]`)))
	if err != nil || !strings.Contains(listed, "赵六") || !strings.Contains(listed, "审查人员") {
		t.Errorf("listed row %q: %v", listed, err)
	}

	// A holiday on Tuesday 2026-03-10 from the workbench.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/admin"),
		chromedp.Click(chromedp.ID("tool-calendar")),
		chromedp.WaitVisible(chromedp.ID("day-form")),
		chromedp.SetValue(chromedp.ID("date"), "2026-03-10"),
		chromedp.SetValue(chromedp.ID("kind"), "holiday"),
		chromedp.SendKeys(chromedp.ID("name"), "区庆"),
		chromedp.Click(chromedp.ID("add-day")),
		chromedp.WaitVisible(chromedp.ID("flash")),
	)
	if err != nil {
		t.Fatalf("add a holiday: %v", err)
	}
	entry, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#calendar tr[data-date="2026-03-10"]`)))
	if err != nil || !strings.Contains(entry, "区庆") || !strings.Contains(entry, "星期二") || !strings.Contains(entry, "放假") {
		t.Errorf("calendar row %q: %v", entry, err)
	}
	heading, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil || !strings.Contains(heading, "2026") {
		t.Errorf("calendar heading %q: %v", heading, err)
	}
	if got := deadline(t, env, "2026-03-09", 1); got != "2026-03-11" {
		t.Errorf("deadline over the new holiday = %s, want 2026-03-11", got)
	}
}
