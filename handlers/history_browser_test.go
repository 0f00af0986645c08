package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// In the item editor, Enter in a text field saves the form (as the draft)
// rather than pressing 增加空白行; and 保存并发布 of that draft publishes it
// and clears it, so that the page does not call it stale.
func TestBrowserItemEditorEnterSavesAndPublishClearsTheDraft(t *testing.T) {
	env := newDemoEnv(t)
	ctx := newBrowser(t)
	base := env.http.URL
	it := singleItem(t)
	if err := loginBrowser(ctx, base, "catalog"); err != nil {
		t.Fatalf("log in: %v", err)
	}
	const place = "政务服务中心二楼 12 号窗口"
	rows := `document.querySelectorAll("#edit-form input[name$='_name']").length`
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/admin/items/"+it.Code+"/edit"),
		chromedp.WaitVisible(chromedp.ID("edit-form")),
		chromedp.SetValue(chromedp.ID("reason"), "更新办理地点"),
		chromedp.Clear(chromedp.ID("location")),
	)
	if err != nil {
		t.Fatalf("open the editor: %v", err)
	}
	before, err := chromedp.Run(ctx, chromedp.Evaluate[int](rows))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("location"), place+kb.Enter),
		chromedp.WaitVisible(chromedp.ID("saved")),
	)
	if err != nil {
		t.Fatalf("Enter did not save the form: %v", err)
	}
	if saved, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("saved"))); !strings.Contains(saved, "草稿") {
		t.Errorf("after Enter the page says %q, want the draft saved", saved)
	}
	if after, _ := chromedp.Run(ctx, chromedp.Evaluate[int](rows)); after != before {
		t.Errorf("Enter added blank rows: %d name fields, %d before", after, before)
	}
	_, d, err := env.store.AdminItem(context.Background(), it.Code)
	if err != nil || d == nil || d.Item.Location != place {
		t.Fatalf("the draft after Enter: %+v (%v)", d, err)
	}

	err = chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("draft-notice")),
		chromedp.Click(chromedp.ID("save-publish")),
		chromedp.WaitVisible(chromedp.ID("saved")),
	)
	if err != nil {
		t.Fatalf("save and publish the draft: %v", err)
	}
	keepScreenshot(t, ctx, "item-editor-after-publish-from-draft")
	notice, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById("draft-notice") || {textContent: ""}).textContent`))
	if err != nil || strings.Contains(notice, "过期") || strings.TrimSpace(notice) != "" {
		t.Errorf("after publishing the draft the page still shows a draft notice %q (%v)", notice, err)
	}
	pub, d, err := env.store.AdminItem(context.Background(), it.Code)
	if err != nil || d != nil || pub.Location != place || pub.Version != it.Version+1 {
		t.Errorf("after publishing: location %q, version %d, draft %+v (%v)", pub.Location, pub.Version, d, err)
	}
}
