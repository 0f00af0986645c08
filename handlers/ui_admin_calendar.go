package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// The calendar page: one year's holidays and adjusted working days, a form
// to add an entry, a button to remove one, and a whole-year import.

type calendarRow struct {
	workflow.CalendarDay
	Weekday int // time.Weekday, for the label
}

type calendarPage struct {
	Year        int
	Years       []int
	Entries     []calendarRow
	Holidays    int
	Workdays    int
	WorkingDays int // working days in the year under the current calendar
	Form        calendarEntryJSON
	Errors      map[string]string // add form field or "import" → locale key
	Problems    []models.CalendarProblem
	Flash       string
	Kinds       []workflow.DayKind
	MaxUploadKB int
	YearStatus  string                  // official, provisional, none (deadlines refused) or unbounded
	Loaded      []workflow.CalendarYear // the years the calendar covers
}

func (s *Server) uiCalendar(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjCalendar, policies.ActManage); err != nil {
		return err
	}
	year, err := calendarYearParam(c.Query("year"))
	if err != nil {
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_field", Message: s.site.T(langOf(c), "admin.cal.err.bad_year")}
	}
	return s.renderCalendar(c, http.StatusOK, calendarPage{Year: year, Flash: s.flash(c)})
}

func (s *Server) renderCalendar(c *gin.Context, status int, p calendarPage) error {
	days, err := s.store.CalendarYear(c.Request.Context(), p.Year)
	if err != nil {
		return err
	}
	for _, d := range days {
		t, _ := workflow.ParseDate(d.Date)
		p.Entries = append(p.Entries, calendarRow{CalendarDay: d, Weekday: int(t.Weekday())})
		if d.Kind == workflow.Holiday {
			p.Holidays++
		} else {
			p.Workdays++
		}
	}
	cal := s.cal.Load()
	p.Loaded, p.YearStatus = cal.LoadedYears(), "unbounded"
	if cal.Bounded() {
		p.YearStatus = "none"
		for _, y := range p.Loaded {
			if y.Year == p.Year {
				p.YearStatus = string(y.Status)
			}
		}
	}
	p.WorkingDays = cal.WorkdaysBetween(time.Date(p.Year-1, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(p.Year, 12, 31, 0, 0, 0, 0, time.UTC))
	now := time.Now().In(displayZone).Year()
	p.Years = append(cal.Years(), now-1, now, now+1, p.Year)
	slices.Sort(p.Years)
	p.Years = slices.Compact(p.Years)
	p.Kinds = []workflow.DayKind{workflow.Holiday, workflow.AdjustedWorkday}
	p.MaxUploadKB = maxCalendarUpload >> 10
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	if p.Form.Kind == "" {
		p.Form.Kind = string(workflow.Holiday)
	}
	s.render(c, status, "admin_calendar", s.site.T(langOf(c), "admin.cal.title"), "staff", p)
	return nil
}

// yearOf returns the year of a YYYY-MM-DD date, or fallback when it is not one.
func yearOf(date string, fallback int) int {
	if t, err := workflow.ParseDate(date); err == nil && t.Year() >= minCalendarYear && t.Year() <= maxCalendarYear {
		return t.Year()
	}
	return fallback
}

func calendarURL(year int) (string, url.Values) {
	return "/admin/calendar", url.Values{"year": {strconv.Itoa(year)}}
}

// calendarAddForm is the page's form for one entry: the API's entry and
// the year the page shows.
type calendarAddForm struct {
	calendarEntryJSON
	calendarYearForm
}

func (s *Server) uiCalendarAdd(c *gin.Context) error {
	var f calendarAddForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	e := f.calendarEntryJSON
	err := s.addCalendarDay(c, e)
	formYear, yerr := f.year()
	if yerr != nil {
		formYear = time.Now().In(displayZone).Year()
	}
	year := yearOf(e.day().Date, formYear)
	var ce *models.CalendarError
	switch {
	case errors.As(err, &ce):
		p := calendarPage{Year: year, Form: e, Errors: map[string]string{}}
		for _, pr := range ce.Problems {
			if _, dup := p.Errors[pr.Column]; !dup {
				p.Errors[pr.Column] = "admin.cal.err." + pr.Code
			}
		}
		return s.renderCalendar(c, http.StatusUnprocessableEntity, p)
	case errors.Is(err, errDateTaken):
		return s.renderCalendar(c, http.StatusUnprocessableEntity,
			calendarPage{Year: year, Form: e, Errors: map[string]string{"date": "admin.cal.err.exists"}})
	case err != nil:
		return err
	}
	path, q := calendarURL(year)
	redirectDone(c, path, q, "day_added")
	return nil
}

// calendarRemoveForm is the remove button of one entry.
type calendarRemoveForm struct {
	Date string `form:"date"`
}

func (s *Server) uiCalendarRemove(c *gin.Context) error {
	var f calendarRemoveForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	date := f.Date
	if err := s.removeCalendarDay(c, date); err != nil {
		return err
	}
	path, q := calendarURL(yearOf(date, time.Now().In(displayZone).Year()))
	redirectDone(c, path, q, "day_removed")
	return nil
}

func (s *Server) uiCalendarImport(c *gin.Context) error {
	year, _, err := s.importCalendar(c)
	if err == nil {
		path, q := calendarURL(year)
		redirectDone(c, path, q, "calendar_imported")
		return nil
	}
	var f calendarYearForm
	_ = c.ShouldBind(&f) // a form that cannot be read shows this year
	formYear, yerr := f.year()
	if yerr != nil {
		formYear = time.Now().In(displayZone).Year()
	}
	p := calendarPage{Year: formYear}
	var ce *models.CalendarError
	if errors.As(err, &ce) {
		p.Problems = ce.Problems
		return s.renderCalendar(c, http.StatusUnprocessableEntity, p)
	}
	e := asError(err)
	switch {
	case e.Status == http.StatusRequestEntityTooLarge:
		p.Errors = map[string]string{"import": "admin.cal.err.too_large"}
	case e.Status == http.StatusUnsupportedMediaType:
		p.Errors = map[string]string{"import": "admin.cal.err.unsupported"}
	case e.Status == http.StatusUnprocessableEntity && e.Fields["year"] != "":
		p.Errors = map[string]string{"import": "admin.cal.err.bad_year"}
	case e.Status == http.StatusUnprocessableEntity:
		p.Errors = map[string]string{"import": "admin.cal.err.no_file"}
	default:
		return err
	}
	return s.renderCalendar(c, e.Status, p)
}

// uiCalendarProvisional covers a year with weekends only until its
// schedule is published (issue 16 item 8).
func (s *Server) uiCalendarProvisional(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjCalendar, policies.ActManage); err != nil {
		return err
	}
	var f calendarYearForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	year, err := f.year()
	if err != nil {
		return err
	}
	err = s.store.AddProvisionalYear(c.Request.Context(), year, s.now())
	if isConflict(err) {
		return s.renderCalendar(c, http.StatusConflict, calendarPage{Year: year, Errors: map[string]string{"import": "calyear.err.exists"}})
	}
	if err != nil {
		return err
	}
	path, q := calendarURL(year)
	redirectDone(c, path, q, "calyear_added")
	return nil
}
