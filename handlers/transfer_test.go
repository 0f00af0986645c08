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
	"onewindow/models/transfer"
)

func upload(t *testing.T, env *demoEnv, token, query string, file []byte) (int, importResult) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "catalogue")
	fw.Write(file)
	mw.Close()
	resp, b := callRaw(t, env, http.MethodPost, "/api/v1/catalogue/import?"+query, token, mw.FormDataContentType(), buf.Bytes())
	var out importResult
	json.Unmarshal(b, &out)
	return resp.StatusCode, out
}

type importResult struct {
	DryRun   bool `json:"dry_run"`
	Items    int  `json:"items"`
	Changed  int  `json:"changed"`
	Problems []struct {
		Row     int    `json:"row"`
		Column  string `json:"column"`
		Message string `json:"message"`
	} `json:"problems"`
}

func TestExportThenImportOfTheDemoCatalogueChangesNothing(t *testing.T) {
	env := newStaffEnv(t)
	tok := loginToken(t, env, "catalog")
	for _, f := range []string{"xlsx", "csv"} {
		status, file := call(t, env, "GET", "/api/v1/catalogue/export?format="+f, tok, nil)
		if status != 200 || len(file) < 1000 {
			t.Fatalf("export %s: %d, %d bytes", f, status, len(file))
		}
		status, res := upload(t, env, tok, "format="+f+"&confirm=true", file)
		if status != 200 || res.Items != 4219 || res.Changed != 0 {
			t.Fatalf("import of the unchanged %s export: %d %+v", f, status, res)
		}
	}
	status, body := call(t, env, "GET", "/api/v1/items/"+firstItemCode(t, "type=01")+"/revisions", tok, nil)
	if status != 200 || !strings.Contains(string(body), `"revisions":[]`) {
		t.Errorf("an unchanged import wrote a revision: %s", body)
	}
}

func TestMalformedImportListsRowProblemsAndChangesNothing(t *testing.T) {
	env := newStaffEnv(t)
	tok := loginToken(t, env, "catalog")
	status, file := call(t, env, "GET", "/api/v1/catalogue/export?format=csv&department=sjj", tok, nil, "Accept-Language", "en")
	if status != 200 {
		t.Fatalf("export: %d", status)
	}
	lines := strings.Split(string(file), "\n")
	// Break the department of the first item row.
	for i, l := range lines {
		if strings.HasPrefix(l, "item,") {
			lines[i] = strings.Replace(l, ",sjj,", ",nosuch,", 1)
			break
		}
	}
	status, res := upload(t, env, tok, "format=csv&confirm=true", []byte(strings.Join(lines, "\n")))
	if status != 422 || len(res.Problems) == 0 || res.Problems[0].Row == 0 || res.Problems[0].Column == "" {
		t.Fatalf("malformed import: %d %+v", status, res)
	}
	status, res = upload(t, env, tok, "format=xlsx", []byte("\x89PNG\r\n\x1a\nnot a spreadsheet"))
	if status != 422 {
		t.Errorf("a PNG as catalogue: %d %+v", status, res)
	}
	var st stats
	getJSONFrom(t, env, "/api/v1/catalogue/stats", &st)
	if st.Retained != 3804 {
		t.Errorf("stats changed: %+v", st)
	}
	// Only catalogue administrators may import.
	status, _ = upload(t, env, loginToken(t, env, "scj.review"), "format=csv", file)
	if status != 403 {
		t.Errorf("reviewer import = %d, want 403", status)
	}
}

// uploadPage posts a file to the import page as a browser would.
func uploadPage(t *testing.T, env *demoEnv, client *http.Client, token string, file []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", token)
	fw, _ := mw.CreateFormFile("file", "../../目录.xlsx")
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest("POST", env.http.URL+"/admin/catalogue/transfer", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusSeeOther {
		return waitJob(t, env, client, resp.Header.Get("Location"))
	}
	return resp.StatusCode, string(b)
}

var jobPath = regexp.MustCompile(`^/admin/catalogue/transfer/jobs/[0-9a-f]{32}$`)

// waitJob reloads an import job's page, as the page itself does without JavaScript, until the
// job has ended, and returns the page that shows its outcome.
func waitJob(t *testing.T, env *demoEnv, client *http.Client, location string) (int, string) {
	t.Helper()
	if !jobPath.MatchString(location) {
		t.Fatalf("redirected to %q, not to a job page", location)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		status, body, _ := fetch(t, client, http.MethodGet, env.http.URL+location, nil)
		if status != http.StatusOK || !strings.Contains(body, `id="job-progress"`) {
			return status, body
		}
		if !strings.Contains(body, `<meta http-equiv="refresh" content="1">`) {
			t.Fatal("a running job's page does not refresh itself")
		}
		if time.Now().After(deadline) {
			t.Fatal("the import job did not end within a minute")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// confirmPage confirms a checked upload on the page and waits for the import to end.
func confirmPage(t *testing.T, env *demoEnv, client *http.Client, form url.Values) (int, string) {
	t.Helper()
	status, body, resp := fetch(t, client, http.MethodPost, env.http.URL+"/admin/catalogue/transfer/confirm", form)
	if status != http.StatusSeeOther {
		return status, body
	}
	return waitJob(t, env, client, resp.Header.Get("Location"))
}

var (
	confirmToken = regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`)
	countOf      = func(id, body string) string {
		m := regexp.MustCompile(`id="` + id + `">(\d+)<`).FindStringSubmatch(body)
		if m == nil {
			return ""
		}
		return m[1]
	}
)

func TestTransferPageDryRunThenConfirm(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	token := csrfToken(t, client, env)
	status, page, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/catalogue/transfer", nil)
	if status != 200 || !strings.Contains(page, `id="import-form"`) || !strings.Contains(page, `id="export-form"`) {
		t.Fatalf("transfer page = %d", status)
	}
	status, file, resp := fetch(t, client, http.MethodGet, env.http.URL+"/admin/catalogue/export?format=xlsx&department=scj", nil)
	if status != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("export download = %d %s", status, resp.Header.Get("Content-Disposition"))
	}
	items, problems, err := transfer.Parse(strings.NewReader(file), transfer.XLSX, env.srvKnown(t))
	if err != nil || len(problems) > 0 || len(items) == 0 {
		t.Fatalf("exported file: %d items, %v, %v", len(items), problems, err)
	}
	for _, it := range items {
		if it.DepartmentCode != "scj" {
			t.Fatalf("the scj export holds %s of %s", it.Code, it.DepartmentCode)
		}
	}
	// Change one item's fee and add a joint department; add a new item.
	code := items[0].Code
	before := adminItem(t, env, code)
	items[0].Fees = append(items[0].Fees, models.Fee{Name: "导入新增收费", Standard: "5 元"})
	items[0].Departments = append(items[0].Departments, models.ItemDepartment{DepartmentCode: "zjj", Stages: models.StringList{"review"}})
	items[0].StatutoryDays = models.IntPtr(45) // joint now: the joint limit
	fresh := items[0]
	fresh.Code, fresh.Name, fresh.Materials = "150902019990000001000", "导入新建事项", nil
	var buf bytes.Buffer
	if err := transfer.Export(&buf, transfer.XLSX, append(items, fresh)); err != nil {
		t.Fatal(err)
	}
	status, body := uploadPage(t, env, client, token, buf.Bytes())
	if status != 200 || countOf("count-new", body) != "1" || countOf("count-changed", body) != "1" ||
		countOf("count-unchanged", body) != strconv.Itoa(len(items)-1) || countOf("count-problems", body) != "0" {
		t.Fatalf("dry run = %d: new %s changed %s unchanged %s problems %s", status, countOf("count-new", body),
			countOf("count-changed", body), countOf("count-unchanged", body), countOf("count-problems", body))
	}
	if !strings.Contains(body, code) || !strings.Contains(body, "fees[&#43;]") {
		t.Error("the dry run does not list what changes")
	}
	if after := adminItem(t, env, code); after.Version != before.Version {
		t.Fatal("the dry run changed the item")
	}
	m := confirmToken.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no confirm form")
	}
	// The token is bound to the session: another login cannot use it, nor a made-up one.
	other := staffClient(t, env, "catalog")
	for _, c := range []struct {
		client *http.Client
		token  string
	}{{other, m[1]}, {client, "../../onewindow.db"}, {client, strings.Repeat("0", 32)}} {
		form := url.Values{"csrf_token": {csrfToken(t, c.client, env)}, "token": {c.token}, "reason": {"x"}}
		if status, _, _ := fetch(t, c.client, http.MethodPost, env.http.URL+"/admin/catalogue/transfer/confirm", form); status != http.StatusNotFound {
			t.Errorf("confirm with token %q from another session = %d, want 404", c.token, status)
		}
	}
	form := url.Values{"csrf_token": {token}, "token": {m[1]}, "reason": {"按部门核对结果导入"}}
	status, done := confirmPage(t, env, client, form)
	if status != http.StatusOK || countOf("applied-changed", done) != "1" || countOf("applied-new", done) != "1" {
		t.Fatalf("confirm = %d: the page does not show what was applied", status)
	}
	revs, err := env.store.Revisions(context.Background(), code)
	if err != nil || len(revs) != 1 || revs[0].Action != models.RevisionImport || revs[0].Reason != "按部门核对结果导入" {
		t.Fatalf("revisions: %+v %v", revs, err)
	}
	var g fullGuide
	getJSONFrom(t, env, "/api/v1/items/"+code, &g)
	if !g.Workflow.Joint || g.Fees[len(g.Fees)-1].Name != "导入新增收费" {
		t.Errorf("imported guide: %+v", g)
	}
	getJSONFrom(t, env, "/api/v1/items/150902019990000001000", &g)
	// Exported again, the imported fee and joint department read back unchanged.
	_, again, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/catalogue/export?format=xlsx&department=scj", nil)
	if status, body := uploadPage(t, env, client, token, []byte(again)); status != 200 || !strings.Contains(body, `id="nothing-to-do"`) {
		t.Errorf("re-import of the re-export = %d, changed %s", status, countOf("count-changed", body))
	}
	// The kept upload is gone once applied.
	if status, _, _ := fetch(t, client, http.MethodPost, env.http.URL+"/admin/catalogue/transfer/confirm", form); status != http.StatusNotFound {
		t.Errorf("a second confirm = %d, want 404", status)
	}
}

func TestTransferPageShowsRowProblemsAndChangesNothing(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	token := csrfToken(t, client, env)
	_, file, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/catalogue/export?format=csv&department=sjj", nil)
	bad := strings.Replace(file, ",sjj,", ",nosuch,", 1)
	status, body := uploadPage(t, env, client, token, []byte(bad))
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="problems"`) ||
		!strings.Contains(body, "<td>事项</td><td>2</td><td><code>实施主体代码</code></td>") || confirmToken.MatchString(body) {
		t.Errorf("malformed upload = %d", status)
	}
	status, body = uploadPage(t, env, client, token, []byte("PK\x03\x04 not really a workbook"))
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="transfer-error"`) {
		t.Errorf("broken workbook = %d", status)
	}
	// The unchanged whole catalogue: nothing to do, and no token kept.
	_, whole, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/catalogue/export?format=xlsx", nil)
	status, body = uploadPage(t, env, client, token, []byte(whole))
	if status != 200 || countOf("count-items", body) != "4219" || countOf("count-changed", body) != "0" ||
		!strings.Contains(body, `id="nothing-to-do"`) || confirmToken.MatchString(body) {
		t.Errorf("unchanged catalogue = %d, items %s changed %s", status, countOf("count-items", body), countOf("count-changed", body))
	}
	var st stats
	getJSONFrom(t, env, "/api/v1/catalogue/stats", &st)
	if st.Retained != 3804 || st.Reviewed != 4099 {
		t.Errorf("stats changed: %+v", st)
	}
	rc := staffClient(t, env, "scj.review")
	if status, _, _ := fetch(t, rc, http.MethodGet, env.http.URL+"/admin/catalogue/transfer", nil); status != http.StatusForbidden {
		t.Errorf("reviewer transfer page = %d, want 403", status)
	}
	if status, _ := uploadPage(t, env, rc, csrfToken(t, rc, env), []byte(bad)); status != http.StatusForbidden {
		t.Errorf("reviewer upload = %d, want 403", status)
	}
}

// srvKnown is the reference data of the demo catalogue.
func (env *demoEnv) srvKnown(t *testing.T) transfer.Known {
	t.Helper()
	k := transfer.Known{Departments: map[string]bool{}, Types: map[string]bool{}}
	depts, err := env.store.Departments(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range depts {
		k.Departments[d.Code] = true
	}
	for _, ty := range models.DefaultItemTypes() {
		k.Types[ty.Code] = true
	}
	return k
}
