package handlers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/models/demo"
)

// demoItem finds a retained, published on-application demo item matching pick.
func demoItem(t *testing.T, pick func(models.Item) bool) models.Item {
	t.Helper()
	_, _, items := demo.Catalogue()
	for _, it := range items {
		if it.OnApplication && !it.Reduced() && it.Status == models.ItemPublished && len(it.Materials) > 0 &&
			!isMainItem(items, it) && pick(it) {
			return it
		}
	}
	t.Fatal("no such demo item")
	return models.Item{}
}

// isMainItem reports whether a retained item of it's department names it as
// its main item (主项): one applies for the sub-items, not for it.
func isMainItem(items []models.Item, it models.Item) bool {
	for _, o := range items {
		if o.Code != it.Code && o.DepartmentCode == it.DepartmentCode && o.MainName == it.Name && !o.Reduced() {
			return true
		}
	}
	return false
}

func singleItem(t *testing.T) models.Item {
	return demoItem(t, func(it models.Item) bool { return it.HandlingKind == models.KindPromised && len(it.Departments) <= 1 })
}

type filedAnswer struct {
	Number    string `json:"number"`
	QueryCode string `json:"query_code"`
	State     string `json:"state"`
}

func applyBody(code, idNumber string) map[string]any {
	return map[string]any{"item_code": code, "applicant": map[string]any{"kind": "person", "name": "张三",
		"id_number": idNumber, "phone": "13800000000"}, "form": sampleAnswers(code, "person", "张三", idNumber)}
}

// demoByCode is the demo catalogue by item code, built once for the package's tests.
var demoByCode = sync.OnceValue(func() map[string]models.Item {
	_, _, items := demo.Catalogue()
	out := make(map[string]models.Item, len(items))
	for _, it := range items {
		out[it.Code] = it
	}
	return out
})

// sampleAnswers are answers the demo item's application form accepts, for an applicant.
func sampleAnswers(code, kind, name, id string) json.RawMessage {
	it, ok := demoByCode()[code]
	if !ok {
		return json.RawMessage(`{}`)
	}
	// A person filing for an item that serves organisations answers for one (the
	// organisation's particulars are then the form's to ask).
	profile := map[string]string{"kind": kind, "phone": "13800000000", "org_name": "集宁区示例商贸有限公司",
		"credit_code": "91150902MA0N3K7T1C"}
	if kind == models.ApplicantOrganisation {
		profile["org_name"], profile["credit_code"] = name, id
	} else {
		profile["name"], profile["id_number"] = name, id
	}
	b, err := demo.SampleAnswers(&it, profile, time.Now())
	if err != nil {
		panic(err)
	}
	return b
}

func fileOnline(t *testing.T, env *demoEnv, code string) filedAnswer {
	t.Helper()
	status, b := call(t, env, http.MethodPost, "/api/v1/applications", "", applyBody(code, "11010519491231002X"))
	if status != http.StatusCreated {
		t.Fatalf("file: %d %s", status, b)
	}
	var f filedAnswer
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

type appAnswer struct {
	State   string   `json:"state"`
	Version int      `json:"version"`
	Actions []string `json:"actions"`
	Clock   struct {
		PromisedDeadline string `json:"promised_deadline"`
	} `json:"clock"`
	Events []struct {
		Action string `json:"action"`
		Actor  string `json:"actor"`
		Role   string `json:"role"`
	} `json:"events"`
}

func staffView(t *testing.T, env *demoEnv, token, number string) appAnswer {
	t.Helper()
	status, b := call(t, env, http.MethodGet, "/api/v1/applications/"+number, token, nil)
	if status != http.StatusOK {
		t.Fatalf("staff view: %d %s", status, b)
	}
	var a appAnswer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestOnlineFilingAndStatus(t *testing.T) {
	env := newStaffEnv(t)
	it := singleItem(t)
	f := fileOnline(t, env, it.Code)
	if f.State != "submitted" || len(f.QueryCode) != 8 || len(f.Number) != 14 {
		t.Fatalf("filed %+v", f)
	}
	status, b := call(t, env, http.MethodGet, "/api/v1/status/"+f.Number+"?code="+f.QueryCode, "", nil)
	if status != http.StatusOK || !strings.Contains(string(b), `"state_label":"待受理"`) || strings.Contains(string(b), "actor") {
		t.Fatalf("status: %d %s", status, b)
	}
	wrong, _ := call(t, env, http.MethodGet, "/api/v1/status/"+f.Number+"?code=XXXXXXXX", "", nil)
	unknown, _ := call(t, env, http.MethodGet, "/api/v1/status/20000101000001?code="+f.QueryCode, "", nil)
	if wrong != http.StatusNotFound || unknown != http.StatusNotFound {
		t.Fatalf("wrong code %d, unknown number %d", wrong, unknown)
	}
	// citizen1 holds this ID number and sees the application.
	tok := loginToken(t, env, "citizen1")
	status, b = call(t, env, http.MethodGet, "/api/v1/my/applications", tok, nil)
	if status != http.StatusOK || !strings.Contains(string(b), f.Number) {
		t.Fatalf("my applications: %d %s", status, b)
	}
}

func TestRepeatedWrongCodesAreRateLimited(t *testing.T) {
	env := newStaffEnv(t)
	f := fileOnline(t, env, singleItem(t).Code)
	last := 0
	for range 12 {
		last, _ = call(t, env, http.MethodGet, "/api/v1/status/"+f.Number+"?code=WRONG123", "", nil)
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("after 12 wrong codes: %d", last)
	}
	if s, _ := call(t, env, http.MethodGet, "/api/v1/status/"+f.Number+"?code="+f.QueryCode, "", nil); s != http.StatusTooManyRequests {
		t.Fatalf("a blocked client still looks up: %d", s)
	}
}

// TestGuessingOneCodeLeavesOtherApplicationsAlone: a client refused for guessing one
// application's code is told when to retry, and still looks up another application with
// its right code.
func TestGuessingOneCodeLeavesOtherApplicationsAlone(t *testing.T) {
	env := newStaffEnv(t)
	a, b := fileOnline(t, env, singleItem(t).Code), fileOnline(t, env, singleItem(t).Code)
	for range 12 {
		call(t, env, http.MethodGet, "/api/v1/status/"+a.Number+"?code=WRONG123", "", nil)
	}
	req, _ := http.NewRequest(http.MethodGet, env.http.URL+"/api/v1/status/"+a.Number+"?code="+a.QueryCode, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("the guessed application: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if s, body := call(t, env, http.MethodGet, "/api/v1/status/"+b.Number+"?code="+b.QueryCode, "", nil); s != http.StatusOK {
		t.Fatalf("another application with its right code: %d %s", s, body)
	}
}

// TestForwardedForCannotEscapeTheLimit: without a trusted proxy configured, a client that
// names another address in X-Forwarded-For is still counted by its own.
func TestForwardedForCannotEscapeTheLimit(t *testing.T) {
	env := newStaffEnv(t)
	f := fileOnline(t, env, singleItem(t).Code)
	last := 0
	for i := range 12 {
		last, _ = call(t, env, http.MethodGet, "/api/v1/status/"+f.Number+"?code=WRONG123", "", nil,
			"X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1))
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("after 12 wrong codes from 12 claimed addresses: %d", last)
	}
}

func TestInvalidIdentityNumbersNameTheFailedCheck(t *testing.T) {
	env := newStaffEnv(t)
	code := singleItem(t).Code
	cases := []struct{ kind, id, want string }{
		{"person", "110105194912310021", "check"},
		{"person", "11010519491331002X", "birth"},
		{"person", "1101051949", "18"},
		{"organisation", "91350100M000100Y44", "check"},
		{"organisation", "91350100M00010OY43", "charac"},
	}
	for _, c := range cases {
		body := applyBody(code, c.id)
		body["applicant"].(map[string]any)["kind"] = c.kind
		status, b := call(t, env, http.MethodPost, "/api/v1/applications", "", body)
		var e struct {
			Error struct {
				Fields map[string]string `json:"fields"`
			} `json:"error"`
		}
		_ = json.Unmarshal(b, &e)
		msg := e.Error.Fields["applicant.id_number"]
		if status != http.StatusUnprocessableEntity || !strings.Contains(strings.ToLower(msg), c.want) {
			t.Errorf("%s %s: %d %q", c.kind, c.id, status, msg)
		}
	}
	if n, err := count(t, env, "applications"); err != nil || n != 0 {
		t.Fatalf("refused filings stored %d applications (%v)", n, err)
	}
}

func TestIdempotencyKeyFilesOnce(t *testing.T) {
	env := newStaffEnv(t)
	body := applyBody(singleItem(t).Code, "440524188001010014")
	s1, b1 := call(t, env, http.MethodPost, "/api/v1/applications", "", body, "Idempotency-Key", "abc-1")
	s2, b2 := call(t, env, http.MethodPost, "/api/v1/applications", "", body, "Idempotency-Key", "abc-1")
	if s1 != http.StatusCreated || s2 != http.StatusOK || string(b1) != string(b2) {
		t.Fatalf("retry: %d %s / %d %s", s1, b1, s2, b2)
	}
	body["applicant"].(map[string]any)["phone"] = "13900000000"
	if s3, _ := call(t, env, http.MethodPost, "/api/v1/applications", "", body, "Idempotency-Key", "abc-1"); s3 != http.StatusUnprocessableEntity {
		t.Fatalf("reused key with another body: %d", s3)
	}
}

func TestConcurrentClerksAcceptOnce(t *testing.T) {
	env := newStaffEnv(t)
	f := fileOnline(t, env, singleItem(t).Code)
	tok := loginToken(t, env, "window1")
	var wg sync.WaitGroup
	results := make([]int, 10)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = call(t, env, http.MethodPost, "/api/v1/applications/"+f.Number+"/actions/accept", tok, acceptBody(t, env, f.Number, 1))
		}()
	}
	wg.Wait()
	ok, conflict := 0, 0
	for _, s := range results {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusConflict:
			conflict++
		}
	}
	a := staffView(t, env, tok, f.Number)
	if ok != 1 || conflict != 9 || a.State != "accepted" || len(a.Events) != 2 || a.Clock.PromisedDeadline == "" {
		t.Fatalf("ok %d conflict %d state %s events %d", ok, conflict, a.State, len(a.Events))
	}
	if a.Events[1].Actor != "window1" || a.Events[1].Role != "window_clerk" {
		t.Fatalf("event %+v", a.Events[1])
	}
}

func TestActionsFollowTableAndPolicy(t *testing.T) {
	env := newStaffEnv(t)
	it := singleItem(t)
	f := fileOnline(t, env, it.Code)
	clerk := loginToken(t, env, "window1")
	act := func(tok, action string, body map[string]any) (int, string) {
		s, b := call(t, env, http.MethodPost, "/api/v1/applications/"+f.Number+"/actions/"+action, tok, body)
		return s, string(b)
	}
	if s, b := act(clerk, "reject", map[string]any{"version": 1}); s != http.StatusUnprocessableEntity || !strings.Contains(b, `"reason"`) {
		t.Fatalf("reject without reason: %d %s", s, b)
	}
	if s, _ := act(clerk, "approve", map[string]any{"version": 1}); s != http.StatusConflict {
		t.Fatalf("approve before acceptance: %d", s)
	}
	other := "scj"
	if it.DepartmentCode == "scj" {
		other = "zjj"
	}
	if s, _ := act(loginToken(t, env, other+".review"), "accept", map[string]any{"version": 1}); s != http.StatusForbidden {
		t.Fatalf("a reviewer accepting at the window: %d", s)
	}
	if s, b := act(clerk, "request_supplement", map[string]any{"version": 1, "missing": []string{"m1"}, "comment": "缺少材料"}); s != http.StatusOK {
		t.Fatalf("one-time notice: %d %s", s, b)
	}
	// The applicant supplements with the query code; then the window accepts.
	// Every state-changing call carries the version it saw: without it, a 422 naming it, not a 409.
	for _, tok := range []string{"", clerk} {
		s, b := act(tok, "supplement", map[string]any{"code": f.QueryCode})
		if s != http.StatusUnprocessableEntity || !strings.Contains(b, `"version"`) {
			t.Fatalf("an action without version: %d %s", s, b)
		}
	}
	if s, b := act("", "supplement", map[string]any{"code": f.QueryCode, "version": 2}); s != http.StatusOK || !strings.Contains(b, `"state":"submitted"`) {
		t.Fatalf("supplement: %d %s", s, b)
	}
	if s, _ := act("", "accept", map[string]any{"code": f.QueryCode, "version": 3}); s != http.StatusForbidden {
		t.Fatalf("an applicant accepting: %d", s)
	}
	if s, _ := act(clerk, "accept", map[string]any{"version": 2}); s != http.StatusConflict {
		t.Fatalf("stale version: %d", s)
	}
	if s, b := act(clerk, "accept", acceptBody(t, env, f.Number, 3)); s != http.StatusOK {
		t.Fatalf("accept: %d %s", s, b)
	}
	rev := loginToken(t, env, it.DepartmentCode+".review")
	if s, _ := call(t, env, http.MethodGet, "/api/v1/applications/"+f.Number, loginToken(t, env, other+".review"), nil); s != http.StatusForbidden {
		t.Fatalf("another department reads: %d", s)
	}
	a := staffView(t, env, rev, f.Number)
	if len(a.Actions) == 0 || a.Actions[0] != "claim" {
		t.Fatalf("reviewer's actions %v", a.Actions)
	}
	if s, _ := act("", "withdraw", map[string]any{"code": f.QueryCode, "version": 4}); s != http.StatusOK {
		t.Fatalf("withdraw: %d", s)
	}
	if s, _ := act(rev, "claim", map[string]any{"version": 5}); s != http.StatusConflict {
		t.Fatalf("claim after withdrawal: %d", s)
	}
}

func uploadMaterial(t *testing.T, env *demoEnv, number, code, material, name string, content []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("code", code)
	_ = w.WriteField("material", material)
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write(content)
	_ = w.Close()
	resp, b := callRaw(t, env, http.MethodPost, "/api/v1/applications/"+number+"/materials", "", w.FormDataContentType(), buf.Bytes())
	return resp.StatusCode, string(b)
}

func TestUploadsAreSniffedLimitedAndContentAddressed(t *testing.T) {
	env := newStaffEnv(t)
	it := singleItem(t)
	f := fileOnline(t, env, it.Code)
	key := it.Materials[0].Key
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	s, b := uploadMaterial(t, env, f.Number, f.QueryCode, key, "../../etc/passwd.pdf", pdf)
	if s != http.StatusCreated || !strings.Contains(b, `"content_type":"application/pdf"`) {
		t.Fatalf("pdf: %d %s", s, b)
	}
	var got struct {
		ID     int    `json:"id"`
		SHA256 string `json:"sha256"`
	}
	_ = json.Unmarshal([]byte(b), &got)
	exe := append([]byte("MZ\x90\x00"), make([]byte, 200)...)
	if s, b := uploadMaterial(t, env, f.Number, f.QueryCode, key, "scan.pdf", exe); s != http.StatusUnsupportedMediaType {
		t.Fatalf("exe renamed .pdf: %d %s", s, b)
	}
	big := append([]byte("%PDF-1.4\n"), make([]byte, 11<<20)...)
	if s, _ := uploadMaterial(t, env, f.Number, f.QueryCode, key, "big.pdf", big); s != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversize: %d", s)
	}
	if s, _ := uploadMaterial(t, env, f.Number, "WRONG123", key, "a.pdf", pdf); s != http.StatusNotFound {
		t.Fatalf("wrong code: %d", s)
	}
	if s, _ := uploadMaterial(t, env, f.Number, f.QueryCode, "no-such-material", "a.pdf", pdf); s != http.StatusUnprocessableEntity {
		t.Fatalf("unknown material: %d", s)
	}
	// Only the PDF was stored, under its content address, and it downloads back.
	status, body := call(t, env, http.MethodGet, fmt.Sprintf("/api/v1/applications/%s/files/%d?code=%s", f.Number, got.ID, f.QueryCode), "", nil)
	if status != http.StatusOK || !bytes.Equal(body, pdf) {
		t.Fatalf("download: %d", status)
	}
	if n, _ := count(t, env, "application_files"); n != 1 {
		t.Fatalf("%d files recorded", n)
	}
}

func TestAuditVerifyEndpoint(t *testing.T) {
	env := newStaffEnv(t)
	f := fileOnline(t, env, singleItem(t).Code)
	tok := loginToken(t, env, "supervisor")
	status, b := call(t, env, http.MethodGet, "/api/v1/audit/verify", tok, nil)
	if status != http.StatusOK || !strings.Contains(string(b), `"ok":true`) {
		t.Fatalf("verify: %d %s", status, b)
	}
	if s, _ := call(t, env, http.MethodGet, "/api/v1/audit/verify", loginToken(t, env, "window1"), nil); s != http.StatusForbidden {
		t.Fatalf("window clerk verifies: %d", s)
	}
	db, err := env.store.SQL()
	if err != nil {
		t.Fatal(err)
	}
	drop := "DROP TRIGGER application_events_no_update"
	if env.store.Engine() == "postgres" {
		drop += " ON application_events"
	}
	if _, err := db.Exec(drop); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE application_events SET actor = 'someone' WHERE seq = 1"); err != nil {
		t.Fatal(err)
	}
	status, b = call(t, env, http.MethodGet, "/api/v1/audit/verify", tok, nil)
	if status != http.StatusOK || !strings.Contains(string(b), `"ok":false`) || !strings.Contains(string(b), f.Number) {
		t.Fatalf("tampered: %d %s", status, b)
	}
}

// count counts the rows of a table.
func count(t *testing.T, env *demoEnv, table string) (int, error) {
	t.Helper()
	db, err := env.store.SQL()
	if err != nil {
		return 0, err
	}
	var n int
	err = db.QueryRow("SELECT count(*) FROM " + table).Scan(&n)
	return n, err
}

// A signed-in citizen account uploads for its own applications without the
// query code, as it acts on them; someone else's stays closed to it.
func TestCitizenAccountUploadsForItsOwnApplication(t *testing.T) {
	env := newStaffEnv(t)
	g := citizenItem(t, env)
	mine, _ := fileViaAPI(t, env, g.Code, "11010519491231002X")
	other, _ := fileViaAPI(t, env, g.Code, "321083197812162119")
	tok := loginToken(t, env, "citizen1")
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	upload := func(number string) int {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.WriteField("material", g.Materials[0].Key)
		fw, _ := w.CreateFormFile("file", "scan.pdf")
		_, _ = fw.Write(pdf)
		_ = w.Close()
		resp, _ := callRaw(t, env, http.MethodPost, "/api/v1/applications/"+number+"/materials", tok, w.FormDataContentType(), buf.Bytes())
		return resp.StatusCode
	}
	if s := upload(mine); s != http.StatusCreated {
		t.Fatalf("the owner's upload: %d", s)
	}
	if s := upload(other); s != http.StatusForbidden {
		t.Fatalf("an upload for someone else's application: %d", s)
	}
}

// TestAnonymousFilingKeepsTheStoredProfile: someone filing online under another person's
// identity number does not change that person's stored name and phone; the window, which
// sees the document, does. The application itself keeps what its filing said.
func TestAnonymousFilingKeepsTheStoredProfile(t *testing.T) {
	env := newStaffEnv(t)
	code := singleItem(t).Code
	const id = "11010519491231002X"
	window := loginToken(t, env, "window1")
	body := applyBody(code, id)
	body["applicant"].(map[string]any)["name"], body["applicant"].(map[string]any)["phone"] = "王小明", "13900000001"
	if s, b := call(t, env, http.MethodPost, "/api/v1/applications", window, body); s != http.StatusCreated {
		t.Fatalf("window filing: %d %s", s, b)
	}
	body["applicant"].(map[string]any)["name"], body["applicant"].(map[string]any)["phone"] = "冒用者", "13700000002"
	s, b := call(t, env, http.MethodPost, "/api/v1/applications", "", body)
	if s != http.StatusCreated {
		t.Fatalf("anonymous filing: %d %s", s, b)
	}
	p, err := env.store.Applicant(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "王小明" || p.Phone != "13900000001" {
		t.Fatalf("the stored profile became %s %s", p.Name, p.Phone)
	}
	var f filedAnswer
	_ = json.Unmarshal(b, &f)
	app, err := env.store.Application(t.Context(), f.Number)
	if err != nil {
		t.Fatal(err)
	}
	if app.ApplicantName != "冒用者" || app.ApplicantPhone != "13700000002" {
		t.Fatalf("the anonymous application records %s %s, not what it said", app.ApplicantName, app.ApplicantPhone)
	}
}

// TestAnAnonymousFilerDoesNotBecomeTheApplicantOnFile: the first filing under a number is
// anonymous; the window's look-up does not offer that filer's name and contact details as the
// applicant's, until a filing by someone who proved the number (the window, with the
// applicant present) gives the profile, which drops what the anonymous filer left.
func TestAnAnonymousFilerDoesNotBecomeTheApplicantOnFile(t *testing.T) {
	env := newStaffEnv(t)
	code := singleItem(t).Code
	const id = "110101199003078005"
	body := applyBody(code, id)
	body["applicant"].(map[string]any)["name"], body["applicant"].(map[string]any)["phone"] = "冒用者", "13700000002"
	if s, b := call(t, env, http.MethodPost, "/api/v1/applications", "", body); s != http.StatusCreated {
		t.Fatalf("anonymous filing: %d %s", s, b)
	}
	window := loginToken(t, env, "window1")
	if s, b := call(t, env, http.MethodGet, "/api/v1/applicants/"+id, window, nil); s != http.StatusNotFound {
		t.Fatalf("look-up after an anonymous filing: %d %s", s, b)
	}
	clerk := loginSession(t, env, "window1", demo.Password)
	if _, page, _ := clerk.get("/window/new?item=" + code + "&id_number=" + id); strings.Contains(page, "冒用者") ||
		strings.Contains(page, `id="lookup-found"`) {
		t.Fatal("the window's look-up offers the anonymous filer as the applicant")
	}
	body = applyBody(code, id)
	body["applicant"].(map[string]any)["name"], body["applicant"].(map[string]any)["phone"] = "王真", ""
	delete(body["applicant"].(map[string]any), "phone")
	if s, b := call(t, env, http.MethodPost, "/api/v1/applications", window, body); s != http.StatusCreated {
		t.Fatalf("window filing: %d %s", s, b)
	}
	p, err := env.store.Applicant(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Proven || p.Name != "王真" || p.Phone != "" {
		t.Fatalf("after the window's filing the profile is %+v; want proven, 王真, and no phone of the anonymous filer", p)
	}
	if s, b := call(t, env, http.MethodGet, "/api/v1/applicants/"+id, window, nil); s != http.StatusOK || !strings.Contains(string(b), "王真") {
		t.Fatalf("look-up after the window's filing: %d %s", s, b)
	}
}
