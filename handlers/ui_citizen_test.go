package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"onewindow/workflow"
)

// tinyPDF is the start of a real PDF: enough for content sniffing.
var tinyPDF = []byte("%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")

// exeBytes is a Windows executable header.
var exeBytes = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), bytes.Repeat([]byte{0}, 64)...)

const citizenID = "11010519491231002X" // citizen1's resident ID

// citizenItem is a retained on-application item with required materials.
func citizenItem(t *testing.T, env *demoEnv) guide {
	t.Helper()
	var l itemList
	getJSONFrom(t, env, "/api/v1/items?q="+url.QueryEscape("食品经营许可")+"&on_application=true", &l)
	for _, it := range l.Items {
		var g guide
		getJSONFrom(t, env, "/api/v1/items/"+it.Code, &g)
		if !g.Open {
			continue
		}
		for _, m := range g.Materials {
			if m.Necessity == "required" {
				return g
			}
		}
	}
	t.Fatal("no on-application item with a required material")
	return guide{}
}

// browserClient keeps cookies and does not follow redirects, so a test sees the 303.
func browserClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type filePart struct{ field, name string }

// formBody builds a multipart form: the fields, and the same content under each file field.
func formBody(t *testing.T, fields url.Values, files []filePart, content []byte) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vals := range fields {
		for _, v := range vals {
			if err := w.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range files {
		fw, err := w.CreateFormFile(f.field, f.name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
	}
	w.Close()
	return &buf, w.FormDataContentType()
}

// send makes one request with the client and returns the response and its body.
func send(t *testing.T, cl *http.Client, method, u string, body io.Reader, ctype string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func postForm(t *testing.T, cl *http.Client, u string, v url.Values) (*http.Response, string) {
	t.Helper()
	return send(t, cl, http.MethodPost, u, strings.NewReader(v.Encode()), "application/x-www-form-urlencoded")
}

// applyFields is a complete, valid online application of the item for a
// person: the applicant block and answers the item's form accepts.
func applyFields(t *testing.T, code, id, token string) url.Values {
	t.Helper()
	v := pageAnswers(t, code, "person", "王小明", id)
	for k, val := range map[string]string{"kind": "person", "name": "王小明", "id_number": id, "phone": "0474-1234567",
		"address": "集宁区新华街 1 号", "form_token": token} {
		v.Set(k, val)
	}
	return v
}

func requiredFiles(g guide, name string) []filePart {
	var out []filePart
	for _, m := range g.Materials {
		if m.Necessity == "required" {
			out = append(out, filePart{field: "file_" + m.Key, name: name})
		}
	}
	return out
}

func filedCount(t *testing.T, env *demoEnv) int {
	t.Helper()
	apps, err := env.store.ApplicationsInStates(context.Background(), workflow.States, 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(apps)
}

// fileViaAPI files an online application through the API and returns number and query code.
func fileViaAPI(t *testing.T, env *demoEnv, itemCode, id string) (string, string) {
	t.Helper()
	status, body := call(t, env, "POST", "/api/v1/applications", "", map[string]any{"item_code": itemCode,
		"applicant": map[string]string{"kind": "person", "name": "王小明", "id_number": id, "phone": "13800000000"},
		"form":      sampleAnswers(itemCode, "person", "王小明", id)})
	if status != 201 {
		t.Fatalf("file: %d %s", status, body)
	}
	var out struct {
		Number    string `json:"number"`
		QueryCode string `json:"query_code"`
	}
	json.Unmarshal(body, &out)
	return out.Number, out.QueryCode
}

func TestApplyFormRendersForRetainedOnApplicationItemsOnly(t *testing.T) {
	parallel(t)
	g := citizenItem(t, shared)
	status, page := get(t, "/items/"+g.Code+"/apply")
	if status != 200 {
		t.Fatalf("apply form: %d", status)
	}
	for _, want := range []string{"在线申请", g.Name, `enctype="multipart/form-data"`, `name="form_token"`, `name="id_number"`,
		`id="apply-fields"`, `name="form.declaration"`, `id="file_` + g.Materials[0].Key + `"`, g.Materials[0].Name, "（必要）"} {
		if !strings.Contains(page, want) {
			t.Errorf("apply form lacks %q", want)
		}
	}
	if _, guidePage := get(t, "/items/"+g.Code); !strings.Contains(guidePage, `href="/items/`+g.Code+`/apply"`) {
		t.Error("the guide of a retained on-application item offers no online application")
	}
	for _, q := range []string{"status=reduced", "type=02"} {
		code := firstItemCode(t, q)
		status, page := get(t, "/items/"+code+"/apply")
		if status != 404 || !strings.Contains(page, "本事项不能在线申请") {
			t.Errorf("%s item %s: apply form %d", q, code, status)
		}
		if _, guidePage := get(t, "/items/"+code); strings.Contains(guidePage, `id="apply-online"`) {
			t.Errorf("%s item %s offers an online application", q, code)
		}
	}
	status, page = get(t, "/items/"+g.Code+"/apply?lang=en")
	if status != 200 || !strings.Contains(page, "Apply online") || !strings.Contains(page, "Submit application") {
		t.Errorf("English apply form: %d", status)
	}
}

func TestApplyRefusesBadIdentityNumbersNamingTheCheck(t *testing.T) {
	env := newDemoEnv(t)
	g := citizenItem(t, env)
	cases := []struct{ kind, id, want string }{
		{"person", "110105194912310021", "居民身份证号码校验位检查未通过"},
		{"person", "110105194902300026", "居民身份证号码出生日期检查未通过"},
		{"person", "990105194912310021", "居民身份证号码地区码检查未通过"},
		{"person", "11010519491231", "居民身份证号码长度检查未通过"},
		{"organisation", "91350100M000100Y44", "统一社会信用代码校验位检查未通过"},
		{"organisation", "91350100M000100YO3", "统一社会信用代码字符检查未通过"},
	}
	for _, tc := range cases {
		f := applyFields(t, g.Code, tc.id, "tok-"+tc.id)
		f.Set("kind", tc.kind)
		body, ctype := formBody(t, f, requiredFiles(g, "a.pdf"), tinyPDF)
		resp, page := send(t, browserClient(t), "POST", env.http.URL+"/items/"+g.Code+"/apply", body, ctype)
		if resp.StatusCode != 422 || !strings.Contains(page, tc.want) {
			t.Errorf("%s %s: status %d, want 422 naming %q", tc.kind, tc.id, resp.StatusCode, tc.want)
		}
		// The form comes back with what the user typed.
		if !strings.Contains(page, `value="`+tc.id+`"`) {
			t.Errorf("%s: the form lost the identity number typed", tc.id)
		}
		if lost := lostAnswers(page, f); len(lost) > 0 {
			t.Errorf("%s: the form lost the answers %v", tc.id, lost)
		}
	}
	body, ctype := formBody(t, applyFields(t, g.Code, "110105194912310021", "tok-en"), requiredFiles(g, "a.pdf"), tinyPDF)
	resp, page := send(t, browserClient(t), "POST", env.http.URL+"/items/"+g.Code+"/apply?lang=en", body, ctype)
	if resp.StatusCode != 422 || !strings.Contains(page, "Resident ID checksum failed") {
		t.Errorf("English: %d, the message does not name the checksum", resp.StatusCode)
	}
	if n := filedCount(t, env); n != 0 {
		t.Fatalf("%d applications filed from invalid forms", n)
	}
}

func TestApplyRefusesAnExecutableRenamedPDFAndFilesNothing(t *testing.T) {
	env := newDemoEnv(t)
	g := citizenItem(t, env)
	body, ctype := formBody(t, applyFields(t, g.Code, citizenID, "tok-exe"), requiredFiles(g, "licence.pdf"), exeBytes)
	resp, page := send(t, browserClient(t), "POST", env.http.URL+"/items/"+g.Code+"/apply", body, ctype)
	if resp.StatusCode != 422 || !strings.Contains(page, "文件类型不符合要求") {
		t.Fatalf("exe as pdf: status %d", resp.StatusCode)
	}
	if n := filedCount(t, env); n != 0 {
		t.Fatalf("%d applications filed with a refused file", n)
	}
	// A missing required material is refused too.
	body, ctype = formBody(t, applyFields(t, g.Code, citizenID, "tok-none"), nil, nil)
	resp, page = send(t, browserClient(t), "POST", env.http.URL+"/items/"+g.Code+"/apply", body, ctype)
	if resp.StatusCode != 422 || !strings.Contains(page, "这是必要材料，请上传") {
		t.Fatalf("no files: status %d", resp.StatusCode)
	}
}

var (
	receiptNumber = regexp.MustCompile(`id="receipt-number"[^>]*>(\d{14})<`)
	receiptCode   = regexp.MustCompile(`id="receipt-code"[^>]*>([2-9A-Z]{8})<`)
)

func TestApplyFilesOnceAndTheReceiptShowsNumberAndCodeOnce(t *testing.T) {
	env := newDemoEnv(t)
	g := citizenItem(t, env)
	cl := browserClient(t)
	files := requiredFiles(g, "scan.pdf")
	body, ctype := formBody(t, applyFields(t, g.Code, citizenID, "tok-once"), files, tinyPDF)
	resp, _ := send(t, cl, "POST", env.http.URL+"/items/"+g.Code+"/apply", body, ctype)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !strings.HasPrefix(loc, "/receipt/") || strings.Contains(loc, "code") {
		t.Fatalf("apply: %d to %q", resp.StatusCode, loc)
	}
	ck := resp.Header.Get("Set-Cookie")
	if !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "Path="+loc) {
		t.Errorf("receipt cookie %q is not HttpOnly and path-scoped", ck)
	}
	resp, page := send(t, cl, "GET", env.http.URL+loc, nil, "")
	number, code := receiptNumber.FindStringSubmatch(page), receiptCode.FindStringSubmatch(page)
	if resp.StatusCode != 200 || number == nil || code == nil {
		t.Fatalf("receipt: %d, number %v code %v", resp.StatusCode, number, code)
	}
	for _, want := range []string{"网上申请回执", g.Name, "1101**********002X", "王小明", "已收到的材料", g.Materials[0].Name, "1 个文件"} {
		if !strings.Contains(page, want) {
			t.Errorf("receipt lacks %q", want)
		}
	}
	if strings.Contains(page, citizenID) {
		t.Error("the receipt shows the full ID number")
	}
	if resp, again := send(t, cl, "GET", env.http.URL+loc, nil, ""); resp.StatusCode != 404 || strings.Contains(again, code[1]) {
		t.Errorf("the receipt was shown again (%d)", resp.StatusCode)
	}
	// A double submit of the same form files nothing new.
	body, ctype = formBody(t, applyFields(t, g.Code, citizenID, "tok-once"), files, tinyPDF)
	resp, _ = send(t, cl, "POST", env.http.URL+"/items/"+g.Code+"/apply", body, ctype)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != loc {
		t.Errorf("second submit: %d to %q, want the same receipt", resp.StatusCode, resp.Header.Get("Location"))
	}
	if n := filedCount(t, env); n != 1 {
		t.Fatalf("%d applications filed, want 1", n)
	}
	app, err := env.store.Application(context.Background(), number[1])
	if err != nil || len(app.Files) != len(files) || app.Files[0].ContentType != "application/pdf" || app.Channel != "online" {
		t.Fatalf("stored application: %v, %d files", err, len(app.Files))
	}
	// The number and code open the status.
	resp, page = postForm(t, cl, env.http.URL+"/status", url.Values{"number": {number[1]}, "code": {strings.ToLower(code[1])}})
	if resp.StatusCode != 200 || !strings.Contains(page, `id="state">待受理<`) {
		t.Errorf("status after filing: %d", resp.StatusCode)
	}
}

func TestStatusPageTimelineWrongCodeAndRateLimit(t *testing.T) {
	env := newStaffEnv(t)
	g := citizenItem(t, env)
	number, code := fileViaAPI(t, env, g.Code, citizenID)
	tok := loginToken(t, env, "window1")
	var app struct{ Version int }
	_, b := call(t, env, "GET", "/api/v1/applications/"+number, tok, nil)
	json.Unmarshal(b, &app)
	if status, b := call(t, env, "POST", "/api/v1/applications/"+number+"/actions/accept", tok, acceptBody(t, env, number, app.Version)); status != 200 {
		t.Fatalf("accept: %d %s", status, b)
	}
	cl := browserClient(t)
	resp, page := postForm(t, cl, env.http.URL+"/status", url.Values{"number": {number}, "code": {code}})
	if resp.StatusCode != 200 {
		t.Fatalf("status: %d", resp.StatusCode)
	}
	for _, want := range []string{`id="state">已受理<`, `id="timeline"`, "网上申请", "受理", "申请人", "承诺办结日期", g.Materials[0].Name} {
		if !strings.Contains(page, want) {
			t.Errorf("status page lacks %q", want)
		}
	}
	if strings.Contains(page, "window1") {
		t.Error("the citizen's timeline names a staff member")
	}
	if m := regexp.MustCompile(`id="promised">(\d{4}-\d{2}-\d{2})<`).FindStringSubmatch(page); m == nil {
		t.Error("no promised completion date after acceptance")
	}
	if resp, _ := send(t, cl, "GET", env.http.URL+"/status/"+number+"?code="+code, nil, ""); resp.StatusCode != 200 {
		t.Errorf("GET with ?code=: %d", resp.StatusCode)
	}
	// A wrong code answers exactly like an unknown number.
	resp, wrong := postForm(t, cl, env.http.URL+"/status", url.Values{"number": {number}, "code": {"WRONGCDE"}})
	resp2, unknown := postForm(t, cl, env.http.URL+"/status", url.Values{"number": {"20990101000001"}, "code": {"WRONGCDE"}})
	if resp.StatusCode != 404 || resp2.StatusCode != 404 || !strings.Contains(wrong, "没有找到该办件") {
		t.Fatalf("wrong code %d, unknown number %d", resp.StatusCode, resp2.StatusCode)
	}
	if strings.ReplaceAll(wrong, number, "N") != strings.ReplaceAll(unknown, "20990101000001", "N") {
		t.Error("a wrong code and an unknown number answer differently")
	}
	// The unknown number's try counts against that number, not this one's nine more.
	for i := 1; i < 10; i++ {
		postForm(t, cl, env.http.URL+"/status", url.Values{"number": {number}, "code": {"WRONGCDE"}})
	}
	resp, page = postForm(t, cl, env.http.URL+"/status", url.Values{"number": {number}, "code": {code}})
	if resp.StatusCode != 429 || !strings.Contains(page, "错误次数过多") {
		t.Fatalf("after ten wrong codes: %d", resp.StatusCode)
	}
}

// requestSupplement has window1 tell the applicant what is missing.
func requestSupplement(t *testing.T, env *demoEnv, number, missing string) {
	t.Helper()
	tok := loginToken(t, env, "window1")
	var app struct{ Version int }
	_, b := call(t, env, "GET", "/api/v1/applications/"+number, tok, nil)
	json.Unmarshal(b, &app)
	status, b := call(t, env, "POST", "/api/v1/applications/"+number+"/actions/request_supplement", tok,
		map[string]any{"version": app.Version, "missing": missing})
	if status != 200 {
		t.Fatalf("request_supplement: %d %s", status, b)
	}
}

func TestSupplementOnTheStatusPageReturnsTheApplicationToTheWindow(t *testing.T) {
	env := newStaffEnv(t)
	g := citizenItem(t, env)
	number, code := fileViaAPI(t, env, g.Code, "440524188001010014")
	requestSupplement(t, env, number, "请补交经营场所租赁合同复印件")
	cl := browserClient(t)
	resp, page := postForm(t, cl, env.http.URL+"/status", url.Values{"number": {number}, "code": {code}})
	for _, want := range []string{`id="state">待补正<`, "需要补正材料", "请补交经营场所租赁合同复印件", `id="supplement-form"`, `id="withdraw-form"`} {
		if !strings.Contains(page, want) {
			t.Errorf("status (%d) lacks %q", resp.StatusCode, want)
		}
	}
	token := regexp.MustCompile(`name="form_token" value="([^"]+)"`).FindStringSubmatch(page)[1]
	supURL := env.http.URL + "/status/" + number + "/supplement"
	// No file: refused, nothing changes.
	body, ctype := formBody(t, url.Values{"code": {code}, "form_token": {token}}, nil, nil)
	resp, page = send(t, cl, "POST", supURL, body, ctype)
	if resp.StatusCode != 422 || !strings.Contains(page, "请至少上传一份补正材料") {
		t.Fatalf("supplement without files: %d", resp.StatusCode)
	}
	files := []filePart{{field: "file_" + g.Materials[0].Key, name: "lease.pdf"}}
	fields := url.Values{"code": {code}, "form_token": {token}, "comment": {"已补交租赁合同"}}
	body, ctype = formBody(t, fields, files, tinyPDF)
	resp, page = send(t, cl, "POST", supURL, body, ctype)
	if resp.StatusCode != 200 || !strings.Contains(page, `id="state">待受理<`) || !strings.Contains(page, "补正材料已提交") {
		t.Fatalf("supplement: %d", resp.StatusCode)
	}
	app, _ := env.store.Application(context.Background(), number)
	if app.State != workflow.Submitted || len(app.Files) != 1 || app.Files[0].MaterialKey != g.Materials[0].Key {
		t.Fatalf("after the supplement: %s, %d files", app.State, len(app.Files))
	}
	// A wrong code changes nothing.
	body, ctype = formBody(t, url.Values{"code": {"WRONGCDE"}}, files, tinyPDF)
	resp, _ = send(t, cl, "POST", supURL, body, ctype)
	if resp.StatusCode != 404 {
		t.Errorf("supplement with a wrong code: %d", resp.StatusCode)
	}
	// The page's other form, sent with the same page token, is its own action.
	resp, page = postForm(t, cl, env.http.URL+"/status/"+number+"/withdraw", url.Values{"code": {code}, "form_token": {token}, "confirm": {"yes"}})
	if resp.StatusCode != 200 || !strings.Contains(page, `id="state">已撤回<`) {
		t.Errorf("withdraw from the same page after the supplement: %d", resp.StatusCode)
	}
}

func TestWithdrawOnTheStatusPageNeedsConfirmation(t *testing.T) {
	env := newDemoEnv(t)
	g := citizenItem(t, env)
	number, code := fileViaAPI(t, env, g.Code, "321083197812162119")
	cl := browserClient(t)
	u := env.http.URL + "/status/" + number + "/withdraw"
	resp, page := postForm(t, cl, u, url.Values{"code": {code}, "form_token": {"w1"}, "reason": {"不再需要办理"}})
	if resp.StatusCode != 422 || !strings.Contains(page, "请勾选确认后再撤回申请") {
		t.Fatalf("withdraw without confirmation: %d", resp.StatusCode)
	}
	if !strings.Contains(page, ">不再需要办理</textarea>") {
		t.Fatalf("the refused withdrawal did not keep the reason typed")
	}
	form := url.Values{"code": {code}, "form_token": {"w1"}, "confirm": {"yes"}, "reason": {"材料准备不全，暂不申请"}}
	resp, page = postForm(t, cl, u, form)
	if resp.StatusCode != 200 || !strings.Contains(page, `id="state">已撤回<`) || strings.Contains(page, `id="withdraw-form"`) {
		t.Fatalf("withdraw: %d", resp.StatusCode)
	}
	// The same form again is a replay; another one is refused.
	if resp, _ = postForm(t, cl, u, form); resp.StatusCode != 200 {
		t.Errorf("replayed withdraw: %d", resp.StatusCode)
	}
	form.Set("form_token", "w2")
	if resp, page = postForm(t, cl, u, form); resp.StatusCode != 409 || !strings.Contains(page, "当前状态下不能进行此操作") {
		t.Errorf("withdraw of a withdrawn application: %d", resp.StatusCode)
	}
	app, _ := env.store.Application(context.Background(), number)
	if app.State != workflow.Withdrawn || app.EventCount != 2 {
		t.Fatalf("after withdrawing: %s with %d events", app.State, app.EventCount)
	}
}

func TestCitizenSeesEveryApplicationUnderItsIDOnMy(t *testing.T) {
	env := newStaffEnv(t)
	g := citizenItem(t, env)
	mine1, _ := fileViaAPI(t, env, g.Code, citizenID)
	mine2, _ := fileViaAPI(t, env, g.Code, strings.ToLower(citizenID))
	other, _ := fileViaAPI(t, env, g.Code, "440524188001010014")
	cl := browserClient(t)
	if resp, _ := send(t, cl, "GET", env.http.URL+"/my", nil, ""); resp.StatusCode != 303 {
		t.Errorf("/my without login: %d", resp.StatusCode)
	}
	b, _ := json.Marshal(map[string]string{"username": "citizen1", "password": "demo1234"})
	req, _ := http.NewRequest(http.MethodPost, env.http.URL+"/api/v1/login", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if resp, body := checkedDo(t, cl, req, b); resp.StatusCode != 200 {
		t.Fatalf("login: %d %s", resp.StatusCode, body)
	}
	resp, page := send(t, cl, "GET", env.http.URL+"/my", nil, "")
	if resp.StatusCode != 200 || !strings.Contains(page, mine1) || !strings.Contains(page, mine2) || strings.Contains(page, other) {
		t.Fatalf("/my: %d, mine %v %v, other %v", resp.StatusCode, strings.Contains(page, mine1), strings.Contains(page, mine2), strings.Contains(page, other))
	}
	if !strings.Contains(page, `href="/my"`) || !strings.Contains(page, "我的办件") {
		t.Error("no 我的办件 link for a citizen")
	}
	// The owner reads and withdraws without the code.
	resp, page = send(t, cl, "GET", env.http.URL+"/status/"+mine1, nil, "")
	if resp.StatusCode != 200 || !strings.Contains(page, `id="state">待受理<`) || strings.Contains(page, `name="code"`) ||
		!strings.Contains(page, `href="/receipt/`+mine1+`"`) {
		t.Fatalf("owner's status: %d", resp.StatusCode)
	}
	csrf := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(page)[1]
	resp, page = postForm(t, cl, env.http.URL+"/status/"+mine1+"/withdraw", url.Values{"csrf_token": {csrf}, "confirm": {"yes"}, "form_token": {"own"}})
	if resp.StatusCode != 200 || !strings.Contains(page, `id="state">已撤回<`) {
		t.Fatalf("owner's withdraw: %d", resp.StatusCode)
	}
	if resp, page = send(t, cl, "GET", env.http.URL+"/receipt/"+mine2, nil, ""); resp.StatusCode != 200 || !strings.Contains(page, "仅在提交时显示一次") {
		t.Errorf("owner's receipt: %d", resp.StatusCode)
	}
	// Somebody else's application needs its code.
	if _, page = send(t, cl, "GET", env.http.URL+"/status/"+other, nil, ""); strings.Contains(page, `id="status-result"`) {
		t.Error("a citizen reads somebody else's application without its code")
	}
	if resp, _ = postForm(t, cl, env.http.URL+"/status/"+other+"/withdraw", url.Values{"csrf_token": {csrf}, "confirm": {"yes"}}); resp.StatusCode != 404 {
		t.Errorf("withdrawing somebody else's application: %d", resp.StatusCode)
	}
	if resp, _ = send(t, browserClient(t), "GET", env.http.URL+"/receipt/"+mine2, nil, ""); resp.StatusCode != 404 {
		t.Errorf("a receipt without cookie or login: %d", resp.StatusCode)
	}
}
