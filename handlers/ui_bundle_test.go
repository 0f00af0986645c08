package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"onewindow/models/demo"
)

// answersPost turns the API's "form" object into the inputs a page posts:
// form.<key>, a multiselect's key repeated, table cells form.<key>.<row>.<col>,
// a checkbox present when true.
func answersPost(t *testing.T, raw json.RawMessage) url.Values {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	out := url.Values{}
	for k, x := range m {
		name := "form." + k
		switch v := x.(type) {
		case string:
			out.Set(name, v)
		case float64:
			out.Set(name, fmt.Sprint(v))
		case bool:
			if v {
				out.Set(name, "true")
			}
		case []any:
			for i, e := range v {
				switch row := e.(type) {
				case map[string]any:
					for col, cell := range row {
						out.Set(fmt.Sprintf("%s.%d.%s", name, i, col), fmt.Sprint(cell))
					}
				default:
					out.Add(name, fmt.Sprint(row))
				}
			}
		}
	}
	return out
}

// postBundleMultipart posts values (and a PDF for each file field named) as a multipart form.
func postBundleMultipart(t *testing.T, client *http.Client, u string, values url.Values, files ...string) (int, string, *http.Response) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range values[k] {
			_ = w.WriteField(k, v)
		}
	}
	for _, f := range files {
		fw, _ := w.CreateFormFile(f, f+".pdf")
		_, _ = fw.Write([]byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
	}
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, u, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", strings.TrimSuffix(u[:strings.Index(u[8:], "/")+8], "/"))
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp
}

// bundleMaterialRe finds each merged material of an apply page and its necessity.
var bundleMaterialRe = regexp.MustCompile(`(?s)id="material-([^"]+)">\s*<label[^>]*>.*?class="nec-(\w+)"`)

// requiredBundleFiles names the upload inputs of the required (必要) materials on a bundle apply page.
func requiredBundleFiles(body string) []string {
	var out []string
	for _, m := range bundleMaterialRe.FindAllStringSubmatch(body, -1) {
		if m[2] == "required" {
			out = append(out, "file_"+m[1])
		}
	}
	return out
}

func TestBundlePagesFileOnlineShowTheStatusAndAdministerBundles(t *testing.T) {
	env := newStaffEnv(t)
	jar, _ := cookiejar.New(nil)
	anon := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	status, body, _ := fetch(t, anon, http.MethodGet, env.http.URL+"/bundles", nil)
	for _, name := range []string{"企业开办一件事", "开办餐饮店一件事", "新生儿出生一件事", "退休一件事", "身后事一件事"} {
		if !strings.Contains(body, name) {
			t.Errorf("the bundles page lacks %s (%d)", name, status)
		}
	}
	status, body, _ = fetch(t, anon, http.MethodGet, env.http.URL+"/bundles/restaurant", nil)
	if status != http.StatusOK || !strings.Contains(body, "4 个事项共用") && !strings.Contains(body, "个事项共用") {
		t.Fatalf("bundle page: %d", status)
	}
	status, body, _ = fetch(t, anon, http.MethodGet, env.http.URL+"/bundles/restaurant/apply", nil)
	m := formTokenInput.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil || !strings.Contains(body, `name="form.premises"`) {
		t.Fatalf("apply page: %d", status)
	}
	_, answers := bundleAnswers(t, env, restaurantBundle, orgProfile)
	post := answersPost(t, answers)
	post.Set("form_token", m[1])
	post.Set("kind", "organisation")
	post.Set("name", orgProfile["org_name"])
	post.Set("id_number", orgProfile["credit_code"])
	post.Set("phone", orgProfile["phone"])
	// A missing merged answer comes back on the page, named at the merged field.
	missing := url.Values{}
	for k, v := range post {
		if k != "form.premises" {
			missing[k] = v
		}
	}
	status, body, _ = postBundleMultipart(t, anon, env.http.URL+"/bundles/restaurant/apply", missing)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-premises"`) ||
		!strings.Contains(body, "请填写此项") || strings.Contains(body, "%!") {
		t.Fatalf("missing premises: %d %s", status, body)
	}
	// Online, every required material needs a file, as on a single item's page.
	required := requiredBundleFiles(body)
	if len(required) < 3 {
		t.Fatalf("required materials on the apply page: %v", required)
	}
	status, body, _ = postBundleMultipart(t, anon, env.http.URL+"/bundles/restaurant/apply", post, required[0])
	if status != http.StatusUnprocessableEntity || strings.Count(body, "这是必要材料，请上传") < len(required)-1 {
		t.Fatalf("one of %d required files: %d", len(required), status)
	}
	status, _, resp := postBundleMultipart(t, anon, env.http.URL+"/bundles/restaurant/apply", post, required...)
	if status != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/bundle-receipt/") {
		t.Fatalf("apply: %d %s", status, resp.Header.Get("Location"))
	}
	status, body, _ = fetch(t, anon, http.MethodGet, env.http.URL+resp.Header.Get("Location"), nil)
	code := regexp.MustCompile(`id="receipt-code">([A-Z0-9]{8})<`).FindStringSubmatch(body)
	number := regexp.MustCompile(`id="receipt-number">([0-9]{14})<`).FindStringSubmatch(body)
	if status != http.StatusOK || code == nil || number == nil || !strings.Contains(body, "区卫生健康委员会") {
		t.Fatalf("receipt: %d %s", status, body)
	}
	status, body, _ = fetch(t, anon, http.MethodPost, env.http.URL+"/status", url.Values{"number": {number[1]}, "code": {code[1]}})
	if status != http.StatusOK || !strings.Contains(body, `id="bundle-children"`) || strings.Count(body, "data-child=") != 4 {
		t.Fatalf("status page: %d", status)
	}
	// The uploads reached every child that lists the material.
	var staff struct {
		Materials []struct {
			Key      string   `json:"key"`
			Provided bool     `json:"provided"`
			Items    []string `json:"items"`
		} `json:"materials"`
	}
	clerk := loginToken(t, env, "window1")
	_, b := call(t, env, http.MethodGet, "/api/v1/bundle-filings/"+number[1], clerk, nil)
	_ = json.Unmarshal(b, &staff)
	if len(staff.Materials) < 2 || !staff.Materials[0].Provided || !staff.Materials[1].Provided || len(staff.Materials[1].Items) < 2 {
		t.Fatalf("uploaded materials: %s", b)
	}

	// A second bundle of the same applicant, without uploads: what was handed
	// in before is 免交 and attached from the first filing.
	_, body, _ = fetch(t, anon, http.MethodGet, env.http.URL+"/bundles/restaurant/apply", nil)
	post.Set("form_token", formTokenInput.FindStringSubmatch(body)[1])
	status, _, resp = postBundleMultipart(t, anon, env.http.URL+"/bundles/restaurant/apply", post)
	if status != http.StatusSeeOther {
		t.Fatalf("second filing: %d", status)
	}
	second := strings.TrimPrefix(resp.Header.Get("Location"), "/bundle-receipt/")
	_, b = call(t, env, http.MethodGet, "/api/v1/bundle-filings/"+second, clerk, nil)
	staff.Materials = nil
	_ = json.Unmarshal(b, &staff)
	if len(staff.Materials) < 2 || !staff.Materials[0].Provided || !staff.Materials[1].Provided {
		t.Fatalf("materials handed in before are not attached: %s", b)
	}

	// The window desk lists it; the window accepts it as a whole.
	win := staffClient(t, env, "window1")
	_, body, _ = fetch(t, win, http.MethodGet, env.http.URL+"/window", nil)
	if !strings.Contains(body, "/window/bundles/"+number[1]) {
		t.Fatal("the desk does not list the bundle")
	}
	token := csrfToken(t, win, env)
	status, _, resp = fetch(t, win, http.MethodPost, env.http.URL+"/window/bundles/"+number[1]+"/actions/accept",
		bundleReceivedForm(t, env, number[1], url.Values{"csrf_token": {token}, "version": {"1"}}))
	if status != http.StatusSeeOther {
		t.Fatalf("accept at the window: %d", status)
	}
	_, body, _ = fetch(t, win, http.MethodGet, env.http.URL+resp.Header.Get("Location"), nil)
	if !strings.Contains(body, `id="done"`) || strings.Count(body, "已受理") < 4 {
		t.Fatalf("after acceptance: %s", body)
	}
	// The department's work list shows the child, marked as part of a bundle.
	var filing bundleView
	_, b = call(t, env, http.MethodGet, "/api/v1/bundle-filings/"+number[1], clerk, nil)
	_ = json.Unmarshal(b, &filing)
	rev := staffClient(t, env, "wjw.review")
	_, body, _ = fetch(t, rev, http.MethodGet, env.http.URL+"/tasks", nil)
	for _, ch := range filing.Children {
		if ch.Department != "wjw" {
			continue
		}
		i := strings.Index(body, `data-number="`+ch.Number+`"`)
		if i < 0 || !strings.Contains(body[i:min(len(body), i+800)], `class="badge bundle"`) {
			t.Fatalf("the wjw work list does not show child %s as part of the bundle", ch.Number)
		}
	}
	status, body, _ = fetch(t, win, http.MethodPost, env.http.URL+"/window/bundles/"+number[1]+"/actions/reject",
		url.Values{"csrf_token": {token}, "version": {"1"}, "reason": {"x"}})
	if status != http.StatusConflict || !strings.Contains(body, `id="form-errors"`) {
		t.Fatalf("stale reject: %d", status)
	}

	// Catalogue administrators edit bundles with a reason; the change is logged.
	adm := staffClient(t, env, "catalog")
	token = csrfToken(t, adm, env)
	status, body, _ = fetch(t, adm, http.MethodGet, env.http.URL+"/admin/bundles/restaurant", nil)
	if status != http.StatusOK || !strings.Contains(body, `id="preview"`) {
		t.Fatalf("edit page: %d", status)
	}
	items := regexp.MustCompile(`(?s)<textarea id="items" name="items"[^>]*>(.*?)</textarea>`).FindStringSubmatch(body)
	form := url.Values{"csrf_token": {token}, "version": {"1"}, "name": {"开办餐饮店一件事（试点）"}, "items": {items[1]},
		"published": {"1"}, "reason": {""}, "map_0_item": {"bad"}, "map_0_field": {"x"}, "map_0_merged": {"y"}}
	if status, body, _ = fetch(t, adm, http.MethodPost, env.http.URL+"/admin/bundles/restaurant", form); status != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `id="err-reason"`) {
		t.Fatalf("no reason: %d", status)
	}
	form.Set("reason", "试点更名")
	form.Del("map_0_item")
	if status, _, resp = fetch(t, adm, http.MethodPost, env.http.URL+"/admin/bundles/restaurant", form); status != http.StatusSeeOther {
		t.Fatalf("save: %d", status)
	}
	_, body, _ = fetch(t, adm, http.MethodGet, env.http.URL+resp.Header.Get("Location"), nil)
	if !strings.Contains(body, "试点更名") || !strings.Contains(body, `id="saved"`) {
		t.Fatal("the change log lacks the change")
	}
	if status, _, _ = fetch(t, win, http.MethodGet, env.http.URL+"/admin/bundles", nil); status != http.StatusForbidden {
		t.Fatalf("a window clerk on the bundles admin: %d", status)
	}
}

func TestBundleChildIsNotWithdrawnOrSupplementedAlone(t *testing.T) {
	env := newStaffEnv(t)
	person := map[string]string{"kind": "person", "name": "演示市民", "id_number": demo.CitizenID, "phone": "13800000000",
		"address": "集宁区新华街1号"}
	_, answers := bundleAnswers(t, env, "newborn", person)
	status, b := call(t, env, http.MethodPost, "/api/v1/applications", "", map[string]any{"bundle_code": "newborn", "form": answers,
		"applicant": map[string]string{"kind": "person", "name": person["name"], "id_number": person["id_number"], "phone": person["phone"]}})
	var f bundleFiled
	if err := json.Unmarshal(b, &f); status != http.StatusCreated || err != nil || len(f.Children) == 0 {
		t.Fatalf("file the newborn bundle: %d %s", status, b)
	}
	child := f.Children[0].Number
	// The applicant's own status page of the child: no withdrawal, a note naming the bundle.
	citizen := staffClient(t, env, "citizen1")
	status, body, _ := fetch(t, citizen, http.MethodGet, env.http.URL+"/status/"+child, nil)
	if status != http.StatusOK || !strings.Contains(body, `id="bundle-child-note"`) ||
		!strings.Contains(body, "本事项属于一件事「新生儿出生一件事」，请在一件事的办理进度中查看") ||
		!strings.Contains(body, ">"+f.Number+"</a>") || strings.Contains(body, `id="withdraw-form"`) {
		t.Fatalf("the child's status page: %d %s", status, body)
	}
	// Posting the withdrawal anyway changes nothing.
	token := csrfToken(t, citizen, env)
	fetch(t, citizen, http.MethodPost, env.http.URL+"/status/"+child+"/withdraw",
		url.Values{"csrf_token": {token}, "form_token": {"tok-child-withdraw"}, "confirm": {"yes"}, "reason": {"不办了"}})
	tok := loginToken(t, env, "citizen1")
	cur, err := env.store.Application(context.Background(), child)
	if err != nil {
		t.Fatal(err)
	}
	for _, act := range []string{"withdraw", "supplement"} {
		status, b := call(t, env, http.MethodPost, "/api/v1/applications/"+child+"/actions/"+act, tok, map[string]any{"reason": "不办了", "version": cur.Version})
		if status != http.StatusConflict || !strings.Contains(string(b), "bundle_child") {
			t.Fatalf("%s of a bundle child alone: %d %s", act, status, b)
		}
	}
	for _, c := range bundleStatus(t, env, f).Children {
		if c.State != "submitted" {
			t.Fatalf("child %s is %s", c.Number, c.State)
		}
	}
}

func TestBundleWindowRegistrationKeepsTheTicksOfARefusedForm(t *testing.T) {
	env := newStaffEnv(t)
	win := staffClient(t, env, "window1")
	_, body, _ := fetch(t, win, http.MethodGet, env.http.URL+"/window/bundles/new?bundle=restaurant", nil)
	m := formTokenInput.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no form token on the window's bundle form")
	}
	_, answers := bundleAnswers(t, env, restaurantBundle, orgProfile)
	post := answersPost(t, answers)
	post.Del("form.premises")
	post.Set("csrf_token", csrfToken(t, win, env))
	post.Set("form_token", m[1])
	post.Set("kind", "organisation")
	post.Set("name", orgProfile["org_name"])
	post.Set("id_number", orgProfile["credit_code"])
	post.Set("m_m1", "1")
	post.Set("m_m2", "1")
	status, body, _ := fetch(t, win, http.MethodPost, env.http.URL+"/window/bundles/new?bundle=restaurant", post)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-premises"`) || strings.Contains(body, "%!") {
		t.Fatalf("refused registration: %d %s", status, body)
	}
	for _, key := range []string{"m1", "m2"} {
		if !strings.Contains(body, `name="m_`+key+`" value="1" checked`) {
			t.Errorf("the tick of %s is cleared", key)
		}
	}
	if strings.Contains(body, `name="m_m3" value="1" checked`) {
		t.Error("an unticked material came back ticked")
	}
}

func TestCitizensFindBundlesFromTheHomePageTheHeaderAndTheSearch(t *testing.T) {
	env := newStaffEnv(t)
	anon := &http.Client{}
	_, body, _ := fetch(t, anon, http.MethodGet, env.http.URL+"/", nil)
	if !strings.Contains(body, `id="nav-bundles"`) || !strings.Contains(body, `id="home-bundles"`) || !strings.Contains(body, "一件事一次办") {
		t.Fatal("the home page has no way to the bundles")
	}
	cases := map[string][]string{
		"开饭店":   {"restaurant"},
		"开办餐饮店": {"restaurant"},
		"一件事":   {"company-opening", "restaurant", "newborn", "retirement", "after-death"},
		"新生儿":   {"newborn"},
		"退休":    {"retirement"},
		"身后事":   {"after-death"},
		"企业开办":  {"company-opening"},
	}
	for q, want := range cases {
		_, body, _ := fetch(t, anon, http.MethodGet, env.http.URL+"/items?q="+url.QueryEscape(q), nil)
		for _, code := range want {
			if !strings.Contains(body, `id="match-`+code+`"`) {
				t.Errorf("searching %s does not show the bundle %s", q, code)
			}
		}
		i, j := strings.Index(body, `id="bundle-matches"`), strings.Index(body, `class="results"`)
		if i < 0 || j >= 0 && j < i {
			t.Errorf("searching %s: the bundles are not above the items", q)
		}
	}
	_, body, _ = fetch(t, anon, http.MethodGet, env.http.URL+"/items?q="+url.QueryEscape("狗证"), nil)
	if strings.Contains(body, `id="bundle-matches"`) {
		t.Error("a search for a dog licence shows bundles")
	}
	_, body, _ = fetch(t, anon, http.MethodGet, env.http.URL+"/items?scope=all&q="+url.QueryEscape("一件事"), nil)
	if !strings.Contains(body, "餐饮店开办<mark>一件事</mark>") {
		t.Error("the catalogue item 餐饮店开办一件事 is gone from the results")
	}
}

func TestBundleChildWindowPageSendsTheClerkToTheBundle(t *testing.T) {
	env := newStaffEnv(t)
	_, answers := bundleAnswers(t, env, restaurantBundle, orgProfile)
	f := fileBundle(t, env, "", restaurantBundle, answers)
	child := f.Children[0].Number
	win := staffClient(t, env, "window1")
	status, body, _ := fetch(t, win, http.MethodGet, env.http.URL+"/window/applications/"+child, nil)
	note := "本事项属于一件事「开办餐饮店一件事」（编号 " + f.Number + "），请在一件事页面整件受理或出件"
	if status != http.StatusOK || !strings.Contains(body, note) || !strings.Contains(body, `href="/window/bundles/`+f.Number+`"`) {
		t.Fatalf("the child's window page: %d %s", status, body)
	}
	for _, id := range []string{`id="do-accept"`, `id="do-accept_pending"`, `id="form-request_supplement"`, `id="form-reject"`} {
		if strings.Contains(body, id) {
			t.Errorf("the child's window page offers %s", id)
		}
	}
	// A page from before (or a crafted post) is answered with the bundle, not as a stale page.
	status, body, _ = fetch(t, win, http.MethodPost, env.http.URL+"/window/applications/"+child,
		url.Values{"csrf_token": {csrfToken(t, win, env)}, "action": {"accept"}, "version": {"1"}, "form_token": {"tok-child-accept"}})
	if status != http.StatusConflict || !strings.Contains(body, note) || strings.Contains(body, "已被他人处理") {
		t.Fatalf("accepting a child alone: %d %s", status, body)
	}
}

func TestBundleWindowPageShowsAnswersInWordsCentreTimeAndDepartments(t *testing.T) {
	env := newStaffEnv(t)
	_, answers := bundleAnswers(t, env, restaurantBundle, orgProfile)
	var raw map[string]any
	_ = json.Unmarshal(answers, &raw)
	raw["business_items"] = []string{"hot"}
	answers, _ = json.Marshal(raw)
	f := fileBundle(t, env, "", restaurantBundle, answers)
	clerk := loginToken(t, env, "window1")
	if status, _, b := bundleAct(t, env, clerk, f.Number, "accept", map[string]any{"version": 1, "materials": bundleReceived(t, env, f.Number)}); status != http.StatusOK {
		t.Fatalf("accept: %d %s", status, b)
	}
	var view struct {
		SubmittedAt time.Time `json:"submitted_at"`
	}
	_, b := call(t, env, http.MethodGet, "/api/v1/bundle-filings/"+f.Number, clerk, nil)
	_ = json.Unmarshal(b, &view)
	win := staffClient(t, env, "window1")
	_, body, _ := fetch(t, win, http.MethodGet, env.http.URL+"/window/bundles/"+f.Number, nil)
	i, j := strings.Index(body, `id="bundle-answers"`), strings.Index(body, `id="form-`)
	if j < 0 {
		j = strings.Index(body, `id="events-h"`)
	}
	if i < 0 || j < i {
		t.Fatalf("no answers section: %s", body)
	}
	section := body[i:j]
	if !strings.Contains(section, "热食类食品制售") || strings.Contains(section, ">hot<") || strings.Contains(section, "已收") || strings.Contains(section, "未收") {
		t.Errorf("the answers are not in words: %s", section)
	}
	centre := view.SubmittedAt.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04")
	if !strings.Contains(body, centre) {
		t.Errorf("the submission time is not in centre time (%s)", centre)
	}
	events := body[strings.Index(body, `id="bundle-events"`):]
	if !strings.Contains(events, "申请人") || strings.Contains(events, "window1") {
		t.Errorf("the history's actors: %s", events)
	}
	if strings.Contains(body, `href="/window/bundles/new"`) {
		t.Error("the breadcrumb of a filed bundle leads to the new-bundle form")
	}
	adm := staffClient(t, env, "catalog")
	_, body, _ = fetch(t, adm, http.MethodGet, env.http.URL+"/admin/bundles", nil)
	if strings.Contains(body, "已收") || !strings.Contains(body, "<td>是</td>") {
		t.Errorf("the admin list's published column: %s", body)
	}
}

func TestWindowDeskNamesEachBundle(t *testing.T) {
	env := newStaffEnv(t)
	_, answers := bundleAnswers(t, env, restaurantBundle, orgProfile)
	f := fileBundle(t, env, "", restaurantBundle, answers)
	win := staffClient(t, env, "window1")
	_, body, _ := fetch(t, win, http.MethodGet, env.http.URL+"/window", nil)
	row := `<a href="/window/bundles/` + f.Number + `">` + f.Number + `</a></td><td>开办餐饮店一件事</td>`
	if !strings.Contains(body, row) {
		t.Fatalf("the desk does not name the bundle %s", f.Number)
	}
}

func TestBundleIssueWithoutCertificateNumbersNamesEachChild(t *testing.T) {
	env := newStaffEnv(t)
	f, v, _ := runBundleToDecision(t, env, "")
	win := staffClient(t, env, "window1")
	// The page's form posts to the page's own address, so a refusal is shown there.
	_, page, _ := fetch(t, win, http.MethodGet, env.http.URL+"/window/bundles/"+f.Number, nil)
	if !strings.Contains(page, `action="/window/bundles/`+f.Number+`" id="form-issue"`) {
		t.Fatal("the issue form does not post to the bundle's page")
	}
	status, body, _ := fetch(t, win, http.MethodPost, env.http.URL+"/window/bundles/"+f.Number,
		url.Values{"csrf_token": {csrfToken(t, win, env)}, "action": {"issue"}, "version": {fmt.Sprint(v.Version)}, "delivery": {"window"}})
	if status != http.StatusUnprocessableEntity || strings.Contains(body, "is required") || strings.Contains(body, "some fields") {
		t.Fatalf("issue without numbers: %d %s", status, body)
	}
	for _, ch := range v.Children {
		if !strings.Contains(body, "请填写「"+ch.Item+"」的证照编号") {
			t.Errorf("no message for %s", ch.Item)
		}
	}
	status, body, _ = fetch(t, win, http.MethodPost, env.http.URL+"/window/bundles/"+f.Number+"/actions/issue",
		url.Values{"csrf_token": {csrfToken(t, win, env)}, "version": {fmt.Sprint(v.Version)}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "送达方式：必须填写") {
		t.Fatalf("issue without delivery: %d %s", status, body)
	}
	// An action the page does not offer is refused; a reviewer may not act at the window.
	if status, _, _ = fetch(t, win, http.MethodPost, env.http.URL+"/window/bundles/"+f.Number,
		url.Values{"csrf_token": {csrfToken(t, win, env)}, "action": {"approve"}}); status != http.StatusBadRequest {
		t.Errorf("an unknown bundle action: %d", status)
	}
	rev := staffClient(t, env, "scj.review")
	if status, _, _ = fetch(t, rev, http.MethodPost, env.http.URL+"/window/bundles/"+f.Number,
		url.Values{"csrf_token": {csrfToken(t, rev, env)}, "action": {"issue"}, "version": {fmt.Sprint(v.Version)}}); status != http.StatusForbidden {
		t.Errorf("a reviewer issuing at the window: %d", status)
	}
}

func TestBundleAdminErrorsAreTranslated(t *testing.T) {
	env := newStaffEnv(t)
	adm := staffClient(t, env, "catalog")
	token := csrfToken(t, adm, env)
	_, body, _ := fetch(t, adm, http.MethodGet, env.http.URL+"/admin/bundles/restaurant", nil)
	items := regexp.MustCompile(`(?s)<textarea id="items" name="items"[^>]*>(.*?)</textarea>`).FindStringSubmatch(body)
	form := url.Values{"csrf_token": {token}, "version": {"1"}, "name": {"开办餐饮店一件事"}, "items": {items[1]},
		"published": {"1"}, "reason": {"试改"}, "map_0_item": {"bad"}, "map_0_field": {"x"}, "map_0_merged": {"y"}}
	status, body, _ := fetch(t, adm, http.MethodPost, env.http.URL+"/admin/bundles/restaurant", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "字段对应第 1 行：") || strings.Contains(body, "is not one of") {
		t.Fatalf("a bad mapping row: %d %s", status, body)
	}
	form.Del("map_0_item")
	form.Set("items", items[1]+"\nnosuchitem")
	status, body, _ = fetch(t, adm, http.MethodPost, env.http.URL+"/admin/bundles/restaurant", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "包含的事项：没有已发布的事项编码 nosuchitem") || strings.Contains(body, "no published") {
		t.Fatalf("an unknown item: %d %s", status, body)
	}
	form.Set("items", items[1])
	form.Set("reason", "")
	_, body, _ = fetch(t, adm, http.MethodPost, env.http.URL+"/admin/bundles/restaurant", form)
	if !strings.Contains(body, "修改理由：") || strings.Contains(body, "reason：") {
		t.Fatalf("no reason: %s", body)
	}
}

func TestBundleStatusPageSaysTheRefusalAndTheRemedy(t *testing.T) {
	env := newStaffEnv(t)
	f, _, _ := runBundleToDecision(t, env, "wjw")
	status, body, _ := fetch(t, &http.Client{}, http.MethodGet, env.http.URL+"/status/"+f.Number+"?code="+f.QueryCode, nil)
	i := strings.Index(body, `id="bundle-denied"`)
	if status != http.StatusOK || i < 0 {
		t.Fatalf("status page: %d", status)
	}
	denied := body[i:]
	denied = denied[:strings.Index(denied, "</div>")]
	if !strings.Contains(denied, "）：不予许可。理由：") || !strings.Contains(denied, "如不服，可依法申请行政复议或者提起行政诉讼") {
		t.Fatalf("the refused child: %s", denied)
	}
	_, body, _ = fetch(t, &http.Client{}, http.MethodGet, env.http.URL+"/status/"+f.Number+"?lang=en&code="+f.QueryCode, nil)
	i = strings.Index(body, `id="bundle-denied"`)
	if i < 0 {
		t.Fatal("no refused child on the English page")
	}
	denied = body[i:]
	denied = denied[:strings.Index(denied, "</div>")]
	if strings.Contains(denied, "：") || !strings.Contains(denied, "): Refused. Reason: ") {
		t.Errorf("Chinese punctuation on the English page: %s", denied)
	}
}
