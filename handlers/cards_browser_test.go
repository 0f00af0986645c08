package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"onewindow/models"
	"onewindow/workflow"
)

// A supervisor finds a red card escalated to the department head: from the
// supervision page to the card page, filtered to red cards. The task was
// first swept a working day past its deadline, so it has the red card only.
func TestBrowserSupervisorFindsAnEscalatedRedCard(t *testing.T) {
	ctx := newBrowser(t)
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	single, _ := officeItems(t, env.store)
	number, _ := fileAtWindow(t, env, single.Code, handledApplicants[0])
	cal, _ := workflow.NewCalendar(workflow.DefaultCalendarDays())
	app, err := env.store.Act(context.Background(), models.ActionRequest{Number: number, Action: workflow.Claim, Actor: "scj.review",
		Department: "scj", Cal: cal, Now: clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	deadline, _ := time.Parse(time.DateOnly, app.PromisedDeadline)
	redDay := cal.AddWorkdays(deadline, 1)
	clock.Set(redDay.Add(2 * time.Hour))
	if got, err := env.srv.SweepCards(context.Background()); err != nil || got != (models.SweepResult{Red: 1}) {
		t.Fatalf("sweep past the deadline: %+v %v, want the red card only", got, err)
	}
	clock.Set(cal.AddWorkdays(redDay, 4).Add(2 * time.Hour))

	base := env.http.URL
	if err := loginBrowser(ctx, base, "supervisor"); err != nil {
		t.Fatal(err)
	}
	row := `#cards tr[data-number="` + number + `"][data-colour="red"]`
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/supervise?lang=zh-CN"),
		chromedp.Click(chromedp.ID("cards-link")),
		chromedp.WaitVisible(chromedp.ID("card-filters")),
		chromedp.SetValue(chromedp.ID("colour"), "red"),
		chromedp.Click(chromedp.CSS(`#card-filters button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(row)),
	); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(row))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"红牌", "scj.review", "已升级", app.PromisedDeadline} {
		if !strings.Contains(text, want) {
			t.Fatalf("the card row %q lacks %q", text, want)
		}
	}
	total, err := chromedp.Run(ctx, chromedp.Text("#card-total"))
	if err != nil || !strings.Contains(total, "共 1 张：黄牌 0 张，红牌 1 张。") {
		t.Fatalf("the total: %q %v", total, err)
	}
}
