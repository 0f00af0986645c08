package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// 告知承诺制 (issue 16 item 2): the window records the signed pledge, each
// department checks (核查) its granted pledges by their due dates and revokes
// a grant whose pledge failed; supervisors list the checks, overdue marked.

// pledgeStates are the filters of the check list: a check state or overdue.
var pledgeStates = []string{models.PledgeCheckOpen, "overdue", models.PledgeCheckPassed, models.PledgeCheckFailed}

// pledgeCheckJSON is one pledge check as the API shows it.
type pledgeCheckJSON struct {
	Number     string     `json:"number"`
	Item       string     `json:"item"`
	Department string     `json:"department"`
	Channel    string     `json:"channel"`
	DecidedOn  string     `json:"decided_on"`
	Due        string     `json:"due"`
	State      string     `json:"state"`
	Overdue    bool       `json:"overdue"`
	CheckedAt  *time.Time `json:"checked_at"`
	Findings   string     `json:"findings,omitempty"`
	Revoked    bool       `json:"revoked"`
	Version    int        `json:"version"`
	// AppVersion is the application's version, which a revocation sends.
	AppVersion int `json:"application_version"`
}

func pledgeCheckOf(r models.PledgeRow, today time.Time) pledgeCheckJSON {
	return pledgeCheckJSON{Number: r.Number, Item: r.ItemName, Department: r.DepartmentCode, Channel: r.Channel,
		DecidedOn: r.DecidedOn, Due: r.CheckDue, State: r.CheckState, Overdue: r.Overdue(today), CheckedAt: r.CheckedAt,
		Findings: r.Findings, Revoked: r.AppState == workflow.Revoked, Version: r.Version, AppVersion: r.AppVersion}
}

// pledgeDepartments are the departments whose pledges the caller may read;
// nil is every department.
func (s *Server) pledgeDepartments(c *gin.Context) []string {
	out := []string{}
	for _, p := range s.authz.Permissions(principalOf(c).user.Username) {
		if p.Object != policies.ObjPledge || p.Verb != policies.ActRead {
			continue
		}
		if p.Domain == policies.AllDomains {
			return nil
		}
		if !slices.Contains(out, p.Domain) {
			out = append(out, p.Domain)
		}
	}
	return out
}

// pledgeRows reads the checks the caller may see, filtered by state (a
// check state, "overdue", or "" for all).
func (s *Server) pledgeRows(c *gin.Context, state string) ([]pledgeCheckJSON, error) {
	depts := s.pledgeDepartments(c)
	if depts != nil && len(depts) == 0 {
		return nil, s.authorize(c, policies.AllDomains, policies.ObjPledge, policies.ActRead)
	}
	c.Set(ctxAuthorized, true) // only the departments the caller reads are listed
	f := models.PledgeFilter{Departments: depts, State: state, Limit: 500}
	if state == "overdue" {
		f.State = models.PledgeCheckOpen
	}
	rows, err := s.store.PledgeChecks(c.Request.Context(), f)
	if err != nil {
		return nil, err
	}
	today := models.CentreDay(s.now())
	out := []pledgeCheckJSON{}
	for _, r := range rows {
		if j := pledgeCheckOf(r, today); state != "overdue" || j.Overdue {
			out = append(out, j)
		}
	}
	return out, nil
}

// apiPledgeChecks answers GET /api/v1/pledge-checks?state=.
func (s *Server) apiPledgeChecks(c *gin.Context) error {
	state := c.Query("state")
	if state != "" && !slices.Contains(pledgeStates, state) {
		return invalid(map[string]string{"state": "must be one of " + strings.Join(pledgeStates, ", ")})
	}
	rows, err := s.pledgeRows(c, state)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"checks": rows})
	return nil
}

// pledgeCheckInput is a department's check as posted (JSON or form).
type pledgeCheckInput struct {
	Result   string `json:"result" form:"result"`
	Findings string `json:"findings" form:"findings"`
	Version  int    `json:"version" form:"version"`
}

// recordPledgeCheck authorizes the caller in the pledge's department and
// records the check.
func (s *Server) recordPledgeCheck(c *gin.Context, number string, in pledgeCheckInput) (*models.Pledge, error) {
	p, err := s.store.Pledge(c.Request.Context(), number)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(c, p.DepartmentCode, policies.ObjPledge, policies.ActCheck); err != nil {
		return nil, err
	}
	if err := requireVersion(in.Version); err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(in.Findings) > 1000 {
		return nil, invalid(map[string]string{"findings": "is too long (at most 1000 characters)"})
	}
	return s.store.RecordPledgeCheck(c.Request.Context(), models.PledgeCheck{Number: number, Version: in.Version,
		Result: in.Result, Findings: in.Findings, Actor: principalOf(c).user.Username, Now: s.now()})
}

// apiRecordPledgeCheck answers POST /api/v1/pledge-checks/{number}.
func (s *Server) apiRecordPledgeCheck(c *gin.Context) error {
	var in pledgeCheckInput
	if err := c.ShouldBindJSON(&in); err != nil {
		return badRequest("the body is not a pledge check: " + err.Error())
	}
	if _, err := s.recordPledgeCheck(c, c.Param("number"), in); err != nil {
		return err
	}
	rows, err := s.store.PledgeChecks(c.Request.Context(), models.PledgeFilter{Number: c.Param("number"), Limit: 1})
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return notFound("pledge")
	}
	c.JSON(http.StatusOK, pledgeCheckOf(rows[0], models.CentreDay(s.now())))
	return nil
}

// signPledge records the signed pledge handed in at the window.
func (s *Server) signPledge(c *gin.Context, number string, version int) error {
	p, err := s.store.Pledge(c.Request.Context(), number)
	if err != nil {
		return err
	}
	if err := s.authorize(c, p.DepartmentCode, policies.ObjPledge, policies.ActSign); err != nil {
		return err
	}
	if err := requireVersion(version); err != nil {
		return err
	}
	_, err = s.store.SignPledge(c.Request.Context(), models.PledgeSign{Number: number, Version: version,
		Actor: principalOf(c).user.Username, Now: s.now()})
	return err
}

// apiSignPledge answers POST /api/v1/applications/{number}/pledge/signed.
func (s *Server) apiSignPledge(c *gin.Context) error {
	var in struct {
		Version int `json:"version"`
	}
	if err := c.ShouldBindJSON(&in); err != nil {
		return badRequest("the body is not valid JSON: " + err.Error())
	}
	if err := s.signPledge(c, c.Param("number"), in.Version); err != nil {
		return err
	}
	p, err := s.store.Pledge(c.Request.Context(), c.Param("number"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"number": p.Number, "signed_at": p.SignedAt, "version": p.Version})
	return nil
}

// pledgeListPage is the data of the check list page.
type pledgeListPage struct {
	State  string
	States []option
	Rows   []pledgeRowView
	Notice string
	Error  string
}

type pledgeRowView struct {
	pledgeCheckJSON
	DepartmentName, StateLabel string
	CanCheck, CanRevoke        bool
}

// uiPledgeChecks lists the checks: the departments' work list and the supervisors' view.
func (s *Server) uiPledgeChecks(c *gin.Context) error {
	return s.renderPledgeChecks(c, http.StatusOK, c.Query("done"), "")
}

func (s *Server) renderPledgeChecks(c *gin.Context, status int, notice, problem string) error {
	lang, ref := langOf(c), s.ref.Load()
	state := c.Query("state")
	if !slices.Contains(pledgeStates, state) {
		state = ""
	}
	rows, err := s.pledgeRows(c, state)
	if err != nil {
		return err
	}
	p := pledgeListPage{State: state, Error: problem}
	if notice != "" {
		p.Notice = s.site.T(lang, "pledge.list.done", notice)
	}
	for _, st := range pledgeStates {
		p.States = append(p.States, option{Value: st, Label: s.site.T(lang, "pledge.state."+st)})
	}
	for _, r := range rows {
		p.Rows = append(p.Rows, pledgeRowView{pledgeCheckJSON: r, DepartmentName: ref.deptByKey[r.Department].Name,
			StateLabel: s.site.T(lang, "pledge.state."+r.State),
			CanCheck:   r.State == models.PledgeCheckOpen && s.can(c, r.Department, policies.ObjPledge, policies.ActCheck),
			CanRevoke:  r.State == models.PledgeCheckFailed && !r.Revoked && s.can(c, r.Department, policies.ObjApplication, policies.ActRevoke)})
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, status, "pledge_checks", s.site.T(lang, "pledge.list.title"), "staff", p)
	return nil
}

// uiRecordPledgeCheck takes a row's check form (PRG back to the list).
func (s *Server) uiRecordPledgeCheck(c *gin.Context) error {
	var in pledgeCheckInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	number := c.Param("number")
	if _, err := s.recordPledgeCheck(c, number, in); err != nil {
		return s.pledgeFormFailed(c, number, err)
	}
	c.Redirect(http.StatusSeeOther, "/pledge-checks?done="+url.QueryEscape(number))
	return nil
}

// uiRevokePledge revokes (撤销) a grant whose pledge failed, with the reason.
func (s *Server) uiRevokePledge(c *gin.Context) error {
	var in struct {
		Reason  string `form:"reason"`
		Version int    `form:"version"`
	}
	if err := bindForm(c, &in); err != nil {
		return err
	}
	number := c.Param("number")
	err := requireVersion(in.Version)
	if err == nil {
		_, err = s.doAction(c, number, workflow.Revoke, actionInput{Version: in.Version,
			Fields: map[string]string{"reason": strings.TrimSpace(in.Reason)}}, nil)
	}
	if err != nil {
		return s.pledgeFormFailed(c, number, err)
	}
	c.Redirect(http.StatusSeeOther, "/pledge-checks?done="+url.QueryEscape(number))
	return nil
}

// pledgeFormFailed shows the list again with what was wrong; a refused
// permission or a missing pledge is the error page.
func (s *Server) pledgeFormFailed(c *gin.Context, number string, err error) error {
	e := asError(err)
	switch e.Status {
	case http.StatusUnprocessableEntity, http.StatusConflict:
	default:
		return err
	}
	lang := langOf(c)
	msg := s.site.T(lang, "pledge.err.conflict", number)
	if e.Status == http.StatusUnprocessableEntity {
		var names []string
		for f := range e.Fields {
			names = append(names, s.site.TOr(lang, "pledge.field."+f, f))
		}
		slices.Sort(names)
		msg = s.site.T(lang, "pledge.err.fields", number, strings.Join(names, "、"))
	}
	return s.renderPledgeChecks(c, e.Status, "", msg)
}
