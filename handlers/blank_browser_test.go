package handlers_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// A catalogue administrator uploads a blank form for a material; a citizen
// sees the link on the guide at desktop and phone width and downloads it.
func TestBrowserBlankFormsUploadedShownAndDownloaded(t *testing.T) {
	env := newDemoEnv(t)
	ctx := newBrowser(t)
	base := env.http.URL
	it := singleItem(t)
	key := it.Materials[0].Key
	dir := t.TempDir()
	pdf, disguised := filepath.Join(dir, "申请表.pdf"), filepath.Join(dir, "photo.pdf")
	if err := os.WriteFile(pdf, blankPDF, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(disguised, pngBytes(t), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := loginBrowser(ctx, base, "catalog"); err != nil {
		t.Fatalf("log in: %v", err)
	}
	file, upload := "#file-"+key+"-blank", "#upload-"+key+"-blank"
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/items/"+it.Code),
		chromedp.Click(chromedp.ID("item-attachments")),
		chromedp.WaitVisible(chromedp.CSS(upload)),
		chromedp.SetUploadFiles(chromedp.CSS(file), []string{disguised}),
		chromedp.Click(chromedp.CSS(upload)),
		chromedp.WaitVisible(chromedp.CSS(file+"-error")),
	)
	if err != nil {
		t.Fatalf("upload a disguised file: %v", err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(file+"-error")))
	if err != nil || !strings.Contains(msg, it.Materials[0].Name) || !strings.Contains(msg, "类型不符") {
		t.Errorf("refusal %q (%v)", msg, err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS(file), []string{pdf}),
		chromedp.Click(chromedp.CSS(upload)),
		chromedp.WaitVisible(chromedp.ID("blank-saved")),
	)
	if err != nil {
		t.Fatalf("upload the blank form: %v", err)
	}

	link := chromedp.CSS("#materials a.blank-link")
	for _, w := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", phoneWidth, phoneHeight}} {
		err := chromedp.Do(ctx, chromedp.EmulateViewport(w.width, w.height), chromedp.Navigate(base+"/items/"+it.Code),
			chromedp.WaitVisible(link))
		if err != nil {
			t.Fatalf("%s: the guide shows no blank form link: %v", w.name, err)
		}
		keepScreenshot(t, ctx, "blank-form-guide-"+w.name)
		text, err := chromedp.Run(ctx, chromedp.Text(link))
		if err != nil || text != "下载空白表格" {
			t.Errorf("%s: link %q (%v)", w.name, text, err)
		}
		fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
			var r = document.querySelector("#materials a.blank-link").getBoundingClientRect();
			return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth; })()`))
		if err != nil || !fits {
			t.Errorf("%s: the link is off the screen (%v)", w.name, err)
		}
	}

	downloads := t.TempDir()
	if _, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads,
		BrowserContextID: chromedp.FromContext(ctx).BrowserContextID}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(link)); err != nil {
		t.Fatalf("click the link: %v", err)
	}
	var got []byte
	var name string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && got == nil; time.Sleep(100 * time.Millisecond) {
		entries, _ := os.ReadDir(downloads)
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".crdownload") {
				name = e.Name()
				got, _ = os.ReadFile(filepath.Join(downloads, e.Name()))
			}
		}
	}
	if !bytes.Equal(got, blankPDF) || name != it.Materials[0].Name+"-空白表格.pdf" {
		t.Errorf("downloaded %q (%d bytes), want the uploaded PDF named after the material", name, len(got))
	}
}
