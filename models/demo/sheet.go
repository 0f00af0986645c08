package demo

import (
	"embed"
	"fmt"
	"strconv"
	"strings"
)

// The name templates of every department live in data/<code>.txt. The format:
//
//	# comment
//	@obj person,enterprise        file-level defaults (before the first section)
//	[02 对%s的处罚]                section: item type and an optional wrap pattern
//	@law 《某某法》 30-45           legal basis and article range (no range: cite the title only)
//	@mat 材料甲|材料乙              materials typical for the following lines
//	@cond 具备……的条件              acceptance condition for the following lines
//	@apply no                     following type-10 lines are exercised ex officio
//	$v = 甲|乙                     a variable; {$v} takes the same value everywhere in a line
//	未按规定{报告|备案}{$v}情况       a template; {a|b} expands independently
//	=字面名称                       taken as written, without the wrap pattern
//	^必选名称 ;; key=value          "^" or any attribute pins the line (always selected)
//	@main 主项名称                  a main item (主项), taken as written; the lines after it are its
//	                              sub-items (子项) until the next @main, a bare "@main" or section
//	@main ^主项名称                 the same, pinned: the main item and its sub-items always selected
//
// Attributes: kind=immediate, days=20/5, res=licence:证照名称, law=full legal basis,
// fee=名称|标准|依据[//…], joint=gaj,sw, mat=甲|乙 (replaces @mat), cond=受理条件,
// special=…, src=power source, guide=none (published as an imported list gives it: no limits,
// no materials, so it takes no filing until completed).

//go:embed data/*.txt
var dataFS embed.FS

// entry is one candidate item name with the context it was written in.
type entry struct {
	name   string
	main   string // 主项名称: the main item's name for a group member, "" for a single item
	pinned bool
	law    string
	artLo  int
	artHi  int
	mats   []string
	objs   []string
	cond   string
	apply  bool
	attrs  map[string]string
}

// scope holds the directives in force while a sheet is read.
type scope struct {
	wrap   string
	law    string
	artLo  int
	artHi  int
	mats   []string
	objs   []string
	cond   string
	apply  bool
	vars   map[string][]string
	hasApp bool   // apply was set explicitly
	main   string // the main item whose sub-items follow
}

func (s scope) clone() scope {
	c := s
	c.vars = make(map[string][]string, len(s.vars))
	for k, v := range s.vars {
		c.vars[k] = v
	}
	return c
}

// loadSheet reads and expands the templates of one department, keyed by type code.
func loadSheet(code string) (map[string][]entry, error) {
	b, err := dataFS.ReadFile("data/" + code + ".txt")
	if err != nil {
		return nil, fmt.Errorf("demo: read sheet %s: %w", code, err)
	}
	return parseSheet(string(b))
}

func parseSheet(src string) (map[string][]entry, error) {
	out := map[string][]entry{}
	base := scope{vars: map[string][]string{}}
	cur := &base
	var sec scope
	typ := ""
	for n, raw := range strings.Split(src, "\n") {
		line := strings.TrimSpace(raw)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			end := strings.Index(line, "]")
			if end < 0 {
				return nil, fmt.Errorf("demo: line %d: unclosed section", n+1)
			}
			head := strings.TrimSpace(line[1:end])
			typ, sec = head, base.clone()
			if i := strings.IndexByte(head, ' '); i >= 0 {
				typ, sec.wrap = head[:i], strings.TrimSpace(head[i+1:])
			}
			if !sec.hasApp {
				sec.apply = typ != "02" && typ != "03" && typ != "04" && typ != "06"
			}
			cur = &sec
		case strings.HasPrefix(line, "@main"):
			if typ == "" {
				return nil, fmt.Errorf("demo: line %d: main item outside a section", n+1)
			}
			e, err := cur.mainEntry(strings.TrimSpace(strings.TrimPrefix(line, "@main")))
			if err != nil {
				return nil, fmt.Errorf("demo: line %d: %w", n+1, err)
			}
			if e != nil {
				out[typ] = append(out[typ], *e)
			}
		case strings.HasPrefix(line, "@"):
			if err := cur.directive(line[1:]); err != nil {
				return nil, fmt.Errorf("demo: line %d: %w", n+1, err)
			}
		case strings.HasPrefix(line, "$"):
			name, vals, ok := strings.Cut(line[1:], "=")
			if !ok {
				return nil, fmt.Errorf("demo: line %d: bad variable", n+1)
			}
			cur.vars[strings.TrimSpace(name)] = splitList(vals, "|")
		default:
			if typ == "" {
				return nil, fmt.Errorf("demo: line %d: template outside a section", n+1)
			}
			es, err := cur.entries(line)
			if err != nil {
				return nil, fmt.Errorf("demo: line %d: %w", n+1, err)
			}
			out[typ] = append(out[typ], es...)
		}
	}
	return out, nil
}

func (s *scope) directive(d string) error {
	key, val, _ := strings.Cut(d, " ")
	val = strings.TrimSpace(val)
	switch key {
	case "law":
		// Without an article range the document is cited by title only (notices, opinions).
		s.law, s.artLo, s.artHi = val, 0, 0
		if i := strings.LastIndex(val, " "); i >= 0 {
			lo, hi, ok := parseRange(val[i+1:])
			if ok {
				s.law, s.artLo, s.artHi = strings.TrimSpace(val[:i]), lo, hi
			}
		}
	case "mat":
		s.mats = splitList(val, "|")
	case "obj":
		s.objs = splitList(val, ",")
	case "cond":
		s.cond = val
	case "apply":
		s.apply, s.hasApp = val == "yes", true
	default:
		return fmt.Errorf("unknown directive %q", key)
	}
	return nil
}

// mainEntry starts the group of a main item, or ends the current group when name is blank.
func (s *scope) mainEntry(name string) (*entry, error) {
	s.main = ""
	if name == "" {
		return nil, nil
	}
	tpl := "=" + name
	if rest, ok := strings.CutPrefix(name, "^"); ok {
		tpl = "^=" + rest
	}
	s.main = strings.TrimPrefix(name, "^")
	es, err := s.entries(tpl)
	if err != nil {
		return nil, err
	}
	if len(es) != 1 || strings.ContainsAny(s.main, "{};") {
		return nil, fmt.Errorf("main item %q must be one plain name", name)
	}
	return &es[0], nil
}

func parseRange(s string) (lo, hi int, ok bool) {
	a, b, found := strings.Cut(s, "-")
	lo, err := strconv.Atoi(a)
	if err != nil {
		return 0, 0, false
	}
	if !found {
		return lo, lo, true
	}
	hi, err = strconv.Atoi(b)
	if err != nil || hi < lo {
		return 0, 0, false
	}
	return lo, hi, true
}

// entries expands one template line.
func (s *scope) entries(line string) ([]entry, error) {
	tpl, rest, _ := strings.Cut(line, " ;; ")
	tpl = strings.TrimSpace(tpl)
	attrs := map[string]string{}
	for _, a := range strings.Split(rest, " ;; ") {
		if k, v, ok := strings.Cut(strings.TrimSpace(a), "="); ok {
			attrs[k] = v
		}
	}
	pinned := len(attrs) > 0
	if strings.HasPrefix(tpl, "^") {
		pinned, tpl = true, tpl[1:]
	}
	wrap := s.wrap
	if strings.HasPrefix(tpl, "=") {
		wrap, tpl = "", tpl[1:]
	}
	names, err := expand(tpl, s.vars)
	if err != nil {
		return nil, err
	}
	mats := s.mats
	if m, ok := attrs["mat"]; ok {
		mats = splitList(m, "|")
	}
	out := make([]entry, 0, len(names))
	for _, nm := range names {
		switch {
		case wrap == "":
		case strings.HasPrefix(wrap, "对") && strings.HasPrefix(nm, "对"):
			// "对对饲养的动物……的处罚" reads as a stutter; the act already names its object.
			nm = strings.Replace(strings.TrimPrefix(wrap, "对"), "%s", nm, 1)
		default:
			nm = strings.Replace(wrap, "%s", nm, 1)
		}
		out = append(out, entry{
			name: nm, main: s.main, pinned: pinned, law: s.law, artLo: s.artLo, artHi: s.artHi,
			mats: mats, objs: s.objs, cond: s.cond, apply: s.apply, attrs: attrs,
		})
	}
	return out, nil
}

// expand replaces variables, then inline alternatives, producing every combination.
func expand(tpl string, vars map[string][]string) ([]string, error) {
	if i := strings.Index(tpl, "{$"); i >= 0 {
		j := strings.IndexByte(tpl[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("unclosed variable in %q", tpl)
		}
		ph := tpl[i : i+j+1]
		vals, ok := vars[ph[2:len(ph)-1]]
		if !ok {
			return nil, fmt.Errorf("unknown variable %s", ph)
		}
		var out []string
		for _, v := range vals {
			more, err := expand(strings.ReplaceAll(tpl, ph, v), vars)
			if err != nil {
				return nil, err
			}
			out = append(out, more...)
		}
		return out, nil
	}
	i := strings.IndexByte(tpl, '{')
	if i < 0 {
		return []string{tpl}, nil
	}
	j := strings.IndexByte(tpl[i:], '}')
	if j < 0 {
		return nil, fmt.Errorf("unclosed alternatives in %q", tpl)
	}
	var out []string
	for _, alt := range strings.Split(tpl[i+1:i+j], "|") {
		more, err := expand(tpl[:i]+alt+tpl[i+j+1:], vars)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	return out, nil
}

func splitList(s, sep string) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
