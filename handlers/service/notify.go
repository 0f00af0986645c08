package service

import (
	"context"
	"errors"
	"net/mail"
	"strings"

	"onewindow/models"
)

// NotifyInput is how the applicant chose to hear of the application when
// filing: by SMS to the applicant's phone and/or by e-mail to Email.
type NotifyInput struct {
	SMS   bool
	Email bool
	// Address is the e-mail address; required with Email.
	Address string
	// Lang is the language the applicant filed in ("" or "zh-CN", "en").
	Lang string
}

// checkNotify validates the choice, adding its problems to fields keyed
// notify.<field>; an SMS needs a phone, given now or on the applicant's
// proven profile.
func (s *Service) checkNotify(ctx context.Context, in NotifyInput, a models.Applicant, fields map[string]string) models.Notify {
	out := models.Notify{SMS: in.SMS, Lang: in.Lang}
	if in.Lang != "" && in.Lang != "zh-CN" && in.Lang != "en" {
		fields["notify.lang"] = "must be zh-CN or en"
	}
	addr := strings.TrimSpace(in.Address)
	switch {
	case in.Email && addr == "":
		fields["notify.email"] = "is required to notify by e-mail"
	case addr != "":
		p, err := mail.ParseAddress(addr)
		if err != nil || p.Address != addr || len(addr) > 254 {
			fields["notify.email"] = "is not an e-mail address"
		} else if in.Email {
			out.Email = addr
		}
	}
	if in.SMS && a.Phone == "" && fields["applicant.id_number"] == "" {
		prof, err := s.Store.Applicant(ctx, a.IDNumber)
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			fields["notify.sms"] = "could not be checked"
		} else if err != nil || !prof.Proven || prof.Phone == "" {
			fields["notify.sms"] = "needs the applicant's phone"
		}
	}
	return out
}
