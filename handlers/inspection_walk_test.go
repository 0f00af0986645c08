package handlers_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
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
