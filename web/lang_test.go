package web

import (
	"strings"
	"testing"
	"unicode"
)

// quotesChinese are the English messages that name a Chinese value the user
// must type or will find in a file (a column header of the 实施清单, 是/否,
// a form option's Chinese label): the Chinese in them is data, not prose.
var quotesChinese = map[string]bool{
	"formedit.options_hint":      true,
	"import.rule.unknown_type":   true,
	"import.rule.not_days":       true,
	"import.rule.not_yes_no":     true,
	"import.rule.not_kind":       true,
	"import.rule.file_no_header": true,
	"import.rule.unknown_main":   true,
	// The inspection libraries' files: their Chinese headers and values.
	"inspection.admin.import_entities_hint":   true,
	"inspection.admin.import_inspectors_hint": true,
	"inspection.admin.import_lists_hint":      true,
	"inspection.import.method":                true,
	"inspection.import.status":                true,
	// An iCalendar file's adjusted working days are named with 班.
	"calyear.import_hint": true,
}

// TestEnglishMessagesHoldNoChinese: every English message is English, with
// no Chinese and no full-width punctuation (：，。（）、), except the few
// that quote a Chinese value.
func TestEnglishMessagesHoldNoChinese(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range s.Keys("en") {
		msg := s.locales["en"][k]
		if quotesChinese[k] {
			continue
		}
		if strings.ContainsFunc(msg, func(r rune) bool {
			return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
		}) {
			t.Errorf("en %s = %q holds Chinese or full-width punctuation", k, msg)
		}
	}
}

// TestDataIsMarkedOnlyOnAnotherLanguagesPage: Chinese data on an English page
// is marked lang="zh-CN" and escaped; on a Chinese page, or Latin data, it is
// only escaped.
func TestDataIsMarkedOnlyOnAnotherLanguagesPage(t *testing.T) {
	for _, tc := range []struct{ lang, v, want string }{
		{"en", "集宁区<局>", `<span lang="zh-CN">集宁区&lt;局&gt;</span>`},
		{"en", "ABC Ltd", "ABC Ltd"},
		{"zh-CN", "集宁区", "集宁区"},
		{"", "集宁区", "集宁区"},
	} {
		if got := string(dataHTML(tc.lang, tc.v)); got != tc.want {
			t.Errorf("data %s %q = %q, want %q", tc.lang, tc.v, got, tc.want)
		}
	}
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if got := string(s.tData("en", "nav.signed_in", "综合窗口一号")); got != `Signed in as <span lang="zh-CN">综合窗口一号</span>` {
		t.Errorf("tdata = %q", got)
	}
}
