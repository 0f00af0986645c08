package handlers_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"onewindow/workflow"
)

// taskRow is the work-list row of an application, "" when the page lacks it.
func taskRow(html, number string) string {
	i := strings.Index(html, `data-number="`+number+`"`)
	if i < 0 {
		return ""
	}
	row := html[strings.LastIndex(html[:i], "<tr"):]
	if j := strings.Index(row, "</tr>"); j >= 0 {
		row = row[:j]
	}
	return row
}

// The work-list page is cached per session, but every change another user or
// the window makes shows at the next reload: a claim, an action through the
// store, a new accepted application, a release, the next day.
func TestWorklistPageShowsEveryChangeAtTheNextReload(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	single, _ := officeItems(t, env.store)
	first := officeFile(t, env, single.Code)
	reviewer, approver := loginToken(t, env, "scj.review"), loginToken(t, env, "scj.approve")
	page := func(tok string) string {
		t.Helper()
		status, html := officePage(t, env, tok, "/tasks")
		if status != 200 {
			t.Fatalf("GET /tasks: %d", status)
		}
		return html
	}
	before := page(reviewer)
	if row := taskRow(before, first); row == "" || !strings.Contains(row, "/actions/claim") {
		t.Fatalf("the first application is not listed unclaimed:\n%s", row)
	}
	if again := page(reviewer); again != before {
		t.Error("an unchanged list reads differently on reload")
	}

	// The other user's page is their own: their name, not the reviewer's.
	users, err := env.store.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, u := range users {
		names[u.Username] = u.DisplayName
	}
	if other := page(approver); !strings.Contains(other, names["scj.approve"]) || strings.Contains(other, names["scj.review"]) {
		t.Error("the approver is served the reviewer's page")
	}

	v, _ := officeVersion(t, env, first)
	if status, body := call(t, env, "POST", "/api/v1/applications/"+first+"/actions/claim", approver,
		map[string]any{"version": v, "department": "scj"}); status != 200 {
		t.Fatalf("claim: %d %s", status, body)
	}
	if row := taskRow(page(reviewer), first); !strings.Contains(row, "scj.approve") {
		t.Fatalf("the claim by scj.approve is not shown:\n%s", row)
	}

	officePrepare(t, env, first, "scj", clock.Now(), workflow.Suspend)
	if row := taskRow(page(reviewer), first); !strings.Contains(row, "mark-stopped") {
		t.Fatalf("the suspension made through the store is not shown:\n%s", row)
	}

	second := officeFile(t, env, single.Code)
	if taskRow(page(reviewer), second) == "" {
		t.Fatal("a newly accepted application is not listed")
	}

	if status, _ := officePost(t, env, approver, "/tasks/"+first+"/release",
		url.Values{"department": {"scj"}, "return": {"list"}}); status != 303 {
		t.Fatalf("release: %d", status)
	}
	if row := taskRow(page(reviewer), first); strings.Contains(row, "scj.approve") {
		t.Fatalf("the release is not shown:\n%s", row)
	}

	row := taskRow(page(reviewer), second)
	clock.Set(clock.Now().Add(7 * 24 * time.Hour)) // a week later: five working days fewer
	if later := taskRow(page(reviewer), second); later == row {
		t.Fatalf("a week later the row still reads the same:\n%s", later)
	}
}

// A calendar change made through the store clears the cache at once: the
// deadline moves by the new holiday.
func TestWorklistPageFollowsACalendarChange(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	single, _ := officeItems(t, env.store)
	number := officeFile(t, env, single.Code)
	reviewer := loginToken(t, env, "scj.review")
	_, html := officePage(t, env, reviewer, "/tasks")
	before := taskRow(html, number)
	if before == "" {
		t.Fatal("not listed")
	}
	if err := env.store.AddCalendarDay(context.Background(), workflow.CalendarDay{Date: "2026-03-03", Kind: workflow.Holiday, Name: "测试假日"}); err != nil {
		t.Fatal(err)
	}
	_, html = officePage(t, env, reviewer, "/tasks")
	if after := taskRow(html, number); after == before {
		t.Fatalf("a new holiday left the row as it was:\n%s", after)
	}
}
