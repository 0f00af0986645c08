package handlers_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

func TestBrowserFormEditorAddsAFieldPreviewsAndSaves(t *testing.T) {
	env := newStaffEnv(t)
	ctx := newBrowser(t)
	base := env.http.URL
	code := firstItem(t, env, "scj")
	_, _, before := formDefinition(t, env, code)
	n := strconv.Itoa(len(before.Fields))
	first := before.Fields[0].Key
	if err := loginBrowser(ctx, base, "catalog"); err != nil {
		t.Fatalf("login: %v", err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/admin/items/"+code+"/edit"),
		chromedp.WaitVisible(chromedp.ID("form-link")),
		chromedp.Click(chromedp.ID("form-link")),
		chromedp.WaitVisible(chromedp.ID("form-editor")),
		chromedp.Click(chromedp.ID("op-add")),
		chromedp.WaitVisible(chromedp.ID("f"+n+"-key")),
		chromedp.SendKeys(chromedp.ID("f"+n+"-key"), "seats"),
		chromedp.SetValue(chromedp.ID("f"+n+"-type"), "number"),
		chromedp.SendKeys(chromedp.ID("f"+n+"-min"), "1"),
		// Enter in a text input presses the page's first button, which only refreshes it.
		chromedp.SendKeys(chromedp.ID("f"+n+"-label_zh"), "座位数"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`fieldset[data-key="seats"]`)), // the page came back with the key
	)
	if err != nil {
		t.Fatalf("add a field: %v", err)
	}
	key0, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("f0-key")))
	if err != nil || key0 != first {
		t.Errorf("after Enter the first field is %q (%v), want %q", key0, err, first)
	}
	label, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("f"+n+"-label_zh")))
	if err != nil || label != "座位数" {
		t.Errorf("after Enter the new label is %q (%v)", label, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("op-preview")),
		chromedp.WaitVisible(chromedp.ID("preview")),
	)
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	preview, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("preview")))
	if err != nil || !strings.Contains(preview, "座位数") || !strings.Contains(preview, before.Fields[0].Label.Zh) {
		t.Errorf("preview = %q (%v)", preview, err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("reason"), "增加座位数"),
		chromedp.Click(chromedp.ID("op-save")),
		chromedp.WaitVisible(chromedp.ID("notice")),
		chromedp.Click(chromedp.ID("history-link")),
		chromedp.WaitVisible(chromedp.ID("history")),
	)
	if err != nil {
		t.Fatalf("save and open the history: %v", err)
	}
	history, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#history li.revision")))
	if err != nil || !strings.Contains(history, "新增字段「座位数」（seats）") || !strings.Contains(history, "增加座位数") {
		t.Errorf("the newest revision reads %q (%v)", history, err)
	}
	custom, _, after := formDefinition(t, env, code)
	if f := after.Field("seats"); !custom || f == nil || f.Min == nil || *f.Min != 1 || f.Type != "number" {
		t.Errorf("stored: custom %v, field %+v", custom, f)
	}
}
