package handlers_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

func upload(t *testing.T, env *demoEnv, token, query string, file []byte) (int, importResult) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "catalogue")
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest("POST", env.http.URL+"/api/v1/catalogue/import?"+query, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out importResult
	b, _ := io.ReadAll(resp.Body)
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
	status, file := call(t, env, "GET", "/api/v1/catalogue/export?format=csv&department=sjj", tok, nil)
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
