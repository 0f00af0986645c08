package handlers_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// On a phone the generated blank 申请表 fits the screen in both languages: the
// English column headings of a table question (Health certificate number) do
// not push the sheet wider than the page.
func TestBrowserWalk21BlankFormFitsAPhone(t *testing.T) {
	ctx := newBrowser(t)
	it := foodLicenceItem(t)
	for _, lang := range []string{"zh", "en"} {
		err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, phoneHeight),
			chromedp.Navigate(shared.http.URL+"/items/"+it.Code+"/blank-form?lang="+lang), chromedp.WaitVisible(chromedp.ID("blank-fields")))
		if err != nil {
			t.Fatal(err)
		}
		over, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
		if err != nil || over > 0 {
			t.Errorf("%s: at %d px the blank 申请表 is %d px wider than the screen (%v)", lang, phoneWidth, over, err)
		}
	}
}
