package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"onewindow/models"
)

// rowValue is the cell beside the row heading th on a page ("" when absent).
func rowValue(page, th string) string {
	i := strings.Index(page, `<th scope="row">`+th+`</th>`)
	if i < 0 {
		return ""
	}
	rest := page[i:]
	rest = rest[strings.Index(rest, "<td"):]
	return rest[:strings.Index(rest, "</td>")+len("</td>")]
}

// setOffice changes a department's phone and address through the API.
func setOffice(t *testing.T, env *demoEnv, code, phone, address string) {
	t.Helper()
	d, err := env.store.Department(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	status, body := call(t, env, "PUT", "/api/v1/admin/departments/"+code, loginToken(t, env, "admin"),
		map[string]string{"name": d.Name, "phone": phone, "address": address})
	if status != http.StatusOK {
		t.Fatalf("set the office of %s: %d %s", code, status, body)
	}
}

// blankGuide empties every optional field of a published item's guide, as
// a provincial list that publishes little leaves them.
func blankGuide(t *testing.T, env *demoEnv, code string) {
	t.Helper()
	editGuide(t, env, code, func(it *models.Item) {
		it.CatalogCode, it.PowerSource, it.UseLevel, it.HandlingKind, it.ResultType, it.ResultName = "", "", "", "", "", ""
		it.ServiceObjects, it.HandleForms, it.Materials = nil, nil, nil
		it.Area, it.AcceptConditions, it.LegalBasis = "", "", ""
		it.Location, it.Hours, it.Phone, it.ComplaintPhone = "", "", "", ""
		it.MainName = "某项并不存在的主项"
	})
}

func TestBlankGuideFieldsReadUnknownAndContactsFallBackToTheCentre(t *testing.T) {
	env := newStaffEnv(t)
	it := windowItem(t, env, false)
	blankGuide(t, env, it.Code)
	setOffice(t, env, it.DepartmentCode, "", "")
	var site siteAnswer
	getJSONFrom(t, env, "/api/v1/site", &site)
	if site.Hotline == "" || site.Address == "" {
		t.Fatalf("the demo's site settings lack a hotline or address: %+v", site)
	}
	langs := []struct {
		q, unknown, hotline, centreAddr string
		rows                            []string
	}{
		{"", "未公布", "服务中心热线", "服务中心地址",
			[]string{"权力来源", "行使层级", "服务对象", "办件类型", "办理形式", "办件结果", "通办范围"}},
		{"?lang=en", "Not published", "service centre hotline", "service centre address", nil},
	}
	for _, l := range langs {
		_, page := envPage(t, env, "/items/"+it.Code+l.q)
		for _, th := range l.rows {
			if v := rowValue(page, th); !strings.Contains(v, l.unknown) {
				t.Errorf("guide%s: %s reads %q, want %s", l.q, th, v, l.unknown)
			}
		}
		if strings.Contains(page, "<td></td>") || strings.Contains(page, `<p class="prose"></p>`) {
			t.Errorf("guide%s: an empty cell or a heading over an empty box", l.q)
		}
		if strings.Contains(page, `id="materials"`) || !strings.Contains(page, `id="materials-unknown"`) {
			t.Errorf("guide%s: the empty materials list is not 未公布", l.q)
		}
		phone := `<span class="phone">` + site.Hotline + `</span>`
		for _, id := range []string{"contact-phone", "contact-complaint"} {
			cell := page[strings.Index(page, `id="`+id+`"`):]
			cell = cell[:strings.Index(cell, "</td>")]
			if !strings.Contains(cell, l.hotline) || !strings.Contains(cell, phone) {
				t.Errorf("guide%s: %s does not fall back to the centre's hotline: %s", l.q, id, cell)
			}
		}
		box := page[strings.Index(page, `id="closed-contact"`):]
		box = box[:strings.Index(box, "</p>")]
		if !strings.Contains(box, l.hotline) || !strings.Contains(box, phone) || !strings.Contains(box, l.centreAddr) ||
			!strings.Contains(box, site.Address) {
			t.Errorf("guide%s: the closed box does not fall back to the centre: %s", l.q, box)
		}
		if !strings.Contains(page, `id="main-item"`) || !(strings.Contains(page, "某项并不存在的主项</p>") || strings.Contains(page, `<span lang="zh-CN">某项并不存在的主项</span></p>`)) {
			t.Errorf("guide%s: a 主项名称 naming no item is not shown as plain text", l.q)
		}
	}
}

func TestContactLinesSayWhoseNumberTheyShow(t *testing.T) {
	env := newStaffEnv(t)
	it := windowItem(t, env, false)
	editGuide(t, env, it.Code, func(it *models.Item) { it.Phone, it.Location = "", "" })
	setOffice(t, env, it.DepartmentCode, "0474-7000001", "胜利路 1 号")
	_, page := envPage(t, env, "/items/"+it.Code)
	if v := rowValue(page, "咨询电话"); !strings.Contains(v, `<span class="phone">`) {
		t.Errorf("the department block's phone may break at its hyphen: %s", v)
	}
	cell := page[strings.Index(page, `id="contact-phone"`):]
	cell = cell[:strings.Index(cell, "</td>")]
	if !strings.Contains(cell, "实施部门电话") || !strings.Contains(cell, "0474-7000001") {
		t.Errorf("the item's enquiries line does not fall back to the department's phone: %s", cell)
	}
	cell = page[strings.Index(page, `id="contact-location"`):]
	cell = cell[:strings.Index(cell, "</td>")]
	if !strings.Contains(cell, "实施部门办公地址") || !strings.Contains(cell, "胜利路 1 号") {
		t.Errorf("the item's location does not fall back to the department's office: %s", cell)
	}
	// The item's own number shows without a label.
	editGuide(t, env, it.Code, func(it *models.Item) { it.Phone = "0474-7000002" })
	_, page = envPage(t, env, "/items/"+it.Code+"?lang=en")
	cell = page[strings.Index(page, `id="contact-phone"`):]
	cell = cell[:strings.Index(cell, "</td>")]
	if cell != `id="contact-phone"><span class="phone">0474-7000002</span>` {
		t.Errorf("the item's own enquiries line: %s", cell)
	}
}

func TestMainGuideListsSubItemsInTheOrderOfAnItemsLife(t *testing.T) {
	env := newDemoEnv(t)
	var l itemList
	getJSONFrom(t, env, "/api/v1/items?q="+url.QueryEscape("食品经营许可")+"&page_size=50", &l)
	mainCode := ""
	for _, e := range l.Items {
		if e.Name == "食品经营许可" {
			mainCode = e.Code
		}
	}
	if mainCode == "" {
		t.Fatal("the demo has no 食品经营许可 main item")
	}
	for _, q := range []string{"", "?lang=en"} {
		_, page := envPage(t, env, "/items/"+mainCode+q)
		list := page[strings.Index(page, `id="sub-items"`):]
		list = list[:strings.Index(list, "</ul>")]
		var names []string
		for _, li := range strings.Split(list, "<li>")[1:] {
			li = li[strings.Index(li, `">`)+2:]
			names = append(names, li[:strings.Index(li, "</a>")])
		}
		if len(names) < 3 || !strings.Contains(names[0], "新办") {
			t.Errorf("guide%s lists the sub-items %v, want 新办 first", q, names)
		}
		for i := 1; i < len(names); i++ {
			if models.SubItemRank("食品经营许可", names[i-1]) > models.SubItemRank("食品经营许可", names[i]) {
				t.Errorf("guide%s lists %s before %s", q, names[i-1], names[i])
			}
		}
	}
}

func TestResultsShowEachKnownLimit(t *testing.T) {
	env := newStaffEnv(t)
	it := windowItem(t, env, false)
	editGuide(t, env, it.Code, func(it *models.Item) { it.StatutoryDays, it.PromisedDays = models.IntPtr(20), nil })
	for _, l := range []struct{ q, want string }{
		{"", "承诺 未公布 / 法定 20 个工作日"},
		{"&lang=en", "promised: Not published / statutory: 20 working days"},
	} {
		_, page := envPage(t, env, "/items?q="+url.QueryEscape(it.Name)+l.q)
		i := strings.Index(page, `href="/items/`+it.Code+`"`)
		if i < 0 {
			t.Fatalf("results%s do not list %s", l.q, it.Name)
		}
		entry := page[i:]
		entry = entry[:strings.Index(entry, "</li>")]
		if !strings.Contains(entry, `<span class="limits">`+l.want+`</span>`) {
			t.Errorf("results%s: the entry lacks %q:\n%s", l.q, l.want, entry)
		}
	}
}
