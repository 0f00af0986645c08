package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// option is one choice of a select or a group of checkboxes.
type option struct {
	Value string
	Label string
}

// taskListPage is the data of the work list.
type taskListPage struct {
	Items       []workItemView
	Next        string // URL of the next page, "" at the end
	Departments []option
	Department  string
	AllDepts    bool
	Stage       string
	Claimed     string
	Item        string
	Due         string
	Warn        int
	Me          string
	Done        string
	Labels      worklistLabels
}

// worklistLabels are the words every row repeats, translated once per page.
type worklistLabels struct {
	Joint, Overdue, Stopped, DueSoon, Unclaimed, Release, Claim string
}

// uiTasks is the work list of the caller's departments with claim and
// release. An unchanged list is answered from the page cache.
func (s *Server) uiTasks(c *gin.Context) error {
	clears := s.pages.clears() // before anything the page is built from
	r, err := s.parseWorklist(c)
	if err != nil {
		return err
	}
	key, cacheable := worklistPageKey(c, r)
	stamp := pageStamp{clears: clears, work: s.store.WorkGeneration(r.filter.Departments),
		day: models.FormatDay(r.filter.Today)}
	if body, ok := s.pages.get(key, stamp, s.now()); cacheable && ok {
		writePage(c, http.StatusOK, body)
		return nil
	}
	w, err := s.worklist(c, r)
	if err != nil {
		return err
	}
	page := s.taskListPage(c, r, w)
	if err := s.cardBadges(c, langOf(c), w.Items, page.Items); err != nil {
		return err
	}
	body, err := s.renderPage(c, "task_list", s.site.T(langOf(c), "office.list.title"), "staff", page)
	if err != nil {
		return err
	}
	if cacheable {
		s.pages.put(key, stamp, body, s.now())
	}
	writePage(c, http.StatusOK, body)
	return nil
}

// worklistPageKey names the page a request asks for.
func worklistPageKey(c *gin.Context, r *worklistRequest) (pageKey, bool) {
	p := principalOf(c)
	if p == nil || p.session == nil {
		return pageKey{}, false
	}
	return pageKey{session: p.session.ID, uri: c.Request.URL.RequestURI(), lang: langOf(c), elder: elderOf(c),
		depts: strings.Join(r.filter.Departments, ",")}, true
}

// taskListPage is the view model of one page of the work list.
func (s *Server) taskListPage(c *gin.Context, r *worklistRequest, w *models.Worklist) taskListPage {
	lang := langOf(c)
	p := taskListPage{Items: s.workItemPageViews(lang, w.Items, r.filter.WarnDays), Department: r.dept,
		Stage: string(r.filter.Stage), Claimed: r.claimed, Item: r.filter.ItemCode, Due: r.filter.Due,
		Warn: r.filter.WarnDays, Me: principalOf(c).user.Username, Done: c.Query("done"),
		AllDepts: slices.Contains(r.allowed, policies.AllDomains)}
	t := func(key string) string { return s.site.T(lang, key) }
	p.Labels = worklistLabels{Joint: t("office.joint"), Overdue: t("office.mark.overdue"), Stopped: t("office.mark.stopped"),
		DueSoon: t("office.mark.due_soon"), Unclaimed: t("office.list.unclaimed"), Release: t("office.release"),
		Claim: t("action.claim")}
	for i := range p.Items {
		p.Items[i].Mine = p.Items[i].ClaimedBy == p.Me
	}
	deptGroupRows(p.Items, p.Done)
	ref := s.ref.Load()
	for _, d := range ref.depts {
		if p.AllDepts || slices.Contains(r.allowed, d.Code) {
			p.Departments = append(p.Departments, option{Value: d.Code, Label: d.Name})
		}
	}
	if w.Next != "" {
		q := c.Request.URL.Query()
		q.Set("after", w.Next)
		p.Next = "/tasks?" + q.Encode()
	}
	return p
}

// returnField is the field of the processing forms that says where they
// return: "list" when posted from the work list.
type returnField struct {
	Return string `form:"return"`
}

// backTo is the page a form returns to: the work list when it was posted
// from there, else fallback.
func (r returnField) backTo(number, fallback string) string {
	if r.Return == "list" {
		return "/tasks?done=" + url.QueryEscape(number)
	}
	return fallback
}

// supervisePage is the data of the supervisor's overview.
type supervisePage struct {
	Load  []workloadView
	Total workloadView
	Items []workItemView
	Next  string
	Warn  int
	// DataLog: the reader may read the log of views of personal data.
	DataLog bool
}

type workloadView struct {
	Department string
	Name       string
	Open       int
	Overdue    int
	DueSoon    int
	Stopped    int
}

// uiSupervise shows overdue and due-soon work across every department with
// counts per department (效能监察).
func (s *Server) uiSupervise(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjReport, policies.ActRead); err != nil {
		return err
	}
	warn := defaultDueSoonDays
	if v := c.Query("due_soon_days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 60 {
			return invalid(map[string]string{"due_soon_days": "must be a number of working days from 0 to 60"})
		}
		warn = n
	}
	cal, today := s.cal.Load(), models.CentreDay(s.now())
	load, err := s.store.Workload(c.Request.Context(), cal, today, warn)
	if err != nil {
		return err
	}
	w, err := s.store.Worklist(c.Request.Context(), models.WorklistFilter{Departments: []string{policies.AllDomains},
		Due: models.DueAttention, Cal: cal, Today: today, WarnDays: warn, After: c.Query("after"), Limit: 100})
	if errors.Is(err, models.ErrBadCursor) {
		return invalid(map[string]string{"after": "is not a cursor of this list"})
	}
	if err != nil {
		return err
	}
	lang := langOf(c)
	p := supervisePage{Items: s.workItemPageViews(lang, w.Items, warn), Warn: warn,
		DataLog: s.can(c, policies.AllDomains, policies.ObjDataLog, policies.ActRead)}
	if err := s.cardBadges(c, lang, w.Items, p.Items); err != nil {
		return err
	}
	ref := s.ref.Load()
	for _, l := range load {
		v := workloadView{Department: l.Department, Name: ref.deptByKey[l.Department].Name, Open: l.Open,
			Overdue: l.Overdue, DueSoon: l.DueSoon, Stopped: l.Stopped}
		p.Load = append(p.Load, v)
		p.Total.Open += v.Open
		p.Total.Overdue += v.Overdue
		p.Total.DueSoon += v.DueSoon
		p.Total.Stopped += v.Stopped
	}
	if w.Next != "" {
		p.Next = "/supervise?" + url.Values{"after": {w.Next}, "due_soon_days": {strconv.Itoa(warn)}}.Encode()
	}
	s.render(c, http.StatusOK, "supervise", s.site.T(lang, "office.supervise.title"), "staff", p)
	return nil
}

// taskActions are the actions the processing page offers forms for; the
// window's own actions (accept, reject, …) live on the window pages.
var taskActions = []workflow.Action{workflow.Claim, workflow.ReviewPass, workflow.SendBack, workflow.Approve,
	workflow.Deny, workflow.Suspend, workflow.Resume, workflow.Extend, workflow.Terminate, workflow.Issue}
