package models

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"onewindow/workflow"
)

// Notifications (DESIGN §8) go through an outbox: a message row is written in
// the same transaction as the event that causes it, and a dispatcher sends
// it later, at least once, carrying its dedupe key.

// The notification channels an applicant may choose when filing.
const (
	NotifySMS   = "sms"
	NotifyEmail = "email"
)

// The states of an outbox message.
const (
	MessageQueued  = "queued"  // waiting for its next attempt
	MessageSending = "sending" // leased by a dispatcher
	MessageSent    = "sent"
	MessageFailed  = "failed" // given up after the last attempt
)

// MessageStates lists the states of an outbox message in their order.
var MessageStates = []string{MessageQueued, MessageSending, MessageSent, MessageFailed}

// The kinds of message; each has its text under outbox.msg.<kind> in the
// locale files and an SMS template code in the gateway's configuration.
const (
	NoticeAccepted        = "accepted"
	NoticePendingAccepted = "pending_accepted" // 容缺受理: tells the due date of the pending materials
	NoticeSupplement      = "supplement_requested"
	NoticeExtended        = "extended"
	NoticeSpecial         = "special_procedure"
	NoticeApproved        = "approved"
	NoticeDenied          = "denied"
	NoticeIssued          = "issued"
	NoticePendingOverdue  = "pending_overdue" // terminated: 容缺 materials not in by their due date
	NoticeEvaluationReply = "evaluation_reply"
	NoticePayment         = "payment_notice" // 缴款通知书 issued: amount and notice number
	NoticeRevoked         = "revoked"        // a grant taken back after its pledge failed the check
)

// noticeRule says which event tells the applicant what: an event of action
// Act (moving to To, when To is set; carrying detail rule Rule, when Rule is
// set) queues a message of Kind. A new kind of event is one line here.
type noticeRule struct {
	Act  workflow.Action
	To   workflow.State
	Rule string
	Kind string
}

// noticeRules is the one table from events to messages; the first matching
// row wins.
var noticeRules = []noticeRule{
	{Act: workflow.Accept, Kind: NoticeAccepted},
	{Act: workflow.AcceptPending, Kind: NoticePendingAccepted},
	{Act: workflow.RequestSupplement, Kind: NoticeSupplement},
	{Act: workflow.Extend, Kind: NoticeExtended},
	{Act: workflow.Suspend, Kind: NoticeSpecial},
	{Act: workflow.Approve, To: workflow.Approved, Kind: NoticeApproved},
	{Act: workflow.Deny, To: workflow.Denied, Kind: NoticeDenied},
	{Act: workflow.Issue, Kind: NoticeIssued},
	{Act: workflow.Terminate, Rule: RulePendingOverdue, Kind: NoticePendingOverdue},
	{Act: workflow.Action(EventPaymentNoticeIssued), Kind: NoticePayment},
	{Act: workflow.Revoke, Kind: NoticeRevoked},
}

// NoticeKinds lists every kind of message, for the locale and template checks.
func NoticeKinds() []string {
	var out []string
	for _, r := range noticeRules {
		if !slices.Contains(out, r.Kind) {
			out = append(out, r.Kind)
		}
	}
	return append(out, NoticeEvaluationReply)
}

// noticeParams are the event fields a message may tell; nothing else of the
// event (comments, reasons) leaves the database in a message.
var noticeParams = []string{"days", "expected_days", "deadline", "due", "delivery", "tracking_number", "result_number", "notice", "amount"}

// NotifyChannels normalises the channels an applicant chose into the stored
// form: "sms", "email", "sms,email" or "".
func NotifyChannels(sms, email bool) string {
	var out []string
	if sms {
		out = append(out, NotifySMS)
	}
	if email {
		out = append(out, NotifyEmail)
	}
	return strings.Join(out, ",")
}

// Notify is how an applicant wants to hear of an application: by SMS to the
// applicant's phone, by e-mail to Email (empty: no e-mail), in Lang ("" or
// "zh-CN" for Chinese, "en").
type Notify struct {
	SMS   bool
	Email string
	Lang  string
}

func (n Notify) channels() string { return NotifyChannels(n.SMS, n.Email != "") }

// noticeKind is the kind of message an event queues, or "".
func noticeKind(act workflow.Action, to workflow.State, detail map[string]string) string {
	for _, r := range noticeRules {
		if r.Act == act && (r.To == "" || r.To == to) && (r.Rule == "" || r.Rule == detail["rule"]) {
			return r.Kind
		}
	}
	return ""
}

// queueNotices writes, inside the event's transaction, one message per
// channel the applicant chose for an event that tells them something.
func queueNotices(tx *gorm.DB, app *Application, e *Event, detail map[string]string) error {
	if app.NotifyChannels == "" {
		return nil
	}
	kind := noticeKind(e.Action, e.ToState, detail)
	if kind == "" {
		return nil
	}
	params := map[string]string{"number": app.Number, "item": app.ItemName}
	for _, k := range noticeParams {
		if v := detail[k]; v != "" {
			params[k] = v
		}
	}
	if kind == NoticeAccepted || kind == NoticePendingAccepted {
		params["deadline"] = app.PromisedDeadline
	}
	if kind == NoticeApproved || kind == NoticeDenied {
		// The decision is told in the item type's own words (确认, 给付, 办结 …),
		// which the message's language resolves: a 行政确认 is never "准予许可".
		params["vocabulary"] = app.Terms().Vocabulary
	}
	return queueMessages(tx, app, e.Seq, kind, "e"+strconv.Itoa(e.Seq), params, e.At)
}

// queueMessages inserts the messages of one cause (source, unique within the
// application) for each channel the applicant chose and can be reached on.
func queueMessages(tx *gorm.DB, app *Application, seq int, kind, source string, params map[string]string, at time.Time) error {
	if app.NotifyChannels == "" {
		return nil // the applicant chose no notifications
	}
	b, err := json.Marshal(params)
	if err != nil {
		return err
	}
	ms := at.UnixMilli()
	for _, ch := range strings.Split(app.NotifyChannels, ",") {
		if (ch == NotifySMS && app.ApplicantPhone == "") || (ch == NotifyEmail && app.ApplicantEmail == "") {
			continue // nothing to send it to; the filing forms ask for it
		}
		key := app.Number + "-" + source + "-" + ch
		err := tx.Exec(`INSERT INTO outbox_messages (dedupe_key, application_id, number, event_seq, kind, channel, lang, params,
			state, created_ms, next_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
			key, app.ID, app.Number, seq, kind, ch, app.NotifyLang, string(b), ms, ms).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// queueReplyNotice tells the applicant, inside the reply's transaction, that
// the department has answered their 差评 (the reply itself is read on the
// status page).
func queueReplyNotice(tx *gorm.DB, c RectificationCase, at time.Time) error {
	var app Application
	err := tx.Select("id", "number", "item_name", "applicant_phone", "notify_channels", "notify_lang", "applicant_email").
		Where("id = (SELECT application_id FROM evaluations WHERE id = ?)", c.EvaluationID).Take(&app).Error
	if err != nil {
		return err
	}
	params := map[string]string{"number": app.Number, "item": app.ItemName}
	return queueMessages(tx, &app, 0, NoticeEvaluationReply, "r"+strconv.Itoa(int(c.ID)), params, at)
}
