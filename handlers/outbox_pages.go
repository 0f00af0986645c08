package handlers

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
)

// outboxQuery is a parsed filter of the message list.
type outboxQuery struct {
	State  string
	Number string
}

// outboxNumber is the shape of an application number (YYYYMMDD + six digits).
var outboxNumber = regexp.MustCompile(`^[0-9]{14}$`)

// parseOutboxQuery reads state and number; problems are locale keys.
func parseOutboxQuery(v url.Values) (outboxQuery, formErrors) {
	q := outboxQuery{State: v.Get("state"), Number: v.Get("number")}
	bad := formErrors{}
	if q.State != "" && !slices.Contains(models.MessageStates, q.State) {
		bad.add("state", "outbox.err.state")
	}
	if q.Number != "" && !outboxNumber.MatchString(q.Number) {
		bad.add("number", "outbox.err.number")
	}
	return q, bad
}

// outboxJSON is the answer of GET /api/v1/outbox.
type outboxJSON struct {
	Queued     int                 `json:"queued"`
	Sending    int                 `json:"sending"`
	Failed     int                 `json:"failed"`
	LagSeconds float64             `json:"lag_seconds"` // age of the oldest message not sent; 0 when none waits
	Messages   []outboxMessageJSON `json:"messages"`
}

func (s *Server) outboxReport(c *gin.Context, q outboxQuery) (*outboxJSON, []models.Message, error) {
	ctx := c.Request.Context()
	st, err := s.store.OutboxStats(ctx)
	if err != nil {
		return nil, nil, err
	}
	msgs, err := s.store.Messages(ctx, models.MessageFilter{Number: q.Number, State: q.State, Limit: 200})
	if err != nil {
		return nil, nil, err
	}
	out := &outboxJSON{Queued: st.ByState[models.MessageQueued], Sending: st.ByState[models.MessageSending],
		Failed: st.ByState[models.MessageFailed], Messages: make([]outboxMessageJSON, 0, len(msgs))}
	if !st.OldestUnsent.IsZero() {
		out.LagSeconds = max(s.now().Sub(st.OldestUnsent).Seconds(), 0)
	}
	for _, m := range msgs {
		out.Messages = append(out.Messages, outboxMessageOf(m))
	}
	return out, msgs, nil
}

// apiOutbox answers GET /api/v1/outbox?state=&number=: the newest 200
// messages and the queue's depth, for supervisors and system administrators.
func (s *Server) apiOutbox(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjOutbox, policies.ActRead); err != nil {
		return err
	}
	q, bad := parseOutboxQuery(c.Request.URL.Query())
	if len(bad) > 0 {
		return invalid(s.englishProblems(bad))
	}
	out, _, err := s.outboxReport(c, q)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
	return nil
}

// outboxPage is the data of the supervisors' notification page.
type outboxPage struct {
	Query   outboxQuery
	Errors  map[string]string
	States  []option
	Report  *outboxJSON
	LagText string
	Table   outboxTable
}

// uiSuperviseOutbox lists the notifications and their states.
func (s *Server) uiSuperviseOutbox(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjOutbox, policies.ActRead); err != nil {
		return err
	}
	lang := langOf(c)
	q, bad := parseOutboxQuery(c.Request.URL.Query())
	p := outboxPage{Query: q, Errors: bad}
	for _, st := range models.MessageStates {
		p.States = append(p.States, option{Value: st, Label: s.site.T(lang, "outbox.state."+st)})
	}
	status := http.StatusOK
	if len(bad) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		rep, msgs, err := s.outboxReport(c, q)
		if err != nil {
			return err
		}
		p.Report, p.Table = rep, outboxTable{Lang: lang, Rows: s.outboxRows(lang, msgs), Link: true}
		if rep.LagSeconds > 0 {
			p.LagText = (time.Duration(rep.LagSeconds) * time.Second).String()
		}
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, status, "supervise_outbox", s.site.T(lang, "outbox.title"), "staff", p)
	return nil
}
