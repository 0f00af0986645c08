package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/workflow"
)

// What a walk through the application form pages found (issue 15): each
// test asserts what the applicant, the clerk or the reviewer sees.

// constructionPermit is a demo item whose form has a date, an amount and an
// identity number of its own.
const constructionPermit = "建筑工程施工许可证核发"

func TestEveryPageMasksIdentityNumbersUntilAClerkShowsThemInFull(t *testing.T) {
	env := newDemoEnv(t)
	it := namedItem(t, foodLicence)
	g := guide{}
	getJSONFrom(t, env, "/api/v1/items/"+it.Code, &g)
	cl := browserClient(t)
	body, ctype := formBody(t, foodApply(t, it.Code, "tok-mask"), requiredFiles(g, "scan.pdf"), tinyPDF)
	resp, _ := send(t, cl, "POST", env.http.URL+"/items/"+it.Code+"/apply", body, ctype)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("apply: %d", resp.StatusCode)
	}
	resp, page := send(t, cl, "GET", env.http.URL+resp.Header.Get("Location"), nil, "")
	number, code := receiptNumber.FindStringSubmatch(page), receiptCode.FindStringSubmatch(page)
	if resp.StatusCode != 200 || number == nil || code == nil {
		t.Fatalf("receipt: %d", resp.StatusCode)
	}
	const repID = "150902198506121231" // the form's example 法定代表人身份证件号码
	masked := map[string]string{"统一社会信用代码": workflow.MaskID(foodOrg.code), "法定代表人身份证件号码": workflow.MaskID(repID)}
	if masked["法定代表人身份证件号码"] != "1509**********1231" {
		t.Fatalf("MaskID(%s) = %s", repID, masked["法定代表人身份证件号码"])
	}
	check := func(where, page string) {
		t.Helper()
		section := answersSection(t, page)
		wantAnswers(t, where, section, masked)
		for _, full := range []string{foodOrg.code, repID} {
			if strings.Contains(page, full) {
				t.Errorf("the %s shows %s in full", where, full)
			}
		}
	}
	check("receipt", page)
	resp, page = postForm(t, cl, env.http.URL+"/status", url.Values{"number": {number[1]}, "code": {code[1]}})
	if resp.StatusCode != 200 {
		t.Fatalf("status: %d", resp.StatusCode)
	}
	check("status page", page)

	// The window's page of the same application masks them too, until the clerk chooses to
	// see them in full (a logged view).
	clerk := staffClient(t, env, "window1")
	status, page, _ := fetch(t, clerk, http.MethodGet, env.http.URL+"/window/applications/"+number[1], nil)
	if status != http.StatusOK {
		t.Fatalf("window page: %d", status)
	}
	wantAnswers(t, "window page", answersSection(t, page), masked)
	csrf := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(page)
	if csrf == nil {
		t.Fatal("no CSRF token on the window page")
	}
	resp, page = postForm(t, clerk, env.http.URL+"/window/applications/"+number[1]+"/reveal",
		url.Values{"csrf_token": {csrf[1]}, "reason": {"核验"}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "?shown=") {
		t.Fatalf("reveal: %d to %q", resp.StatusCode, loc)
	} else {
		_, page, _ = fetch(t, clerk, http.MethodGet, env.http.URL+loc, nil)
	}
	wantAnswers(t, "window page shown in full", answersSection(t, page), map[string]string{"统一社会信用代码": foodOrg.code, "法定代表人身份证件号码": repID})
}

func TestTaskPageShowsTheSubmittedTimeInCentreTime(t *testing.T) {
	env := newStaffEnv(t)
	it := windowItem(t, env, false)
	number := registerWalkIn(t, env, staffClient(t, env, "window1"), it)
	app := application(t, env, number)
	reviewer := staffClient(t, env, it.DepartmentCode+".review")
	status, body, _ := fetch(t, reviewer, http.MethodGet, env.http.URL+"/tasks/"+number, nil)
	if status != http.StatusOK {
		t.Fatalf("task page: %d", status)
	}
	want := `<td id="submitted">` + app.SubmittedAt.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04") + `</td>`
	if !strings.Contains(body, want) || strings.Contains(body, " UTC<") {
		t.Errorf("the task page does not show %s in centre time", want)
	}
}

func TestFormMessagesSayWhatIsWrongAndKeepTheTypedDate(t *testing.T) {
	env := newDemoEnv(t)
	it := namedItem(t, constructionPermit)
	v := url.Values{"kind": {models.ApplicantOrganisation}, "name": {"集宁测试建设有限公司"}, "id_number": {"91350100M000100Y44"},
		"phone": {"13904741234"}, "form_token": {"tok-msgs"},
		"form.start_date": {"2026-02-30"}, "form.end_date": {"2026-13-01x"}, "form.contract_price": {"-5"},
		"form.legal_rep_id": {"91350100M000100Y44"}}
	body, ctype := formBody(t, v, nil, nil)
	resp, page := send(t, browserClient(t), "POST", env.http.URL+"/items/"+it.Code+"/apply", body, ctype)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("apply with bad answers: %d", resp.StatusCode)
	}
	errs := fieldErrors(page)
	for id, want := range map[string]string{
		"f-start_date":     "日期不存在，请核对",
		"f-end_date":       "请按“年-月-日”填写日期，如 2026-01-31",
		"f-contract_price": "不能小于 0",
		// The form's own identity number says what the applicant block says
		// of the same kind of number.
		"f-legal_rep_id": "统一社会信用代码校验位检查未通过：最后一位与前 17 位计算结果不符，请核对。",
	} {
		if errs[id] != want {
			t.Errorf("next to %s: %q, want %q", id, errs[id], want)
		}
	}
	if !strings.Contains(page, `<p class="field-error" id="err-id_number">统一社会信用代码校验位检查未通过：最后一位与前 17 位计算结果不符，请核对。</p>`) {
		t.Error("the applicant block words the same check differently")
	}
	// The date that does not exist is still in its field, as typed.
	if !strings.Contains(page, `name="form.start_date" type="text" value="2026-02-30"`) {
		t.Error("the refused date is not kept in its field")
	}
}

func TestWindowRegistrationErrorsSayNothingIsRegisteredYet(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "window1")
	it := windowItem(t, env, false)
	v := intakeForm(t, env, client, it)
	v.Set("id_number", "110105194912310021")
	status, body, _ := fetch(t, client, http.MethodPost, env.http.URL+"/window/new", v)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "请更正下列问题后再登记") || strings.Contains(body, "办件未作任何改动") {
		t.Errorf("a refused registration = %d; want the header asking to correct, then register", status)
	}
	if !strings.Contains(body, "居民身份证号码校验位检查未通过") {
		t.Error("the window words a bad resident ID unlike the online application")
	}
}

func TestEmailAndPhoneAnswersUseTheirInputTypes(t *testing.T) {
	env := newDemoEnv(t)
	it := openItem(t, env, func(objs []string) bool { return len(objs) == 1 && objs[0] == "person" })
	_, page := get(t, "/items/"+it.Code+"/apply")
	if !strings.Contains(page, `name="form.email" type="email"`) || !strings.Contains(page, `inputmode="email"`) {
		t.Error("the default form's e-mail is not an e-mail input")
	}
}

// blockLabel is the label of an applicant block's input, with its mark.
func blockLabel(page, id string) string {
	i := strings.Index(page, `<label for="`+id+`">`)
	if i < 0 {
		return ""
	}
	rest := page[i:]
	return rest[:strings.Index(rest, "</label>")]
}

func TestApplicantBlocksMarkWhatTheFormRequiresWithItsHelpAndRule(t *testing.T) {
	env := newStaffEnv(t)
	it := openItem(t, env, func(objs []string) bool { return len(objs) == 1 && objs[0] == "person" }) // the default form
	_, page := get(t, "/items/"+it.Code+"/apply")
	for _, id := range []string{"name", "id_number", "phone", "address"} {
		if !strings.Contains(blockLabel(page, id), `<abbr class="req"`) {
			t.Errorf("the online applicant block's %s has no *", id)
		}
	}
	for _, want := range []string{`id="address" name="address" type="text" value="" maxlength="100" autocomplete="street-address" required minlength="5" aria-describedby="address-help"`,
		`<p class="hint" id="address-help">纸质结果文书按此地址寄送</p>`, `<p class="hint" id="phone-help">办理进度和结果通过此号码通知</p>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the online applicant block lacks %s", want)
		}
	}
	v := url.Values{"kind": {models.ApplicantPerson}, "name": {"王五"}, "id_number": {walkInID}, "phone": {"13904741234"},
		"address": {"集宁区"}, "form_token": {"tok-addr"}}
	body, ctype := formBody(t, v, nil, nil)
	resp, page := send(t, browserClient(t), "POST", env.http.URL+"/items/"+it.Code+"/apply", body, ctype)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `<p class="field-error" id="err-address">内容过短：至少 5 个字</p>`) {
		t.Errorf("a short address (%d) is not refused by the form's rule", resp.StatusCode)
	}

	clerk := staffClient(t, env, "window1")
	w := windowItem(t, env, false)
	sc := itemSchema(t, w.Code)
	_, page, _ = fetch(t, clerk, http.MethodGet, env.http.URL+"/window/new?item="+w.Code, nil)
	for _, id := range []string{"kind", "id_number", "name"} {
		if !strings.Contains(blockLabel(page, id), `<abbr class="req"`) {
			t.Errorf("the window's applicant block's %s has no *", id)
		}
	}
	checked := 0
	for _, f := range sc.Fields {
		if f.Prefill == "phone" || f.Prefill == "address" {
			checked++
			marked := strings.Contains(blockLabel(page, f.Prefill), `<abbr class="req"`)
			if marked != (f.Required && f.VisibleIf == nil) {
				t.Errorf("the window's %s is marked %v; the form requires it: %v", f.Prefill, marked, f.Required)
			}
		}
	}
	if checked == 0 {
		t.Errorf("the window's item %s asks neither phone nor address in its form", w.Code)
	}
	if !strings.Contains(page, `id="phone" name="phone" type="tel"`) {
		t.Error("the window's phone is not a phone input")
	}
}

// The online application keeps the chosen files for the retry (retry_files.go);
// the window's registration asks for its scans again.
func TestRefusedFormsKeepTheOnlineFilesAndAskTheWindowToChooseAgain(t *testing.T) {
	env := newStaffEnv(t)
	it := namedItem(t, foodLicence)
	g := guide{}
	getJSONFrom(t, env, "/api/v1/items/"+it.Code, &g)
	v := foodApply(t, it.Code, "tok-files")
	v.Del("form.food_safety_manager")
	body, ctype := formBody(t, v, requiredFiles(g, "scan.pdf"), tinyPDF)
	resp, page := send(t, browserClient(t), "POST", env.http.URL+"/items/"+it.Code+"/apply", body, ctype)
	summary := page[strings.Index(page, `id="form-errors"`)+1:]
	summary = summary[:strings.Index(summary, "</div>")]
	if resp.StatusCode != http.StatusUnprocessableEntity || strings.Contains(summary, `href="#files-again"`) ||
		strings.Contains(page, `id="files-again"`) || strings.Count(page, "已保留：scan.pdf") != len(requiredFiles(g, "scan.pdf")) {
		t.Errorf("a refused application with files (%d) does not keep them for the retry", resp.StatusCode)
	}

	clerk := staffClient(t, env, "window1")
	w := windowItem(t, env, false)
	iv := intakeForm(t, env, clerk, w)
	iv.Set("id_number", "110105194912310021")
	body, ctype = formBody(t, iv, []filePart{{"m_" + w.Materials[0].Key + "_file", "scan.pdf"}}, tinyPDF)
	resp, page = send(t, clerk, "POST", env.http.URL+"/window/new", body, ctype)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "尚未登记：请重新选择要上传的扫描件。") {
		t.Errorf("a refused registration with a scan (%d) does not say to choose it again", resp.StatusCode)
	}
}

var printStylesheet = regexp.MustCompile(`<link rel="stylesheet" href="(/static/print[^"]*)"`)

func TestPrintedFormNumbersItsPagesAndPrintsEachAnswerOnce(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "window1")
	it, err := env.store.Item(context.Background(), namedItem(t, foodLicence).Code)
	if err != nil {
		t.Fatal(err)
	}
	number := registerWalkIn(t, env, client, it)
	status, body, _ := fetch(t, client, http.MethodGet, env.http.URL+"/applications/"+number+"/form/print", nil)
	if status != http.StatusOK {
		t.Fatalf("print = %d", status)
	}
	article := body[strings.Index(body, `id="form-print"`):]
	if n := strings.Count(article, workflow.MaskPhone("13800000000")); n != 1 {
		t.Errorf("the printed form shows the phone %d times, want once", n)
	}
	// The optional 仓库地址 left blank is a blank line to fill in, not 未填写.
	row := article[strings.Index(article, `data-key="storage"`):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, `<span class="blank-answer">`) {
		t.Errorf("a blank optional answer prints as %q", row)
	}
	m := printStylesheet.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the printed form links no print stylesheet")
	}
	_, css, _ := fetch(t, client, http.MethodGet, env.http.URL+m[1], nil)
	for _, want := range []string{`content: "第 " counter(page) " 页 共 " counter(pages) " 页"`, `content: "Page " counter(page) " of " counter(pages)`,
		"body:has(.form-print) { page: form; }", ".form-print .blank-answer { visibility: hidden; }"} {
		if !strings.Contains(css, want) {
			t.Errorf("print.css lacks %s", want)
		}
	}
}

func TestEnglishFormPagesUseEnglishPunctuation(t *testing.T) {
	parallel(t)
	it := namedItem(t, foodLicence)
	status, page := get(t, "/items/"+it.Code+"/apply?lang=en")
	main := page[strings.Index(page, `class="citizen-apply"`):]
	main = main[:strings.Index(main, `id="apply-fields"`)]
	if status != http.StatusOK || !strings.Contains(main, `Apply online: <span lang="zh-CN">`+it.Name+`</span>`) { // Chinese data marked as such
		t.Errorf("the English apply page (%d) lacks its heading", status)
	}
	main = strings.ReplaceAll(main, it.Name, "") // the item's name is Chinese data
	if status != http.StatusOK || strings.ContainsAny(main, "：（）") {
		t.Errorf("the English apply page (%d) mixes Chinese punctuation: %.300s", status, main)
	}
}
