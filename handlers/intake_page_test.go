package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"onewindow/models"
	"onewindow/workflow"
)

// intakeDecisionForm opens the one intake page of an item by typing its full
// code into the search box and returns it filled in for a walk-in who handed
// in every material (all false: the first material only).
func intakeDecisionForm(t *testing.T, env *demoEnv, client *http.Client, it *models.Item, all bool) url.Values {
	t.Helper()
	status, body, _ := fetch(t, client, http.MethodGet, env.http.URL+"/window/intake?q="+url.QueryEscape(it.Code), nil)
	if status != http.StatusOK || !strings.Contains(body, `id="intake-form"`) || !strings.Contains(body, `id="item-code">`+it.Code+`<`) {
		t.Fatalf("GET /window/intake?q=<full code> = %d without the item chosen", status)
	}
	if strings.Count(body, `id="intake-materials"`) != 1 || strings.Count(body, `name="m_`+it.Materials[0].Key+`_provided"`) != 1 {
		t.Error("the checklist is not shown exactly once")
	}
	m := formTokenInput.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the intake page has no form token")
	}
	v := pageAnswers(t, it.Code, "person", "王窗口", walkInID)
	for name, val := range map[string]string{"csrf_token": csrfToken(t, client, env), "form_token": m[1], "item_code": it.Code,
		"kind": "person", "id_number": walkInID, "name": "王窗口", "phone": "13800000000", "address": "集宁区新华街 2 号"} {
		v.Set(name, val)
	}
	for i, mat := range it.Materials {
		if all || i == 0 {
			v.Set("m_"+mat.Key+"_provided", "1")
		}
	}
	return v
}

var intakeFiledLocation = regexp.MustCompile(`^/window/intake/filed/([0-9]{14})\?filed=`)

// One submission files and accepts a walk-in whose materials are complete,
// and the answer leads to the 受理通知书 and the query code.
func TestIntakeFilesAndAcceptsInOneSubmission(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "window1")
	it := windowItem(t, env, false)
	form := intakeDecisionForm(t, env, client, it, true)
	form.Set("decision", "accept")
	status, body, resp := fetch(t, client, http.MethodPost, env.http.URL+"/window/intake", form)
	m := intakeFiledLocation.FindStringSubmatch(resp.Header.Get("Location"))
	if status != http.StatusSeeOther || m == nil {
		t.Fatalf("decide = %d %q; %.600s", status, resp.Header.Get("Location"), body)
	}
	app := application(t, env, m[1])
	if app.State != workflow.Accepted || app.Channel != models.ChannelWindow || len(app.Events) != 2 {
		t.Fatalf("after one submission: state %s channel %s, %d events", app.State, app.Channel, len(app.Events))
	}
	// A double click files and decides nothing more.
	status, _, resp = fetch(t, client, http.MethodPost, env.http.URL+"/window/intake", form)
	if status != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/window/intake/filed/"+app.Number) {
		t.Errorf("second submit = %d %q", status, resp.Header.Get("Location"))
	}
	if apps, _ := env.store.ApplicationsOf(context.Background(), walkInID, 10); len(apps) != 1 || len(application(t, env, app.Number).Events) != 2 {
		t.Errorf("a double submit filed or decided again")
	}
	status, body, _ = fetch(t, client, http.MethodGet, env.http.URL+resp.Header.Get("Location"), nil)
	if status != http.StatusOK || !queryCodeOnPage.MatchString(body) || !strings.Contains(body, `id="notice-acceptance"`) || !strings.Contains(body, "打印受理通知书") {
		t.Fatalf("filed page = %d, want the query code and the acceptance notice; %.400s", status, body)
	}
	status, body, _ = fetch(t, client, http.MethodGet, env.http.URL+"/window/applications/"+app.Number+"/notice/acceptance", nil)
	if status != http.StatusOK || !strings.Contains(body, "受理通知书") {
		t.Errorf("acceptance notice = %d", status)
	}
}

// Each decision answers with its notice: 一次性告知 lists the unticked
// materials, 容缺受理 leaves the 容缺后补 one pending, 不予受理 keeps the reason.
func TestIntakeDecisionsAnswerWithTheirNotice(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "window1")
	it := windowItem(t, env, false)
	deferred := deferredMaterial(it)
	cases := []struct {
		decision, notice string
		state            workflow.State
		set              func(url.Values)
	}{
		{"request_supplement", "supplement", workflow.SupplementRequired, func(v url.Values) {}},
		{"reject", "refusal", workflow.NotAccepted, func(v url.Values) { v.Set("reason", "不属于本中心受理范围") }},
		{"accept_pending", "pending", workflow.Accepted, func(v url.Values) {
			for _, mat := range it.Materials {
				if mat.Necessity != models.NecessityDeferred {
					v.Set("m_"+mat.Key+"_provided", "1")
				}
			}
			v.Del("m_" + deferred.Key + "_provided")
		}},
	}
	for i, tc := range cases {
		form := intakeDecisionForm(t, env, client, it, false)
		form.Set("id_number", []string{walkInID, "110105194912310038", "110105194912310046"}[i])
		form.Set("decision", tc.decision)
		tc.set(form)
		status, body, resp := fetch(t, client, http.MethodPost, env.http.URL+"/window/intake", form)
		m := intakeFiledLocation.FindStringSubmatch(resp.Header.Get("Location"))
		if status != http.StatusSeeOther || m == nil {
			t.Errorf("%s = %d; %.600s", tc.decision, status, body)
			continue
		}
		app := application(t, env, m[1])
		if app.State != tc.state {
			t.Errorf("%s: state %s, want %s", tc.decision, app.State, tc.state)
		}
		_, page, _ := fetch(t, client, http.MethodGet, env.http.URL+resp.Header.Get("Location"), nil)
		if !strings.Contains(page, `id="notice-`+tc.notice+`"`) {
			t.Errorf("%s: the filed page has no %s notice", tc.decision, tc.notice)
		}
		status, doc, _ := fetch(t, client, http.MethodGet, env.http.URL+"/window/applications/"+app.Number+"/notice/"+tc.notice, nil)
		if status != http.StatusOK {
			t.Errorf("%s notice = %d", tc.notice, status)
		}
		switch tc.decision {
		case "request_supplement":
			if !strings.Contains(doc, it.Materials[1].Name) && !strings.Contains(doc, deferred.Name) {
				t.Errorf("the one-time notice does not list the missing materials")
			}
		case "reject":
			if !strings.Contains(doc, "不属于本中心受理范围") {
				t.Errorf("the refusal notice lacks the reason")
			}
		case "accept_pending":
			if len(app.PendingMaterials()) != 1 || app.PendingMaterials()[0].MaterialKey != deferred.Key {
				t.Errorf("pending materials %+v, want %s", app.PendingMaterials(), deferred.Key)
			}
		}
	}
}

// A decision the checklist does not allow, or 不予受理 without a reason, is
// refused on the page in its language, naming the field or material, and
// files nothing.
func TestIntakeRefusesADecisionTheMaterialsDoNotAllow(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "window1")
	it := windowItem(t, env, false)
	var missing *models.Material
	for i, mat := range it.Materials[1:] {
		if mat.Necessity == models.NecessityRequired {
			missing = &it.Materials[i+1]
		}
	}
	cases := []struct {
		name, lang, decision string
		want                 []string
	}{
		{"accept, zh", "zh-CN", "accept", []string{`id="material-errors"`, "未登记", "必要材料未收取"}},
		{"accept, en", "en", "accept", []string{`id="material-errors"`, "Nothing was registered", "a required material was not received"}},
		{"reject without reason", "zh-CN", "reject", []string{`id="err-reason"`, "不予受理须写明理由"}},
		{"no decision, en", "en", "", []string{`id="err-decision"`, "Choose a decision."}},
	}
	for _, tc := range cases {
		form := intakeDecisionForm(t, env, client, it, false)
		form.Set("decision", tc.decision)
		status, b, _ := fetch(t, client, http.MethodPost, env.http.URL+"/window/intake?lang="+tc.lang, form)
		if status != http.StatusUnprocessableEntity {
			t.Errorf("%s = %d, want 422", tc.name, status)
		}
		for _, w := range tc.want {
			if !strings.Contains(b, w) {
				t.Errorf("%s: the page lacks %q", tc.name, w)
			}
		}
		if missing != nil && tc.decision == "accept" && !strings.Contains(b, missing.Name) {
			t.Errorf("%s: the refusal does not name %s", tc.name, missing.Name)
		}
		if tc.lang == "en" && strings.Contains(b, "refused for materials") {
			t.Errorf("%s: the API's English message is shown", tc.name)
		}
		if !strings.Contains(b, `value="王窗口"`) {
			t.Errorf("%s: the clerk's input is lost", tc.name)
		}
	}
	if apps, _ := env.store.ApplicationsOf(context.Background(), walkInID, 10); len(apps) != 0 {
		t.Fatalf("refused decisions filed %d applications", len(apps))
	}
}

// Without the script the 查询 button still looks the applicant up (a reload).
func TestIntakeLooksUpWithoutTheScript(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "window1")
	it := windowItem(t, env, false)
	form := intakeDecisionForm(t, env, client, it, true)
	form.Set("decision", "accept")
	if status, _, _ := fetch(t, client, http.MethodPost, env.http.URL+"/window/intake", form); status != http.StatusSeeOther {
		t.Fatalf("first filing = %d", status)
	}
	form = intakeDecisionForm(t, env, client, it, false)
	form.Set("op", "lookup")
	form.Set("name", "")
	status, body, _ := fetch(t, client, http.MethodPost, env.http.URL+"/window/intake", form)
	if status != http.StatusOK || !strings.Contains(body, `id="lookup-found"`) || !strings.Contains(body, `value="王窗口"`) || !strings.Contains(body, `id="earlier"`) {
		t.Fatalf("lookup without the script = %d", status)
	}
}

// The window's pre-review of an online filing shows what the applicant
// wrote: the form's answers in words, their own text among them, beside the
// acceptance checklist.
func TestWindowPreReviewShowsTheOnlineApplicantsText(t *testing.T) {
	env := newStaffEnv(t)
	it := windowItem(t, env, false)
	body := applyBody(it.Code, walkInID)
	var answers map[string]any
	if err := json.Unmarshal(body["form"].(json.RawMessage), &answers); err != nil {
		t.Fatal(err)
	}
	const own = "我单位近三年能耗逐年下降，申请认定为示范单位。"
	answers["request"] = own
	body["form"] = answers
	status, b := call(t, env, http.MethodPost, "/api/v1/applications", "", body)
	if status != http.StatusCreated {
		t.Fatalf("file online: %d %s", status, b)
	}
	var f filedAnswer
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	clerk := staffClient(t, env, "window1")
	_, desk, _ := fetch(t, clerk, http.MethodGet, env.http.URL+"/window", nil)
	if !strings.Contains(desk, "/window/applications/"+f.Number) {
		t.Fatalf("the online filing %s is not in the window's pre-review queue", f.Number)
	}
	for _, lang := range []string{"zh-CN", "en"} {
		status, page, _ := fetch(t, clerk, http.MethodGet, env.http.URL+"/window/applications/"+f.Number+"?lang="+lang, nil)
		if status != http.StatusOK || !strings.Contains(page, `id="form-accept"`) {
			t.Fatalf("%s: pre-review page = %d without the acceptance checklist", lang, status)
		}
		section := answersSection(t, page)
		if !strings.Contains(section, own) || !strings.Contains(section, "集宁区示例商贸有限公司") {
			t.Errorf("%s: the pre-review does not show the applicant's own text and answers: %.600s", lang, section)
		}
	}
}

// The intake pages in English hold no Chinese outside data.
func TestIntakePagesInEnglishHoldNoChineseOutsideData(t *testing.T) {
	env := newStaffEnv(t)
	it := windowItem(t, env, false)
	client := staffClient(t, env, "window1")
	form := intakeDecisionForm(t, env, client, it, true)
	form.Set("decision", "accept")
	status, _, resp := fetch(t, client, http.MethodPost, env.http.URL+"/window/intake", form)
	if status != http.StatusSeeOther {
		t.Fatalf("decide = %d", status)
	}
	for _, path := range []string{"/window/intake?lang=en", "/window/intake?lang=en&q=" + url.QueryEscape(it.Name),
		"/window/intake?lang=en&item=" + it.Code, resp.Header.Get("Location") + "&lang=en"} {
		status, body, _ := fetch(t, client, http.MethodGet, env.http.URL+path, nil)
		if status != http.StatusOK {
			t.Errorf("GET %s = %d", path, status)
			continue
		}
		found, err := chineseOutsideData(body)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range found {
			t.Errorf("English %s shows Chinese outside data: %s", path, s)
		}
	}
}
