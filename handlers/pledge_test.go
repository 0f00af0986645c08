package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"onewindow/models"
)

// pledgeCandidate is a demo licence one department decides, taking no pledge
// yet, with at least two required materials: the second becomes the proof a
// pledge replaces.
func pledgeCandidate(t *testing.T) models.Item {
	return demoItem(t, func(it models.Item) bool {
		return it.TypeCode == "01" && it.HandlingKind == models.KindPromised && len(it.Departments) <= 1 && !it.PledgeAllowed &&
			len(it.Materials) >= 2 && it.Materials[1].Necessity == models.NecessityRequired
	})
}

const testPledgeText = "本人承诺经营场所符合卫生要求，所述情况真实。"

// makePledgeItem lets the candidate take a pledge for its second material,
// checked within ten working days, as a catalogue administrator's edit would.
func makePledgeItem(t *testing.T, env *demoEnv) models.Item {
	t.Helper()
	code := pledgeCandidate(t).Code
	editGuide(t, env, code, func(it *models.Item) {
		it.PledgeAllowed, it.PledgeText, it.PledgeCheckDays = true, testPledgeText, models.IntPtr(10)
		it.Materials[1].PledgeReplaces = true
	})
	it, err := env.store.Item(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return *it
}

// fileWithPledge files it with the pledge, online (token "") or at the window.
func fileWithPledge(t *testing.T, env *demoEnv, token string, it models.Item) filedAnswer {
	t.Helper()
	status, body := call(t, env, http.MethodPost, "/api/v1/applications", token, map[string]any{"item_code": it.Code, "pledge": true,
		"applicant": map[string]string{"kind": "person", "name": "张三", "id_number": "11010519491231002X", "phone": "13800000000"},
		"form":      sampleAnswers(it.Code, "person", "张三", "11010519491231002X")})
	if status != http.StatusCreated {
		t.Fatalf("file with the pledge: %d %s", status, body)
	}
	var f filedAnswer
	_ = json.Unmarshal(body, &f)
	return f
}

// allButReplaced is the window's checklist with every material received but
// the one the pledge replaces.
func allButReplaced(it models.Item) map[string]any {
	out := map[string]any{}
	for _, m := range it.Materials {
		if !m.PledgeReplaces {
			out[m.Key] = map[string]any{"provided": true, "kind": "original", "copies": 1}
		}
	}
	return out
}

type pledgeChecks struct {
	Checks []struct {
		Number   string `json:"number"`
		Due      string `json:"due"`
		State    string `json:"state"`
		Overdue  bool   `json:"overdue"`
		Version  int    `json:"version"`
		Findings string `json:"findings"`
		Revoked  bool   `json:"revoked"`
	} `json:"checks"`
}

func listChecks(t *testing.T, env *demoEnv, token, query string) pledgeChecks {
	t.Helper()
	status, body := call(t, env, http.MethodGet, "/api/v1/pledge-checks"+query, token, nil)
	if status != http.StatusOK {
		t.Fatalf("pledge checks: %d %s", status, body)
	}
	var out pledgeChecks
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// grantOnPledge files it online with the pledge, accepts it without the
// replaced proof and grants it: no review stage on the pledge path.
func grantOnPledge(t *testing.T, env *demoEnv, it models.Item) filedAnswer {
	t.Helper()
	f := fileWithPledge(t, env, "", it)
	clerk := loginToken(t, env, "window1")
	mustActAPI(t, env, clerk, f.Number, "accept", map[string]any{"materials": allButReplaced(it)})
	appr := loginToken(t, env, it.DepartmentCode+".approve")
	mustActAPI(t, env, appr, f.Number, "claim", nil)
	mustActAPI(t, env, appr, f.Number, "approve", nil)
	return f
}

func TestPledgeIsEditedInTheItemFormAndShownInTheGuide(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	token := csrfToken(t, client, env)
	code := pledgeCandidate(t).Code
	before := adminItem(t, env, code)
	v := editForm(before, token)
	v.Set("reason", "实行告知承诺制")
	v.Set("pledge_allowed", "1") // without its text and check period
	v.Set("pending_days", "0")
	status, body, _ := fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/"+code+"/edit", v)
	if status == http.StatusSeeOther {
		t.Fatal("a pledge without its text and check period was saved")
	}
	for _, id := range []string{"pledge_text", "pledge_check_days", "pending_days"} {
		if !regexp.MustCompile(`id="` + id + `"[^>]*>(?:[^<]*</textarea>)?<p class="field-error"`).MatchString(body) {
			t.Errorf("no message at %s", id)
		}
	}
	if after := adminItem(t, env, code); after.Version != before.Version || after.PledgeAllowed {
		t.Fatal("the refused edit changed the item")
	}
	v.Set("pledge_text", testPledgeText)
	v.Set("pledge_check_days", "10")
	v.Set("pending_days", "3")
	v.Set("m1_pledge_replaces", "1")
	if status, body, _ := fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/"+code+"/edit", v); status != http.StatusSeeOther {
		t.Fatalf("save = %d %s", status, body)
	}
	var g struct {
		Version              int    `json:"version"`
		PledgeAllowed        bool   `json:"pledge_allowed"`
		PledgeText           string `json:"pledge_text"`
		PledgeCheckDays      *int   `json:"pledge_check_days"`
		PendingDays          *int   `json:"pending_days"`
		PendingDaysEffective int    `json:"pending_days_effective"`
		Materials            []struct {
			PledgeReplaces bool `json:"pledge_replaces"`
		} `json:"materials"`
	}
	getJSONFrom(t, env, "/api/v1/items/"+code, &g)
	if g.Version != before.Version+1 || !g.PledgeAllowed || g.PledgeText != testPledgeText || models.Days(g.PledgeCheckDays) != 10 ||
		models.Days(g.PendingDays) != 3 || g.PendingDaysEffective != 3 || !g.Materials[1].PledgeReplaces || g.Materials[0].PledgeReplaces {
		t.Fatalf("the guide after the edit: %+v", g)
	}
	_, hist, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/"+code+"/history", nil)
	for _, f := range []string{"pledge_allowed", "pledge_text", "pledge_check_days", "pending_days", "materials[1].pledge_replaces"} {
		if !strings.Contains(hist, `data-field="`+f+`"`) {
			t.Errorf("history lacks the change of %s", f)
		}
	}
	_, page := envPage(t, env, "/items/"+code)
	for _, want := range []string{`id="guide-pledge"`, testPledgeText, "10 个工作日内", "3 个工作日", "可以承诺代替"} {
		if !strings.Contains(page, want) {
			t.Errorf("the guide page lacks %q", want)
		}
	}
	// An item that does not say shows the default as the default, not as its own figure.
	other := firstItem(t, env, "scj")
	if other == code {
		t.Skip("the first scj item is the edited one")
	}
	_, page = envPage(t, env, "/items/"+other)
	if !strings.Contains(page, "5 个工作日（本事项未规定，按默认期限）") || strings.Contains(page, `id="guide-pledge"`) {
		t.Error("an item without its own 容缺 period does not show the default as such")
	}
}

func TestPledgeCheckIsListedOverdueAndAFailedCheckRevokesTheGrant(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)} // Mon 2 Mar 2026
	env := newOfficeEnv(t, clock)
	it := makePledgeItem(t, env)
	dept := it.DepartmentCode

	// A pledge on an item that takes none is refused naming the field.
	plain := demoItem(t, func(o models.Item) bool { return o.Code != it.Code && o.TypeCode == "01" })
	status, body := call(t, env, http.MethodPost, "/api/v1/applications", "", map[string]any{"item_code": plain.Code, "pledge": true,
		"applicant": map[string]string{"kind": "person", "name": "张三", "id_number": "11010519491231002X"},
		"form":      sampleAnswers(plain.Code, "person", "张三", "11010519491231002X")})
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"pledge"`) {
		t.Fatalf("a pledge on an item without one: %d %s", status, body)
	}
	f := grantOnPledge(t, env, it)
	app, _ := env.store.Application(context.Background(), f.Number)
	if app.State != "approved" {
		t.Fatalf("state %s", app.State)
	}
	// The grant's record names its due dates in words, not field keys.
	_, task := officePage(t, env, loginToken(t, env, it.DepartmentCode+".approve"), "/tasks/"+f.Number+"?lang=zh-CN")
	if !strings.Contains(task, "承诺核查期限：2026-03-16") || strings.Contains(task, "pledge_check_due") || strings.Contains(task, "delivery_due") {
		t.Error("the task record of a grant on a pledge does not name the check's due date in words")
	}
	sup := loginToken(t, env, "supervisor")
	got := listChecks(t, env, sup, "?state=open")
	if len(got.Checks) != 1 || got.Checks[0].Number != f.Number || got.Checks[0].Due != "2026-03-16" || got.Checks[0].Overdue {
		t.Fatalf("open checks after the grant: %+v", got.Checks)
	}
	// The department's staff see their own checks, another department's none.
	if other := listChecks(t, env, loginToken(t, env, otherDept(dept)+".review"), ""); len(other.Checks) != 0 {
		t.Fatalf("another department sees %+v", other.Checks)
	}
	// The day after the due date the check is overdue, on the API and on the page.
	clock.Set(time.Date(2026, 3, 17, 2, 0, 0, 0, time.UTC))
	if od := listChecks(t, env, sup, "?state=overdue"); len(od.Checks) != 1 || !od.Checks[0].Overdue {
		t.Fatalf("overdue checks: %+v", od.Checks)
	}
	if _, page := officePage(t, env, sup, "/pledge-checks"); !strings.Contains(page, f.Number) || !strings.Contains(page, "已超期") {
		t.Error("the supervisors' page does not mark the overdue check")
	}
	if s, b := call(t, env, http.MethodGet, "/api/v1/pledge-checks?state=late", sup, nil); s != http.StatusUnprocessableEntity || !strings.Contains(string(b), `"state"`) {
		t.Fatalf("a bad state filter: %d %s", s, b)
	}
	rev := loginToken(t, env, dept+".review")
	version := got.Checks[0].Version
	path := "/api/v1/pledge-checks/" + f.Number
	if s, _ := call(t, env, http.MethodPost, path, loginToken(t, env, "window1"), map[string]any{"result": "passed", "version": version}); s != http.StatusForbidden {
		t.Fatalf("the window checks a pledge: %d", s)
	}
	if s, b := call(t, env, http.MethodPost, path, rev, map[string]any{"result": "failed", "version": version}); s != http.StatusUnprocessableEntity || !strings.Contains(string(b), `"findings"`) {
		t.Fatalf("failed without findings: %d %s", s, b)
	}
	if s, b := call(t, env, http.MethodPost, path, rev, map[string]any{"result": "failed", "findings": "现场无消毒设施"}); s != http.StatusUnprocessableEntity || !strings.Contains(string(b), `"version"`) {
		t.Fatalf("a check without the version: %d %s", s, b)
	}
	// Before the check failed the grant cannot be revoked.
	appr := loginToken(t, env, dept+".approve")
	if s, b := actAPI(t, env, appr, f.Number, "revoke", map[string]any{"reason": "承诺不实"}); s != http.StatusConflict {
		t.Fatalf("revoke before a failed check: %d %s", s, b)
	}
	if s, b := call(t, env, http.MethodPost, path, rev, map[string]any{"result": "failed", "findings": "现场无消毒设施，与承诺不符", "version": version}); s != http.StatusOK {
		t.Fatalf("record the failed check: %d %s", s, b)
	}
	if s, _ := call(t, env, http.MethodPost, path, rev, map[string]any{"result": "passed", "version": version + 1}); s != http.StatusConflict {
		t.Fatalf("a second check: %d", s)
	}
	if s, _ := actAPI(t, env, rev, f.Number, "revoke", map[string]any{"reason": "承诺不实"}); s != http.StatusForbidden {
		t.Fatalf("a reviewer revokes: %d", s)
	}
	if s, b := actAPI(t, env, appr, f.Number, "revoke", nil); s != http.StatusUnprocessableEntity || !strings.Contains(b, `"reason"`) {
		t.Fatalf("revoke without a reason: %d %s", s, b)
	}
	mustActAPI(t, env, appr, f.Number, "revoke", map[string]any{"reason": "承诺内容与实际情况不符"})
	var st struct {
		State       string `json:"state"`
		ResultLabel string `json:"result_label"`
	}
	getJSONFrom(t, env, "/api/v1/status/"+f.Number+"?code="+f.QueryCode, &st)
	if st.State != "revoked" || !strings.Contains(st.ResultLabel, "已撤销") {
		t.Fatalf("status answer: %+v", st)
	}
	page := statusPage(t, env, f.Number, f.QueryCode)
	for _, want := range []string{`id="status-pledge"`, testPledgeText, `id="notice-revocation"`, "撤销决定书", "2026-03-02",
		"现场无消毒设施，与承诺不符", "承诺内容与实际情况不符", "已撤销", "行政复议"} {
		if !strings.Contains(page, want) {
			t.Errorf("the status page lacks %q", want)
		}
	}
	if strings.Contains(page, "11010519491231002X") {
		t.Error("the status page shows the identity number")
	}
	// The grant was revoked before it went out: no decision pending, no delivery due.
	if !strings.Contains(page, "准予决定已撤销，不再送达") || strings.Contains(page, "尚未作出决定") || strings.Contains(page, `id="delivery-due"`) {
		t.Error("the status page of a revoked grant does not say it will not be delivered")
	}
	if done := listChecks(t, env, sup, "?state=failed"); len(done.Checks) != 1 || !done.Checks[0].Revoked {
		t.Fatalf("failed checks: %+v", done.Checks)
	}
}

// otherDept is a demo department other than dept.
func otherDept(dept string) string {
	if dept == "scj" {
		return "zjj"
	}
	return "scj"
}

func TestWindowPledgeIsPrintedSignedAndThenAccepted(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	it := makePledgeItem(t, env)
	clerk := loginToken(t, env, "window1")
	f := fileWithPledge(t, env, clerk, it)
	if s, b := actAPI(t, env, clerk, f.Number, "accept", map[string]any{"materials": allButReplaced(it)}); s != http.StatusUnprocessableEntity || !strings.Contains(b, `"pledge"`) {
		t.Fatalf("accept before the signed pledge: %d %s", s, b)
	}
	win := staffClient(t, env, "window1")
	_, page, _ := fetch(t, win, http.MethodGet, env.http.URL+"/window/applications/"+f.Number, nil)
	if !strings.Contains(page, `id="pledge-print"`) || !strings.Contains(page, `id="pledge-signed"`) {
		t.Fatal("the window's application page offers neither the print nor the signed pledge")
	}
	_, doc, _ := fetch(t, win, http.MethodGet, env.http.URL+"/window/applications/"+f.Number+"/pledge", nil)
	for _, want := range []string{"告知承诺书", testPledgeText, it.Name, "10 个工作日"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the printed pledge lacks %q", want)
		}
	}
	token := csrfToken(t, win, env)
	p, _ := env.store.Pledge(context.Background(), f.Number)
	form := map[string][]string{"csrf_token": {token}, "version": {strconv.Itoa(p.Version)}}
	if s, b, _ := fetch(t, win, http.MethodPost, env.http.URL+"/window/applications/"+f.Number+"/pledge", form); s != http.StatusSeeOther {
		t.Fatalf("record the signed pledge: %d %s", s, b)
	}
	if s, _, _ := fetch(t, win, http.MethodPost, env.http.URL+"/window/applications/"+f.Number+"/pledge", form); s != http.StatusConflict {
		t.Fatalf("recording it twice: %d", s)
	}
	mustActAPI(t, env, clerk, f.Number, "accept", map[string]any{"materials": allButReplaced(it)})
	app, _ := env.store.Application(context.Background(), f.Number)
	if len(app.Tasks) != 1 || app.Tasks[0].Stage != "decide" {
		t.Fatalf("tasks %+v: the pledge goes straight to the decision", app.Tasks)
	}
	page = statusPage(t, env, f.Number, f.QueryCode)
	for _, want := range []string{"窗口于", testPledgeText, `id="acceptance-pledged"`, "以告知承诺代替"} {
		if !strings.Contains(page, want) {
			t.Errorf("the status page lacks %q", want)
		}
	}
	// The department deciding sees the proof as replaced, not as missing.
	if _, task := officePage(t, env, loginToken(t, env, it.DepartmentCode+".approve"), "/tasks/"+f.Number); !strings.Contains(task, "以告知承诺代替") {
		t.Error("the task page does not show the replaced proof")
	}
}

func TestOnlineApplyFormRecordsTheTickedPledge(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	it := makePledgeItem(t, env)
	cl := browserClient(t)
	resp, page := send(t, cl, http.MethodGet, env.http.URL+"/items/"+it.Code+"/apply", nil, "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `id="apply-pledge"`) || !strings.Contains(page, testPledgeText) {
		t.Fatalf("the apply form does not offer the pledge: %d", resp.StatusCode)
	}
	replaced := regexp.MustCompile(`<input id="file_` + it.Materials[1].Key + `"[^>]*>`).FindString(page)
	if replaced == "" || strings.Contains(replaced, "required") {
		t.Errorf("the replaced proof's upload: %q", replaced)
	}
	v := applyFields(t, it.Code, citizenID, "tok-pledge")
	v.Set("pledge", "1")
	// Every required material but the replaced proof is uploaded.
	var files []filePart
	for _, m := range it.Materials {
		if m.Necessity == models.NecessityRequired && !m.PledgeReplaces {
			files = append(files, filePart{field: "file_" + m.Key, name: "scan.pdf"})
		}
	}
	mp, ctype := formBody(t, v, files, tinyPDF)
	resp, body := send(t, cl, http.MethodPost, env.http.URL+"/items/"+it.Code+"/apply", mp, ctype)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/receipt/") {
		t.Fatalf("apply with the pledge: %d %q %s", resp.StatusCode, loc, body)
	}
	number := strings.TrimPrefix(loc, "/receipt/")
	p, err := env.store.Pledge(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	if p.Channel != models.ChannelOnline || p.SignedAt == nil || !p.SignedAt.Equal(clock.Now()) || p.Text != testPledgeText || p.ItemVersion != it.Version {
		t.Fatalf("the recorded pledge: %+v", p)
	}
	// The window is told how it was made: ticked online, not signed on paper.
	win := staffClient(t, env, "window1")
	if _, page, _ := fetch(t, win, http.MethodGet, env.http.URL+"/window/applications/"+number+"?lang=zh-CN", nil); !strings.Contains(page, "网上申请时勾选确认承诺") ||
		strings.Contains(page, "签字的承诺书（") {
		t.Errorf("the window page does not say the pledge was ticked online")
	}
	// Without the tick the proof is required again, and nothing is filed.
	v = applyFields(t, it.Code, citizenID, "tok-plain")
	mp, ctype = formBody(t, v, files, tinyPDF)
	resp, body = send(t, cl, http.MethodPost, env.http.URL+"/items/"+it.Code+"/apply", mp, ctype)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-file_`+it.Materials[1].Key+`"`) {
		t.Errorf("without the pledge the missing proof: %d", resp.StatusCode)
	}
}
