package handlers

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"onewindow/models"
)

// The page's imports run as background jobs (import_jobs.go): the upload and
// the confirm answer 303 to the job's page, which shows a progress bar while
// the job runs and, once it ends, what the check or the confirm found.

// importJobView is a running job as its page shows it.
type importJobView struct {
	ID          string
	Confirm     bool
	Label       string // the stage, in the page's language
	Done, Total int
}

// importProgressJSON is the answer of the job's progress endpoint.
type importProgressJSON struct {
	State string `json:"state"` // running, done or expired
	Stage string `json:"stage,omitempty"`
	Label string `json:"label,omitempty"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
}

// startImportJob runs job for the session in the background and sends the
// browser to the job's page; a busy server says so on the transfer page.
func (s *Server) startImportJob(c *gin.Context, t *importTask, job importJob) error {
	pr := principalOf(c)
	t.session, t.user, t.confirm, t.format = importSessionKey(pr.session.ID), pr.user.Username, job.confirm, job.format
	who := actorOf(c)
	base := context.WithoutCancel(c.Request.Context())
	started, err := s.imports.start(t, func(progress func(string, int, int)) (*importOutcome, error) {
		ctx, cancel := context.WithTimeout(base, importJobLimit)
		defer cancel()
		job.progress = progress
		o, err := s.runImport(ctx, who, job)
		if job.confirm || err != nil || len(o.Problems) > 0 || o.Plan.New+o.Plan.Changed == 0 {
			s.dropImportFile(t.token) // nothing left to confirm
		}
		return o, err
	})
	if err != nil {
		return err
	}
	if !started {
		p := s.newTransferPage(c)
		p.Error = s.site.T(langOf(c), "transfer.job.busy")
		c.Header("Retry-After", "10")
		s.renderTransfer(c, http.StatusServiceUnavailable, p)
		return nil
	}
	c.Redirect(http.StatusSeeOther, "/admin/catalogue/transfer/jobs/"+t.id)
	return nil
}

// sessionJob is the job id of this session, or nil.
func (s *Server) sessionJob(c *gin.Context, id string) *importTask {
	pr := principalOf(c)
	if pr == nil || !importTokenPattern.MatchString(id) {
		return nil
	}
	return s.imports.get(id, importSessionKey(pr.session.ID))
}

// uiTransferJob shows a job: its progress while it runs, then its outcome.
// A job this session does not have (another user's, or one a restart lost)
// answers 404 with a link back to the transfer page.
func (s *Server) uiTransferJob(c *gin.Context) error {
	if err := s.mayImport(c); err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	t := s.sessionJob(c, c.Param("id"))
	if t == nil {
		p := s.newTransferPage(c)
		p.Error, p.Expired = s.site.T(langOf(c), "transfer.job.expired"), true
		s.renderTransfer(c, http.StatusNotFound, p)
		return nil
	}
	status, p, err := s.jobPage(c, t)
	if err != nil {
		return err
	}
	s.renderTransfer(c, status, p)
	return nil
}

// jobPage is the page of a job and its status.
func (s *Server) jobPage(c *gin.Context, t *importTask) (int, transferPage, error) {
	lang := langOf(c)
	p := s.newTransferPage(c)
	p.FileName = t.name
	st := t.state()
	if !st.Finished {
		p.Job = &importJobView{ID: t.id, Confirm: t.confirm, Label: s.stageLabel(lang, st.Stage), Done: st.Done, Total: st.Total}
		return http.StatusOK, p, nil
	}
	var bad errUnreadable
	if st.Err != nil && !errors.As(st.Err, &bad) {
		s.log.Error("import job failed", "job", t.id, "user", t.user, "err", st.Err)
		p.Error = s.site.T(lang, "transfer.job.failed", st.Err.Error())
		return http.StatusInternalServerError, p, nil
	}
	ok, err := s.outcomeOnPage(lang, &p, st.Outcome, st.Err, t.format)
	if err != nil || !ok {
		return http.StatusUnprocessableEntity, p, err
	}
	if t.confirm {
		p.Checked, p.Applied, p.AppliedDepts = false, &models.ImportPlan{}, len(st.Outcome.Departments)
		*p.Applied = st.Outcome.Plan
		return http.StatusOK, p, nil
	}
	if p.Plan.New+p.Plan.Changed > 0 {
		p.Token, p.JobID, p.Reason = t.token, t.id, t.reason
	}
	return http.StatusOK, p, nil
}

// uiTransferJobProgress answers a job's progress as JSON, for the page's
// script to move the bar without reloading.
func (s *Server) uiTransferJobProgress(c *gin.Context) error {
	if err := s.mayImport(c); err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	t := s.sessionJob(c, c.Param("id"))
	if t == nil {
		c.JSON(http.StatusNotFound, importProgressJSON{State: "expired"})
		return nil
	}
	st := t.state()
	out := importProgressJSON{State: "running", Stage: st.Stage, Label: s.stageLabel(langOf(c), st.Stage), Done: st.Done, Total: st.Total}
	if st.Finished {
		out.State = "done"
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// stageLabel names a stage of an import: 读取文件 / 核对 / 写入.
func (s *Server) stageLabel(lang, stage string) string {
	return s.site.TOr(lang, "transfer.job.stage."+stage, stage)
}
