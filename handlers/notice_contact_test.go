package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"onewindow/models"
)

// noticeContactCell is the 咨询地址和电话 cell of a printed notice.
func noticeContactCell(t *testing.T, page string) string {
	t.Helper()
	i := strings.Index(page, `id="notice-contact"`)
	if i < 0 {
		t.Fatal("the notice has no 咨询地址和电话 row")
	}
	cell := page[i+len(`id="notice-contact">`):]
	return cell[:strings.Index(cell, "</td>")]
}

func TestPrintedNoticeContactRowNeverPrintsEmpty(t *testing.T) {
	env := newStaffEnv(t)
	number := walkIn(t, env)
	app, err := env.store.Application(t.Context(), number)
	if err != nil {
		t.Fatal(err)
	}
	var site siteAnswer
	getJSONFrom(t, env, "/api/v1/site", &site)
	window := staffClient(t, env, "window1")
	noticeURL := env.http.URL + "/window/applications/" + number + "/notice/receipt"

	// Nothing published by the item or its office: the centre's address and hotline.
	editGuide(t, env, app.ItemCode, func(it *models.Item) { it.Location, it.Phone = "", "" })
	setOffice(t, env, app.DepartmentCode, "", "")
	for _, l := range []struct{ q, hotline string }{{"", "服务中心热线"}, {"?lang=en", "service centre hotline"}} {
		_, page, _ := fetch(t, window, http.MethodGet, noticeURL+l.q, nil)
		cell := noticeContactCell(t, page)
		if !strings.Contains(cell, site.Address) || !strings.Contains(cell, l.hotline) ||
			!strings.Contains(cell, `<span class="phone">`+site.Hotline+`</span>`) {
			t.Errorf("notice%s: the contact row does not fall back to the centre: %q", l.q, cell)
		}
		foot := page[strings.Index(page, `id="print-centre"`):]
		if foot = foot[:strings.Index(foot, "</p>")]; !strings.Contains(foot, site.Hotline+`</span>`) {
			t.Errorf("notice%s: the centre's hotline in the footer may break at its hyphen: %q", l.q, foot)
		}
	}
	// The department's office, then the item's own location and phone.
	setOffice(t, env, app.DepartmentCode, "0474-7100001", "胜利路 2 号")
	_, page, _ := fetch(t, window, http.MethodGet, noticeURL, nil)
	if cell := noticeContactCell(t, page); !strings.Contains(cell, "胜利路 2 号") || !strings.Contains(cell, "0474-7100001") || strings.Contains(cell, site.Hotline) {
		t.Errorf("the contact row does not show the department's office: %q", cell)
	}
	editGuide(t, env, app.ItemCode, func(it *models.Item) { it.Location, it.Phone = "政务服务中心一楼 3 号窗口", "0474-7100002" })
	_, page, _ = fetch(t, window, http.MethodGet, noticeURL+"?lang=zh-CN", nil) // back in Chinese after the English look
	if cell := noticeContactCell(t, page); cell != `政务服务中心一楼 3 号窗口 <span class="phone">0474-7100002</span>` {
		t.Errorf("the contact row does not show the item's own: %q", cell)
	}
}

func TestOnlineReceiptFallsBackToTheCentreHotline(t *testing.T) {
	env := newStaffEnv(t)
	g := citizenItem(t, env)
	var dept string
	editGuide(t, env, g.Code, func(it *models.Item) { it.Phone, dept = "", it.DepartmentCode })
	setOffice(t, env, dept, "", "")
	var site siteAnswer
	getJSONFrom(t, env, "/api/v1/site", &site)
	cl := browserClient(t)
	body, ctype := formBody(t, applyFields(t, g.Code, citizenID, "tok-hotline"), requiredFiles(g, "scan.pdf"), tinyPDF)
	resp, _ := send(t, cl, "POST", env.http.URL+"/items/"+g.Code+"/apply", body, ctype)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("apply = %d", resp.StatusCode)
	}
	_, page := send(t, cl, "GET", env.http.URL+resp.Header.Get("Location"), nil, "")
	line := page[strings.Index(page, `id="receipt-phone"`):]
	line = line[:strings.Index(line, "</li>")]
	if !strings.Contains(line, "服务中心热线") || !strings.Contains(line, `<span class="phone">`+site.Hotline+`</span>`) {
		t.Errorf("the receipt's enquiries line: %q", line)
	}
}

func TestClerksHistoryNamesTheApplicantNotAnInternalName(t *testing.T) {
	env := newStaffEnv(t)
	g := citizenItem(t, env)
	body, ctype := formBody(t, applyFields(t, g.Code, citizenID, "tok-actor"), requiredFiles(g, "scan.pdf"), tinyPDF)
	resp, _ := send(t, browserClient(t), "POST", env.http.URL+"/items/"+g.Code+"/apply", body, ctype)
	number := strings.TrimPrefix(resp.Header.Get("Location"), "/receipt/")
	if resp.StatusCode != http.StatusSeeOther || number == "" {
		t.Fatalf("apply = %d", resp.StatusCode)
	}
	window := staffClient(t, env, "window1")
	for _, l := range []struct{ q, want string }{{"", "· 申请人"}, {"?lang=en", "· Applicant"}} {
		_, page, _ := fetch(t, window, http.MethodGet, env.http.URL+"/window/applications/"+number+l.q, nil)
		i := strings.Index(page, `id="timeline"`)
		if i < 0 {
			t.Fatalf("window page%s has no history", l.q)
		}
		history := page[i:]
		history = history[:strings.Index(history, "</ol>")]
		if !strings.Contains(history, l.want) || strings.Contains(history, "applicant") {
			t.Errorf("history%s:\n%s", l.q, history)
		}
	}
}

func TestPhonesAreKeptOnOneLine(t *testing.T) {
	env := newDemoEnv(t)
	_, home := envPage(t, env, "/")
	i := strings.Index(home, `href="/static/app.`)
	if i < 0 {
		t.Fatal("the page links no app.css")
	}
	href := home[i+len(`href="`):]
	_, css := envPage(t, env, href[:strings.Index(href, `"`)])
	if !strings.Contains(css, ".phone { white-space: nowrap; }") {
		t.Error("app.css does not keep phone numbers on one line")
	}
	if !strings.Contains(home, `id="centre-hotline"><span class="phone">`) {
		t.Error("the home page's hotline is not kept on one line")
	}
}
