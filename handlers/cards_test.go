package handlers_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/workflow"
)

// cardsAnswer is what GET /api/v1/cards answers.
type cardsAnswer struct {
	Total, Yellow, Red int
	Escalated          int `json:"escalated"`
	ByDepartment       []struct {
		Key         string
		Yellow, Red int
	} `json:"by_department"`
	ByPerson []struct {
		Key         string
		Yellow, Red int
	} `json:"by_person"`
	Cards []struct {
		Number, Colour, Department, Assignee, Deadline string
		TaskOpen                                       bool `json:"task_open"`
		Escalated                                      bool
	}
}

// A task claimed by a reviewer is carded yellow on its deadline day and red
// the next working day; the reviewer's work list shows the card in words, the
// supervisor reads both by department and person, the red one escalated after
// more than three working days, and the metrics count them by colour.
func TestCardsOnTheWorkListTheSupervisorsPageAndTheAPI(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	single, _ := officeItems(t, env.store)
	number, code := fileAtWindow(t, env, single.Code, handledApplicants[0])
	cal, _ := workflow.NewCalendar(workflow.DefaultCalendarDays())
	ctx := context.Background()
	for _, st := range []struct {
		act  workflow.Action
		dept string
		who  string
	}{{workflow.Claim, "scj", "scj.review"}} {
		if _, err := env.store.Act(ctx, models.ActionRequest{Number: number, Action: st.act, Actor: st.who, Department: st.dept,
			Cal: cal, Now: clock.Now()}); err != nil {
			t.Fatalf("%s: %v", st.act, err)
		}
	}
	app, _ := env.store.Application(ctx, number)
	deadline, _ := time.Parse(time.DateOnly, app.PromisedDeadline)
	sweep := func(day time.Time) models.SweepResult {
		t.Helper()
		clock.Set(day.Add(2 * time.Hour))
		got, err := env.srv.SweepCards(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	before := func(n int) time.Time { // n working days before the deadline
		d := deadline
		for n > 0 {
			if d = d.AddDate(0, 0, -1); cal.IsWorkday(d) {
				n--
			}
		}
		return d
	}
	if got := sweep(before(3)); got != (models.SweepResult{}) {
		t.Fatalf("three working days before the deadline: %+v", got)
	}
	if got := sweep(before(2)); got != (models.SweepResult{Yellow: 1}) {
		t.Fatalf("two working days before the deadline: %+v, want a yellow card", got)
	}
	reviewer := loginSession(t, env, "scj.review", "demo1234")
	status, page, _ := reviewer.get("/tasks")
	if status != 200 || !strings.Contains(page, `data-card="yellow">黄牌</strong>`) {
		t.Fatalf("the reviewer's work list: %d, no 黄牌 on the task", status)
	}
	redDay := cal.AddWorkdays(deadline, 1)
	if got := sweep(redDay); got != (models.SweepResult{Red: 1}) {
		t.Fatalf("a working day past the deadline: %+v, want a red card", got)
	}
	if _, page, _ = reviewer.get("/tasks?lang=en"); !strings.Contains(page, `data-card="red">Red card</strong>`) {
		t.Fatal("the English work list shows no red card")
	}
	// The applicant's timeline is the handling's; the staff's history shows the cards.
	if status, body := call(t, env, "GET", "/api/v1/status/"+number+"?code="+code, "", nil); status != 200 || strings.Contains(string(body), "warning") {
		t.Fatalf("the applicant's status: %d %s", status, body)
	}
	if _, page, _ = reviewer.get("/tasks/" + number + "?lang=zh-CN"); !strings.Contains(page, "红牌") || !strings.Contains(page, "黄牌") {
		t.Fatal("the task's history does not show the cards")
	}

	sup := loginToken(t, env, "supervisor")
	var got cardsAnswer
	status, body := call(t, env, "GET", "/api/v1/cards?department=scj", sup, nil)
	if json.Unmarshal(body, &got); status != 200 || got.Total != 2 || got.Yellow != 1 || got.Red != 1 || got.Escalated != 0 ||
		len(got.ByPerson) != 1 || got.ByPerson[0].Key != "scj.review" || got.Cards[0].Colour != "red" ||
		got.Cards[0].Deadline != app.PromisedDeadline || !got.Cards[0].TaskOpen {
		t.Fatalf("the cards: %d %s", status, body)
	}
	day := redDay.Format(time.DateOnly)
	if status, body = call(t, env, "GET", "/api/v1/cards?colour=red&from="+day+"&to="+day, sup, nil); status != 200 ||
		json.Unmarshal(body, &got) != nil || got.Total != 1 {
		t.Fatalf("red cards of %s: %d %s", day, status, body)
	}
	clock.Set(cal.AddWorkdays(redDay, 3).Add(2 * time.Hour))
	if _, body = call(t, env, "GET", "/api/v1/cards?colour=red", sup, nil); json.Unmarshal(body, &got) != nil || got.Escalated != 0 {
		t.Fatalf("three working days after the red card: %s, want not escalated yet", body)
	}
	clock.Set(cal.AddWorkdays(redDay, 4).Add(2 * time.Hour))
	if _, body = call(t, env, "GET", "/api/v1/cards?colour=red", sup, nil); json.Unmarshal(body, &got) != nil || got.Escalated != 1 || !got.Cards[0].Escalated {
		t.Fatalf("four working days after the red card: %s, want escalated", body)
	}
	supervisor := loginSession(t, env, "supervisor", "demo1234")
	status, page, _ = supervisor.get("/supervise/cards?lang=zh-CN")
	for _, want := range []string{`id="cards-by-department"`, `id="cards-by-person"`, "scj.review", "已升级", number, "共 2 张：黄牌 1 张，红牌 1 张。"} {
		if status != 200 || !strings.Contains(page, want) {
			t.Fatalf("the supervisors' page: %d, %q missing", status, want)
		}
	}
	if _, page, _ = supervisor.get("/supervise/cards?lang=en&colour=yellow"); !strings.Contains(page, "1 cards: 1 yellow, 0 red.") {
		t.Fatal("the English page filtered to yellow cards")
	}
	if _, page, _ = supervisor.get("/supervise?lang=zh-CN"); !strings.Contains(page, `href="/supervise/cards"`) {
		t.Fatal("the supervision page does not link the cards")
	}
	// Bad filters name the field and read nothing.
	var e apiError
	for q, field := range map[string]string{"colour=green": "colour", "from=2026-13-01": "from", "from=2026-03-10&to=2026-03-01": "to",
		"department=nope": "department"} {
		status, body = call(t, env, "GET", "/api/v1/cards?"+q, sup, nil)
		if json.Unmarshal(body, &e); status != 422 || e.Error.Fields[field] == "" {
			t.Fatalf("%s: %d %s, want 422 naming %s", q, status, body, field)
		}
	}
	if status, _, _ := supervisor.get("/supervise/cards?colour=green"); status != 422 {
		t.Fatalf("the page with a bad colour: %d", status)
	}
	if status, _ := call(t, env, "GET", "/api/v1/cards", loginToken(t, env, "scj.review"), nil); status != 403 {
		t.Fatalf("a reviewer reads every card: %d", status)
	}
	fams := scrape(t, env)
	for colour, want := range map[string]float64{"yellow": 1, "red": 1} {
		if v, ok := sample(fams, "onewindow_cards_total", map[string]string{"colour": colour}); !ok || v != want {
			t.Fatalf("onewindow_cards_total{colour=%q} = %v (%v), want %v", colour, v, ok, want)
		}
	}
	for r, err := range env.store.Chains(ctx, []string{number}) {
		if err != nil || r.Break != nil {
			t.Fatalf("the chain after the cards: %v %+v", err, r.Break)
		}
	}
}
