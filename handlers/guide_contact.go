package handlers

import "strings"

// Contact details fall back when a place has none of its own: an item's
// enquiries line to its department's office, and that to the service
// centre's hotline (site settings). The page names whose number it shows, so
// nobody mistakes the centre's hotline for the department's own line.

// contactLine is one address, phone or opening hours as a page shows it.
type contactLine struct {
	Label   string // whose it is (服务中心热线 …), in the page's language; empty for the place's own
	Value   string // empty when nobody published one
	Unknown string // 未公布 in the page's language
	Phone   bool   // a telephone number: kept on one line
	Lang    string // the page's language, so that Chinese data on an English page is marked
}

// Text is the line as plain text, for a sentence or a form's field error.
func (l contactLine) Text() string {
	v := l.Value
	if v == "" {
		v = l.Unknown
	}
	if l.Label == "" {
		return v
	}
	return l.Label + " " + v
}

// contactSource is one candidate for a contact line: a value and the locale
// key that says whose it is ("" for the place's own).
type contactSource struct{ value, label string }

// contact picks the first published candidate. When none is published the
// line reads 未公布 under the first candidate's label.
func (s *Server) contact(lang string, phone bool, cands ...contactSource) contactLine {
	l := contactLine{Unknown: s.site.T(lang, "unknown"), Phone: phone, Lang: lang}
	pick := contactSource{}
	if len(cands) > 0 {
		pick = contactSource{label: cands[0].label}
	}
	for _, c := range cands {
		if v := strings.TrimSpace(c.value); v != "" {
			pick = contactSource{value: v, label: c.label}
			break
		}
	}
	l.Value = pick.value
	if pick.label != "" {
		l.Label = s.site.T(lang, pick.label)
	}
	return l
}
