package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/workflow"
)

const walkInID = "11010519491231002X"

// windowItem finds a retained, single-department item filed on application,
// on the spot or not, with at least two materials.
func windowItem(t *testing.T, env *demoEnv, immediate bool) *models.Item {
	t.Helper()
	for page := 1; page <= 40; page++ {
		var l struct {
			Items []struct {
				Code      string `json:"code"`
				Joint     bool   `json:"joint"`
				Immediate bool   `json:"immediate"`
			} `json:"items"`
		}
		getJSONFrom(t, env, "/api/v1/items?on_application=true&page_size=100&page="+strconv.Itoa(page), &l)
		if len(l.Items) == 0 {
			break
		}
		for _, e := range l.Items {
			if e.Joint || e.Immediate != immediate {
				continue
			}
			it, err := env.store.Item(context.Background(), e.Code)
			if err != nil {
				t.Fatal(err)
			}
			var g guide
			getJSONFrom(t, env, "/api/v1/items/"+e.Code, &g)
			if len(it.Materials) >= 2 && g.Open && (immediate || deferredMaterial(it) != nil) {
				return it
			}
		}
	}
	t.Fatalf("no demo item with immediate=%v and two materials", immediate)
	return nil
}

// deferredMaterial is the item's 容缺后补 material, or nil.
func deferredMaterial(it *models.Item) *models.Material {
	for i, m := range it.Materials {
		if m.Necessity == models.NecessityDeferred {
			return &it.Materials[i]
		}
	}
	return nil
}

var formTokenInput = regexp.MustCompile(`name="form_token" value="([^"]+)"`)

// intakeForm opens the intake form of an item and returns it filled in for a
// walk-in who handed in the first material only.
func intakeForm(t *testing.T, env *demoEnv, client *http.Client, it *models.Item) url.Values {
	t.Helper()
	status, body, _ := fetch(t, client, http.MethodGet, env.http.URL+"/window/new?item="+url.QueryEscape(it.Code), nil)
	if status != http.StatusOK || !strings.Contains(body, `id="intake-form"`) || !strings.Contains(body, it.Name) {
		t.Fatalf("GET /window/new?item= = %d", status)
	}
	m := formTokenInput.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the intake form has no form token")
	}
	k := "m_" + it.Materials[0].Key + "_"
	v := pageAnswers(t, it.Code, "person", "王窗口", walkInID) // the item's form, as the clerk fills it in
	for name, val := range map[string]string{"csrf_token": csrfToken(t, client, env), "form_token": m[1], "item_code": it.Code,
		"kind": "person", "id_number": walkInID, "name": "王窗口", "phone": "13800000000", "address": "集宁区新华街 2 号",
		k + "provided": "1", k + "kind": "original", k + "copies": "2", "op": "register"} {
		v.Set(name, val)
	}
	return v
}

var filedLocation = regexp.MustCompile(`^/window/applications/([0-9]{14})\?filed=`)

// registerWalkIn files a walk-in through the form and returns its number.
func registerWalkIn(t *testing.T, env *demoEnv, client *http.Client, it *models.Item) string {
	t.Helper()
	status, body, resp := fetch(t, client, http.MethodPost, env.http.URL+"/window/new", intakeForm(t, env, client, it))
	m := filedLocation.FindStringSubmatch(resp.Header.Get("Location"))
	if status != http.StatusSeeOther || m == nil {
		t.Fatalf("register = %d %s; %.400s", status, resp.Header.Get("Location"), body)
	}
	return m[1]
}

func application(t *testing.T, env *demoEnv, number string) *models.Application {
	t.Helper()
	app, err := env.store.Application(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// act posts a form of the processing page.
func windowAct(t *testing.T, env *demoEnv, client *http.Client, number, action string, version int, fields url.Values) (int, string) {
	t.Helper()
	v := url.Values{"csrf_token": {csrfToken(t, client, env)}, "action": {action}, "version": {strconv.Itoa(version)}}
	for k, vals := range fields {
		v[k] = vals
	}
	status, body, _ := fetch(t, client, http.MethodPost, env.http.URL+"/window/applications/"+number, v)
	return status, body
}

var queryCodeOnPage = regexp.MustCompile(`id="query-code">([A-Z0-9]{8})<`)

func TestWindowRegistersAWalkInOnce(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "window1")
	it := windowItem(t, env, false)
	form := intakeForm(t, env, client, it)
	status, _, resp := fetch(t, client, http.MethodPost, env.http.URL+"/window/new", form)
	first := resp.Header.Get("Location")
	m := filedLocation.FindStringSubmatch(first)
	if status != http.StatusSeeOther || m == nil {
		t.Fatalf("register = %d %q", status, first)
	}
	number := m[1]
	app := application(t, env, number)
	if app.Channel != models.ChannelWindow || app.State != workflow.Submitted || app.CreatedBy != "window1" {
		t.Errorf("filed as channel %q state %q by %q", app.Channel, app.State, app.CreatedBy)
	}
	if len(app.Events) != 1 || app.Events[0].Action != workflow.Register {
		t.Errorf("events %+v, want one register", app.Events)
	}
	for _, mat := range app.Materials {
		first := mat.MaterialKey == it.Materials[0].Key
		if mat.Provided != first || (first && (mat.Kind != "original" || mat.Copies != 2)) {
			t.Errorf("checklist line %s = provided %v kind %q copies %d", mat.MaterialKey, mat.Provided, mat.Kind, mat.Copies)
		}
	}
	// The same form again (a double click) files nothing new.
	status, _, resp = fetch(t, client, http.MethodPost, env.http.URL+"/window/new", form)
	if status != http.StatusSeeOther || resp.Header.Get("Location") != first {
		t.Errorf("second submit = %d %q, want %q", status, resp.Header.Get("Location"), first)
	}
	apps, _ := env.store.ApplicationsOf(context.Background(), walkInID, 10)
	if len(apps) != 1 {
		t.Fatalf("%d applications after a double submit, want 1", len(apps))
	}
	// The page after the redirect shows the query code once, and it works.
	status, body, _ := fetch(t, client, http.MethodGet, env.http.URL+first, nil)
	code := queryCodeOnPage.FindStringSubmatch(body)
	if status != http.StatusOK || code == nil {
		t.Fatalf("registration page = %d without the query code", status)
	}
	if s, _ := call(t, env, "GET", "/api/v1/status/"+number+"?code="+code[1], "", nil); s != 200 {
		t.Errorf("status with the shown query code = %d", s)
	}
	status, body, _ = fetch(t, client, http.MethodGet, env.http.URL+"/window/applications/"+number+"/notice/receipt?filed="+url.QueryEscape(form.Get("form_token")), nil)
	if status != http.StatusOK || !strings.Contains(body, code[1]) || !strings.Contains(body, it.Materials[0].Name) || !strings.Contains(body, "收件凭证") {
		t.Errorf("receipt = %d, want the code and the received material", status)
	}
	// Looking the applicant up again fills the name and lists the application (一号申请).
	status, body, _ = fetch(t, client, http.MethodGet, env.http.URL+"/window/new?item="+it.Code+"&id_number="+walkInID, nil)
	if status != http.StatusOK || !strings.Contains(body, `value="王窗口"`) || !strings.Contains(body, number) {
		t.Errorf("lookup = %d, want the stored name and the earlier application", status)
	}
}

func TestWindowRefusesABadCreditCodeAndFilesNothing(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "window1")
	it := windowItem(t, env, false)
	form := intakeForm(t, env, client, it)
	form.Set("kind", "organisation")
	form.Set("id_number", "91350100M000100Y44") // the check character should be 3
	form.Set("name", "集宁测试有限公司")
	status, body, _ := fetch(t, client, http.MethodPost, env.http.URL+"/window/new", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-id_number"`) || !strings.Contains(body, "统一社会信用代码校验位检查未通过") {
		t.Fatalf("bad credit code = %d; want 422 naming the checksum", status)
	}
	if !strings.Contains(body, `value="集宁测试有限公司"`) {
		t.Error("the form lost the clerk's input")
	}
	apps, err := env.store.ApplicationsInStates(context.Background(), []workflow.State{workflow.Submitted}, 10, 0)
	if err != nil || len(apps) != 0 {
		t.Fatalf("filed %d applications (%v), want none", len(apps), err)
	}
}

func TestWindowDecisionsThroughTheForms(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "window1")
	it := windowItem(t, env, false)
	second := it.Materials[1]

	t.Run("accept prints the acceptance notice with the promised deadline", func(t *testing.T) {
		n := registerWalkIn(t, env, client, it)
		app := application(t, env, n)
		// The page's text box holds the 容缺 pledge; a plain acceptance must not record it.
		fields := url.Values{"comment": {"申请人承诺在期限内补齐容缺材料，逾期未补齐的，同意终止办理。"}}
		for _, m := range it.Materials {
			fields.Set("m_"+m.Key+"_provided", "1")
		}
		if status, body := windowAct(t, env, client, n, "accept", app.Version, fields); status != http.StatusSeeOther {
			t.Fatalf("accept = %d %.300s", status, body)
		}
		app = application(t, env, n)
		if app.State != workflow.Accepted || app.PromisedDeadline == "" {
			t.Fatalf("after accept: %s, deadline %q", app.State, app.PromisedDeadline)
		}
		for _, e := range app.Events {
			if strings.Contains(e.Comment, "承诺") {
				t.Errorf("the plain acceptance recorded the 容缺 pledge: %q", e.Comment)
			}
		}
		status, body, _ := fetch(t, client, http.MethodGet, env.http.URL+"/window/applications/"+n+"/notice/acceptance", nil)
		if status != http.StatusOK || !strings.Contains(body, "受理通知书") || !strings.Contains(body, app.PromisedDeadline) ||
			!strings.Contains(body, app.StatutoryDeadline) || !strings.Contains(body, n) {
			t.Fatalf("acceptance notice = %d, want number and deadlines %s / %s", status, app.PromisedDeadline, app.StatutoryDeadline)
		}
		if strings.Contains(body, "查询码：") {
			t.Error("the acceptance notice shows the query code")
		}
		if status, _, _ := fetch(t, client, http.MethodGet, env.http.URL+"/window/applications/"+n+"/notice/refusal", nil); status != http.StatusNotFound {
			t.Errorf("refusal notice of an accepted application = %d, want 404", status)
		}
	})

	t.Run("reject without a reason is a field error and changes nothing", func(t *testing.T) {
		n := registerWalkIn(t, env, client, it)
		app := application(t, env, n)
		status, body := windowAct(t, env, client, n, "reject", app.Version, url.Values{"reason": {"  "}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-reject-reason"`) {
			t.Fatalf("reject without reason = %d", status)
		}
		if after := application(t, env, n); after.State != workflow.Submitted || after.Version != app.Version {
			t.Fatalf("after a refused reject: %s v%d", after.State, after.Version)
		}
		status, _ = windowAct(t, env, client, n, "reject", app.Version, url.Values{"reason": {"不属于本区管辖"}})
		if status != http.StatusSeeOther {
			t.Fatalf("reject = %d", status)
		}
		status, body, _ = fetch(t, client, http.MethodGet, env.http.URL+"/window/applications/"+n+"/notice/refusal", nil)
		if status != http.StatusOK || !strings.Contains(body, "不属于本区管辖") || !strings.Contains(body, "行政复议") {
			t.Errorf("refusal notice = %d, want the reason and the remedies", status)
		}
	})

	t.Run("request_supplement lists every missing material on the one-time notice", func(t *testing.T) {
		n := registerWalkIn(t, env, client, it)
		app := application(t, env, n)
		fields := url.Values{"missing": {second.Name}, "missing_other": {"营业执照复印件须加盖公章"}}
		if status, body := windowAct(t, env, client, n, "request_supplement", app.Version, fields); status != http.StatusSeeOther {
			t.Fatalf("request_supplement = %d %.300s", status, body)
		}
		if after := application(t, env, n); after.State != workflow.SupplementRequired {
			t.Fatalf("state %s", after.State)
		}
		status, body, _ := fetch(t, client, http.MethodGet, env.http.URL+"/window/applications/"+n+"/notice/supplement", nil)
		if status != http.StatusOK || !strings.Contains(body, "一次性告知书") || !strings.Contains(body, "<li>"+second.Name+"</li>") ||
			!strings.Contains(body, "<li>营业执照复印件须加盖公章</li>") || !strings.Contains(body, "五日内") {
			t.Fatalf("one-time notice = %d, want both missing lines and the five-day rule", status)
		}
	})

	t.Run("accept_pending with a due date", func(t *testing.T) {
		n := registerWalkIn(t, env, client, it)
		app := application(t, env, n)
		second := *deferredMaterial(it)
		fields := url.Values{"pending": {second.Key}, "comment": {"申请人承诺十日内补齐"}}
		for _, m := range it.Materials {
			if m.Key != second.Key {
				fields.Set("m_"+m.Key+"_provided", "1")
			}
		}
		// A due date beyond the item's 容缺 period brings the form back.
		late := url.Values{"due": {time.Now().AddDate(0, 2, 0).Format(time.DateOnly)}}
		for k, v := range fields {
			late[k] = v
		}
		if status, body := windowAct(t, env, client, n, "accept_pending", app.Version, late); status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-due"`) {
			t.Fatalf("accept_pending with a due date too late = %d", status)
		}
		// Without one, the due date is the period's last working day.
		if status, body := windowAct(t, env, client, n, "accept_pending", app.Version, fields); status != http.StatusSeeOther {
			t.Fatalf("accept_pending = %d %.300s", status, body)
		}
		app = application(t, env, n)
		due := app.PendingDue
		if app.State != workflow.Accepted || due <= time.Now().Format(time.DateOnly) {
			t.Fatalf("after accept_pending: %s due %q", app.State, due)
		}
		for _, m := range app.Materials {
			if m.Pending != (m.MaterialKey == second.Key) {
				t.Errorf("material %s pending = %v", m.MaterialKey, m.Pending)
			}
		}
		status, body, _ := fetch(t, client, http.MethodGet, env.http.URL+"/window/applications/"+n+"/notice/pending", nil)
		if status != http.StatusOK || !strings.Contains(body, due) || !strings.Contains(body, second.Name) || !strings.Contains(body, "申请人承诺十日内补齐") {
			t.Errorf("pending notice = %d, want the material, the date and the commitment", status)
		}
		// The applicant's pledge prints for signing, with the materials and the day they are due.
		status, body, _ = fetch(t, client, http.MethodGet, env.http.URL+"/window/applications/"+n+"/notice/pledge", nil)
		if status != http.StatusOK || !strings.Contains(body, "容缺受理承诺书") || !strings.Contains(body, second.Name) ||
			!strings.Contains(body, due) || !strings.Contains(body, `id="pledge-sign"`) || !strings.Contains(body, "申请人承诺十日内补齐") {
			t.Errorf("pledge = %d, want the materials, the due date, the pledge and a place to sign", status)
		}
	})

	t.Run("a stale version gets 409 and changes nothing", func(t *testing.T) {
		n := registerWalkIn(t, env, client, it)
		app := application(t, env, n)
		stale := app.Version
		if status, _ := windowAct(t, env, client, n, "request_supplement", stale, url.Values{"missing": {second.Name}}); status != http.StatusSeeOther {
			t.Fatalf("request_supplement = %d", status)
		}
		before := application(t, env, n)
		status, body := windowAct(t, env, client, n, "reject", stale, url.Values{"reason": {"重复申请"}})
		if status != http.StatusConflict || !strings.Contains(body, "已被他人处理，请刷新") {
			t.Fatalf("stale reject = %d", status)
		}
		after := application(t, env, n)
		if after.State != before.State || after.Version != before.Version || len(after.Events) != len(before.Events) {
			t.Fatalf("the stale form changed the application: %s v%d", after.State, after.Version)
		}
	})
}

func TestWindowDecidesAndIssuesAnImmediateItemInOneVisit(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "window1")
	it := windowItem(t, env, true)
	n := registerWalkIn(t, env, client, it)
	fields := url.Values{}
	for _, m := range it.Materials {
		fields.Set("m_"+m.Key+"_provided", "1")
	}
	steps := []struct {
		action string
		fields url.Values
		form   string // the form the page shows next
		state  workflow.State
	}{
		{"accept", fields, `id="form-approve"`, workflow.Accepted},
		{"approve", url.Values{"comment": {"当场审核通过"}}, `id="form-issue"`, workflow.Approved},
		{"issue", url.Values{"result_number": {"JN-2026-0001"}, "delivery": {"window"}}, "", workflow.Completed},
	}
	for _, st := range steps {
		app := application(t, env, n)
		if status, body := windowAct(t, env, client, n, st.action, app.Version, st.fields); status != http.StatusSeeOther {
			t.Fatalf("%s = %d %.300s", st.action, status, body)
		}
		if app = application(t, env, n); app.State != st.state {
			t.Fatalf("after %s: %s, want %s", st.action, app.State, st.state)
		}
		_, body, _ := fetch(t, client, http.MethodGet, env.http.URL+"/window/applications/"+n+"?done="+st.action, nil)
		if st.form != "" && !strings.Contains(body, st.form) {
			t.Errorf("after %s the page lacks %s", st.action, st.form)
		}
	}
	app := application(t, env, n)
	if app.ResultNumber != "JN-2026-0001" || app.Delivery != "window" || models.CentreDay(app.Events[0].At) != models.CentreDay(app.Events[len(app.Events)-1].At) {
		t.Errorf("issued %q by %q; first and last event on different days", app.ResultNumber, app.Delivery)
	}
}

func TestWindowIsForClerksOnly(t *testing.T) {
	env := newStaffEnv(t)
	it := windowItem(t, env, false)
	n := registerWalkIn(t, env, staffClient(t, env, "window1"), it)
	client := staffClient(t, env, "scj.review")
	for _, path := range []string{"/window", "/window/new", "/window/new?item=" + it.Code, "/window/applications/" + n, "/window/applications/" + n + "/notice/receipt"} {
		if status, _, _ := fetch(t, client, http.MethodGet, env.http.URL+path, nil); status != http.StatusForbidden {
			t.Errorf("scj.review GET %s = %d, want 403", path, status)
		}
	}
	app := application(t, env, n)
	if status, _ := windowAct(t, env, client, n, "accept", app.Version, nil); status != http.StatusForbidden {
		t.Errorf("scj.review accept = %d, want 403", status)
	}
	form := url.Values{"csrf_token": {csrfToken(t, client, env)}, "item_code": {it.Code}, "kind": {"person"},
		"id_number": {"440524188001010014"}, "name": {"李四"}, "op": {"register"}}
	if status, _, _ := fetch(t, client, http.MethodPost, env.http.URL+"/window/new", form); status != http.StatusForbidden {
		t.Errorf("scj.review register = %d, want 403", status)
	}
	if after := application(t, env, n); after.Version != app.Version {
		t.Error("a forbidden form changed the application")
	}
	if apps, _ := env.store.ApplicationsOf(context.Background(), "440524188001010014", 5); len(apps) != 0 {
		t.Error("a forbidden registration filed an application")
	}
	anon := staffClientless()
	resp, err := anon.Get(env.http.URL + "/window")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("anonymous /window = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// staffClientless is a client without a session that does not follow redirects.
func staffClientless() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func TestWindowPreReviewQueueShowsOnlineSubmissions(t *testing.T) {
	env := newStaffEnv(t)
	it := windowItem(t, env, false)
	status, body := call(t, env, "POST", "/api/v1/applications", "", map[string]any{"item_code": it.Code,
		"applicant": map[string]string{"kind": "person", "name": "网上申请人", "id_number": "321083197812162119"},
		"form":      apiAnswers(t, it.Code, "person", "网上申请人", "321083197812162119")})
	if status != http.StatusCreated {
		t.Fatalf("online filing = %d %s", status, body)
	}
	var filed struct{ Number string }
	json.Unmarshal(body, &filed)
	client := staffClient(t, env, "window1")
	status, page, _ := fetch(t, client, http.MethodGet, env.http.URL+"/window", nil)
	if status != http.StatusOK {
		t.Fatalf("/window = %d", status)
	}
	queue := page[strings.Index(page, `id="prereview"`):]
	if !strings.Contains(queue, filed.Number) || !strings.Contains(queue, "网上申请人") {
		t.Fatalf("the pre-review queue lacks the online application %s", filed.Number)
	}
	// Finding it by the applicant's ID number lists it too.
	status, page, _ = fetch(t, client, http.MethodGet, env.http.URL+"/window?find=321083197812162119", nil)
	if status != http.StatusOK || !strings.Contains(page, `id="found"`) || !strings.Contains(page, filed.Number) {
		t.Errorf("find by ID number = %d", status)
	}
	// And by its number it opens the processing page.
	status, _, resp := fetch(t, client, http.MethodGet, env.http.URL+"/window?find="+filed.Number, nil)
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/window/applications/"+filed.Number {
		t.Errorf("find by number = %d %s", status, resp.Header.Get("Location"))
	}
}

func TestWindowReceivesScansAndASupplementAtTheWindow(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "window1")
	it := windowItem(t, env, false)
	form := intakeForm(t, env, client, it)
	_, _, resp := fetch(t, client, http.MethodPost, env.http.URL+"/window/new", form)
	_, page, _ := fetch(t, client, http.MethodGet, env.http.URL+resp.Header.Get("Location"), nil)
	code := queryCodeOnPage.FindStringSubmatch(page)
	number := filedLocation.FindStringSubmatch(resp.Header.Get("Location"))
	if code == nil || number == nil {
		t.Fatal("no number or query code after registering")
	}
	n, second := number[1], it.Materials[1]
	upload := func(name string, content []byte) (int, string) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		w.WriteField("csrf_token", csrfToken(t, client, env))
		w.WriteField("material", second.Key)
		fw, _ := w.CreateFormFile("file", name)
		fw.Write(content)
		w.Close()
		req, _ := http.NewRequest(http.MethodPost, env.http.URL+"/window/applications/"+n+"/files", &buf)
		req.Header.Set("Content-Type", w.FormDataContentType())
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := upload("scan.png", []byte("MZ this is not an image")); status != http.StatusUnsupportedMediaType || !strings.Contains(body, `id="err-file"`) {
		t.Fatalf("a non-image scan = %d, want 415 with a field message", status)
	}
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)
	if status, _ := upload("营业执照.png", png); status != http.StatusSeeOther {
		t.Fatalf("upload = %d", status)
	}
	app := application(t, env, n)
	if len(app.Files) != 1 || app.Files[0].MaterialKey != second.Key || app.Files[0].ContentType != "image/png" {
		t.Fatalf("files %+v", app.Files)
	}
	_, page, _ = fetch(t, client, http.MethodGet, env.http.URL+"/window/applications/"+n, nil)
	if !strings.Contains(page, "/api/v1/applications/"+n+"/files/") {
		t.Error("the processing page has no link to the scan")
	}
	if s, _ := windowAct(t, env, client, n, "request_supplement", app.Version, url.Values{"missing": {second.Name}}); s != http.StatusSeeOther {
		t.Fatalf("request_supplement = %d", s)
	}
	app = application(t, env, n)
	if s, body := windowAct(t, env, client, n, "supplement", app.Version, url.Values{"code": {"WRONGCDE"}}); s != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-code"`) {
		t.Fatalf("supplement with a wrong code = %d", s)
	}
	if s, body := windowAct(t, env, client, n, "supplement", app.Version, url.Values{"code": {strings.ToLower(code[1])}}); s != http.StatusSeeOther {
		t.Fatalf("supplement with the code = %d %.300s", s, body)
	}
	if app = application(t, env, n); app.State != workflow.Submitted {
		t.Fatalf("after the supplement: %s", app.State)
	}
}

// TestWindowOffersPendingAcceptanceOnlyForDeferredMaterials walks the
// checklist a clerk sees: 容缺 is offered on the 容缺后补 material alone,
// and not at all on an item that has none.
func TestWindowOffersPendingAcceptanceOnlyForDeferredMaterials(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "window1")
	it := windowItem(t, env, false)
	deferred := deferredMaterial(it)
	n := registerWalkIn(t, env, client, it)
	_, page, _ := fetch(t, client, http.MethodGet, env.http.URL+"/window/applications/"+n, nil)
	if !strings.Contains(page, `id="do-accept_pending"`) || !strings.Contains(page, `id="pending_`+deferred.Key+`"`) {
		t.Fatal("容缺 is not offered on the 容缺后补 material")
	}
	for _, m := range it.Materials {
		if m.Necessity != models.NecessityDeferred && strings.Contains(page, `id="pending_`+m.Key+`"`) {
			t.Errorf("容缺 is offered on %s, a %s material", m.Name, m.Necessity)
		}
	}

	plain, err := env.store.Item(context.Background(), "150902010020000003000")
	if err != nil {
		t.Fatal(err)
	}
	if deferredMaterial(plain) != nil {
		t.Fatal("the demo item now has a 容缺后补 material; pick another")
	}
	n = registerWalkIn(t, env, client, plain)
	_, page, _ = fetch(t, client, http.MethodGet, env.http.URL+"/window/applications/"+n, nil)
	if !strings.Contains(page, `id="do-accept"`) || strings.Contains(page, `id="do-accept_pending"`) || strings.Contains(page, `name="pending"`) {
		t.Error("an item without a 容缺后补 material offers 容缺受理 at the window")
	}
}
