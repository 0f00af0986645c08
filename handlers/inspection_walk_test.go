package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"onewindow/workflow"
)

// postImportPage posts a sheet to the dashboard's import form as a browser
// would, and returns the status and page.
func postImportPage(t *testing.T, s *sysSession, query, kind, name string, data []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"csrf_token": s.csrf, "department": "scj", "kind": kind} {
		w.WriteField(k, v)
	}
	f, _ := w.CreateFormFile("file", name)
	f.Write(data)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, s.env.http.URL+"/admin/inspection/import"+query, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestInspectionImportPageSaysWhatIsWrongWithTheFile: a sheet without a
// required column, or an empty one, is refused on the page in the page's
// language, naming the columns (the English API message showed on Chinese
// pages).
func TestInspectionImportPageSaysWhatIsWrongWithTheFile(t *testing.T) {
	env := newStaffEnv(t)
	s := loginSession(t, env, "scj.inspect", "demo1234")
	_, before, _ := env.store.InspectionEntities(t.Context(), "", 0)
	sheet := []byte("名称,行业\n集宁区新开张超市,食品销售\n")
	status, page := postImportPage(t, s, "", "entities", "entities.csv", sheet)
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "表头缺少以下列：统一社会信用代码、风险等级") || strings.Contains(page, "header row lacks") {
		t.Fatalf("a sheet without its columns, in Chinese: %d, want 422 naming 统一社会信用代码 and 风险等级 in Chinese\n%s", status, page)
	}
	status, page = postImportPage(t, s, "?lang=en", "entities", "entities.csv", sheet)
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "The header row lacks these columns: 统一社会信用代码, 风险等级") {
		t.Fatalf("a sheet without its columns, in English: %d\n%s", status, page)
	}
	status, page = postImportPage(t, s, "?lang=zh-CN", "entities", "entities.csv", nil)
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "文件为空") {
		t.Fatalf("an empty sheet: %d\n%s", status, page)
	}
	if _, after, _ := env.store.InspectionEntities(t.Context(), "", 0); after != before {
		t.Fatalf("a refused import changed the library: %d → %d", before, after)
	}
	// A good sheet is imported once and the browser is sent on (303), so
	// that reloading the report does not send the file again.
	good := workflow.CompleteCreditCode("91150902MB0000001")
	status, page = postImportPage(t, s, "?lang=zh-CN", "entities", "entities.csv", []byte("统一社会信用代码,名称,风险等级\n"+good+",集宁区新开张超市,B\n"))
	if status != http.StatusSeeOther {
		t.Fatalf("a good sheet: %d, want 303\n%s", status, page)
	}
	status, page, _ = s.get("/admin/inspection?department=scj&created=1&updated=0")
	if status != http.StatusOK || !strings.Contains(page, "导入完成：新增 1 条，更新 0 条") {
		t.Fatalf("the report after the import: %d\n%s", status, page)
	}
	if _, after, _ := env.store.InspectionEntities(t.Context(), "", 0); after != before+1 {
		t.Fatalf("%d entities after importing one, want %d", after, before+1)
	}
}

// TestInspectionPlanPageSaysWhenTheSeedIsNotPublic: before the result is
// published the verification form does not offer "the published seed"
// (clicking it with a blank field only got an error).
func TestInspectionPlanPageSaysWhenTheSeedIsNotPublic(t *testing.T) {
	parallel(t)
	joint, committed := demoPlans(t)
	for _, tt := range []struct {
		id        int
		want, not string
	}{
		{committed.ID, "本计划的种子在抽取结果公布时公开", "留空则使用已公布的种子"},
		{joint.ID, "留空则使用已公布的种子", "本计划的种子在抽取结果公布时公开"},
	} {
		status, page, _ := fetch(t, http.DefaultClient, http.MethodGet, fmt.Sprintf("%s/inspection/plans/%d?lang=zh-CN", shared.http.URL, tt.id), nil)
		if status != http.StatusOK || !strings.Contains(page, tt.want) || strings.Contains(page, tt.not) {
			t.Errorf("plan %d: %d, want %q and not %q", tt.id, status, tt.want, tt.not)
		}
	}
}

// inspectionInView reports whether the element with id is on the screen.
func inspectionInView(ctx context.Context, id string) (bool, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
		var r = document.getElementById("`+id+`").getBoundingClientRect();
		return r.top > -2 && r.top < window.innerHeight; // a scrolled-to anchor may sit a fraction of a pixel above the top
	})()`))
}

// TestBrowserInspectionDashboardShowsFeedbackWhereTheFormIs: the 细则 and
// import forms are far down the dashboard; after sending one the browser
// shows its section, with the errors or the import report, not the top of
// the page.
func TestBrowserInspectionDashboardShowsFeedbackWhereTheFormIs(t *testing.T) {
	ctx := newBrowser(t)
	env := newStaffEnv(t)
	if err := loginBrowser(ctx, env.http.URL, "scj.inspect"); err != nil {
		t.Fatalf("login: %v", err)
	}
	sheet := filepath.Join(t.TempDir(), "entities.csv")
	os.WriteFile(sheet, []byte("统一社会信用代码,名称,风险等级\n91150902MB00000010,错码公司,A\n"), 0o600)
	err := chromedp.Do(ctx,
		chromedp.Navigate(env.http.URL+"/admin/inspection"),
		chromedp.WaitVisible(chromedp.ID("rules-form")),
		chromedp.SetValue(chromedp.ID("ratio_a"), "abc"),
		chromedp.Click(chromedp.CSS(`#rules-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#rules-form .field-error`)),
	)
	if err != nil {
		t.Fatalf("send bad rules: %v", err)
	}
	if ok, err := inspectionInView(ctx, "rules-h"); err != nil || !ok {
		t.Errorf("after bad rules the 抽查细则 section is not on the screen (%v)", err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.ID("file-entities"), []string{sheet}),
		chromedp.Click(chromedp.CSS(`#import-entities button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("import-problems")),
	)
	if err != nil {
		t.Fatalf("import a bad sheet: %v", err)
	}
	if ok, err := inspectionInView(ctx, "libraries-h"); err != nil || !ok {
		t.Errorf("after a refused import the report is not on the screen (%v)", err)
	}
	// A result "problems found" without a note is refused at its own row.
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("plan-title"), "餐饮服务第四季度抽查"),
		chromedp.SetValue(chromedp.ID("plan-industry"), "餐饮服务"),
		chromedp.Click(chromedp.ID("plan-create")),
		chromedp.WaitVisible(chromedp.ID("step-commit")),
		chromedp.Click(chromedp.ID("step-commit")),
		chromedp.WaitVisible(chromedp.ID("step-draw")),
		chromedp.Click(chromedp.ID("step-draw")),
		chromedp.WaitVisible(chromedp.CSS(`#result-6 select`)),
		chromedp.SetValue(chromedp.CSS(`#result-6 select`), "rectify"),
		chromedp.Click(chromedp.CSS(`#result-6 button`)),
		chromedp.WaitVisible(chromedp.CSS(`#result-6 .field-error`)),
	)
	if err != nil {
		t.Fatalf("record a result without its note: %v", err)
	}
	if ok, err := inspectionInView(ctx, "task-6"); err != nil || !ok {
		t.Errorf("after a refused result its row is not on the screen (%v)", err)
	}
}
