package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserInspectionPublicVerifiesADraw: a visitor opens 双随机一公开 from
// the navigation, a department's list, the published joint plan, recomputes
// its draw on the page (it matches), tries another seed (it does not, and the
// page says why), and opens a drawn entity's credit page.
func TestBrowserInspectionPublicVerifiesADraw(t *testing.T) {
	ctx := newBrowser(t)
	joint, _ := demoPlans(t)
	base := shared.http.URL
	plan := fmt.Sprintf(`#department-plans a[href="/inspection/plans/%d"]`, joint.ID)
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.Click(chromedp.ID("nav-inspection")),
		chromedp.WaitVisible(chromedp.ID("inspection-departments")),
		chromedp.Click(chromedp.CSS(`tr[data-department="scj"] a`)),
		chromedp.WaitVisible(chromedp.ID("inspection-list")),
		chromedp.Click(chromedp.CSS(plan)),
		chromedp.WaitVisible(chromedp.ID("plan-commitment")),
	)
	if err != nil {
		t.Fatalf("open the plan: %v", err)
	}
	seed, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("plan-seed")))
	if err != nil || seed != *joint.Seed {
		t.Fatalf("the page's seed %q (%v), want the published %s", seed, err, *joint.Seed)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("verify-submit")),
		chromedp.WaitVisible(chromedp.ID("verify-result")),
	)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	ok, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("verify-result"), "data-verified"))
	text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("verify-result")))
	if err != nil || ok.Value != "true" || !strings.Contains(text, "核验一致") {
		t.Fatalf("the published draw on the page: %q %q (%v), want it to verify", ok.Value, text, err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("verify-seed"), "00ff"),
		chromedp.Click(chromedp.ID("verify-submit")),
		chromedp.WaitVisible(chromedp.ID("verify-check")),
	)
	if err != nil {
		t.Fatalf("verify another seed: %v", err)
	}
	ok, _ = chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("verify-result"), "data-verified"))
	why, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("verify-check")))
	if ok.Value != "false" || !strings.Contains(why, "承诺值") {
		t.Fatalf("another seed: verified %q, why %q; want a commitment mismatch", ok.Value, why)
	}
	// The details are in the page's language: both hashes under Chinese
	// labels, no English sentence from the recomputation.
	detail, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("verify-reason")))
	if !strings.Contains(detail, "重新计算得到") || !strings.Contains(detail, joint.Commitment) || strings.Contains(detail, "the commitment") {
		t.Fatalf("another seed: the details %q, want the recomputed and published commitment under Chinese labels", detail)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#plan-tasks tbody tr:first-child a`)),
		chromedp.WaitVisible(chromedp.ID("entity-inspections")),
	)
	if err != nil {
		t.Fatalf("open the entity's credit page: %v", err)
	}
	code, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("entity-code")))
	if code != joint.Result.Tasks[0].Entity {
		t.Errorf("credit page of %q, want %s", code, joint.Result.Tasks[0].Entity)
	}
}

// TestBrowserInspectionAdminCommitsDrawsAndRecords: a department's inspection
// administrator creates a plan, freezes and commits it, draws, records a
// result and publishes, all on the pages; the public page then verifies.
func TestBrowserInspectionAdminCommitsDrawsAndRecords(t *testing.T) {
	ctx := newBrowser(t)
	env := newStaffEnv(t)
	base := env.http.URL
	if err := loginBrowser(ctx, base, "scj.inspect"); err != nil {
		t.Fatalf("login: %v", err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/admin"),
		chromedp.Click(chromedp.ID("tool-inspection")),
		chromedp.WaitVisible(chromedp.ID("new-plan")),
		chromedp.SetValue(chromedp.ID("plan-title"), "药品零售季度抽查"),
		chromedp.SetValue(chromedp.ID("plan-industry"), "药品零售"),
		chromedp.Click(chromedp.ID("plan-create")),
		chromedp.WaitVisible(chromedp.ID("step-commit")),
		chromedp.Click(chromedp.ID("step-commit")),
		chromedp.WaitVisible(chromedp.ID("step-draw")),
		chromedp.Click(chromedp.ID("step-draw")),
		chromedp.WaitVisible(chromedp.ID("plan-tasks")),
		chromedp.Click(chromedp.CSS(`#result-1 button`)),
		chromedp.WaitVisible(chromedp.ID("admin-notice")),
		chromedp.Click(chromedp.ID("step-publish")),
		chromedp.WaitVisible(chromedp.CSS(`#inspection-admin-plan[data-state="published"]`)),
	)
	if err != nil {
		t.Fatalf("run the plan: %v", err)
	}
	state, _ := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("inspection-admin-plan"), "data-state"))
	result, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#task-1 .result-label`)))
	if state.Value != "published" || !strings.HasPrefix(result, "未发现问题") {
		t.Fatalf("after publishing: state %q, first result %q", state.Value, result)
	}
	id, _ := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("inspection-admin-plan"), "data-plan"))
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/inspection/plans/"+id.Value),
		chromedp.Click(chromedp.ID("verify-submit")),
		chromedp.WaitVisible(chromedp.ID("verify-result")),
	)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if ok, _ := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("verify-result"), "data-verified")); ok.Value != "true" {
		t.Fatalf("the new plan's draw does not verify on the public page")
	}
}
