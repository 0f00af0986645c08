package handlers_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// retryItem is an open on-application item published with only its first
// two materials (the demo's items list more), so two files make a complete
// filing.
func retryItem(t *testing.T, env *demoEnv) guide {
	t.Helper()
	g := citizenItem(t, env)
	it, err := env.store.Item(context.Background(), g.Code)
	if err != nil {
		t.Fatal(err)
	}
	edited := *it
	edited.Materials = it.Materials[:2]
	if _, err := env.store.UpdateItem(context.Background(), it.Code, edited, "catalog", "两份申请材料", it.Version); err != nil {
		t.Fatal(err)
	}
	var out guide
	getJSONFrom(t, env, "/api/v1/items/"+g.Code, &out)
	if len(out.Materials) != 2 || !out.Open {
		t.Fatalf("the edited item: %d materials, open %v", len(out.Materials), out.Open)
	}
	return out
}

// retryTwoFiles are two materials of the item, the required ones first,
// each with its own file name.
func retryTwoFiles(t *testing.T, g guide) []filePart {
	t.Helper()
	var out []filePart
	for _, m := range g.Materials {
		if m.Necessity == "required" && len(out) < 2 {
			out = append(out, filePart{field: "file_" + m.Key, name: "scan-" + m.Key + ".pdf"})
		}
	}
	for _, m := range g.Materials {
		if m.Necessity != "required" && len(out) < 2 {
			out = append(out, filePart{field: "file_" + m.Key, name: "scan-" + m.Key + ".pdf"})
		}
	}
	if len(out) < 2 {
		t.Fatalf("item %s has fewer than two materials", g.Code)
	}
	return out
}

var retryTokenInput = regexp.MustCompile(`type="hidden" name="(retry_[^"]+)" value="([^"]+)"`)

// retryTokens reads the kept files' hidden inputs of a page.
func retryTokens(page string) url.Values {
	out := url.Values{}
	for _, m := range retryTokenInput.FindAllStringSubmatch(page, -1) {
		out.Set(m[1], m[2])
	}
	return out
}

func TestRetryKeepsFilesAcrossAValidationError(t *testing.T) {
	env := newDemoEnv(t)
	g := retryItem(t, env)
	cl := browserClient(t)
	files := retryTwoFiles(t, g)
	applyURL := env.http.URL + "/items/" + g.Code + "/apply"

	// A bad identity number with two files: refused, both files kept.
	body, ctype := formBody(t, applyFields(t, g.Code, "110105194912310021", "tok-retry"), files, tinyPDF)
	resp, page := send(t, cl, "POST", applyURL, body, ctype)
	if resp.StatusCode != 422 {
		t.Fatalf("bad ID: %d", resp.StatusCode)
	}
	for _, f := range files {
		if !strings.Contains(page, "已保留："+f.name) {
			t.Errorf("the refused page does not show %s as kept", f.name)
		}
	}
	if strings.Contains(page, `id="files-again"`) {
		t.Error("the refused page still asks to choose the files again")
	}
	tokens := retryTokens(page)
	if len(tokens) != 2 {
		t.Fatalf("kept tokens: %v", tokens)
	}

	// Fixed ID, no file chosen again: filed with both files.
	fields := applyFields(t, g.Code, citizenID, "tok-retry")
	for k, v := range tokens {
		fields[k] = v
	}
	body, ctype = formBody(t, fields, nil, nil)
	resp, page = send(t, cl, "POST", applyURL, body, ctype)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !strings.HasPrefix(loc, "/receipt/") {
		t.Fatalf("retry: %d to %q: %s", resp.StatusCode, loc, regexp.MustCompile(`(?s)<p class="field-error"[^<]*</p>`).FindAllString(page, -1))
	}
	app, err := env.store.Application(context.Background(), strings.TrimPrefix(loc, "/receipt/"))
	if err != nil || len(app.Files) != 2 {
		t.Fatalf("filed: %v, %d files", err, len(app.Files))
	}
	for i, f := range app.Files {
		if f.DisplayName != files[i].name && f.DisplayName != files[1-i].name || f.ContentType != "application/pdf" {
			t.Errorf("file %d: %+v", i, f)
		}
	}
	_, receipt := send(t, cl, "GET", env.http.URL+loc, nil, "")
	received := regexp.MustCompile(`(?s)<ol id="received">.*?</ol>`).FindString(receipt)
	for _, m := range g.Materials {
		if !strings.Contains(received, m.Name) || strings.Count(received, "1 个文件") != 2 {
			t.Errorf("the receipt's received materials do not list %s with its file: %s", m.Name, received)
		}
	}
}

func TestRetryRefusesAForgedOrExpiredTokenNamingTheField(t *testing.T) {
	clock := &officeClock{t: time.Now()}
	env := newOfficeEnv(t, clock)
	g := retryItem(t, env)
	files := retryTwoFiles(t, g)
	applyURL := env.http.URL + "/items/" + g.Code + "/apply"
	body, ctype := formBody(t, applyFields(t, g.Code, "110105194912310021", "tok-forge"), files, tinyPDF)
	_, page := send(t, browserClient(t), "POST", applyURL, body, ctype)
	tokens := retryTokens(page)
	if len(tokens) != 2 {
		t.Fatalf("kept tokens: %v", tokens)
	}
	first := files[0].field[len("file_"):]
	name := ""
	for _, m := range g.Materials {
		if m.Key == first {
			name = m.Name
		}
	}

	// A token whose file is swapped for another's content address is refused.
	forged := url.Values{}
	for k, v := range tokens {
		forged[k] = v
	}
	tok := tokens.Get("retry_" + first)
	forged.Set("retry_"+first, "e30"+tok[strings.Index(tok, "."):]) // payload "{}" under the old MAC
	fields := applyFields(t, g.Code, citizenID, "tok-forge")
	for k, v := range forged {
		fields[k] = v
	}
	body, ctype = formBody(t, fields, nil, nil)
	resp, page := send(t, browserClient(t), "POST", applyURL, body, ctype)
	if resp.StatusCode != 422 || !strings.Contains(page, `id="err-file_`+first+`">保留的文件无法核验`) ||
		!strings.Contains(page, name) {
		t.Fatalf("forged token: %d", resp.StatusCode)
	}
	if n := filedCount(t, env); n != 0 {
		t.Fatalf("%d applications filed with a forged token", n)
	}

	// After the hour the tokens are refused as expired.
	clock.Set(clock.Now().Add(61 * time.Minute))
	fields = applyFields(t, g.Code, citizenID, "tok-forge")
	for k, v := range tokens {
		fields[k] = v
	}
	body, ctype = formBody(t, fields, nil, nil)
	resp, page = send(t, browserClient(t), "POST", applyURL, body, ctype)
	if resp.StatusCode != 422 || !strings.Contains(page, `id="err-file_`+first+`">保留的文件已过期`) {
		t.Fatalf("expired token: %d", resp.StatusCode)
	}
	// Removing a kept file drops it: a required material is then missing.
	clock.Set(clock.Now().Add(-61 * time.Minute))
	fields = applyFields(t, g.Code, citizenID, "tok-forge")
	for k, v := range tokens {
		fields[k] = v
	}
	fields.Set("retry_remove_"+first, "1")
	body, ctype = formBody(t, fields, nil, nil)
	resp, page = send(t, browserClient(t), "POST", applyURL, body, ctype)
	if resp.StatusCode != 422 || !strings.Contains(page, `id="err-file_`+first+`">这是必要材料，请上传`) {
		t.Fatalf("removed kept file: %d", resp.StatusCode)
	}
	if n := filedCount(t, env); n != 0 {
		t.Fatalf("%d applications filed", n)
	}
}
