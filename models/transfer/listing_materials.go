package transfer

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Published lists separate materials by line, by "；" or ";", and often number them, sometimes
// on one line ("1.身份证 2.户口簿"). A "、" is part of a material's name ("身份证、户口簿复印件").

// materialSeps split a materials cell before numbering is looked at.
var materialSeps = strings.NewReplacer("\r\n", "\n", "\r", "\n", "；", "\n", ";", "\n")

// materialMark matches a number mark: "1." "1、" "1)" "1）" "1．" "1:"; "(1)" "（1）"; "①"–"⑳".
// A mark is only taken as one when the numbers follow each other (see numbered).
var materialMark = regexp.MustCompile(`(\d{1,2})\s*[.．、)）:：]|[(（]\s*(\d{1,2})\s*[)）]|([①-⑳])`)

// splitMaterials lists the material names of a cell, in order, without numbering and blanks.
func splitMaterials(s string) []string {
	var out []string
	for _, part := range strings.Split(materialSeps.Replace(s), "\n") {
		for _, name := range numbered(strings.TrimSpace(part)) {
			name = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(name), "。，,、"))
			if name != "" {
				out = append(out, name)
			}
		}
	}
	return out
}

// mark is one number mark found in a text: where it is, its number and its style.
type mark struct {
	start, end, n, style int
}

// numbered splits a text that starts with a number mark at the marks of the next numbers in
// the same style ("1.身份证 2.户口簿" → 身份证, 户口簿) and drops the marks. A text that does
// not start with a mark is one name, so "营业执照 2.0 版" or "1.5 倍" stay whole.
func numbered(s string) []string {
	marks := findMarks(s)
	if len(marks) == 0 || marks[0].start != 0 {
		return []string{s}
	}
	var out []string
	cur := marks[0]
	for _, m := range marks[1:] {
		if m.style == cur.style && m.n == cur.n+1 && m.start >= cur.end {
			out = append(out, s[cur.end:m.start])
			cur = m
		}
	}
	return append(out, s[cur.end:])
}

// findMarks lists the number marks of s; a "1." followed by a digit is a decimal, not a mark.
func findMarks(s string) []mark {
	var out []mark
	for _, loc := range materialMark.FindAllStringSubmatchIndex(s, -1) {
		m := mark{start: loc[0], end: loc[1]}
		switch {
		case loc[2] >= 0:
			if r, _ := utf8.DecodeRuneInString(s[loc[1]:]); r >= '0' && r <= '9' {
				continue
			}
			m.n, _ = strconv.Atoi(s[loc[2]:loc[3]])
		case loc[4] >= 0:
			m.n, _ = strconv.Atoi(s[loc[4]:loc[5]])
			m.style = 1
		default:
			r, _ := utf8.DecodeRuneInString(s[loc[6]:])
			m.n, m.style = int(r-'①')+1, 2
		}
		out = append(out, m)
	}
	return out
}
