package notify

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"

	"github.com/wneessen/go-mail"
)

// SMTPConfig is how to reach the centre's mail server.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string // empty: no authentication
	Password string
	From     string // the sender address, e.g. "政务服务中心 <noreply@example.gov.cn>"
	// TLS is "mandatory" (STARTTLS required, the default), "opportunistic" or
	// "none" (a relay on the same host or network only).
	TLS string
}

// SMTPSender sends e-mail through an SMTP server.
type SMTPSender struct {
	cfg    SMTPConfig
	policy mail.TLSPolicy
}

// NewSMTPSender checks cfg and returns a sender.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	if cfg.Host == "" || cfg.From == "" {
		return nil, errors.New("notify: smtp needs a host and a from address")
	}
	if cfg.Port == 0 {
		cfg.Port = 587
	}
	s := &SMTPSender{cfg: cfg}
	switch cfg.TLS {
	case "", "mandatory":
		s.policy = mail.TLSMandatory
	case "opportunistic":
		s.policy = mail.TLSOpportunistic
	case "none":
		s.policy = mail.NoTLS
	default:
		return nil, fmt.Errorf("notify: smtp tls %q is not mandatory, opportunistic or none", cfg.TLS)
	}
	return s, nil
}

// Send implements Sender. The message's dedupe key is its Message-ID.
func (s *SMTPSender) Send(ctx context.Context, e Envelope) error {
	m := mail.NewMsg()
	if err := m.From(s.cfg.From); err != nil {
		return fmt.Errorf("notify: from: %w", errors.Join(err, ErrPermanent))
	}
	if err := m.To(e.To); err != nil {
		return fmt.Errorf("notify: to: %w", errors.Join(err, ErrPermanent))
	}
	m.Subject(e.Subject)
	m.SetMessageIDWithValue(e.ID + "@onewindow")
	m.SetDate()
	m.SetBodyString(mail.TypeTextPlain, e.Body)
	opts := []mail.Option{mail.WithPort(s.cfg.Port), mail.WithTLSPolicy(s.policy)}
	if s.cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(s.cfg.Username),
			mail.WithPassword(s.cfg.Password))
	}
	c, err := mail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("notify: smtp client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		var perr *textproto.Error
		if errors.As(err, &perr) && perr.Code >= 500 {
			return fmt.Errorf("notify: smtp: %w", errors.Join(err, ErrPermanent))
		}
		return fmt.Errorf("notify: smtp: %w", err)
	}
	return nil
}
