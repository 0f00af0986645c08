package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"onewindow/models"
	"onewindow/models/demo"
)

// postUpload posts a file to the import page and returns the answer as it comes, unfollowed.
func postUpload(t *testing.T, env *demoEnv, client *http.Client, token, name string, file []byte) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", token)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, env.http.URL+"/admin/catalogue/transfer", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

type jobProgress struct {
	State string `json:"state"`
	Stage string `json:"stage"`
	Label string `json:"label"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
}

func progressOf(t *testing.T, env *demoEnv, client *http.Client, job string) (int, jobProgress) {
	t.Helper()
	status, body, _ := fetch(t, client, http.MethodGet, env.http.URL+job+"/progress", nil)
	var p jobProgress
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("progress of %s: %d %q", job, status, body)
	}
	return status, p
}

func TestTransferPageChecksAndImportsA2000RowListingAsAJob(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	token := csrfToken(t, client, env)
	const rows = 2000
	resp := postUpload(t, env, client, token, "实施清单.csv", realListing(rows))
	job := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !jobPath.MatchString(job) {
		t.Fatalf("upload = %d to %q, want 303 to a job page", resp.StatusCode, job)
	}
	status, body := waitJob(t, env, client, job)
	if status != http.StatusOK || countOf("count-rows", body) != "2000" || countOf("count-new", body) != "2000" ||
		countOf("count-departments", body) != "24" || countOf("count-problems", body) != "0" || !strings.Contains(body, "实施清单.csv") {
		t.Fatalf("dry run = %d: rows %s new %s departments %s problems %s", status, countOf("count-rows", body),
			countOf("count-new", body), countOf("count-departments", body), countOf("count-problems", body))
	}
	if status, p := progressOf(t, env, client, job); status != http.StatusOK || p.State != "done" || p.Done != p.Total || p.Total == 0 {
		t.Errorf("progress of the ended check = %d %+v", status, p)
	}
	m := confirmToken.FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, `name="job"`) {
		t.Fatal("no confirm form on the job's page")
	}
	before, _ := env.store.ItemsForExport(context.Background(), nil)
	// Without a reason the same result is shown again, asking for one.
	form := url.Values{"csrf_token": {token}, "token": {m[1]}, "job": {strings.TrimPrefix(job, "/admin/catalogue/transfer/jobs/")}}
	status, body, _ = fetch(t, client, http.MethodPost, env.http.URL+"/admin/catalogue/transfer/confirm", form)
	if status != http.StatusUnprocessableEntity || countOf("count-new", body) != "2000" || !confirmToken.MatchString(body) ||
		!strings.Contains(body, `id="transfer-error"`) {
		t.Fatalf("confirm without a reason = %d", status)
	}
	form.Set("reason", "导入区级实施清单")
	status, _, resp = fetch(t, client, http.MethodPost, env.http.URL+"/admin/catalogue/transfer/confirm", form)
	write := resp.Header.Get("Location")
	if status != http.StatusSeeOther || !jobPath.MatchString(write) || write == job {
		t.Fatalf("confirm = %d to %q, want 303 to a new job page", status, write)
	}
	status, body = waitJob(t, env, client, write)
	if status != http.StatusOK || countOf("applied-new", body) != "2000" || countOf("applied-departments", body) != "24" {
		t.Fatalf("confirm result = %d: new %s departments %s", status, countOf("applied-new", body), countOf("applied-departments", body))
	}
	after, _ := env.store.ItemsForExport(context.Background(), nil)
	if len(after) != len(before)+rows {
		t.Errorf("items: %d, want %d", len(after), len(before)+rows)
	}
	if status, p := progressOf(t, env, client, write); status != http.StatusOK || p.State != "done" || p.Stage != "write" || p.Done != rows {
		t.Errorf("progress of the ended import = %d %+v", status, p)
	}
}

func TestImportJobsAreTheirSessionsOnly(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	resp := postUpload(t, env, client, csrfToken(t, client, env), "list.csv", realListing(40))
	job := resp.Header.Get("Location")
	if !jobPath.MatchString(job) {
		t.Fatalf("upload = %d %q", resp.StatusCode, job)
	}
	if status, _ := waitJob(t, env, client, job); status != http.StatusOK {
		t.Fatalf("own job = %d", status)
	}
	if _, err := env.store.CreateUser(context.Background(), models.NewUser{Username: "catalog2", DisplayName: "事项管理员二",
		PasswordHash: demoHash(), Roles: []models.RoleAssignment{{Role: "catalogue_admin", Domain: "*"}}}); err != nil {
		t.Fatal(err)
	}
	others := map[string]*http.Client{"another catalogue administrator": staffClient(t, env, "catalog2"),
		"the same user in another session": staffClient(t, env, "catalog")}
	for who, other := range others {
		status, body, _ := fetch(t, other, http.MethodGet, env.http.URL+job, nil)
		if status != http.StatusNotFound || strings.Contains(body, "list.csv") || strings.Contains(body, `id="dry-run"`) {
			t.Errorf("%s reading the job = %d", who, status)
		}
		if status, p := progressOf(t, env, other, job); status != http.StatusNotFound || p.State != "expired" || p.Total != 0 {
			t.Errorf("%s reading the job's progress = %d %+v", who, status, p)
		}
	}
	// A job the server no longer has (a restart loses every job) reads as expired, with a way back.
	for lang, want := range map[string]string{"zh-CN": "这项导入任务已不存在", "en": "no longer exists"} {
		status, body, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/catalogue/transfer/jobs/"+strings.Repeat("0", 32)+"?lang="+lang, nil)
		if status != http.StatusNotFound || !strings.Contains(body, want) || !strings.Contains(body, `id="transfer-back"`) {
			t.Errorf("a lost job (%s) = %d", lang, status)
		}
	}
	if status, _, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/catalogue/transfer/jobs/..%2f..%2fonewindow.db", nil); status != http.StatusNotFound {
		t.Errorf("a malformed job id = %d", status)
	}
	rc := staffClient(t, env, "scj.review")
	if status, _, _ := fetch(t, rc, http.MethodGet, env.http.URL+job, nil); status != http.StatusForbidden {
		t.Errorf("a reviewer reading a job = %d, want 403", status)
	}
}

func TestMultiSheetProblemsSpeakThePagesLanguage(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	_, file, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/catalogue/export?format=csv&department=sjj&lang=en", nil)
	lines := strings.Split(file, "\r\n")
	var code string
	for i, l := range lines {
		if strings.HasPrefix(l, "item,") && code == "" {
			code = strings.Split(l, ",")[1]
			lines[i] = strings.Replace(l, ",sjj,", ",nosuch,", 1)
		}
	}
	bad := strings.Join(lines, "\r\n") + "material,NO-HEADER\r\n" +
		"#material,item_code,key,sort,name,necessity,form,kind,copies,source,blank_form,remark\r\n" +
		"material,NO-SUCH-ITEM,m1,1,申请书,required,paper,original,1,applicant,false,\r\n" +
		"material," + code + ",m1,x,申请书,required,paper,original,1,applicant,false,\r\nthing,1,2\r\n"
	cases := map[string][]string{
		"zh-CN": {"<td>事项</td><td>2</td><td><code>实施主体代码</code></td>", "没有这个编码", "这一行上方没有“#材料”表头行",
			"事项表中没有实施编码为 NO-SUCH-ITEM 的事项", "<td>材料</td><td>16</td><td><code>序号</code></td>", "“x”不是整数",
			"<code>记录类型</code>", "“thing”不是记录类型"},
		"en": {"<td>items</td><td>2</td><td><code>department_code</code></td>", "Unknown code", "no #material header row",
			"NO-SUCH-ITEM", "<td>materials</td><td>16</td><td><code>sort</code></td>", "<code>record</code>", "thing"},
	}
	for lang, wants := range cases {
		c := staffClient(t, env, "catalog")
		fetch(t, c, http.MethodGet, env.http.URL+"/admin/catalogue/transfer?lang="+lang, nil)
		status, body := uploadPage(t, env, c, csrfToken(t, c, env), []byte(bad))
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("%s: bad file = %d", lang, status)
		}
		for _, want := range wants {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the problems lack %q", lang, want)
			}
		}
		if strings.Contains(body, "应为“是”或“否”") || strings.Contains(body, "must be true or false") {
			t.Errorf("%s: a well-formed cell was reported", lang)
		}
		if lang == "zh-CN" && (strings.Contains(body, "is not") || strings.Contains(body, "no item with")) {
			t.Errorf("the Chinese page shows English problems")
		}
	}
}

func TestBrowserImportProgressReachesTheResult(t *testing.T) {
	env := newStaffEnv(t)
	ctx := newBrowser(t)
	path := filepath.Join(t.TempDir(), "实施清单.csv")
	if err := os.WriteFile(path, realListing(2000), 0o600); err != nil {
		t.Fatal(err)
	}
	base := env.http.URL
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "catalog"),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS("button.linkish")),
		chromedp.Navigate(base+"/admin/catalogue/transfer"),
		chromedp.WaitVisible(chromedp.ID("import-form")),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{path}),
		chromedp.Click(chromedp.ID("check-import")),
	)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	wait, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(wait, chromedp.WaitVisible(chromedp.ID("dry-run"))); err != nil {
		t.Fatalf("the job page did not reach the dry run: %v", err)
	}
	newCount, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("count-new")))
	if err != nil || newCount != "2000" {
		t.Fatalf("dry run shows %q new items (%v)", newCount, err)
	}
	err = chromedp.Do(wait,
		chromedp.SendKeys(chromedp.ID("reason"), "导入区级实施清单"),
		chromedp.Click(chromedp.ID("confirm-import")),
		chromedp.WaitVisible(chromedp.ID("applied")),
	)
	if err != nil {
		t.Fatalf("confirm: %v", err)
	}
	applied, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("applied-new")))
	if err != nil || applied != "2000" {
		t.Errorf("the page shows %q applied (%v)", applied, err)
	}
}
