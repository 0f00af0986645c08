package handlers_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"onewindow/notify"
)

// A citizen applying online in English asks for SMS and e-mail; once the
// window accepts, the dispatcher sends both in English, and the supervisor's
// outbox page shows them sent.
func TestBrowserApplicantChoosesNotificationsAndTheSupervisorSeesThemSent(t *testing.T) {
	clock := &officeClock{t: time.Now().UTC()}
	sms, mail := &recordingSender{}, &recordingSender{}
	env := newOutboxEnv(t, clock, map[string]notify.Sender{"sms": sms, "email": mail})
	g := citizenItem(t, env)
	pdf := filepath.Join(t.TempDir(), "licence.pdf")
	if err := os.WriteFile(pdf, tinyPDF, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	base := env.http.URL
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/items/" + g.Code + "?lang=en"),
		chromedp.WaitVisible(chromedp.ID("apply-online")),
		chromedp.Click(chromedp.ID("apply-online")),
		chromedp.WaitVisible(chromedp.ID("outbox-notify")),
		chromedp.SendKeys(chromedp.ID("name"), "王小明"),
		chromedp.SendKeys(chromedp.ID("id_number"), citizenID),
		chromedp.SendKeys(chromedp.ID("phone"), "13800000000"),
		chromedp.SendKeys(chromedp.ID("address"), "集宁区新华街 1 号"),
		chromedp.Click(chromedp.ID("notify_sms")),
		chromedp.Click(chromedp.ID("notify_email")),
		chromedp.SendKeys(chromedp.ID("notify_address"), "wang@example.cn"),
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
	if err != nil {
		t.Fatal(err)
	}
	clerk := loginToken(t, env, "window1")
	if status, raw := call(t, env, "POST", "/api/v1/applications/"+number+"/actions/accept", clerk, acceptBody(t, env, number, 1)); status != 200 {
		t.Fatalf("accept: %d %s", status, raw)
	}
	if res, err := env.srv.DispatchOutbox(context.Background()); err != nil || res.Sent != 2 {
		t.Fatalf("dispatch: %+v %v", res, err)
	}
	if len(mail.got) != 1 || mail.got[0].To != "wang@example.cn" || !strings.Contains(mail.got[0].Body, "has been accepted") {
		t.Fatalf("the e-mail %+v", mail.got)
	}
	if len(sms.got) != 1 || sms.got[0].To != "13800000000" || sms.got[0].Lang != "en" {
		t.Fatalf("the SMS %+v", sms.got)
	}
	if err := loginBrowser(ctx, base, "supervisor"); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/supervise/outbox?lang=zh-CN&number="+number),
		chromedp.WaitVisible(chromedp.ID("outbox-messages")))
	if err != nil {
		t.Fatal(err)
	}
	table, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("outbox-messages")))
	if err != nil || strings.Count(table, "已发送") != 2 || !strings.Contains(table, "短信") || !strings.Contains(table, "电子邮件") ||
		strings.Contains(table, "wang@") {
		t.Fatalf("the outbox page shows %q (%v)", table, err)
	}
}
