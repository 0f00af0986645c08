package handlers_test

import (
	"strings"
	"testing"
)

// 长辈版 is switched by a link in every page's header and remembered by a
// cookie; the language switch keeps it and neither link carries the other's
// parameter.
func TestElderModeIsSwitchedFromTheHeaderAndRemembered(t *testing.T) {
	cl := browserClient(t)
	base := shared.http.URL
	_, page := send(t, cl, "GET", base+"/items?q=%E9%A3%9F%E5%93%81", nil, "")
	if strings.Contains(page, `class="elder"`) || !strings.Contains(page, `id="elder-switch" href="/items?elder=1&amp;q=`) ||
		!strings.Contains(page, ">长辈版</a>") {
		t.Fatalf("the standard page's header lacks the 长辈版 switch")
	}
	resp, page := send(t, cl, "GET", base+"/items?elder=1&q=%E9%A3%9F%E5%93%81", nil, "")
	if resp.StatusCode != 200 || !strings.Contains(page, `<html lang="zh-CN" class="elder">`) ||
		!strings.Contains(page, `href="/items?elder=0&amp;q=`) || !strings.Contains(page, ">标准版</a>") {
		t.Fatalf("after switching on: %d, not a 长辈版 page", resp.StatusCode)
	}
	// The language link drops elder=1 (the cookie keeps the mode) and the other link drops lang.
	if !strings.Contains(page, `class="lang" href="/items?lang=en&amp;q=`) {
		t.Errorf("the language switch carries the 长辈版 parameter")
	}
	for _, path := range []string{"/", "/status", "/items?lang=en"} {
		if _, page = send(t, cl, "GET", base+path, nil, ""); !strings.Contains(page, `class="elder"`) {
			t.Errorf("%s forgot 长辈版", path)
		}
	}
	if !strings.Contains(page, ">Standard view</a>") {
		t.Errorf("the English switch is not in English")
	}
	// A value that is neither 1 nor 0 changes nothing.
	if _, page = send(t, cl, "GET", base+"/?elder=yes", nil, ""); !strings.Contains(page, `class="elder"`) {
		t.Errorf("elder=yes switched 长辈版 off")
	}
	if _, page = send(t, cl, "GET", base+"/?elder=0", nil, ""); strings.Contains(page, `class="elder"`) {
		t.Errorf("elder=0 left 长辈版 on")
	}
	if _, page = send(t, cl, "GET", base+"/items", nil, ""); strings.Contains(page, `class="elder"`) {
		t.Errorf("switching off was not remembered")
	}
}
