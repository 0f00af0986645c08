package handlers_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"onewindow/models"
)

// blankPDF is a small file that sniffs as a PDF.
var blankPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// pngBytes is a real PNG image.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// uploadBlank posts a file as a material's blank form or sample from the attachments page.
func uploadBlank(t *testing.T, env *demoEnv, client *http.Client, token, code, key, kind, name string, body []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("csrf_token", token)
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(body)
	_ = w.Close()
	u := env.http.URL + "/admin/items/" + code + "/attachments?" + url.Values{"material": {key}, "kind": {kind}}.Encode()
	resp, err := client.Post(u, w.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func attachmentLog(t *testing.T, env *demoEnv, code string) int {
	t.Helper()
	log, err := env.store.MaterialFileLog(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return len(log)
}

func TestBlankFormUploadIsServedWithTheGuide(t *testing.T) {
	env := newDemoEnv(t)
	it := singleItem(t)
	m := it.Materials[0]
	client := staffClient(t, env, "catalog")
	token := csrfToken(t, client, env)

	// Disguised, wrong-typed, oversize and missing files are refused beside
	// the field, naming the material and the file, and change nothing.
	for _, bad := range []struct {
		name, want string
		body       []byte
		status     int
	}{
		{"表格.pdf", "文件内容与文件名所示的类型不符", pngBytes(t), http.StatusUnsupportedMediaType},
		{"setup.exe", "只接受 PDF、Word、Excel、JPG 或 PNG 文件", []byte("MZ\x90\x00 a program"), http.StatusUnsupportedMediaType},
		{"big.pdf", "文件超过 10 MB", append(append([]byte{}, blankPDF...), make([]byte, 10<<20)...), http.StatusRequestEntityTooLarge},
		{"empty.pdf", "请选择要上传的文件", nil, http.StatusUnprocessableEntity},
	} {
		status, page := uploadBlank(t, env, client, token, it.Code, m.Key, models.AttachmentBlank, bad.name, bad.body)
		if status != bad.status || !strings.Contains(page, bad.want) || !strings.Contains(page, "“"+m.Name+"”的空白表格") {
			t.Errorf("%s: %d, want %d with %q naming the field", bad.name, status, bad.status, bad.want)
		}
		if n := attachmentLog(t, env, it.Code); n != 0 {
			t.Fatalf("%s: the refused file was recorded (%d rows)", bad.name, n)
		}
	}
	_, guide := envPage(t, env, "/items/"+it.Code)
	if strings.Contains(guide, "下载空白表格") {
		t.Fatal("the guide offers a download before any upload")
	}

	status, _ := uploadBlank(t, env, client, token, it.Code, m.Key, models.AttachmentBlank, "申请表.pdf", blankPDF)
	if status != http.StatusSeeOther {
		t.Fatalf("upload = %d", status)
	}
	if status, _ := uploadBlank(t, env, client, token, it.Code, m.Key, models.AttachmentSample, "样表.png", pngBytes(t)); status != http.StatusSeeOther {
		t.Fatalf("upload sample = %d", status)
	}
	_, guide = envPage(t, env, "/items/"+it.Code)
	link := "/items/" + it.Code + "/materials/" + m.Key + "/blank"
	if !strings.Contains(guide, `href="`+link+`"`) || !strings.Contains(guide, "下载空白表格") || !strings.Contains(guide, "查看示例样表") {
		t.Fatal("the guide does not link the blank form and the sample")
	}
	// The online application and the window's checklist link it too.
	if _, apply := envPage(t, env, "/items/"+it.Code+"/apply"); !strings.Contains(apply, `href="`+link+`"`) {
		t.Error("the online application does not link the blank form")
	}
	window := staffClient(t, env, "window1")
	if _, desk, _ := fetch(t, window, http.MethodGet, env.http.URL+"/window/new?item="+it.Code, nil); !strings.Contains(desk, `href="`+link+`"`) {
		t.Error("the window's checklist does not link the blank form")
	}
	resp, err := http.Get(env.http.URL + link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	disp, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.Equal(body, blankPDF) ||
		disp != "attachment" || params["filename"] != m.Name+"-空白表格.pdf" {
		t.Errorf("download: %d %s %q %v", resp.StatusCode, resp.Header.Get("Content-Type"), disp, params)
	}
	resp, err = http.Get(env.http.URL + "/items/" + it.Code + "/materials/" + m.Key + "/sample?lang=en")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if disp, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); resp.Header.Get("Content-Type") != "image/png" ||
		disp != "inline" || params["filename"] != m.Name+" - sample.png" {
		t.Errorf("sample: %s %s %v", resp.Header.Get("Content-Type"), disp, params)
	}

	// Removing takes it off the guide; the history keeps both the upload and the removal.
	status, _, _ = fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/"+it.Code+"/attachments/remove",
		url.Values{"csrf_token": {token}, "material": {m.Key}, "kind": {models.AttachmentBlank}})
	if status != http.StatusSeeOther {
		t.Fatalf("remove = %d", status)
	}
	if _, guide = envPage(t, env, "/items/"+it.Code); strings.Contains(guide, `href="`+link+`"`) {
		t.Error("the removed blank form is still linked")
	}
	if resp, _ := http.Get(env.http.URL + link); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the removed blank form answers %d", resp.StatusCode)
	}
	_, hist, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/"+it.Code+"/history", nil)
	if strings.Count(hist, `class="file-change"`) != 3 || !strings.Contains(hist, "上传空白表格") || !strings.Contains(hist, "删除空白表格") {
		t.Error("the history does not keep every upload and removal")
	}
}

func TestBlankFormMarkedWithoutFileClaimsNoDownload(t *testing.T) {
	it := demoItem(t, func(it models.Item) bool {
		for _, m := range it.Materials {
			if m.BlankForm {
				return it.FormSchema == ""
			}
		}
		return false
	})
	_, page := get(t, "/items/"+it.Code)
	if strings.Contains(page, "下载空白表格") || strings.Contains(page, "打印空白申请表") || !strings.Contains(page, "空白表格到窗口领取") {
		t.Error("a material marked 有空白表格 without a file claims a download, or does not say where to get it")
	}
}

func TestBlankApplicationFormIsGeneratedFromTheItemsForm(t *testing.T) {
	env := newDemoEnv(t)
	it := foodLicenceItem(t)
	if it.FormSchema == "" {
		t.Fatal("the food licence has no form of its own")
	}
	editGuide(t, env, it.Code, func(g *models.Item) { g.Materials[0].BlankForm = true })
	_, guide := envPage(t, env, "/items/"+it.Code)
	if !strings.Contains(guide, `href="/items/`+it.Code+`/blank-form"`) || !strings.Contains(guide, "打印空白申请表") {
		t.Fatal("the guide does not offer the generated blank 申请表")
	}
	status, page := envPage(t, env, "/items/"+it.Code+"/blank-form")
	sc, _, err := it.ApplicationForm()
	if err != nil {
		t.Fatal(err)
	}
	if status != http.StatusOK || !strings.Contains(page, `id="blank-form"`) || !strings.Contains(page, sc.Fields[0].Label.Zh) ||
		!strings.Contains(page, `class="blank-box`) {
		t.Errorf("blank 申请表: %d", status)
	}
	if status, _ := envPage(t, env, "/items/"+singleItem(t).Code+"/blank-form"); status != http.StatusNotFound && singleItem(t).FormSchema == "" {
		t.Errorf("an item without its own form offers a generated one: %d", status)
	}
}
