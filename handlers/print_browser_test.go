package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"onewindow/models"
)

// Print: every notice the window prints, and the decision documents, fit
// their A4 page with the seal and the date on the same page as the text,
// and in demo mode the demo banner never takes a page of its own. Checked
// by printing to PDF in the browser and counting the pages.

// pdfPage finds the pages of a PDF (its /Type /Page objects).
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// printedPages prints the page shown as Chromium prints it (A4, the page's
// own @page rules) and returns the number of pages.
func printedPages(t *testing.T, ctx context.Context) int {
	t.Helper()
	yes := true
	out, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes})
	if err != nil {
		t.Fatalf("print to PDF: %v", err)
	}
	return len(pdfPage.FindAll(out.Data, -1))
}

// printWalkIn registers a walk-in application of it at the window and returns its number.
func printWalkIn(t *testing.T, env *demoEnv, it models.Item, name, id string) string {
	t.Helper()
	status, body := call(t, env, "POST", "/api/v1/applications", loginToken(t, env, "window1"), map[string]any{"item_code": it.Code,
		"applicant": map[string]string{"kind": "person", "name": name, "id_number": id, "phone": "13800000000"},
		"form":      sampleAnswers(it.Code, "person", name, id)})
	if status != http.StatusCreated {
		t.Fatalf("register: %d %s", status, body)
	}
	var f filedAnswer
	if err := json.Unmarshal(body, &f); err != nil {
		t.Fatal(err)
	}
	return f.Number
}

// printedNotice is a page to print and the element that shows it has loaded.
type printedNotice struct {
	name, path, wait string
}

func TestBrowserNoticesPrintOnOneA4Page(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)} // Mon 2 Mar 2026
	env := newOfficeEnv(t, clock)
	it := deferredLicence(t)
	dept := it.DepartmentCode
	clerk := loginToken(t, env, "window1")
	rev, appr := loginToken(t, env, dept+".review"), loginToken(t, env, dept+".approve")

	// A 容缺 acceptance taken through a special procedure and an extension to a denial.
	denied, _ := registerPending(t, env, it)
	mustActAPI(t, env, rev, denied, "claim", nil)
	clock.Set(time.Date(2026, 3, 3, 2, 0, 0, 0, time.UTC))
	mustActAPI(t, env, rev, denied, "suspend", map[string]any{"kind": "expert_review", "reason": "需组织专家评审", "expected_days": 5})
	clock.Set(time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC))
	mustActAPI(t, env, rev, denied, "resume", nil)
	mustActAPI(t, env, rev, denied, "review_pass", nil)
	mustActAPI(t, env, appr, denied, "claim", nil)
	mustActAPI(t, env, appr, denied, "extend", map[string]any{"days": 5, "reason": "需要补充现场核查"})
	mustActAPI(t, env, appr, denied, "deny", map[string]any{"reason": "经营场所不符合卫生要求"})
	// A one-time notice of missing materials, then termination.
	ended := printWalkIn(t, env, it, "李四光", "440524188001010014")
	mustActAPI(t, env, clerk, ended, "request_supplement", map[string]any{"missing": []string{it.Materials[0].Key}, "comment": "缺少材料"})
	mustActAPI(t, env, clerk, ended, "terminate", map[string]any{"reason": "申请人书面申请终止办理"})
	// A refusal.
	refused := printWalkIn(t, env, it, "王五", "321083197812162119")
	mustActAPI(t, env, clerk, refused, "reject", map[string]any{"reason": "申请事项依法不需要取得行政许可"})
	// An approval.
	approved, _ := registerPending(t, env, it)
	mustActAPI(t, env, rev, approved, "claim", nil)
	mustActAPI(t, env, rev, approved, "review_pass", nil)
	mustActAPI(t, env, appr, approved, "claim", nil)
	mustActAPI(t, env, appr, approved, "approve", nil)

	notice := func(number, kind string) printedNotice {
		return printedNotice{kind, "/window/applications/" + number + "/notice/" + kind, `.notice-doc[data-kind="` + kind + `"]`}
	}
	window := []printedNotice{
		notice(denied, "receipt"), notice(denied, "acceptance"), notice(denied, "pending"), notice(denied, "pledge"),
		notice(denied, "special"), notice(denied, "extension"), notice(denied, "denial"),
		notice(ended, "supplement"), notice(ended, "termination"), notice(refused, "refusal"),
	}
	for _, lang := range []string{"zh-CN", "en"} {
		ctx := newBrowser(t) // a tab per language: each tab has a minute
		if err := loginBrowser(ctx, env.http.URL, "window1"); err != nil {
			t.Fatal(err)
		}
		for _, n := range window {
			printsOnOnePage(t, ctx, env.http.URL+n.path+"?lang="+lang, n.wait, n.name+" ("+lang+")")
		}
	}
	office := newBrowser(t)
	if err := loginBrowser(office, env.http.URL, dept+".approve"); err != nil {
		t.Fatal(err)
	}
	for _, d := range []printedNotice{
		{"approval", "/tasks/" + approved + "/document/approval", ".document"},
		{"denial", "/tasks/" + denied + "/document/denial", ".document"},
	} {
		printsOnOnePage(t, office, env.http.URL+d.path, d.wait, "decision "+d.name)
	}
}

// printsOnOnePage opens a notice in demo mode (the banner shows) and prints
// it: one page means the banner did not take a sheet of its own and the
// signature block with its seal and date stayed with the text.
func printsOnOnePage(t *testing.T, ctx context.Context, u, wait, name string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitVisible(chromedp.CSS(wait))); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if n := printedPages(t, ctx); n != 1 {
		t.Errorf("%s prints on %d pages, want 1", name, n)
	}
}
