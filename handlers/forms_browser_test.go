package handlers_test

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/models/form"
)

// byName selects the input (or select) of a form named name, with value for
// a checkbox.
func byName(tag, name, value string) chromedp.CSS {
	if value != "" {
		return chromedp.CSS(fmt.Sprintf(`%s[name=%q][value=%q]`, tag, name, value))
	}
	return chromedp.CSS(fmt.Sprintf(`%s[name=%q]`, tag, name))
}

// fillForm types the answers into the item's form in the form's order, as
// a person does: ticking a box before the question it opens.
func fillForm(sc *form.Schema, v url.Values) []chromedp.Action[chromedp.Void] {
	var out []chromedp.Action[chromedp.Void]
	one := func(f *form.Field, name string) {
		val := v.Get(name)
		switch {
		case f.Type == form.TypeCheckbox || f.Type == form.TypeMultiselect:
			for _, c := range v[name] {
				out = append(out, chromedp.Click(byName("input", name, c)))
			}
		case val == "":
		case f.Type == form.TypeSelect:
			out = append(out, chromedp.SetValue(byName("select", name, ""), val))
		case f.Type == form.TypeDate:
			out = append(out, chromedp.SetValue(byName("input", name, ""), val))
		case f.Type == form.TypeTextarea:
			out = append(out, chromedp.SendKeys(byName("textarea", name, ""), val))
		default:
			out = append(out, chromedp.SendKeys(byName("input", name, ""), val))
		}
	}
	for i := range sc.Fields {
		f := &sc.Fields[i]
		name := form.PostPrefix + f.Key
		if f.Type != form.TypeTable {
			one(f, name)
			continue
		}
		for r := 0; ; r++ {
			filled := false
			for c := range f.Columns {
				cell := name + "." + strconv.Itoa(r) + "." + f.Columns[c].Key
				filled = filled || v.Has(cell)
				one(&f.Columns[c], cell)
			}
			if !filled {
				break
			}
		}
	}
	return out
}

// An applicant fills the food licence's form: the organisation's name and
// code asked once, a dictionary select, a multiselect, a table, questions
// shown only when they apply; one answer missing, then corrected; the
// receipt shows the answers in words.
func TestBrowserApplicantFillsTheItemsFormFixesAMistakeAndSeesTheAnswers(t *testing.T) {
	env := newDemoEnv(t)
	it := namedItem(t, foodLicence)
	var g guide
	getJSONFrom(t, env, "/api/v1/items/"+it.Code, &g)
	pdf := filepath.Join(t.TempDir(), "scan.pdf")
	if err := os.WriteFile(pdf, tinyPDF, 0o600); err != nil {
		t.Fatal(err)
	}
	var uploads []chromedp.Action[chromedp.Void]
	for _, m := range g.Materials {
		if m.Necessity == "required" {
			uploads = append(uploads, chromedp.SetUploadFiles(chromedp.ID("file_"+m.Key), []string{pdf}))
		}
	}
	answers := pageAnswers(t, it.Code, models.ApplicantOrganisation, foodOrg.name, foodOrg.code)
	answers.Del("form.food_safety_manager") // forgotten
	ctx := newBrowser(t)
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(env.http.URL + "/items/" + it.Code + "/apply"),
		chromedp.WaitVisible(chromedp.ID("apply-form")),
		// Conditional questions are hidden until they apply.
		chromedp.WaitNotVisible(chromedp.ID("f-website")),
		chromedp.WaitNotVisible(chromedp.ID("f-cold_room_area")),
		chromedp.WaitVisible(chromedp.ID("f-org_name")), // a person applying gives the operator's name here
		chromedp.Click(byName("input", "kind", models.ApplicantOrganisation)),
		chromedp.WaitNotVisible(chromedp.ID("f-org_name")), // an organisation gives it in the applicant block
		chromedp.SendKeys(chromedp.ID("name"), foodOrg.name),
		chromedp.SendKeys(chromedp.ID("id_number"), foodOrg.code),
		chromedp.SendKeys(chromedp.ID("phone"), foodOrg.phone),
		chromedp.SendKeys(chromedp.ID("address"), foodOrg.address),
		chromedp.Click(byName("input", "form.business_items", "cold")),
		chromedp.WaitVisible(chromedp.ID("f-cold_room_area")),
		chromedp.Click(byName("input", "form.business_items", "cold")),
		chromedp.WaitNotVisible(chromedp.ID("f-cold_room_area")),
		chromedp.Click(chromedp.CSS(`[data-add-row="form.staff"]`)),
		chromedp.WaitVisible(chromedp.ID("f-staff-2-name")),
	}
	steps = append(steps, fillForm(itemSchema(t, it.Code), answers)...)
	steps = append(steps, chromedp.WaitVisible(chromedp.ID("f-website")))
	steps = append(steps, uploads...)
	steps = append(steps, chromedp.Click(chromedp.ID("apply-submit")), chromedp.WaitVisible(chromedp.ID("form-errors")))
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("fill in and submit: %v", err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("f-food_safety_manager-err")))
	if err != nil || msg != "请填写此项" {
		t.Fatalf("the message next to the forgotten answer: %q (%v)", msg, err)
	}
	summary, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("form-errors")))
	if err != nil || !strings.Contains(summary, "食品安全管理人员：请填写此项") || strings.Count(summary, "请填写此项") != 1 {
		t.Errorf("the summary %q: want the forgotten answer only (%v)", summary, err)
	}
	// The chosen files are kept for the retry (retry_files.go): nothing to choose again.
	if kept, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".retry-kept").length + 100 * document.querySelectorAll("#files-again").length`)); err != nil || kept != len(uploads) {
		t.Errorf("the refused page keeps %d files (a hundred more when it asks to choose them again), want %d (%v)", kept, len(uploads), err)
	}
	for id, want := range map[string]string{"f-business_form": "catering", "f-premises": foodOrg.address, "f-staff-0-name": "王芳", "f-website": "https://haoweidao.example.com"} {
		if got, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID(id))); err != nil || got != want {
			t.Errorf("after the refusal %s = %q, want %q (%v)", id, got, want, err)
		}
	}
	steps = []chromedp.Action[chromedp.Void]{chromedp.SendKeys(chromedp.ID("f-food_safety_manager"), "李四")}
	steps = append(steps, chromedp.Click(chromedp.ID("apply-submit")), chromedp.WaitVisible(chromedp.ID("receipt-code")))
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("correct and submit: %v", err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("answers")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"餐饮服务经营者", "热食类食品制售、自制饮品制售", "https://haoweidao.example.com", "李四", "王芳", "JK2026-0012"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the receipt's answers lack %q", want)
		}
	}
	if strings.Contains(shown, "冷食类专间面积") {
		t.Error("the receipt lists a question that was not asked")
	}
}

// The window prints an application's form: one document on A4, without
// the page's navigation or the site's demo banner, marked as a demo print.
func TestBrowserWindowPrintsTheApplicationForm(t *testing.T) {
	env := newStaffEnv(t)
	it, err := env.store.Item(t.Context(), namedItem(t, foodLicence).Code)
	if err != nil {
		t.Fatal(err)
	}
	number := registerWalkIn(t, env, staffClient(t, env, "window1"), it)
	ctx := newBrowser(t)
	err = chromedp.Do(ctx,
		chromedp.Navigate(env.http.URL+"/login?next=/window"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "window1"),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.ID("new-application")),
		chromedp.Navigate(env.http.URL+"/window/applications/"+number),
		chromedp.Click(chromedp.ID("print-form")),
		chromedp.WaitVisible(chromedp.ID("form-print")),
		chromedp.WaitVisible(chromedp.ID("print")),
	)
	if err != nil {
		t.Fatalf("open the printed form: %v", err)
	}
	title, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("form-title")))
	if err != nil || title != foodLicence+"申请表" {
		t.Errorf("title %q (%v)", title, err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`["header.site", ".demo-notice", ".form-print-bar", "footer.site"].every(function (s) {
		var el = document.querySelector(s); return !el || getComputedStyle(el).display === "none"; })`))
	if err != nil || !hidden {
		t.Errorf("printed, the page shows its navigation or the demo banner (%v)", err)
	}
	marked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.getElementById("demo-mark")).display !== "none"`))
	if err != nil || !marked {
		t.Errorf("the printed form is not marked as a demo print (%v)", err)
	}
	yes := true
	out, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes})
	if err != nil {
		t.Fatalf("print: %v", err)
	}
	if n := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(out.Data, -1)); n < 1 || n > 2 {
		t.Errorf("the form prints on %d pages, want one or two", n)
	}
}
