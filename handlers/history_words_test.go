package handlers_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"onewindow/models"
)

// historyCells is the text of the first revision's rows: "label | old | new".
func historyCells(page string) []string {
	first := page[strings.Index(page, `<li class="revision"`):]
	first = first[:strings.Index(first, "</li>")]
	tags := regexp.MustCompile(`<[^>]+>`)
	var out []string
	for _, tr := range regexp.MustCompile(`(?s)<tr data-field="[^"]*">(.*?)</tr>`).FindAllStringSubmatch(first, -1) {
		cells := regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`).FindAllStringSubmatch(tr[1], -1)
		var parts []string
		for _, c := range cells {
			parts = append(parts, strings.TrimSpace(tags.ReplaceAllString(c[1], "")))
		}
		out = append(out, strings.Join(parts, " | "))
	}
	return out
}

func TestHistorySpeaksInWords(t *testing.T) {
	env := newDemoEnv(t)
	it := singleItem(t)
	var dropped, kept string
	editGuide(t, env, it.Code, func(g *models.Item) {
		g.PromisedDays = models.IntPtr(models.Days(g.PromisedDays) - 1)
		g.IsFee = models.BoolPtr(!(g.IsFee != nil && *g.IsFee))
		g.HandleForms = models.StringList{"window"}
		g.Materials[1].Necessity = models.NecessityOptional
		dropped, kept = g.Materials[0].Name, g.Materials[1].Name
		g.Materials = g.Materials[1:] // the others move up: no order change anyone made
	})
	client := staffClient(t, env, "catalog")
	_, page, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/"+it.Code+"/history", nil)
	rows := historyCells(page)
	got := strings.Join(rows, "\n")
	oldFee := map[bool]string{true: "是", false: "否"}[it.IsFee != nil && *it.IsFee]
	feeNow := map[bool]string{true: "否", false: "是"}[it.IsFee != nil && *it.IsFee]
	if it.IsFee == nil {
		oldFee = "未公布"
	}
	for _, want := range []string{
		"承诺办结时限 | " + strconv.Itoa(models.Days(it.PromisedDays)) + " 个工作日 | " + strconv.Itoa(models.Days(it.PromisedDays)-1) + " 个工作日",
		"是否收费 | " + oldFee + " | " + feeNow,
		"办理形式 | ",
		"材料必要性（" + kept + "） | 必要 | 非必要",
		"删除材料 | " + dropped + " | ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("history lacks %q in\n%s", want, got)
		}
	}
	for _, raw := range []string{"sort", "promised_days", "is_fee", "true", "false", `["`, "materials[", "required", "optional", "window"} {
		if strings.Contains(got, raw) {
			t.Errorf("history shows the raw %q:\n%s", raw, got)
		}
	}
	if strings.Contains(got, "顺序") {
		t.Errorf("history reports an order change nobody made:\n%s", got)
	}
	// In English the labels are English.
	_, en, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/"+it.Code+"/history?lang=en", nil)
	if enRows := strings.Join(historyCells(en), "\n"); !strings.Contains(enRows, "Promised time limit | ") || !strings.Contains(enRows, " working days") {
		t.Errorf("English history:\n%s", enRows)
	}
}
