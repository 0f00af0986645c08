package handlers

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// The working-day calendar as the system administrator edits it: one entry
// at a time, or a whole year imported from a CSV or JSON file. Every change
// is signalled by the store, so deadlines use it from the next request on.

// maxCalendarUpload is the largest calendar file accepted: a year has at
// most 366 rows, so this is generous.
const maxCalendarUpload = 1 << 20

// Years the calendar may be edited for.
const (
	minCalendarYear = 1900
	maxCalendarYear = 2199
)

// calendarEntryJSON is one calendar entry as the API and the calendar page
// submit and show it; the store checks it (models.CheckCalendarDay).
type calendarEntryJSON struct {
	Date string `json:"date" form:"date"`
	Kind string `json:"kind" form:"kind"`
	Name string `json:"name" form:"name"`
}

func (e calendarEntryJSON) day() workflow.CalendarDay {
	return workflow.CalendarDay{Date: strings.TrimSpace(e.Date), Kind: workflow.DayKind(strings.TrimSpace(e.Kind)), Name: e.Name}
}

// errDateTaken is answered when a date already has a calendar entry.
var errDateTaken = &Error{Status: http.StatusConflict, Code: "conflict", Message: "this date already has a calendar entry; remove it first"}

// calendarYearParam reads ?year= (or the form field), defaulting to this year.
func calendarYearParam(v string) (int, error) {
	if v == "" {
		return time.Now().In(displayZone).Year(), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < minCalendarYear || y > maxCalendarYear {
		return 0, invalid(map[string]string{"year": fmt.Sprintf("must be a year from %d to %d", minCalendarYear, maxCalendarYear)})
	}
	return y, nil
}

// calendarYearForm is the year field of the calendar's forms and of the
// import's multipart body; empty is this year.
type calendarYearForm struct {
	Year string `form:"year"`
}

func (f calendarYearForm) year() (int, error) { return calendarYearParam(f.Year) }

// addCalendarDay authorizes and stores one entry.
func (s *Server) addCalendarDay(c *gin.Context, e calendarEntryJSON) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjCalendar, policies.ActManage); err != nil {
		return err
	}
	err := s.store.AddCalendarDay(c.Request.Context(), e.day())
	if isConflict(err) {
		return errDateTaken
	}
	return err
}

// removeCalendarDay authorizes and deletes the entry of date.
func (s *Server) removeCalendarDay(c *gin.Context, date string) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjCalendar, policies.ActManage); err != nil {
		return err
	}
	return s.store.RemoveCalendarDay(c.Request.Context(), date)
}

// importCalendar authorizes, reads the uploaded file of the multipart form
// (fields year and file) and replaces that year's entries with it. Any
// problem is a *models.CalendarError whose rows are the file's rows.
func (s *Server) importCalendar(c *gin.Context) (year, n int, err error) {
	if err := s.authorize(c, policies.AllDomains, policies.ObjCalendar, policies.ActManage); err != nil {
		return 0, 0, err
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxCalendarUpload+64<<10)
	fh, err := c.FormFile("file")
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig) || (err == nil && fh.Size > maxCalendarUpload):
		return 0, 0, &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: "the calendar file must be at most 1 MB"}
	case err != nil:
		return 0, 0, invalid(map[string]string{"file": "choose a CSV, JSON or iCalendar (.ics) file"})
	}
	var form calendarYearForm
	if err := c.ShouldBind(&form); err != nil {
		return 0, 0, badRequest("the form could not be read")
	}
	if year, err = form.year(); err != nil {
		return 0, 0, err
	}
	f, err := fh.Open()
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxCalendarUpload+1))
	if err != nil {
		return 0, 0, err
	}
	days, rows, problems, err := decodeCalendarFile(fh.Filename, b)
	if err != nil {
		return 0, 0, err
	}
	// Every problem at once: the file's own and those of the entries.
	for _, p := range models.CheckCalendarYear(year, days) {
		p.Row = rows[p.Row-1]
		problems = append(problems, p)
	}
	if len(problems) > 0 {
		slices.SortStableFunc(problems, func(a, b models.CalendarProblem) int { return cmp.Compare(a.Row, b.Row) })
		return 0, 0, &models.CalendarError{Problems: problems}
	}
	if err := s.store.ReplaceCalendarYear(c.Request.Context(), year, days); err != nil {
		return 0, 0, err
	}
	return year, len(days), nil
}

// decodeCalendarFile reads a CSV file with the header date,kind,name or a
// JSON array of {"date","kind","name"}. rows[i] is the file row of days[i]:
// the CSV line (the header is line 1) or the JSON element (from 1). Rows
// that cannot be read are listed in problems; err is a file of neither kind.
func decodeCalendarFile(name string, b []byte) (days []workflow.CalendarDay, rows []int, problems []models.CalendarProblem, err error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case ext == ".ics" || bytes.HasPrefix(bytes.ToUpper(bytes.TrimSpace(b)), []byte("BEGIN:VCALENDAR")):
		return decodeCalendarICS(b)
	case ext == ".json" || (ext != ".csv" && bytes.HasPrefix(bytes.TrimSpace(b), []byte("["))):
		return decodeCalendarJSON(b)
	case ext == ".csv" || (ext == "" || ext == ".txt") && utf8.Valid(b):
		return decodeCalendarCSV(b)
	}
	return nil, nil, nil, &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_file",
		Message: "the calendar file must be CSV (date,kind,name), JSON or iCalendar (.ics)"}
}

// decodeCalendarICS reads the all-day events of an iCalendar file; rows
// are the entries' positions (an event of several days gives several).
func decodeCalendarICS(b []byte) ([]workflow.CalendarDay, []int, []models.CalendarProblem, error) {
	days, err := workflow.ParseScheduleICS(bytes.NewReader(b))
	var ie *workflow.ImportError
	if errors.As(err, &ie) {
		var out []models.CalendarProblem
		for _, p := range ie.Problems {
			out = append(out, models.CalendarProblem{Row: p.Line, Column: "file", Code: "syntax", Message: p.Message})
		}
		return nil, nil, out, nil
	}
	if err != nil {
		return nil, nil, nil, err
	}
	rows := make([]int, len(days))
	for i := range rows {
		rows[i] = i + 1
	}
	return days, rows, nil, nil
}

func fileProblem(row int, column, code, msg string) []models.CalendarProblem {
	return []models.CalendarProblem{{Row: row, Column: column, Code: code, Message: msg}}
}

func decodeCalendarJSON(b []byte) ([]workflow.CalendarDay, []int, []models.CalendarProblem, error) {
	var list []calendarEntryJSON
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, nil, fileProblem(0, "file", "syntax", "not a JSON array of {\"date\",\"kind\",\"name\"}: "+err.Error()), nil
	}
	days, rows := make([]workflow.CalendarDay, len(list)), make([]int, len(list))
	for i, e := range list {
		days[i], rows[i] = e.day(), i+1
	}
	return days, rows, nil, nil
}

func decodeCalendarCSV(b []byte) ([]workflow.CalendarDay, []int, []models.CalendarProblem, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, nil, fileProblem(1, "header", "header", "the first line must be the header date,kind,name"), nil
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, want := range []string{"date", "kind", "name"} {
		if _, ok := col[want]; !ok {
			return nil, nil, fileProblem(1, "header", "header", "the first line must be the header date,kind,name"), nil
		}
	}
	var days []workflow.CalendarDay
	var rows []int
	var problems []models.CalendarProblem
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			problems = append(problems, models.CalendarProblem{Row: line, Column: "file", Code: "syntax", Message: err.Error()})
			break
		}
		if len(rec) != len(header) {
			problems = append(problems, models.CalendarProblem{Row: line, Column: "file", Code: "columns",
				Message: fmt.Sprintf("has %d columns, the header %d", len(rec), len(header))})
			continue
		}
		days = append(days, calendarEntryJSON{Date: rec[col["date"]], Kind: rec[col["kind"]], Name: rec[col["name"]]}.day())
		rows = append(rows, line)
	}
	return days, rows, problems, nil
}

// calendarAPIError turns a *models.CalendarError into the API's 422 with a
// field per problem ("rows[3].date", or "date" for a single entry).
func calendarAPIError(err error) error {
	var ce *models.CalendarError
	if !errors.As(err, &ce) {
		return err
	}
	fields := make(map[string]string, len(ce.Problems))
	for _, p := range ce.Problems {
		key := p.Column
		if p.Row > 0 {
			key = "rows[" + strconv.Itoa(p.Row) + "]." + p.Column
		}
		if _, dup := fields[key]; !dup {
			fields[key] = p.Message
		}
	}
	e := invalid(fields)
	e.Message = fmt.Sprintf("%d problems; nothing was changed", len(ce.Problems))
	return e
}

type calendarYearJSON struct {
	Year int                 `json:"year"`
	Days []calendarEntryJSON `json:"days"`
}

func (s *Server) calendarYearJSON(c *gin.Context, year int) (calendarYearJSON, error) {
	days, err := s.store.CalendarYear(c.Request.Context(), year)
	out := calendarYearJSON{Year: year, Days: make([]calendarEntryJSON, len(days))}
	for i, d := range days {
		out.Days[i] = calendarEntryJSON{Date: d.Date, Kind: string(d.Kind), Name: d.Name}
	}
	return out, err
}

func (s *Server) apiCalendarYear(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjCalendar, policies.ActManage); err != nil {
		return err
	}
	year, err := calendarYearParam(c.Query("year"))
	if err != nil {
		return err
	}
	out, err := s.calendarYearJSON(c, year)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, out)
	return nil
}

func (s *Server) apiAddCalendarDay(c *gin.Context) error {
	var e calendarEntryJSON
	if err := c.ShouldBindJSON(&e); err != nil {
		return badRequest("the body must be JSON {\"date\",\"kind\",\"name\"}")
	}
	if err := s.addCalendarDay(c, e); err != nil {
		return calendarAPIError(err)
	}
	d := e.day()
	c.JSON(http.StatusCreated, calendarEntryJSON{Date: d.Date, Kind: string(d.Kind), Name: strings.TrimSpace(d.Name)})
	return nil
}

func (s *Server) apiRemoveCalendarDay(c *gin.Context) error {
	if err := s.removeCalendarDay(c, c.Param("date")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

func (s *Server) apiImportCalendar(c *gin.Context) error {
	year, _, err := s.importCalendar(c)
	if err != nil {
		return calendarAPIError(err)
	}
	out, err := s.calendarYearJSON(c, year)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, out)
	return nil
}
