package handlers

import (
	"strings"

	"onewindow/handlers/service"
)

// outboxNotifyInput is the "notify" member of POST /api/v1/applications.
type outboxNotifyInput struct {
	SMS   bool   `json:"sms"`
	Email string `json:"email"` // the address; given means "notify by e-mail"
	Lang  string `json:"lang"`  // "zh-CN" (default) or "en"
}

func (n *outboxNotifyInput) input() service.NotifyInput {
	if n == nil {
		return service.NotifyInput{}
	}
	return service.NotifyInput{SMS: n.SMS, Email: n.Email != "", Address: n.Email, Lang: n.Lang}
}

// outboxNotifyForm is the notification block of the online and window filing
// forms: two checkboxes and the address.
type outboxNotifyForm struct {
	SMS   bool   `form:"notify_sms"`
	Email bool   `form:"notify_email"`
	Addr  string `form:"notify_address"`
	Lang  string `form:"-"` // the page's language, set by the handler
}

func (f outboxNotifyForm) input() service.NotifyInput {
	return service.NotifyInput{SMS: f.SMS, Email: f.Email, Address: strings.TrimSpace(f.Addr), Lang: f.Lang}
}

// outboxNotifyView is the data of the "outbox_notify" partial.
type outboxNotifyView struct {
	Lang   string
	Form   outboxNotifyForm
	Errors map[string]string // notify_sms, notify_address → message
}

// outboxFieldKeys maps the service's field names to the form's inputs and
// their messages.
var outboxFieldKeys = map[string][2]string{
	"notify.sms":   {"notify_sms", "outbox.err.sms_phone"},
	"notify.email": {"notify_address", "outbox.err.email"},
	"notify.lang":  {"notify_sms", "outbox.err.lang"},
}

// outboxFieldError puts the message of a notify.* field problem by its input.
func (s *Server) outboxFieldError(lang string, errs map[string]string, field string) {
	if k, ok := outboxFieldKeys[field]; ok && errs[k[0]] == "" {
		errs[k[0]] = s.site.T(lang, k[1])
	}
}

// outboxProblems lists the notification block's problems for the summary at
// the top of a refused form.
func (s *Server) outboxProblems(lang string, errs map[string]string) []formProblem {
	var out []formProblem
	for _, k := range []string{"notify_sms", "notify_address"} {
		if msg := errs[k]; msg != "" {
			out = append(out, formProblem{Href: "#" + k, Label: s.site.T(lang, "outbox.field."+k), Message: msg})
		}
	}
	return out
}
