package handlers_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"onewindow/models/demo"
)

func TestBrowserCatalogCreatesAnItemWithAFeeAndAStep(t *testing.T) {
	env := newStaffEnv(t)
	ctx := newBrowser(t)
	base := env.http.URL
	const code = "150902010220000906000"
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "catalog"),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS("button.linkish")),
		chromedp.Navigate(base+"/admin/catalogue/transfer"),
		chromedp.WaitVisible(chromedp.ID("new-item-link")),
		chromedp.Click(chromedp.ID("new-item-link")),
		chromedp.WaitVisible(chromedp.ID("edit-form")),
		chromedp.SendKeys(chromedp.ID("code"), code),
		chromedp.SendKeys(chromedp.ID("catalog_code"), "010220000906"),
		chromedp.SendKeys(chromedp.ID("name"), "临时占用城市道路许可"),
		chromedp.SetValue(chromedp.ID("department"), "scj"),
		chromedp.SetValue(chromedp.ID("statutory_days"), "20"),
		chromedp.SetValue(chromedp.ID("promised_days"), "5"),
		chromedp.SendKeys(chromedp.ID("m0_name"), "占道申请表"),
		chromedp.SetValue(chromedp.ID("is_fee"), "1"),
		chromedp.SendKeys(chromedp.ID("f0_name"), "占道费"),
		chromedp.SendKeys(chromedp.ID("f0_standard"), "每平方米每日 1 元"),
		chromedp.SendKeys(chromedp.ID("s0_name"), "现场踏勘"),
		chromedp.SetValue(chromedp.ID("s0_days"), "3"),
		chromedp.SendKeys(chromedp.ID("reason"), "新增占道许可事项"),
		chromedp.Click(chromedp.ID("create-publish")),
		chromedp.WaitVisible(chromedp.ID("saved")),
		chromedp.Navigate(base+"/items/"+code),
		chromedp.WaitVisible(chromedp.ID("materials")),
	)
	if err != nil {
		t.Fatalf("create and publish: %v", err)
	}
	page, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("article.guide")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"临时占用城市道路许可", "占道费", "每平方米每日 1 元", "现场踏勘", "占道申请表"} {
		if !strings.Contains(page, want) {
			t.Errorf("the public guide lacks %q", want)
		}
	}
	it := adminItem(t, env, code)
	if it.IsFee == nil || !*it.IsFee || len(it.Fees) != 1 || len(it.Steps) != 1 || it.Steps[0].Days != 3 || !it.Steps[0].CountsTime ||
		len(it.Departments) != 1 || it.Departments[0].DepartmentCode != "scj" || it.Status != "published" {
		t.Errorf("stored item: fee %v %+v, steps %+v, departments %+v, status %s", it.IsFee, it.Fees, it.Steps, it.Departments, it.Status)
	}
}
