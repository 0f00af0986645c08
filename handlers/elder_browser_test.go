package handlers_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"
)

// 长辈版: larger type and targets, the secondary navigation hidden,
// switched from every page's header and remembered.

// elderLooks measures what the large-print mode promises on the page shown:
// the body's type size, the smallest visible target, whether the secondary
// navigation shows, and the switch's text.
const elderLooks = `(function () {
	var out = {elder: document.documentElement.classList.contains("elder"),
		body: parseFloat(getComputedStyle(document.body).fontSize), small: [],
		secondary: !!document.querySelector("#nav-bundles").offsetParent,
		switchText: document.querySelector("#elder-switch").textContent.trim()};
	document.querySelectorAll('header.site nav a, main button, main a.button, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file]), main select').forEach(function (el) {
		var r = el.getBoundingClientRect();
		if (r.height > 0 && r.height < 44) { out.small.push((el.id || el.textContent.trim() || el.name) + " " + Math.round(r.height) + " px"); }
	});
	return JSON.stringify(out);
})()`

type elderState struct {
	Elder      bool     `json:"elder"`
	Body       float64  `json:"body"`
	Small      []string `json:"small"`
	Secondary  bool     `json:"secondary"`
	SwitchText string   `json:"switchText"`
}

func readElder(t *testing.T, ctx context.Context) elderState {
	t.Helper()
	var st elderState
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](elderLooks))
	if err == nil {
		err = json.Unmarshal([]byte(raw), &st)
	}
	if err != nil {
		t.Fatalf("measure the page: %v", err)
	}
	return st
}

func TestBrowserElderModeIsLargeSimpleAndRemembered(t *testing.T) {
	env := newDemoEnv(t)
	food := namedItem(t, foodLicence)
	ctx := newBrowser(t)
	base := env.http.URL
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("elder-switch"))); err != nil {
		t.Fatal(err)
	}
	st := readElder(t, ctx)
	if st.Elder || st.Body != 16 || !st.Secondary || st.SwitchText != "长辈版" {
		t.Fatalf("the standard home page: %+v", st)
	}
	// Hints read at the body's size (they were 12.8–14.4 px).
	hint, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`parseFloat(getComputedStyle(document.querySelector(".hero .hint")).fontSize)`))
	if err != nil || hint < 16 {
		t.Errorf("a hint is %.1f px, want at least 16 (%v)", hint, err)
	}

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("elder-switch")), chromedp.WaitVisible(chromedp.CSS("html.elder #elder-switch"))); err != nil {
		t.Fatalf("switch to 长辈版: %v", err)
	}
	keepScreenshot(t, ctx, "elder-home-zh-CN")
	st = readElder(t, ctx)
	if st.Body < 20 || st.Secondary || st.SwitchText != "标准版" || len(st.Small) > 0 {
		t.Errorf("长辈版 home page: body %.0f px, secondary navigation shown %v, switch %q, small targets %v", st.Body, st.Secondary, st.SwitchText, st.Small)
	}
	// Remembered: a page opened by its address is large print too, and the
	// guide hides its codes and version for the people who need none of them.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/items/"+food.Code), chromedp.WaitVisible(chromedp.ID("materials"))); err != nil {
		t.Fatal(err)
	}
	st = readElder(t, ctx)
	meta, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector(".guide-head .meta").offsetParent`))
	if !st.Elder || st.Body < 20 || len(st.Small) > 0 || err != nil || meta {
		t.Errorf("the guide after the switch: %+v, codes shown %v (%v)", st, meta, err)
	}
	// The language switch keeps the mode, and the switch speaks English.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("a.lang")), chromedp.WaitVisible(chromedp.CSS(`html[lang="en"]`))); err != nil {
		t.Fatal(err)
	}
	st = readElder(t, ctx)
	if !st.Elder || st.SwitchText != "Standard view" {
		t.Errorf("the English guide: %+v", st)
	}
	// On a phone the large print still fits the width.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, phoneHeight)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []phonePage{{"elder-guide", "/items/" + food.Code, "#materials", []string{"materials", "steps"}},
		{"elder-home", "/", "#q", nil}, {"elder-results", "/items?q=%E9%A3%9F%E5%93%81", "ol.results", nil}, {"elder-status-form", "/status", "#status-form", nil}} {
		checkPhonePage(t, ctx, base+p.path, "en", p)
		if st = readElder(t, ctx); !st.Elder || len(st.Small) > 0 {
			t.Errorf("%s on a phone: %+v", p.name, st)
		}
	}
	// Back to the standard pages, and that is remembered too.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("elder-switch")), chromedp.WaitVisible(chromedp.CSS("html:not(.elder) #elder-switch")),
		chromedp.Navigate(base+"/items"), chromedp.WaitVisible(chromedp.ID("elder-switch"))); err != nil {
		t.Fatalf("switch back: %v", err)
	}
	if st = readElder(t, ctx); st.Elder || st.Body != 16 || st.SwitchText != "Large print" {
		t.Errorf("after switching back: %+v", st)
	}
}

// The window clerk sees a whole 21-character item code in the chooser, in
// type as large as the page's.
func TestBrowserWindowItemCodeBoxFitsAWholeCode(t *testing.T) {
	env := newStaffEnv(t)
	ctx := newBrowser(t)
	code := namedItem(t, foodLicence).Code
	if len(code) != 21 {
		t.Fatalf("the demo's item codes have 21 characters; %q has %d", code, len(code))
	}
	if err := loginBrowser(ctx, env.http.URL, "window1"); err != nil {
		t.Fatal(err)
	}
	for _, width := range []int64{1280, phoneWidth} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(env.http.URL+"/window/new"),
			chromedp.WaitVisible(chromedp.ID("item")), chromedp.SetValue(chromedp.ID("item"), code)); err != nil {
			t.Fatal(err)
		}
		fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
			var box = document.getElementById("item"), cs = getComputedStyle(box);
			var pen = document.createElement("canvas").getContext("2d");
			pen.font = cs.font;
			// the code's width, with room for the caret and one character more
			var need = pen.measureText(box.value + "0").width;
			var room = box.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
			return box.value.length === 21 && parseFloat(cs.fontSize) >= 16 && need <= room && box.getBoundingClientRect().right <= window.innerWidth;
		})()`))
		if err != nil || !fits {
			t.Errorf("at %d px the item-code box hides part of a 21-character code (%v)", width, err)
		}
	}
}
