package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"onewindow/notify"
)

// outboxConfig is how the server sends notifications: every channel writes
// to the outbox log file unless an SMTP server (e-mail) or an SMS gateway is
// configured. Secrets come from the environment only (a flag shows in the
// process list).
type outboxConfig struct {
	every                         time.Duration
	logFile                       string
	smtpHost, smtpFrom, smtpTLS   string
	smtpPort                      int
	smtpUser, smtpPassword        string
	smsURL, smsSign, smsTemplates string
	smsKey, smsSecret             string
	templates                     map[string]string
}

func addOutboxFlags(fs *flag.FlagSet, env func(name, def string) string, cfg *outboxConfig) {
	every, err := time.ParseDuration(env("OUTBOX_EVERY", "10s"))
	if err != nil {
		every = -1 // reported by check
	}
	fs.DurationVar(&cfg.every, "outbox-every", every, "how often the dispatcher sends due notifications (ONEWINDOW_OUTBOX_EVERY)")
	fs.StringVar(&cfg.logFile, "outbox-log", env("OUTBOX_LOG", ""),
		"file the log sender appends notifications to, for every channel without a real sender (ONEWINDOW_OUTBOX_LOG; default: outbox.log in the data folder)")
	fs.StringVar(&cfg.smtpHost, "smtp-host", env("SMTP_HOST", ""), "SMTP server for e-mail notifications; empty: e-mail goes to the outbox log (ONEWINDOW_SMTP_HOST)")
	fs.IntVar(&cfg.smtpPort, "smtp-port", 587, "SMTP port (ONEWINDOW_SMTP_PORT)")
	fs.StringVar(&cfg.smtpFrom, "smtp-from", env("SMTP_FROM", ""), "sender address of e-mail notifications (ONEWINDOW_SMTP_FROM)")
	fs.StringVar(&cfg.smtpTLS, "smtp-tls", env("SMTP_TLS", "mandatory"), "STARTTLS policy: mandatory, opportunistic or none (ONEWINDOW_SMTP_TLS)")
	fs.StringVar(&cfg.smtpUser, "smtp-user", env("SMTP_USER", ""), "SMTP user name; the password is ONEWINDOW_SMTP_PASSWORD (ONEWINDOW_SMTP_USER)")
	fs.StringVar(&cfg.smsURL, "sms-url", env("SMS_URL", ""), "SMS gateway send endpoint; empty: SMS goes to the outbox log (ONEWINDOW_SMS_URL)")
	fs.StringVar(&cfg.smsSign, "sms-sign", env("SMS_SIGN", ""), "registered SMS signature (短信签名) (ONEWINDOW_SMS_SIGN)")
	fs.StringVar(&cfg.smsTemplates, "sms-templates", env("SMS_TEMPLATES", ""),
		"message kind → gateway template code, as accepted=SMS_1,denied=SMS_2,…; a kind without a code fails (ONEWINDOW_SMS_TEMPLATES)")
	cfg.smtpPassword, cfg.smsKey, cfg.smsSecret = env("SMTP_PASSWORD", ""), env("SMS_KEY", ""), env("SMS_SECRET", "")
	if p := env("SMTP_PORT", ""); p != "" {
		_, _ = fmt.Sscanf(p, "%d", &cfg.smtpPort)
	}
}

// check validates the settings after parsing.
func (cfg *outboxConfig) check() error {
	if cfg.every <= 0 {
		return fmt.Errorf("serve: --outbox-every must be a positive duration")
	}
	if cfg.smtpHost != "" && cfg.smtpFrom == "" {
		return fmt.Errorf("serve: --smtp-host needs --smtp-from")
	}
	var err error
	if cfg.templates, err = notify.ParseTemplates(cfg.smsTemplates); err != nil {
		return fmt.Errorf("serve: --sms-templates: %w", err)
	}
	if cfg.smsURL != "" && len(cfg.templates) == 0 {
		return fmt.Errorf("serve: --sms-url needs --sms-templates")
	}
	return nil
}

// senders builds the channel senders: SMTP and the SMS gateway when
// configured, the log file otherwise. The closer closes the log file.
func (cfg *outboxConfig) senders(dataDir string) (map[string]notify.Sender, io.Closer, error) {
	path := cfg.logFile
	if path == "" {
		path = filepath.Join(dataDir, "outbox.log")
	}
	logSender, closer, err := notify.OpenLogSender(path)
	if err != nil {
		return nil, nil, err
	}
	out := map[string]notify.Sender{"sms": logSender, "email": logSender}
	if cfg.smtpHost != "" {
		s, err := notify.NewSMTPSender(notify.SMTPConfig{Host: cfg.smtpHost, Port: cfg.smtpPort, Username: cfg.smtpUser,
			Password: cfg.smtpPassword, From: cfg.smtpFrom, TLS: cfg.smtpTLS})
		if err != nil {
			closer.Close()
			return nil, nil, err
		}
		out["email"] = s
	}
	if cfg.smsURL != "" {
		s, err := notify.NewSMSSender(notify.SMSConfig{URL: cfg.smsURL, Key: cfg.smsKey, Secret: cfg.smsSecret,
			Signature: cfg.smsSign, Templates: cfg.templates})
		if err != nil {
			closer.Close()
			return nil, nil, err
		}
		out["sms"] = s
	}
	return out, closer, nil
}
