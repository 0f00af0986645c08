package handlers_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const chromiumPath = "/usr/bin/chromium"

// browserTestPrefix starts the name of every test that drives a browser:
// .ci/run runs those journeys in a step of their own (without the race
// detector, which makes a page load take seconds) and skips them in the race
// step, both by this prefix.
const browserTestPrefix = "TestBrowser"

// chromium is the one headless Chromium that the journeys of a test binary
// share, started by the first journey and stopped by TestMain: starting a
// browser costs seconds, a fresh browser context (a private profile, with its
// own cookies and storage) for each journey costs little.
var chromium struct {
	once   sync.Once
	ctx    context.Context
	err    error
	cancel func()
}

func sharedChromium() (context.Context, error) {
	chromium.once.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.DisableGPU,
			chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
			chromedp.WindowSize(1280, 900))
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelCtx := chromedp.NewContext(allocCtx)
		chromium.cancel = func() { cancelCtx(); cancelAlloc() }
		// Start the browser before any timeout so the timeout cannot kill it.
		chromium.ctx, chromium.err = ctx, chromedp.Do(ctx)
	})
	return chromium.ctx, chromium.err
}

// stopChromium stops the shared browser, if a journey started it.
func stopChromium() {
	if chromium.cancel != nil {
		chromium.cancel()
	}
}

// newBrowser opens, for one journey, a tab in a browser context of its own in
// the shared headless Chromium (a journey that calls it twice has two
// separate sessions). Without the browser the test is skipped, unless
// ONEWINDOW_REQUIRE_BROWSER is set (as CI does), where a missing browser
// fails. Journeys mostly wait for pages, so they run in parallel with each
// other (each has its own server and browser context).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if !strings.HasPrefix(t.Name(), browserTestPrefix) {
		t.Fatalf("%s drives a browser, so its name must start with %s (CI selects the journeys by that prefix)",
			t.Name(), browserTestPrefix)
	}
	parallel(t)
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("ONEWINDOW_REQUIRE_BROWSER") != "" {
			t.Fatalf("browser journeys are required but %s is missing: %v", chromiumPath, err)
		}
		t.Skipf("no %s; install Debian's chromium to run browser journeys", chromiumPath)
	}
	browser, err := sharedChromium()
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancelCtx := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	// Open the tab before any timeout so the timeout cannot close it early.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	tctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() {
		if t.Failed() {
			saveScreenshot(t, ctx)
		}
		cancelT()
		cancelCtx()
	})
	return tctx
}

// saveScreenshot keeps what the browser showed when a journey failed.
func saveScreenshot(t *testing.T, ctx context.Context) {
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot: %v", err)
		return
	}
	dir := os.Getenv("ONEWINDOW_ARTIFACTS")
	if dir == "" {
		dir = os.TempDir()
	}
	name := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+".png")
	if err := os.WriteFile(name, png, 0o644); err == nil {
		t.Logf("screenshot of the failed journey: %s", name)
	}
}

func TestBrowserCitizenFindsAGuide(t *testing.T) {
	ctx := newBrowser(t)
	base := shared.http.URL
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), "食品"),
		chromedp.Submit(chromedp.ID("q")),
		chromedp.WaitVisible(chromedp.CSS("ol.results")),
	)
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	summary, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("p.summary")))
	if err != nil || !strings.Contains(summary, "共找到") {
		t.Fatalf("results summary %q: %v", summary, err)
	}
	first, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("ol.results li h2 a")))
	if err != nil || !strings.Contains(first, "食品") {
		t.Fatalf("first result %q does not mention 食品: %v", first, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("ol.results li h2 a")),
		chromedp.WaitVisible(chromedp.ID("materials")),
	)
	if err != nil {
		t.Fatalf("open guide: %v", err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil || heading != first {
		t.Errorf("guide heading %q, want %q (%v)", heading, first, err)
	}
	materials, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#materials tbody")))
	if err != nil || !strings.Contains(materials, "1") || len([]rune(materials)) < 10 {
		t.Fatalf("materials table %q: %v", materials, err)
	}
	// The English switch keeps the visitor on the same guide.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("a.lang")),
		chromedp.WaitVisible(chromedp.ID("materials")),
	)
	if err != nil {
		t.Fatalf("switch language: %v", err)
	}
	caption, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("mat-h")))
	if err != nil || caption != "Materials" {
		t.Errorf("English materials heading %q: %v", caption, err)
	}
}
