package workflow

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"
)

// ImportProblem is one line of an imported schedule that could not be read.
type ImportProblem struct {
	Line    int    // 1-based line (CSV record or iCalendar line)
	Message string // English text
}

// ImportError lists every problem of an imported schedule; nothing is loaded.
type ImportError struct{ Problems []ImportProblem }

func (e *ImportError) Error() string {
	if len(e.Problems) == 0 {
		return "workflow: the schedule could not be read"
	}
	return fmt.Sprintf("workflow: schedule line %d: %s (%d problems)", e.Problems[0].Line, e.Problems[0].Message, len(e.Problems))
}

// maxImportDays bounds one imported schedule: a year has at most 366 days.
const maxImportDays = 2 * 366

// ParseSchedule reads a holiday schedule as CSV or iCalendar, chosen by the
// content (an iCalendar file starts with BEGIN:VCALENDAR), and returns its
// days in file order. See ParseScheduleCSV and ParseScheduleICS.
func ParseSchedule(data []byte) ([]CalendarDay, error) {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if bytes.HasPrefix(bytes.ToUpper(trimmed[:min(len(trimmed), 15)]), []byte("BEGIN:VCALENDAR")) {
		return ParseScheduleICS(bytes.NewReader(trimmed))
	}
	return ParseScheduleCSV(bytes.NewReader(trimmed))
}

// ParseScheduleCSV reads rows of date (YYYY-MM-DD), kind and name, with an
// optional header row. A row may give a range as a fourth column (the last
// date). The kind is holiday / 休 / 放假 or workday / 班 / 上班 / 补班.
func ParseScheduleCSV(r io.Reader) ([]CalendarDay, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var out []CalendarDay
	var probs []ImportProblem
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &ImportError{Problems: []ImportProblem{{Line: line, Message: "not CSV: " + err.Error()}}}
		}
		if len(rec) == 0 || (len(rec) == 1 && strings.TrimSpace(rec[0]) == "") {
			continue
		}
		first := strings.TrimSpace(rec[0])
		if line == 1 && !looksLikeDate(first) {
			continue // a header
		}
		if len(rec) < 3 {
			probs = append(probs, ImportProblem{Line: line, Message: "want date, kind, name"})
			continue
		}
		kind, ok := parseKind(rec[1])
		if !ok {
			probs = append(probs, ImportProblem{Line: line, Message: fmt.Sprintf("kind %q is neither holiday (休) nor workday (班)", strings.TrimSpace(rec[1]))})
			continue
		}
		last := first
		if len(rec) > 3 && strings.TrimSpace(rec[3]) != "" {
			last = strings.TrimSpace(rec[3])
		}
		days, err := spanDays(first, last, kind, strings.TrimSpace(rec[2]), true)
		if err != nil {
			probs = append(probs, ImportProblem{Line: line, Message: err.Error()})
			continue
		}
		out = append(out, days...)
		if len(out) > maxImportDays {
			return nil, &ImportError{Problems: []ImportProblem{{Line: line, Message: "too many days for one schedule"}}}
		}
	}
	if len(probs) > 0 {
		return nil, &ImportError{Problems: probs}
	}
	return out, nil
}

// ParseScheduleICS reads the all-day events of an iCalendar file (RFC 5545):
// DTSTART and DTEND as dates (DTEND exclusive; one day when absent), the
// SUMMARY as the name. A summary naming 班 (补班, 上班) is an adjusted working
// day, anything else a holiday; a trailing 休 or 班 marker is dropped from
// the name.
func ParseScheduleICS(r io.Reader) ([]CalendarDay, error) {
	lines, err := unfoldICS(r)
	if err != nil {
		return nil, err
	}
	var out []CalendarDay
	var probs []ImportProblem
	var in bool
	var start, end, summary string
	var at int
	for _, l := range lines {
		name, value := icsProperty(l.text)
		switch {
		case name == "BEGIN" && strings.EqualFold(value, "VEVENT"):
			in, start, end, summary, at = true, "", "", "", l.line
		case name == "END" && strings.EqualFold(value, "VEVENT") && in:
			in = false
			days, err := icsEvent(start, end, summary)
			if err != nil {
				probs = append(probs, ImportProblem{Line: at, Message: err.Error()})
				continue
			}
			out = append(out, days...)
			if len(out) > maxImportDays {
				return nil, &ImportError{Problems: []ImportProblem{{Line: l.line, Message: "too many days for one schedule"}}}
			}
		case in && name == "DTSTART":
			start = value
		case in && name == "DTEND":
			end = value
		case in && name == "SUMMARY":
			summary = icsText(value)
		}
	}
	if len(probs) > 0 {
		return nil, &ImportError{Problems: probs}
	}
	if len(out) == 0 {
		return nil, &ImportError{Problems: []ImportProblem{{Line: 1, Message: "no all-day events (VEVENT) found"}}}
	}
	return out, nil
}

type icsLine struct {
	line int
	text string
}

// unfoldICS joins continuation lines (RFC 5545 §3.1: a line starting with a
// space or tab continues the previous one).
func unfoldICS(r io.Reader) ([]icsLine, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var out []icsLine
	for n := 1; sc.Scan(); n++ {
		t := strings.TrimRight(sc.Text(), "\r")
		if (strings.HasPrefix(t, " ") || strings.HasPrefix(t, "\t")) && len(out) > 0 {
			out[len(out)-1].text += t[1:]
			continue
		}
		if t != "" {
			out = append(out, icsLine{line: n, text: t})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &ImportError{Problems: []ImportProblem{{Line: len(out) + 1, Message: "not iCalendar: " + err.Error()}}}
	}
	return out, nil
}

// icsProperty splits "NAME;PARAM=X:value" into NAME and value.
func icsProperty(l string) (string, string) {
	head, value, ok := strings.Cut(l, ":")
	if !ok {
		return "", ""
	}
	name, _, _ := strings.Cut(head, ";")
	return strings.ToUpper(strings.TrimSpace(name)), strings.TrimSpace(value)
}

func icsText(v string) string {
	r := strings.NewReplacer(`\,`, ",", `\;`, ";", `\n`, " ", `\N`, " ", `\\`, `\`)
	return strings.TrimSpace(r.Replace(v))
}

func icsEvent(start, end, summary string) ([]CalendarDay, error) {
	from, err := icsDate(start)
	if err != nil {
		return nil, fmt.Errorf("DTSTART: %w", err)
	}
	last := from
	if end != "" {
		to, err := icsDate(end)
		if err != nil {
			return nil, fmt.Errorf("DTEND: %w", err)
		}
		last = to.AddDate(0, 0, -1) // DTEND is exclusive
		if last.Before(from) {
			return nil, fmt.Errorf("DTEND is not after DTSTART")
		}
	}
	kind := Holiday
	if strings.Contains(summary, "班") {
		kind = AdjustedWorkday
	}
	return spanDays(from.Format(time.DateOnly), last.Format(time.DateOnly), kind, summary, false)
}

// icsDate reads a DATE (20270101) or the date part of a DATE-TIME.
func icsDate(v string) (time.Time, error) {
	if len(v) < 8 {
		return time.Time{}, fmt.Errorf("want a date YYYYMMDD, got %q", v)
	}
	return ParseDate(v[0:4] + "-" + v[4:6] + "-" + v[6:8])
}

// spanDays expands first..last into days of kind. For an adjusted working
// day only weekend days are listed (a weekday is worked anyway), unless
// strict, when a weekday is kept so that the check names it.
func spanDays(first, last string, kind DayKind, name string, strict bool) ([]CalendarDay, error) {
	from, err := ParseDate(first)
	if err != nil {
		return nil, fmt.Errorf("date %q is not YYYY-MM-DD", first)
	}
	to, err := ParseDate(last)
	if err != nil {
		return nil, fmt.Errorf("date %q is not YYYY-MM-DD", last)
	}
	if to.Before(from) || to.Sub(from) > 40*24*time.Hour {
		return nil, fmt.Errorf("range %s..%s is not a holiday run", first, last)
	}
	name = cleanName(name)
	if name == "" {
		return nil, fmt.Errorf("the name of %s is missing", first)
	}
	var out []CalendarDay
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		if kind == AdjustedWorkday && !strict && d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			continue
		}
		out = append(out, CalendarDay{Date: d.Format(time.DateOnly), Kind: kind, Name: name})
	}
	return out, nil
}

// cleanName drops the 休 / 班 markers that published feeds append.
func cleanName(s string) string {
	s = strings.TrimSpace(s)
	for _, suf := range []string{"（补班）", "(补班)", "补班", "调休上班", "上班", "（休）", "(休)", "放假", "休", "班"} {
		if t := strings.TrimSpace(strings.TrimSuffix(s, suf)); t != s && t != "" {
			return t
		}
	}
	return s
}

func looksLikeDate(s string) bool {
	_, err := ParseDate(s)
	return err == nil
}

func parseKind(s string) (DayKind, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "holiday", "休", "放假", "休息":
		return Holiday, true
	case "workday", "班", "上班", "补班", "调休上班":
		return AdjustedWorkday, true
	}
	return "", false
}
