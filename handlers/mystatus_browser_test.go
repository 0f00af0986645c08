package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"onewindow/models"
	"onewindow/workflow"
)

// The applicant's status in a browser, at desktop width and on a phone: a
// joint item decided by every department and posted, and an application
// waiting for a supplement.

func TestBrowserMyStatusJointItemPostedAndSupplementAtDesktopAndPhone(t *testing.T) {
	env := newStaffEnv(t)
	ctx := newBrowser(t)
	joint := mystatusJointItem(t, env)
	number, code := officeFileWithCode(t, env, joint.Code)
	mystatusDecideAll(t, env, number)
	mystatusAct(t, env, number, "", workflow.Issue, map[string]string{"delivery": "post", "carrier": "中国邮政 EMS",
		"tracking_number": "EM987654321CN", "result_number": "JY31509020054321"})
	decided := env.http.URL + "/status/" + number + "?code=" + code

	g := citizenItem(t, env)
	waiting, waitingCode := fileViaAPI(t, env, g.Code, "440524188001010014")
	key := g.Materials[0].Key
	if _, err := env.store.AddFile(context.Background(), waiting, models.AppFile{MaterialKey: key,
		SHA256: strings.Repeat("cd", 32), Size: 10, ContentType: "application/pdf", DisplayName: "lease.pdf"}); err != nil {
		t.Fatal(err)
	}
	requestSupplement(t, env, waiting, key)
	supplement := env.http.URL + "/status/" + waiting + "?code=" + waitingCode

	// Desktop: the number, the post, every department and a short timeline.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(decided),
		chromedp.WaitVisible(chromedp.ID("delivery-tracking"))); err != nil {
		t.Fatal(err)
	}
	text := func(id string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
		if err != nil {
			t.Fatalf("#%s: %v", id, err)
		}
		return s
	}
	if got := text("result-number"); got != "JY31509020054321" {
		t.Errorf("result number %q", got)
	}
	if got := text("delivery-carrier") + " " + text("delivery-tracking"); got != "中国邮政 EMS EM987654321CN" {
		t.Errorf("carrier and tracking %q", got)
	}
	depts := text("status-departments")
	for _, d := range joint.Departments {
		if name := departmentName(t, env, d.DepartmentCode); !strings.Contains(depts, name) {
			t.Errorf("the departments do not name %s: %q", name, depts)
		}
	}
	if strings.Count(depts, "准予") < len(joint.Departments) {
		t.Errorf("not every department shows its grant: %q", depts)
	}
	timeline := text("timeline")
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#timeline tbody tr").length`))
	if err != nil || rows > 5 || strings.Contains(timeline, "签收") {
		t.Errorf("timeline of %d rows: %q (%v)", rows, timeline, err)
	}
	keepScreenshot(t, ctx, "desktop-mystatus-joint")
	if err := chromedp.Do(ctx, chromedp.Navigate(supplement), chromedp.WaitVisible(chromedp.ID("supplement-request"))); err != nil {
		t.Fatal(err)
	}
	flagged, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#status-materials td.mat-supplement")))
	if err != nil || flagged != "需补正" {
		t.Errorf("the flagged material reads %q (%v)", flagged, err)
	}
	keepScreenshot(t, ctx, "desktop-mystatus-supplement")

	// Phone: the same pages fit 390 px with their tables as labelled cards.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, phoneHeight)); err != nil {
		t.Fatal(err)
	}
	checkPhonePage(t, ctx, decided, "zh-CN", phonePage{name: "mystatus-joint", wait: "#delivery-tracking",
		cards: []string{"status-departments", "timeline", "status-materials"}})
	checkPhonePage(t, ctx, decided+"&lang=en", "en", phonePage{name: "mystatus-joint", wait: "#delivery-tracking",
		cards: []string{"status-departments", "timeline", "status-materials"}})
	checkPhonePage(t, ctx, supplement, "zh-CN", phonePage{name: "mystatus-supplement", wait: "#supplement-request",
		cards: []string{"timeline", "status-materials"}})
}

// departmentName is a department's name as the pages show it.
func departmentName(t *testing.T, env *demoEnv, code string) string {
	t.Helper()
	depts, err := env.store.Departments(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range depts {
		if d.Code == code {
			return d.Name
		}
	}
	t.Fatalf("no department %s", code)
	return ""
}
