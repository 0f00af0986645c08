package handlers_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// A citizen opens a guide, applies online with a scanned PDF, keeps the
// number and query code from the receipt (which prints on one A4 page), and
// finds the application waiting for acceptance on the status page.
func TestBrowserCitizenAppliesOnlineAndChecksStatus(t *testing.T) {
	env := newDemoEnv(t)
	g := citizenItem(t, env)
	pdf := filepath.Join(t.TempDir(), "营业执照扫描件.pdf")
	if err := os.WriteFile(pdf, tinyPDF, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	base := env.http.URL
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/items/" + g.Code),
		chromedp.WaitVisible(chromedp.ID("apply-online")),
		chromedp.Click(chromedp.ID("apply-online")),
		chromedp.WaitVisible(chromedp.ID("apply-form")),
		chromedp.SendKeys(chromedp.ID("name"), "王小明"),
		chromedp.SendKeys(chromedp.ID("id_number"), citizenID),
		chromedp.SendKeys(chromedp.ID("phone"), "13800000000"),
		chromedp.SendKeys(chromedp.ID("address"), "集宁区新华街 1 号"),
	}
	steps = append(steps, fillForm(itemSchema(t, g.Code), pageAnswers(t, g.Code, "person", "王小明", citizenID))...)
	for _, m := range g.Materials {
		if m.Necessity == "required" {
			steps = append(steps, chromedp.SetUploadFiles(chromedp.ID("file_"+m.Key), []string{pdf}))
		}
	}
	steps = append(steps, chromedp.Click(chromedp.ID("apply-submit")), chromedp.WaitVisible(chromedp.ID("receipt-code")))
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("apply online: %v", err)
	}
	number, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("receipt-number")))
	if err != nil || !regexp.MustCompile(`^\d{14}$`).MatchString(number) {
		t.Fatalf("receipt number %q: %v", number, err)
	}
	code, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("receipt-code")))
	if err != nil || len(code) != 8 {
		t.Fatalf("receipt query code %q: %v", code, err)
	}
	received, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("received")))
	if err != nil || !strings.Contains(received, g.Materials[0].Name) {
		t.Errorf("received materials %q: %v", received, err)
	}
	// The receipt prints on one A4 sheet.
	yes := true
	out, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes})
	if err != nil {
		t.Fatalf("print the receipt: %v", err)
	}
	if n := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(out.Data, -1)); n > 1 {
		t.Errorf("the receipt prints on %d pages, want 1", n)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/status"),
		chromedp.WaitVisible(chromedp.ID("status-form")),
		chromedp.SendKeys(chromedp.ID("number"), number),
		chromedp.SendKeys(chromedp.ID("code"), code),
		chromedp.Click(chromedp.ID("status-submit")),
		chromedp.WaitVisible(chromedp.ID("state")),
	)
	if err != nil {
		t.Fatalf("check status: %v", err)
	}
	state, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("state")))
	if err != nil || state != "待受理" {
		t.Fatalf("state %q, want 待受理 (%v)", state, err)
	}
	timeline, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("timeline")))
	if err != nil || !strings.Contains(timeline, "网上申请") {
		t.Errorf("timeline %q: %v", timeline, err)
	}
}
