package handlers_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Phones: every public page at 390 × 844 (an ordinary phone) fits its width
// and no table squeezes its cells to a character or two a line. The
// screenshots are kept for people to look at; the test compares structure
// (widths, stacking, labels), not pixels, which differ between Chromium
// versions and font builds.

const phoneWidth, phoneHeight = 390, 844

// screenshotDir is where the journeys keep their screenshots: the folder
// ONEWINDOW_SCREENSHOT_DIR names (CI keeps it as an artefact), else a folder
// in the system's temporary directory.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ONEWINDOW_SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "onewindow-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("screenshot folder: %v", err)
	}
	return dir
}

// keepScreenshot writes a full-page screenshot of what the browser shows.
func keepScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	file := filepath.Join(screenshotDir(t), name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}

// phoneLayout is what a page's layout measures in the browser.
type phoneLayout struct {
	Overflow int      `json:"overflow"` // how far the page scrolls sideways, px
	Narrow   []string `json:"narrow"`   // table cells with text squeezed below the minimum width
	Cells    int      `json:"cells"`    // visible table cells measured
}

// measureLayout reads the page's sideways overflow and every visible table
// cell with three or more characters of text that is narrower than 4.5 em
// and wraps onto a second line: such a cell reads a character or two a line.
// (A short figure that fits its narrow column on one line is no problem.)
const measureLayout = `(function () {
	var out = {overflow: document.scrollingElement.scrollWidth - window.innerWidth, narrow: [], cells: 0};
	document.querySelectorAll("main td, main th").forEach(function (c) {
		var r = c.getBoundingClientRect();
		if (r.width <= 1 || r.height <= 1 || c.closest("thead") && getComputedStyle(c.closest("thead")).position === "absolute") { return; }
		var text = c.textContent.trim();
		if (text.length < 3) { return; }
		out.cells++;
		var min = 4.5 * parseFloat(getComputedStyle(c).fontSize);
		var cs = getComputedStyle(c), line = parseFloat(cs.lineHeight) || 1.6 * parseFloat(cs.fontSize);
		var text_ = document.createRange();
		text_.selectNodeContents(c);
		var lines = text_.getBoundingClientRect().height / line;
		if (r.width < min && lines >= 1.9) { out.narrow.push(text.slice(0, 16) + " (" + Math.round(r.width) + " px)"); }
	});
	return JSON.stringify(out);
})()`

func readLayout(t *testing.T, ctx context.Context) phoneLayout {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](measureLayout))
	if err != nil {
		t.Fatalf("measure the layout: %v", err)
	}
	var l phoneLayout
	if err := json.Unmarshal([]byte(raw), &l); err != nil {
		t.Fatalf("layout %s: %v", raw, err)
	}
	return l
}

// phonePage is one page of the phone journey and what must be on it.
type phonePage struct {
	name, path, wait string
	cards            []string // ids of tables that must show as stacked, labelled cards
}

func TestBrowserPublicPagesFitAPhone(t *testing.T) {
	env := newStaffEnv(t)
	food := namedItem(t, foodLicence)
	// An application of citizen1 accepted at the window and decided: the
	// status page, the citizen's /my and 办件公示 then all have rows.
	number, code := fileAtWindow(t, env, food.Code, handledApplicants[1])
	completeAccepted(t, env, number, food.DepartmentCode, time.Now())
	var bundles struct {
		Bundles []struct {
			Code string `json:"code"`
		} `json:"bundles"`
	}
	getJSON(t, "/api/v1/bundles", 200, &bundles)
	if len(bundles.Bundles) == 0 {
		t.Fatal("the demo has no bundle")
	}
	pages := []phonePage{
		{"home", "/", "#q", nil},
		{"results", "/items?q=" + url.QueryEscape("食品"), "ol.results", nil},
		{"guide", "/items/" + food.Code, "#materials", []string{"materials", "steps"}},
		{"department", "/departments/" + food.DepartmentCode, "#office", nil},
		{"catalogue", "/catalogue", "#by-department", nil},
		{"handled", "/handled", "#handled", []string{"handled"}},
		{"bundles", "/bundles", "main h1", nil},
		{"bundle", "/bundles/" + bundles.Bundles[0].Code, "#bundle-items", []string{"bundle-items"}},
		{"status-form", "/status", "#status-form", nil},
		{"status", "/status/" + number + "?code=" + code, "#state", []string{"timeline", "status-materials"}},
	}
	ctx := newBrowser(t)
	base := env.http.URL
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, phoneHeight)); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"zh-CN", "en"} {
		for _, p := range pages {
			path := p.path
			if lang == "en" {
				path += map[bool]string{true: "&", false: "?"}[strings.Contains(path, "?")] + "lang=en"
			}
			checkPhonePage(t, ctx, base+path, lang, p)
		}
	}
	// The citizen's own pages, signed in as citizen1.
	if err := loginBrowser(ctx, base, "citizen1"); err != nil {
		t.Fatalf("citizen1 signs in: %v", err)
	}
	checkPhonePage(t, ctx, base+"/my?lang=zh-CN", "zh-CN", phonePage{"my", "/my", "#my-applications", []string{"my-applications"}})
	checkPhonePage(t, ctx, base+"/status/"+number+"?code="+code, "zh-CN", phonePage{"my-status", "", "#state", []string{"timeline"}})

	// On a desk the same guide keeps its tables: a header row and columns side by side.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/items/"+food.Code),
		chromedp.WaitVisible(chromedp.ID("materials"))); err != nil {
		t.Fatal(err)
	}
	table, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
		var head = document.querySelector("#materials thead th"), cells = document.querySelectorAll("#materials tbody tr:first-child td");
		return getComputedStyle(document.querySelector("#materials thead")).position !== "absolute" && head.getBoundingClientRect().width > 1 &&
			cells[1].getBoundingClientRect().top === cells[2].getBoundingClientRect().top;
	})()`))
	if err != nil || !table {
		t.Errorf("at 1280 px the materials are not a table with a header row and columns side by side (%v)", err)
	}
	keepScreenshot(t, ctx, "desktop-guide")
}

// checkPhonePage opens one page at phone width, keeps its screenshot and
// checks its layout: no sideways scroll, no squeezed cell, and the named
// tables shown as cards, each cell with its column's name beside it.
func checkPhonePage(t *testing.T, ctx context.Context, u, lang string, p phonePage) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitVisible(chromedp.CSS(p.wait))); err != nil {
		t.Fatalf("%s (%s): %v", p.name, lang, err)
	}
	keepScreenshot(t, ctx, "phone-"+p.name+"-"+lang)
	l := readLayout(t, ctx)
	if l.Overflow > 0 {
		t.Errorf("%s (%s): at %d px the page scrolls %d px sideways", p.name, lang, phoneWidth, l.Overflow)
	}
	if len(l.Narrow) > 0 {
		t.Errorf("%s (%s): table cells squeezed at %d px: %s", p.name, lang, phoneWidth, strings.Join(l.Narrow, "; "))
	}
	for _, id := range p.cards {
		problem, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function (id) {
			var rows = document.querySelectorAll("#" + id + " tbody tr");
			if (!rows.length) { return "no rows"; }
			for (var i = 0; i < rows.length; i++) {
				var cells = rows[i].querySelectorAll("td, th"), left = null;
				for (var j = 0; j < cells.length; j++) {
					var r = cells[j].getBoundingClientRect();
					if (r.height === 0) { continue; }
					if (r.right > window.innerWidth) { return "a cell reaches past the screen's edge"; }
					if (left !== null && Math.abs(r.left - left) > 1) { return "cells side by side in row " + (i + 1); }
					left = r.left;
					var label = cells[j].getAttribute("data-label");
					if (!label) { continue; }
					if (getComputedStyle(cells[j], "::before").content !== JSON.stringify(label)) { return "no label " + label; }
					// the value starts right of the label column, never under it
					var value = document.createRange(), em = parseFloat(getComputedStyle(cells[j]).fontSize);
					value.selectNodeContents(cells[j]);
					var v = value.getBoundingClientRect();
					if (v.width > 0 && v.left < r.left + 6.5 * em) { return "the value of " + label + " overlaps its label"; }
				}
			}
			return "";
		})("`+id+`")`))
		if err != nil || problem != "" {
			t.Errorf("%s (%s): #%s is not a stack of labelled cards: %s %v", p.name, lang, id, problem, err)
		}
		if png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID(id))); err == nil {
			_ = os.WriteFile(filepath.Join(screenshotDir(t), "phone-"+p.name+"-"+lang+"-"+id+".png"), png, 0o644)
		}
	}
}
