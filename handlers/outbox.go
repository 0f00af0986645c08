package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/notify"
	"onewindow/web"
	"onewindow/workflow"
)

// Notifications (DESIGN §8): the store queues a message in the transaction
// of each event that tells the applicant something (models.noticeRules); the
// server's dispatcher sends them through the configured senders, with the
// text from the locale files in the language the applicant filed in.

// outboxLease is how long a dispatcher holds the messages it claimed; one
// that dies mid-send leaves them to the next claim after this.
const outboxLease = 2 * time.Minute

func (s *Server) newDispatcher(senders map[string]notify.Sender) *notify.Dispatcher {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &notify.Dispatcher{Queue: s.store, Senders: senders, Render: s.renderMessage, Params: s.messageParams,
		Now: func() time.Time { return s.now() }, Lease: outboxLease,
		Owner: fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:]))}
}

// DispatchOutbox sends every message due now once and records the outcomes.
func (s *Server) DispatchOutbox(ctx context.Context) (notify.Result, error) {
	return s.dispatcher.RunOnce(ctx)
}

// RunOutboxDispatcher dispatches every interval until ctx ends, logging what
// it sent; the first round runs at once. Every instance may run it: a
// message is leased to one dispatcher at a time.
func (s *Server) RunOutboxDispatcher(ctx context.Context, every time.Duration, log *slog.Logger) {
	repeat(ctx, every, func() {
		got, err := s.DispatchOutbox(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("outbox dispatch", "error", err)
		case got.Sent+got.Retried+got.Failed > 0:
			log.Info("outbox dispatch", "sent", got.Sent, "retried", got.Retried, "failed", got.Failed)
		}
	})
}

// placeholder is one {name} of a message text.
var placeholder = regexp.MustCompile(`\{([a-z_]+)\}`)

// messageLang is the language a message is written in.
func (s *Server) messageLang(m models.Message) string {
	if m.Lang == "" || !s.site.Has(m.Lang) {
		return web.DefaultLang
	}
	return m.Lang
}

// messageParams are a message's parameters with those its language
// resolves: a decision's {result} in the item type's own words (确认, 给付,
// 办结 …), so a 行政确认 is never told "准予许可". The vocabulary itself is
// internal and leaves with no message.
func (s *Server) messageParams(m models.Message) map[string]string {
	v, ok := m.Params["vocabulary"]
	if !ok {
		return m.Params
	}
	params := maps.Clone(m.Params)
	delete(params, "vocabulary")
	if outcome := map[string]string{models.NoticeApproved: "approved", models.NoticeDenied: "denied"}[m.Kind]; outcome != "" && v != "" {
		params["result"] = s.site.T(s.messageLang(m), "decision."+v+".result."+outcome)
	}
	return params
}

// renderMessage writes a message's subject and body in its language from
// outbox.msg.<kind>.subject and .body; a body naming a parameter the event
// did not record (unknown is not zero) falls back to .short, which names
// only the number and the item.
func (s *Server) renderMessage(m models.Message) (string, string) {
	lang := s.messageLang(m)
	key := "outbox.msg." + m.Kind
	m.Params = s.messageParams(m)
	body := s.site.T(lang, key+".body")
	for _, ph := range placeholder.FindAllStringSubmatch(body, -1) {
		if m.Params[ph[1]] == "" {
			body = s.site.T(lang, key+".short")
			break
		}
	}
	body = placeholder.ReplaceAllStringFunc(body, func(ph string) string { return m.Params[ph[1:len(ph)-1]] })
	return s.site.T(lang, key+".subject"), body
}

// outboxMessageJSON is one message as staff see it: never its recipient.
type outboxMessageJSON struct {
	ID        uint       `json:"id"`
	Number    string     `json:"number"`
	Kind      string     `json:"kind"`
	Channel   string     `json:"channel"`
	State     string     `json:"state"`
	Attempts  int        `json:"attempts"`
	LastError string     `json:"last_error"`
	DedupeKey string     `json:"dedupe_key"`
	CreatedAt time.Time  `json:"created_at"`
	NextAt    *time.Time `json:"next_attempt_at"` // queued messages only
	SentAt    *time.Time `json:"sent_at"`         // sent messages only
}

func outboxMessageOf(m models.Message) outboxMessageJSON {
	j := outboxMessageJSON{ID: m.ID, Number: m.Number, Kind: m.Kind, Channel: m.Channel, State: m.State,
		Attempts: m.Attempts, LastError: m.LastError, DedupeKey: m.DedupeKey, CreatedAt: m.CreatedAt}
	if m.State == models.MessageQueued {
		j.NextAt = &m.NextAt
	}
	if m.State == models.MessageSent {
		j.SentAt = &m.SentAt
	}
	return j
}

// outboxRow is one message on a page.
type outboxRow struct {
	outboxMessageJSON
	KindText, ChannelText, StateText, CreatedText, SentText, NextText string
}

func (s *Server) outboxRows(lang string, msgs []models.Message) []outboxRow {
	out := make([]outboxRow, 0, len(msgs))
	for _, m := range msgs {
		r := outboxRow{outboxMessageJSON: outboxMessageOf(m), KindText: s.site.TOr(lang, "outbox.kind."+m.Kind, m.Kind),
			ChannelText: s.site.T(lang, "outbox.channel."+m.Channel), StateText: s.site.T(lang, "outbox.state."+m.State),
			CreatedText: m.CreatedAt.In(shanghai).Format("2006-01-02 15:04:05"), SentText: "—", NextText: "—"}
		if r.SentAt != nil {
			r.SentText = r.SentAt.In(shanghai).Format("2006-01-02 15:04:05")
		}
		if r.NextAt != nil {
			r.NextText = r.NextAt.In(shanghai).Format("2006-01-02 15:04:05")
		}
		out = append(out, r)
	}
	return out
}

// outboxTable is the data of the "outbox_rows" partial; Link links each
// number to its window page.
type outboxTable struct {
	Lang string
	Rows []outboxRow
	Link bool
}

// outboxAppView is the notification section of an application's window page.
type outboxAppView struct {
	Lang   string
	Choice string // the channels chosen, the address masked; "" for none
	Table  outboxTable
}

// outboxAppView lists an application's messages for its window page; the
// page's own authorization (reading the application) covers them.
func (s *Server) outboxAppView(c *gin.Context, app *models.Application) (outboxAppView, error) {
	lang := langOf(c)
	v := outboxAppView{Lang: lang}
	var choice []string
	if slices.Contains(strings.Split(app.NotifyChannels, ","), models.NotifySMS) {
		choice = append(choice, s.site.T(lang, "outbox.app.sms", workflow.MaskPhone(app.ApplicantPhone)))
	}
	if slices.Contains(strings.Split(app.NotifyChannels, ","), models.NotifyEmail) {
		choice = append(choice, s.site.T(lang, "outbox.app.email", workflow.MaskEmail(app.ApplicantEmail)))
	}
	v.Choice = strings.Join(choice, s.site.T(lang, "outbox.app.sep"))
	msgs, err := s.store.Messages(c.Request.Context(), models.MessageFilter{Number: app.Number, Limit: 100})
	if err != nil {
		return v, err
	}
	v.Table = outboxTable{Lang: lang, Rows: s.outboxRows(lang, msgs)}
	return v, nil
}
