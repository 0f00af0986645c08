package handlers_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// stagesNames lists the stored sequence of the item's first department.
func stagesNames(t *testing.T, env *demoEnv, code string) string {
	t.Helper()
	var names []string
	for _, st := range adminItem(t, env, code).Departments[0].Plan {
		names = append(names, st.Name+"/"+st.Role)
	}
	return strings.Join(names, " → ")
}

func TestBrowserStagesEditedInTheItemForm(t *testing.T) {
	env := newStaffEnv(t)
	ctx := newBrowser(t)
	base := env.http.URL
	code := firstItem(t, env, "scj")
	if err := loginBrowser(ctx, base, "catalog"); err != nil {
		t.Fatalf("login: %v", err)
	}
	run := func(steps ...chromedp.Action[chromedp.Void]) error { return chromedp.Do(ctx, steps...) }
	save := func(reason string) error {
		// The notice of the previous save goes first, so that waiting for it waits for this one.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.getElementById("saved")?.remove(), true)`)); err != nil {
			return err
		}
		return run(
			chromedp.SetValue(chromedp.ID("reason"), reason),
			chromedp.Click(chromedp.ID("save-publish")),
			chromedp.WaitVisible(chromedp.ID("saved")),
		)
	}
	order := func(name string) chromedp.CSS { return chromedp.CSS(`input[name="` + name + `"]`) }

	// Add two stages: 初审 by the reviewer with 30% of the limit, 决定 by the approver.
	err := run(
		chromedp.Navigate(base+"/admin/items/"+code+"/edit"),
		chromedp.WaitVisible(chromedp.ID("edit-form")),
		chromedp.Click(chromedp.CSS("#d0-plan summary")),
		chromedp.WaitVisible(chromedp.ID("d0p0_name")),
		chromedp.SendKeys(chromedp.ID("d0p0_name"), "初审"),
		chromedp.SetValue(chromedp.ID("d0p0_role"), "reviewer"),
		chromedp.SendKeys(chromedp.ID("d0p0_share"), "30"),
		chromedp.SendKeys(chromedp.ID("d0p1_name"), "决定"),
		chromedp.SetValue(chromedp.ID("d0p1_role"), "approver"),
	)
	if err == nil {
		err = save("设置审批环节")
	}
	if err != nil {
		t.Fatalf("add two stages: %v", err)
	}
	if got := stagesNames(t, env, code); got != "初审/reviewer → 决定/approver" {
		t.Fatalf("stored %q", got)
	}
	summary, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#d0-plan summary")))
	if err != nil || !strings.Contains(summary, "初审 → 决定") {
		t.Errorf("the saved form's summary reads %q (%v)", summary, err)
	}

	// Insert 复审 between them by the order numbers (the sequence is open once it has stages).
	err = run(
		chromedp.WaitVisible(chromedp.ID("d0p2_name")),
		chromedp.SendKeys(chromedp.ID("d0p2_name"), "复审"),
		chromedp.SetValue(chromedp.ID("d0p2_role"), "reviewer"),
		chromedp.SetValue(order("d0p2_order"), "2"),
		chromedp.SetValue(order("d0p1_order"), "3"),
	)
	if err == nil {
		err = save("增加复审环节")
	}
	if err != nil {
		t.Fatalf("insert a stage: %v", err)
	}
	if got := stagesNames(t, env, code); got != "初审/reviewer → 复审/reviewer → 决定/approver" {
		t.Fatalf("stored %q", got)
	}

	// A reviewer cannot take the last stage: the form says so on the row.
	err = run(
		chromedp.SetValue(chromedp.ID("d0p2_role"), "reviewer"),
		chromedp.SetValue(chromedp.ID("reason"), "错误"),
		chromedp.Click(chromedp.ID("save-publish")),
		chromedp.WaitVisible(chromedp.ID("form-errors")),
	)
	if err != nil {
		t.Fatalf("a bad role: %v", err)
	}
	rowErr, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#d0-stages tbody tr:nth-child(3) .field-error")))
	if err != nil || !strings.Contains(rowErr, "该角色不能承担此环节") {
		t.Errorf("the 决定 row's error reads %q (%v)", rowErr, err)
	}

	// Remove 复审 with its box, the role put right again.
	err = run(
		chromedp.SetValue(chromedp.ID("d0p2_role"), "approver"),
		chromedp.Click(chromedp.ID("d0p1_remove")),
	)
	if err == nil {
		err = save("取消复审环节")
	}
	if err == nil {
		err = run(chromedp.Click(chromedp.ID("history-link")), chromedp.WaitVisible(chromedp.ID("history")))
	}
	if err != nil {
		t.Fatalf("remove a stage: %v", err)
	}
	if got := stagesNames(t, env, code); got != "初审/reviewer → 决定/approver" {
		t.Fatalf("stored %q", got)
	}
	history, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#history li:first-child")))
	if err != nil || !strings.Contains(history, "取消复审环节") || !strings.Contains(history, "复审") {
		t.Errorf("the newest revision reads %q (%v)", history, err)
	}
}
