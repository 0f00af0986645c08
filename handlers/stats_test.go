package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"onewindow/models"
	"onewindow/workflow"
)

// statsRow is a row of GET /api/v1/statistics.
type statsRow struct {
	Key          string   `json:"key"`
	Received     int      `json:"received"`
	Accepted     int      `json:"accepted"`
	Refused      int      `json:"refused"`
	Completed    int      `json:"completed"`
	OnTime       int      `json:"on_time"`
	Late         int      `json:"late"`
	OnTimeRate   *float64 `json:"on_time_rate"`
	AverageDays  *float64 `json:"average_days"`
	Rated        int      `json:"rated"`
	Satisfaction *float64 `json:"satisfaction"`
}

type statsAnswer struct {
	Total        statsRow   `json:"total"`
	ByMonth      []statsRow `json:"by_month"`
	ByDepartment []statsRow `json:"by_department"`
	ByChannel    []statsRow `json:"by_channel"`
	ByItem       []statsRow `json:"by_item"`
	Pending      int        `json:"pending"`
}

// statsExpect counts, from each application's own events and rating, what
// the statistics must say: the expected rows by month and by channel.
func statsExpect(t *testing.T, env *demoEnv, numbers []string) (byMonth, byChannel map[string]*statsRow, days map[string][2]int) {
	t.Helper()
	ctx := context.Background()
	cal, _ := workflow.NewCalendar(workflow.DefaultCalendarDays())
	byMonth, byChannel, days = map[string]*statsRow{}, map[string]*statsRow{}, map[string][2]int{}
	row := func(m map[string]*statsRow, k string) *statsRow {
		if m[k] == nil {
			m[k] = &statsRow{Key: k}
		}
		return m[k]
	}
	month := func(at time.Time) string { return at.In(models.CentreZone()).Format("2006-01") }
	for _, n := range numbers {
		app, err := env.store.Application(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		decided := false
		for i, e := range app.Events {
			for _, r := range []*statsRow{row(byMonth, month(e.At)), row(byChannel, app.Channel)} {
				switch {
				case i == 0:
					r.Received++
				case e.Action == workflow.Accept || e.Action == workflow.AcceptPending:
					r.Accepted++
				case e.Action == workflow.Reject:
					r.Refused++
				}
			}
			if decided || (e.ToState != workflow.Approved && e.ToState != workflow.Denied) {
				continue
			}
			decided = true
			clock := app.Clock()
			ended := clock.EndedOn
			onTime := !ended.After(clock.PromisedDeadline(cal, ended))
			used := clock.Used(cal, ended)
			for _, r := range []*statsRow{row(byMonth, month(e.At)), row(byChannel, app.Channel)} {
				r.Completed++
				if onTime {
					r.OnTime++
				} else {
					r.Late++
				}
			}
			d := days[month(e.At)]
			days[month(e.At)] = [2]int{d[0] + used, d[1] + 1}
		}
		ev, err := env.store.EvaluationOf(ctx, n)
		if err != nil {
			continue // not rated
		}
		for _, r := range []*statsRow{row(byMonth, month(ev.CreatedAt)), row(byChannel, app.Channel)} {
			r.Rated++
			if ev.Level >= 3 {
				r.Satisfaction = new(float64) // marks a good rating; compared as counts below
				*r.Satisfaction++
			}
		}
	}
	return byMonth, byChannel, days
}

// sameCounts compares the counts of a row of the answer with the expected one.
func sameCounts(got statsRow, want *statsRow) bool {
	if want == nil {
		want = &statsRow{}
	}
	good := 0.0
	if want.Satisfaction != nil {
		good = *want.Satisfaction
	}
	satOK := (want.Rated == 0 && got.Satisfaction == nil) ||
		(want.Rated > 0 && got.Satisfaction != nil && abs(*got.Satisfaction-good/float64(want.Rated)) < 1e-3)
	rateOK := (want.OnTime+want.Late == 0 && got.OnTimeRate == nil) ||
		(want.OnTime+want.Late > 0 && got.OnTimeRate != nil && abs(*got.OnTimeRate-float64(want.OnTime)/float64(want.OnTime+want.Late)) < 1e-3)
	return got.Received == want.Received && got.Accepted == want.Accepted && got.Refused == want.Refused &&
		got.Completed == want.Completed && got.OnTime == want.OnTime && got.Late == want.Late && got.Rated == want.Rated && satOK && rateOK
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// Applications filed online and at the window over three months, one
// refused, one completed on time and rated well, one completed late and
// rated badly, one accepted in a month with no completion: the statistics,
// their page, charts and export match counts taken from the events, and the
// month without a completion has no on-time rate (not 0%).
func TestStatisticsMatchTheEventsOnThePageChartsAndExport(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	single, _ := officeItems(t, env.store)
	ctx := context.Background()
	cal, _ := workflow.NewCalendar(workflow.DefaultCalendarDays())

	a1, code1 := fileAtWindow(t, env, single.Code, handledApplicants[0])
	a2, code2 := fileAtWindow(t, env, single.Code, handledApplicants[1])
	b1 := fileOnline(t, env, single.Code).Number
	b2 := fileOnline(t, env, single.Code).Number
	if _, err := env.store.Act(ctx, models.ActionRequest{Number: b2, Action: workflow.Reject, Actor: "window1",
		Fields: map[string]string{"reason": "不属于本机关职权范围"}, Comment: "不予受理", Cal: cal, Now: clock.Now()}); err != nil {
		t.Fatal(err)
	}
	completeAccepted(t, env, a1, "scj", clock.Now().Add(24*time.Hour))
	if status, body := call(t, env, "POST", "/api/v1/status/"+a1+"/evaluation", "", map[string]any{"code": code1, "level": 5}); status != 201 {
		t.Fatalf("rating: %d %s", status, body)
	}
	clock.Set(time.Date(2026, 4, 8, 2, 0, 0, 0, time.UTC))
	a3, _ := fileAtWindow(t, env, single.Code, handledApplicants[2])
	late := time.Date(2026, 5, 20, 2, 0, 0, 0, time.UTC)
	completeAccepted(t, env, a2, "scj", late)
	clock.Set(late.Add(time.Hour))
	if status, body := call(t, env, "POST", "/api/v1/status/"+a2+"/evaluation", "", map[string]any{"code": code2, "level": 1, "comment": "太慢"}); status != 201 {
		t.Fatalf("rating: %d %s", status, body)
	}

	// The applicant's status answer carries the rating and the 差评's case.
	var st struct {
		Evaluation *struct {
			Level   int                     `json:"level"`
			Comment string                  `json:"comment"`
			Case    *struct{ State string } `json:"case"`
		} `json:"evaluation"`
	}
	status, body := call(t, env, "GET", "/api/v1/status/"+a2+"?code="+code2, "", nil)
	if json.Unmarshal(body, &st); status != 200 || st.Evaluation == nil || st.Evaluation.Level != 1 || st.Evaluation.Comment != "太慢" ||
		st.Evaluation.Case == nil || st.Evaluation.Case.State != "open" {
		t.Fatalf("the status with its rating: %d %s", status, body)
	}

	byMonth, byChannel, days := statsExpect(t, env, []string{a1, a2, a3, b1, b2})
	sup := loginToken(t, env, "supervisor")
	var got statsAnswer
	status, body = call(t, env, "GET", "/api/v1/statistics?from=2026-03&to=2026-05", sup, nil)
	if status != 200 || json.Unmarshal(body, &got) != nil || got.Pending != 0 {
		t.Fatalf("statistics: %d %s", status, body)
	}
	if len(got.ByMonth) != 3 {
		t.Fatalf("months: %s", body)
	}
	for _, r := range got.ByMonth {
		if !sameCounts(r, byMonth[r.Key]) {
			t.Errorf("month %s: got %+v, want %+v", r.Key, r, byMonth[r.Key])
		}
		d := days[r.Key]
		if (d[1] == 0) != (r.AverageDays == nil) || (d[1] > 0 && abs(*r.AverageDays-float64(d[0])/float64(d[1])) > 1e-3) {
			t.Errorf("month %s: average days %v, want %v", r.Key, r.AverageDays, d)
		}
	}
	for _, r := range got.ByChannel {
		if !sameCounts(r, byChannel[r.Key]) {
			t.Errorf("channel %s: got %+v, want %+v", r.Key, r, byChannel[r.Key])
		}
	}
	april := got.ByMonth[1]
	if april.Key != "2026-04" || april.Received != 1 || april.Completed != 0 || april.OnTimeRate != nil || april.AverageDays != nil {
		t.Fatalf("April, accepted with nothing completed: %+v, want no on-time rate", april)
	}
	if got.Total.Received != 5 || got.Total.Refused != 1 || got.Total.Completed != 2 || got.Total.OnTime != 1 || got.Total.Late != 1 ||
		len(got.ByDepartment) != 1 || got.ByDepartment[0].Key != "scj" || len(got.ByItem) != 1 {
		t.Fatalf("totals: %s", body)
	}
	// Filters: the window alone, another department, a bad range.
	if _, body = call(t, env, "GET", "/api/v1/statistics?from=2026-03&to=2026-05&channel=window", sup, nil); json.Unmarshal(body, &got) != nil ||
		got.Total.Received != 3 || len(got.ByChannel) != 1 {
		t.Fatalf("the window alone: %s", body)
	}
	if _, body = call(t, env, "GET", "/api/v1/statistics?from=2026-03&to=2026-05&department=zjj", sup, nil); json.Unmarshal(body, &got) != nil ||
		got.Total.Received != 0 || got.Total.OnTimeRate != nil || got.Total.Satisfaction != nil {
		t.Fatalf("another department: %s", body)
	}
	var e apiError
	if status, body = call(t, env, "GET", "/api/v1/statistics?from=2026-05&to=2026-03&channel=fax", sup, nil); json.Unmarshal(body, &e) != nil ||
		status != 422 || e.Error.Fields["to"] == "" || e.Error.Fields["channel"] == "" {
		t.Fatalf("a bad query: %d %s", status, body)
	}
	if status, _ = call(t, env, "GET", "/api/v1/statistics", loginToken(t, env, "window1"), nil); status != 403 {
		t.Fatalf("a window clerk reads the statistics: %d", status)
	}

	// The page: the April row says — for the rate, not 0%.
	s := loginSession(t, env, "supervisor", "demo1234")
	status, page, _ := s.get("/supervise/statistics?from=2026-03&to=2026-05&lang=zh-CN")
	aprilRow := regexp.MustCompile(`(?s)<tr data-key="2026-04">.*?</tr>`).FindString(page)
	if status != 200 || !strings.Contains(aprilRow, `<td class="on-time-rate">—</td>`) || !strings.Contains(aprilRow, `<td class="received">1</td>`) ||
		!strings.Contains(page, `id="chart-months"`) || !strings.Contains(page, "按时办结率") {
		t.Fatalf("the page: %d, April row %q", status, aprilRow)
	}
	marchRow := regexp.MustCompile(`(?s)<tr data-key="2026-03">.*?</tr>`).FindString(page)
	if !strings.Contains(marchRow, `<td class="received">4</td>`) || !strings.Contains(marchRow, `<td class="on-time-rate">100.0%</td>`) {
		t.Fatalf("the March row: %q", marchRow)
	}

	// The charts: SVG drawn on the server, labelled with the same counts.
	statsCharts(t, s, byMonth)

	// The export: an unknown rate is an empty cell.
	req, _ := http.NewRequest("GET", env.http.URL+"/supervise/statistics.xlsx?from=2026-03&to=2026-05", nil)
	status, xlsx, _ := s.do(req)
	f, err := excelize.OpenReader(bytes.NewReader([]byte(xlsx)))
	if status != 200 || err != nil {
		t.Fatalf("export: %d %v", status, err)
	}
	rows, err := f.GetRows("按月份")
	if err != nil || len(rows) != 5 || rows[2][0] != "2026-04" || rows[2][2] != "1" || len(rows[2]) > 8 && rows[2][8] != "" ||
		rows[1][2] != "4" || rows[4][0] != "合计" || rows[4][2] != "5" {
		t.Fatalf("export rows: %v %v", rows, err)
	}
}

// statsCharts checks the month chart's bar labels against the expected counts.
func statsCharts(t *testing.T, s *sysSession, byMonth map[string]*statsRow) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.env.http.URL+"/supervise/statistics/charts/months.svg?from=2026-03&to=2026-05&lang=zh-CN", nil)
	status, svg, _ := s.do(req)
	if status != 200 || !strings.HasPrefix(strings.TrimSpace(svg), "<svg") || !strings.Contains(svg, "2026-04") ||
		!strings.Contains(svg, "收件") || !strings.Contains(svg, "Noto Sans CJK SC") {
		t.Fatalf("the month chart: %d %.300s", status, svg)
	}
	texts := map[string]int{}
	for _, m := range regexp.MustCompile(`<text[^>]*>([^<]*)</text>`).FindAllStringSubmatch(svg, -1) {
		texts[m[1]]++
	}
	for _, want := range []int{byMonth["2026-03"].Received, byMonth["2026-03"].Accepted, byMonth["2026-04"].Received} {
		if texts[itoa(want)] == 0 {
			t.Errorf("the month chart has no label %d: %v", want, texts)
		}
	}
	for _, name := range []string{"rates", "departments", "channels"} {
		req, _ := http.NewRequest("GET", s.env.http.URL+"/supervise/statistics/charts/"+name+".svg?from=2026-03&to=2026-05", nil)
		if status, svg, _ := s.do(req); status != 200 || !strings.Contains(svg, "<svg") {
			t.Fatalf("chart %s: %d", name, status)
		}
	}
	req, _ = http.NewRequest("GET", s.env.http.URL+"/supervise/statistics/charts/nope.svg", nil)
	if status, _, _ := s.do(req); status != 404 {
		t.Fatalf("an unknown chart: %d", status)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
