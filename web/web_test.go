package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

func TestLocalesHaveTheSameKeys(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	ref := map[string]bool{}
	for _, k := range s.Keys(DefaultLang) {
		ref[k] = true
	}
	for _, lang := range Langs() {
		have := map[string]bool{}
		for _, k := range s.Keys(lang) {
			have[k] = true
			if !ref[k] {
				t.Errorf("%s has key %q that %s lacks", lang, k, DefaultLang)
			}
			if strings.TrimSpace(s.T(lang, k)) == "" {
				t.Errorf("%s: key %q is empty", lang, k)
			}
		}
		for k := range ref {
			if !have[k] {
				t.Errorf("%s lacks key %q", lang, k)
			}
		}
	}
}

// TestTemplatesUseOnlyKnownKeys finds every literal key passed to t in the
// templates and checks the reference locale has it.
func TestTemplatesUseOnlyKnownKeys(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, k := range s.Keys(DefaultLang) {
		known[k] = true
	}
	use := regexp.MustCompile(`\{\{-?\s*t \S+ "([a-z0-9_.]+)"`)
	files, _ := fs.Glob(templateFiles, "templates/*.html")
	for _, f := range files {
		b, _ := fs.ReadFile(templateFiles, f)
		for _, m := range use.FindAllStringSubmatch(string(b), -1) {
			if !known[m[1]] {
				t.Errorf("%s uses unknown key %q", f, m[1])
			}
		}
	}
}

func TestEveryPageParses(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"catalogue", "error", "home", "item", "results"}
	got := strings.Join(s.Pages(), ",")
	for _, p := range want {
		if !strings.Contains(got, p) {
			t.Errorf("page %s not parsed (have %s)", p, got)
		}
	}
}

func TestTranslateFallsBack(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if got := s.T("en", "nav.home"); got != "Home" {
		t.Errorf("en nav.home = %q", got)
	}
	if got := s.T("fr", "nav.home"); got != "首页" {
		t.Errorf("unknown language did not fall back to zh-CN: %q", got)
	}
	if got := s.T("en", "results.total", 3); got != "3 items found" {
		t.Errorf("formatted = %q", got)
	}
	if got := s.TOr("en", "enum.type.77", "x"); got != "x" {
		t.Errorf("TOr fallback = %q", got)
	}
}
