package handlers

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// The window clerk's pages (一窗受理): the desk with its queues, the intake
// form, the processing page of one application and the printed notices.
// Every action goes through doAction, exactly like the API.

// windowQueueSize is how many applications a queue shows per page.
const windowQueueSize = 20

// The states of the window's two queues.
var (
	preReviewStates = []workflow.State{workflow.Submitted, workflow.SupplementRequired}
	toIssueStates   = []workflow.State{workflow.Approved, workflow.Denied}
)

// queueRow is one application in a window queue or search result.
type queueRow struct {
	Number     string
	Item       string
	Department string
	Applicant  string
	Channel    string
	State      workflow.State
	Submitted  string
	Deadline   string
	Immediate  bool
}

// windowQueue is one page of a queue, with the link to the next page.
type windowQueue struct {
	Lang    string
	ID      string
	Rows    []queueRow
	NextURL string
	// Calendar marks deadlines that fall in a provisional year.
	Calendar *calendarNote
}

// deskPage is the data of the window desk.
type deskPage struct {
	Find      string
	Found     windowQueue
	Searched  bool
	PreReview windowQueue
	ToIssue   windowQueue
	// Bundles wait for acceptance as a whole; BundlesToIssue for 统一发证.
	Bundles, BundlesToIssue []bundleQueueRow
	// Pending lists the 容缺受理 whose materials are still to come, earliest due first.
	Pending []pendingRow
	// Deliveries are the results to deliver (Art. 44), earliest due first.
	Deliveries []deliveryRow
}

// pendingRow is one application in the window's list of pending 容缺.
type pendingRow struct {
	Number, Item, Department, Applicant, Due string
	Overdue                                  bool
}

// pendingQueueSize is how many pending 容缺 the desk lists.
const pendingQueueSize = 50

func (s *Server) pendingRows(c *gin.Context) ([]pendingRow, error) {
	cases, err := s.store.PendingCases(c.Request.Context(), "", pendingQueueSize)
	if err != nil {
		return nil, err
	}
	ref, today := s.ref.Load(), models.CentreDay(s.now())
	out := make([]pendingRow, 0, len(cases))
	for _, pc := range cases {
		out = append(out, pendingRow{Number: pc.Number, Item: pc.ItemName, Department: ref.deptByKey[pc.DepartmentCode].Name,
			Applicant: pc.ApplicantName, Due: pc.Due, Overdue: pc.Overdue(today)})
	}
	return out, nil
}

func (s *Server) uiWindowDesk(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjApplication, policies.ActRegister); err != nil {
		return err
	}
	ctx := c.Request.Context()
	p := deskPage{Find: strings.TrimSpace(c.Query("find"))}
	if p.Find != "" {
		p.Searched = true
		if app, err := s.store.Application(ctx, p.Find); err == nil {
			c.Redirect(http.StatusSeeOther, "/window/applications/"+url.PathEscape(app.Number))
			return nil
		} else if !errors.Is(err, models.ErrNotFound) {
			return err
		}
		apps, err := s.store.ApplicationsOf(ctx, workflow.NormalizeID(p.Find), 50)
		if err != nil {
			return err
		}
		p.Found = windowQueue{Lang: langOf(c), ID: "found", Rows: s.queueRows(apps), Calendar: s.calendarNoteFor("")}
	}
	var err error
	if p.PreReview, err = s.windowQueue(c, "prereview", preReviewStates, "after", "issue_after"); err != nil {
		return err
	}
	if p.ToIssue, err = s.windowQueue(c, "toissue", toIssueStates, "issue_after", "after"); err != nil {
		return err
	}
	if p.Bundles, p.BundlesToIssue, err = s.bundleQueues(c); err != nil {
		return err
	}
	if p.Pending, err = s.pendingRows(c); err != nil {
		return err
	}
	if p.Deliveries, err = s.deliveryRows(c); err != nil {
		return err
	}
	s.render(c, http.StatusOK, "window_desk", s.site.T(langOf(c), "window.desk.title"), "staff", p)
	return nil
}

// windowQueue reads one page of a queue after the id in the cursor
// parameter; the other queue's cursor is kept in the next link.
func (s *Server) windowQueue(c *gin.Context, id string, states []workflow.State, cursor, other string) (windowQueue, error) {
	after, _ := strconv.ParseUint(c.Query(cursor), 10, 32)
	apps, err := s.store.ApplicationsInStates(c.Request.Context(), states, windowQueueSize+1, uint(after))
	if err != nil {
		return windowQueue{}, err
	}
	q := windowQueue{Lang: langOf(c), ID: id, Calendar: s.calendarNoteFor("")}
	if len(apps) > windowQueueSize {
		apps = apps[:windowQueueSize]
		v := url.Values{cursor: {strconv.FormatUint(uint64(apps[len(apps)-1].ID), 10)}}
		if o := c.Query(other); o != "" {
			v.Set(other, o)
		}
		q.NextURL = "/window?" + v.Encode()
	}
	q.Rows = s.queueRows(apps)
	return q, nil
}

func (s *Server) queueRows(apps []models.Application) []queueRow {
	ref := s.ref.Load()
	out := make([]queueRow, 0, len(apps))
	for _, a := range apps {
		if a.BundleFilingID != 0 {
			continue // the bundle's list shows it as a whole
		}
		out = append(out, queueRow{Number: a.Number, Item: a.ItemName, Department: ref.deptByKey[a.DepartmentCode].Name,
			Applicant: a.ApplicantName, Channel: a.Channel, State: a.State, Immediate: a.Immediate,
			Submitted: a.SubmittedAt.In(shanghai).Format("2006-01-02 15:04"), Deadline: a.PromisedDeadline})
	}
	return out
}

// newFormToken is the random token a form carries so that submitting it
// twice acts once (it becomes the Idempotency key).
func newFormToken() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b)
}

// formIdempotency turns a form's token into an Idempotency key scoped to the
// user; the request digest covers the form's values (not the CSRF token, not
// the multipart boundary) and the names and sizes of its files.
func formIdempotency(c *gin.Context, token string) *models.Idempotency {
	token = strings.TrimSpace(token)
	p := principalOf(c)
	if token == "" || len(token) > 200 || p == nil {
		return nil
	}
	h := sha256.New()
	h.Write([]byte(c.Request.URL.Path + "\n"))
	var form map[string][]string
	if c.Request.MultipartForm != nil {
		form = c.Request.MultipartForm.Value
	} else {
		form = c.Request.PostForm
	}
	keys := make([]string, 0, len(form))
	for k := range form {
		if k != "csrf_token" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		h.Write([]byte(k + "=" + strings.Join(form[k], "\x1f") + "\n"))
	}
	if c.Request.MultipartForm != nil {
		names := make([]string, 0, len(c.Request.MultipartForm.File))
		for k := range c.Request.MultipartForm.File {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			for _, fh := range c.Request.MultipartForm.File[k] {
				h.Write([]byte(k + ":" + fh.Filename + ":" + strconv.FormatInt(fh.Size, 10) + "\n"))
			}
		}
	}
	return &models.Idempotency{Scope: "user:" + p.user.Username, Key: "form:" + token, Request: hex.EncodeToString(h.Sum(nil))}
}
