package handlers_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The online application in a browser: two files chosen, a bad identity
// number refused, the number fixed and the form sent again without
// choosing the files again; the receipt lists both.

func TestBrowserRetryKeepsFilesAfterABadIdentityNumber(t *testing.T) {
	env := newDemoEnv(t)
	ctx := newBrowser(t)
	g := retryItem(t, env)
	dir := t.TempDir()
	var paths []string
	for i := range g.Materials {
		p := filepath.Join(dir, fmt.Sprintf("scan-%d.pdf", i+1))
		if err := os.WriteFile(p, tinyPDF, 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(env.http.URL + "/items/" + g.Code + "/apply"),
		chromedp.WaitVisible(chromedp.ID("apply-materials")),
		chromedp.SendKeys(chromedp.ID("name"), "王小明"),
		chromedp.SendKeys(chromedp.ID("id_number"), "110105194912310021"), // a wrong check digit
		chromedp.SendKeys(chromedp.ID("phone"), "13800000000"),
		chromedp.SendKeys(chromedp.ID("address"), "集宁区新华街 1 号"),
	}
	steps = append(steps, fillForm(itemSchema(t, g.Code), pageAnswers(t, g.Code, "person", "王小明", citizenID))...)
	for i, m := range g.Materials {
		steps = append(steps, chromedp.SetUploadFiles(chromedp.ID("file_"+m.Key), []string{paths[i]}))
	}
	steps = append(steps, chromedp.Click(chromedp.ID("apply-submit")), chromedp.WaitVisible(chromedp.ID("kept-"+g.Materials[1].Key)))
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("the first post: %v", err)
	}
	for i, m := range g.Materials {
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("kept-name-"+m.Key)))
		if want := fmt.Sprintf("已保留：scan-%d.pdf", i+1); err != nil || got != want {
			t.Errorf("material %s: %q, want %q (%v)", m.Key, got, want, err)
		}
	}
	keepScreenshot(t, ctx, "desktop-retry-kept")
	// Fix the number and send again without choosing any file.
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("id_number"), citizenID),
		chromedp.Click(chromedp.ID("apply-submit")), chromedp.WaitVisible(chromedp.ID("receipt-code"))); err != nil {
		t.Fatalf("the retry: %v", err)
	}
	received, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("received")))
	if err != nil || strings.Count(received, "1 个文件") != 2 {
		t.Fatalf("the receipt's received materials: %q (%v)", received, err)
	}
	for _, m := range g.Materials {
		if !strings.Contains(received, m.Name) {
			t.Errorf("the receipt does not list %s: %q", m.Name, received)
		}
	}
}
