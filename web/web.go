// Package web holds the templates, static assets and translations of the
// site, embedded in the binary.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

//go:embed locales/*.json
var localeFiles embed.FS

// DefaultLang is the reference locale.
const DefaultLang = "zh-CN"

// Langs lists the supported locales, the reference first.
var langs = []string{"zh-CN", "en"}

// Langs returns the supported locales, the reference locale first.
func Langs() []string { return append([]string(nil), langs...) }

// Site renders pages and serves assets; it is built once at start-up.
type Site struct {
	pages   map[string]*template.Template
	locales map[string]map[string]string
	assets  map[string]string // logical name → hashed URL
	static  fs.FS
}

// New returns the site: every template and locale parsed, a broken one failing
// here. The site is built from embedded files and never changes after, so it is
// built once per process and shared (tests build many servers; each would hold
// its own copy of every parsed page).
func New() (*Site, error) {
	built.once.Do(func() { built.site, built.err = build() })
	return built.site, built.err
}

var built struct {
	once sync.Once
	site *Site
	err  error
}

// build parses every template and locale.
func build() (*Site, error) {
	s := &Site{pages: map[string]*template.Template{}, assets: map[string]string{}}
	var err error
	if s.locales, err = loadLocales(); err != nil {
		return nil, err
	}
	if s.static, err = fs.Sub(staticFiles, "static"); err != nil {
		return nil, fmt.Errorf("web: static: %w", err)
	}
	if err := s.hashAssets(); err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	funcs := s.funcs()
	for _, name := range names {
		base := path.Base(name)
		if strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New("layout").Funcs(funcs).ParseFS(templateFiles, "templates/_*.html", name)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", base, err)
		}
		s.pages[strings.TrimSuffix(base, ".html")] = t
	}
	return s, nil
}

// loadLocales merges every locales/<area>.<lang>.json of each language (the
// base file is locales/<lang>.json); a key defined twice fails the boot.
func loadLocales() (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, lang := range langs {
		names, err := fs.Glob(localeFiles, "locales/*"+lang+".json")
		if err != nil {
			return nil, fmt.Errorf("web: locale %s: %w", lang, err)
		}
		m := map[string]string{}
		for _, name := range names {
			base := path.Base(name)
			if base != lang+".json" && !strings.HasSuffix(base, "."+lang+".json") {
				continue
			}
			if err := mergeLocale(m, name); err != nil {
				return nil, fmt.Errorf("web: locale %s: %w", lang, err)
			}
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("web: locale %s: no messages", lang)
		}
		out[lang] = m
	}
	return out, nil
}

func mergeLocale(into map[string]string, name string) error {
	b, err := localeFiles.ReadFile(name)
	if err != nil {
		return err
	}
	part := map[string]string{}
	if err := json.Unmarshal(b, &part); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	for k, v := range part {
		if _, dup := into[k]; dup {
			return fmt.Errorf("%s: key %q defined twice", name, k)
		}
		into[k] = v
	}
	return nil
}

func (s *Site) hashAssets() error {
	return fs.WalkDir(s.static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(s.static, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		s.assets[p] = "/static/" + p + "?v=" + hex.EncodeToString(sum[:6])
		return nil
	})
}

// Static is the file system of static assets.
func (s *Site) Static() fs.FS { return s.static }

// Asset returns the cache-busting URL of a static file.
func (s *Site) Asset(name string) string {
	if u, ok := s.assets[name]; ok {
		return u
	}
	return "/static/" + name
}

// Keys returns the sorted message keys of a locale (for completeness tests).
func (s *Site) Keys(lang string) []string {
	keys := make([]string, 0, len(s.locales[lang]))
	for k := range s.locales[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Has reports whether lang is a supported locale.
func (s *Site) Has(lang string) bool {
	_, ok := s.locales[lang]
	return ok
}

// T translates key into lang, formatting args with fmt verbs when given. A
// missing key falls back to the reference locale, then to the key itself.
func (s *Site) T(lang, key string, args ...any) string {
	msg, ok := s.locales[lang][key]
	if !ok {
		if msg, ok = s.locales[DefaultLang][key]; !ok {
			msg = key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// TOr translates key when it exists and otherwise returns fallback (for enum
// values coming from data).
func (s *Site) TOr(lang, key, fallback string) string {
	if msg, ok := s.locales[lang][key]; ok {
		return msg
	}
	if msg, ok := s.locales[DefaultLang][key]; ok {
		return msg
	}
	return fallback
}

func (s *Site) funcs() template.FuncMap {
	return template.FuncMap{
		"t":     s.T,
		"enum":  func(lang, group, v string) string { return s.TOr(lang, "enum."+group+"."+v, v) },
		"asset": s.Asset,
		"add":   func(a, b int) int { return a + b },
		"join":  strings.Join,
		// Unknown is not zero: a nil number is blank in a form field, 未公布 on
		// a guide and "—" in a list; known reports whether it was published.
		"known": known,
		"num":   func(v any) string { return numText(v, "") },
		"numOr": func(lang string, v any) string { return numText(v, s.T(lang, "unknown")) },
		"dash":  func(v any) string { return numText(v, "—") },
		"deref": deref,
		// data marks a value that comes from data (an item's or a department's
		// name, what an applicant wrote) as Chinese where it is, so that an
		// English page says so (lang="zh-CN"); tdata is t with its arguments so marked.
		"data":  dataHTML,
		"tdata": func(lang, key string, args ...any) template.HTML { return s.tData(lang, key, args...) },
		// tn formats a message with a number that may be unknown: 未公布
		// instead of the message when it is.
		"tn": func(lang, key string, v any) string {
			if !known(v) {
				return s.T(lang, "unknown")
			}
			return s.T(lang, key, deref(v))
		},
		// tdays is tn for a time limit, except that a 即办件's limit of 0
		// working days reads 当场办结 rather than a count of nothing.
		"tdays": func(lang, key string, v any, immediate bool) string {
			if immediate && known(v) && deref(v) == 0 {
				return s.T(lang, "item.on_the_spot")
			}
			if !known(v) {
				return s.T(lang, "unknown")
			}
			return s.T(lang, key, deref(v))
		},
	}
}

// known reports whether v, a number or yes/no that may be unknown (a nil
// pointer), was published.
func known(v any) bool {
	switch p := v.(type) {
	case *int:
		return p != nil
	case *bool:
		return p != nil
	case nil:
		return false
	}
	return true
}

// deref is the value a known number or yes/no points to; nil is 0 or false,
// so templates ask known first.
func deref(v any) any {
	switch p := v.(type) {
	case *int:
		if p == nil {
			return 0
		}
		return *p
	case *bool:
		return p != nil && *p
	}
	return v
}

// numText is v as text, or unknown when v is a nil pointer.
func numText(v any, unknown string) string {
	switch p := v.(type) {
	case *int:
		if p == nil {
			return unknown
		}
		return strconv.Itoa(*p)
	case *bool:
		if p == nil {
			return unknown
		}
		return strconv.FormatBool(*p)
	case nil:
		return unknown
	}
	return fmt.Sprint(v)
}

// Render executes page with data into w. It renders into a buffer first so
// that a template error never leaves half a page behind.
func (s *Site) Render(w io.Writer, page string, data any) error {
	t, ok := s.pages[page]
	if !ok {
		return fmt.Errorf("web: no page %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("web: render %s: %w", page, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// Pages lists the parsed page names.
func (s *Site) Pages() []string {
	out := make([]string, 0, len(s.pages))
	for k := range s.pages {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// dataHTML is v escaped; on a page known not to be in Chinese (lang), inside
// <span lang="zh-CN"> when it holds Chinese.
func dataHTML(lang string, v any) template.HTML {
	text := fmt.Sprint(v)
	esc := template.HTMLEscapeString(text)
	if lang != "" && !strings.HasPrefix(lang, "zh") && strings.ContainsFunc(text, func(r rune) bool {
		return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
	}) {
		return template.HTML(`<span lang="zh-CN">` + esc + `</span>`)
	}
	return template.HTML(esc)
}

// tData translates key with each argument marked as data (dataHTML); the
// message itself is escaped.
func (s *Site) tData(lang, key string, args ...any) template.HTML {
	msg := template.HTMLEscapeString(s.T(lang, key))
	if len(args) == 0 {
		return template.HTML(msg)
	}
	marked := make([]any, len(args))
	for i, a := range args {
		marked[i] = a
		if str, ok := a.(string); ok { // numbers keep their verbs (%d)
			marked[i] = dataHTML(lang, str)
		}
	}
	return template.HTML(fmt.Sprintf(msg, marked...))
}
