package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/workflow"
)

// handledApplicant is an applicant of the 办件公示 tests with the details
// that must never be published.
type handledApplicant struct {
	kind, name, id, phone, masked string
}

var handledApplicants = []handledApplicant{
	{"person", "李四光", "440524188001010014", "13912345678", "李*光"},
	{"person", "张三", "11010519491231002X", "13800000000", "张*"}, // the demo's citizen1
	{"organisation", "集宁区示例商贸有限公司", "91350100M000100Y43", "13700001111", "集宁区示***有限公司"},
}

// fileAtWindow registers and accepts an application of item for a, and returns its number and query code.
func fileAtWindow(t *testing.T, env *demoEnv, item string, a handledApplicant) (string, string) {
	t.Helper()
	tok := loginToken(t, env, "window1")
	status, body := call(t, env, "POST", "/api/v1/applications", tok, map[string]any{"item_code": item,
		"applicant": map[string]string{"kind": a.kind, "name": a.name, "id_number": a.id, "phone": a.phone},
		"form":      sampleAnswers(item, a.kind, a.name, a.id)})
	if status != 201 {
		t.Fatalf("file for %s: %d %s", a.name, status, body)
	}
	var f filedAnswer
	if err := json.Unmarshal(body, &f); err != nil {
		t.Fatal(err)
	}
	if status, body = call(t, env, "POST", "/api/v1/applications/"+f.Number+"/actions/accept", tok, acceptBody(t, env, f.Number, 1)); status != 200 {
		t.Fatalf("accept %s: %d %s", f.Number, status, body)
	}
	return f.Number, f.QueryCode
}

// completeAccepted takes an accepted single-department application of dept
// through review, approval and issue in the store, on the day at.
func completeAccepted(t *testing.T, env *demoEnv, number, dept string, at time.Time) {
	t.Helper()
	cal, _ := workflow.NewCalendar(workflow.DefaultCalendarDays())
	steps := []struct {
		act  workflow.Action
		dept string
	}{{workflow.Claim, dept}, {workflow.ReviewPass, dept}, {workflow.Approve, dept}, {workflow.Issue, ""}}
	for _, st := range steps {
		_, err := env.store.Act(context.Background(), models.ActionRequest{Number: number, Action: st.act, Actor: "setup",
			Department: st.dept, Fields: map[string]string{"result_number": "JY11509020000001", "delivery": "window"}, Cal: cal, Now: at})
		if err != nil {
			t.Fatalf("%s %s: %v", st.act, number, err)
		}
	}
}

func TestHandledListIsMaskedFilteredCountedAndChecked(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	single, _ := officeItems(t, env.store)
	var numbers []string
	for i, a := range handledApplicants {
		n, _ := fileAtWindow(t, env, single.Code, a)
		completeAccepted(t, env, n, "scj", clock.Now().AddDate(0, 0, 1+i))
		numbers = append(numbers, n)
	}
	var got struct {
		Total  int `json:"total"`
		Counts struct {
			OnTime int `json:"on_time"`
		} `json:"counts"`
		Applications []struct {
			Number, Applicant, State, Received, Completed string
			OnTime                                        *bool `json:"on_time"`
		} `json:"applications"`
	}
	status, body := call(t, env, "GET", "/api/v1/public/handled?department=scj&month=2026-03", "", nil)
	if status != 200 || json.Unmarshal(body, &got) != nil {
		t.Fatalf("handled: %d %s", status, body)
	}
	if got.Total != 3 || got.Counts.OnTime != 3 || len(got.Applications) != 3 {
		t.Fatalf("handled: %s", body)
	}
	a := got.Applications[2] // handled first, listed last
	if a.Number != numbers[0] || a.Applicant != "李*光" || a.State != "completed" || a.Received != "2026-03-02" ||
		a.Completed != "2026-03-03" || a.OnTime == nil || !*a.OnTime {
		t.Fatalf("first handled %+v", a)
	}
	for _, q := range []string{"month=2026-04", "item=NOPE", "department=zjj"} {
		if status, body := call(t, env, "GET", "/api/v1/public/handled?"+q, "", nil); status != 200 || !strings.Contains(string(body), `"total":0`) {
			t.Errorf("%s: %d %s", q, status, body)
		}
	}
	for q, field := range map[string]string{"month=2026-13": "month", "department=nope": "department", "page_size=500": "page_size"} {
		var e apiError
		status, body := call(t, env, "GET", "/api/v1/public/handled?"+q, "", nil)
		if json.Unmarshal(body, &e); status != 422 || e.Error.Fields[field] == "" {
			t.Errorf("%s: %d %s", q, status, body)
		}
	}
	status, page := fetchPage(t, env.http.URL+"/handled?department=scj")
	if status != 200 || !strings.Contains(page, "李*光") || !strings.Contains(page, "张*") || !strings.Contains(page, "集宁区示***有限公司") ||
		strings.Contains(page, "李四光") || strings.Contains(page, "示例商贸") || !strings.Contains(page, `id="count-total">3<`) || !strings.Contains(page, "100.0%") {
		t.Fatalf("the public page: %d", status)
	}
	if status, page := fetchPage(t, env.http.URL+"/handled?month=2026-3"); status != 422 || !strings.Contains(page, `id="err-month"`) {
		t.Fatalf("a bad month on the page: %d", status)
	}
	if _, page := fetchPage(t, env.http.URL+"/?lang=en"); !strings.Contains(page, `href="/handled"`) {
		t.Fatal("the footer does not link 办件公示")
	}
	assertNothingPersonalIsPublic(t, env, single.Code)
}

func fetchPage(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var hrefPattern = regexp.MustCompile(`href="(/[^"#]*)"`)

// assertNothingPersonalIsPublic crawls the public pages from the home page
// and 办件公示 (up to a few hundred pages), and reads every public API answer
// a visitor can ask for without a code, looking for the identity numbers and
// phone numbers of handledApplicants. None may appear.
func assertNothingPersonalIsPublic(t *testing.T, env *demoEnv, itemCode string) {
	t.Helper()
	secrets := []string{}
	for _, a := range handledApplicants {
		secrets = append(secrets, a.id, a.phone, strings.ToLower(a.id))
	}
	check := func(u, body string) {
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("%s shows %s", u, s)
			}
		}
	}
	queue := []string{"/", "/handled", "/handled?lang=en", "/handled?department=scj", "/items/" + itemCode, "/status"}
	seen := map[string]bool{}
	for len(queue) > 0 && len(seen) < 250 {
		u := strings.ReplaceAll(queue[0], "&amp;", "&")
		queue = queue[1:]
		if seen[u] || strings.HasPrefix(u, "/static/") || strings.HasPrefix(u, "/login") || strings.HasPrefix(u, "/admin") ||
			strings.HasSuffix(u, "/apply") || strings.HasPrefix(u, "/catalogue/export") {
			continue
		}
		seen[u] = true
		status, body := fetchPage(t, env.http.URL+u)
		if status >= 500 {
			t.Errorf("%s: %d", u, status)
		}
		check(u, body)
		for _, m := range hrefPattern.FindAllStringSubmatch(body, -1) {
			queue = append(queue, m[1])
		}
	}
	if len(seen) < 50 {
		t.Fatalf("the crawl reached only %d pages", len(seen))
	}
	apis := []string{"/api/v1/public/handled?page_size=100", "/api/v1/public/handled?department=scj", "/api/v1/items?q=" + itemCode,
		"/api/v1/items/" + itemCode, "/api/v1/departments", "/api/v1/catalogue/stats", "/api/v1/site", "/api/v1/bundles", "/api/v1/me"}
	for _, u := range apis {
		_, body := fetchPage(t, env.http.URL+u)
		check(u, body)
	}
}
