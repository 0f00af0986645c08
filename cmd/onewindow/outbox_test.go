package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onewindow/notify"
)

// TestOutboxSettings: by default every channel goes to outbox.log in the data
// folder; an SMTP server or an SMS gateway set in the environment or by flag
// replaces the log for its channel; incomplete settings are refused naming
// the flag.
func TestOutboxSettings(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	dir := t.TempDir()
	cfg, err := parseServe(nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	senders, closer, err := cfg.outbox.senders(dir)
	if err != nil {
		t.Fatal(err)
	}
	closer.Close()
	if _, ok := senders["sms"].(*notify.LogSender); !ok || senders["sms"] != senders["email"] {
		t.Errorf("default senders %T %T", senders["sms"], senders["email"])
	}
	if fi, err := os.Stat(filepath.Join(dir, "outbox.log")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("outbox.log: %v %v", fi, err)
	}
	cfg, err = parseServe([]string{"--sms-url", "https://sms.example.cn/send", "--sms-templates", "accepted=SMS_1,denied=SMS_2"},
		env(map[string]string{"ONEWINDOW_SMTP_HOST": "mail.example.cn", "ONEWINDOW_SMTP_FROM": "noreply@example.cn",
			"ONEWINDOW_SMTP_PASSWORD": "secret", "ONEWINDOW_SMS_SECRET": "s"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.outbox.smtpPassword != "secret" || cfg.outbox.templates["denied"] != "SMS_2" {
		t.Errorf("settings %+v", cfg.outbox)
	}
	senders, closer, err = cfg.outbox.senders(dir)
	if err != nil {
		t.Fatal(err)
	}
	closer.Close()
	if _, ok := senders["email"].(*notify.SMTPSender); !ok {
		t.Errorf("email sender %T", senders["email"])
	}
	if _, ok := senders["sms"].(*notify.SMSSender); !ok {
		t.Errorf("sms sender %T", senders["sms"])
	}
	for _, bad := range []struct {
		args []string
		flag string
	}{
		{[]string{"--sms-url", "https://sms.example.cn/send"}, "--sms-templates"},
		{[]string{"--sms-templates", "accepted"}, "--sms-templates"},
		{[]string{"--smtp-host", "mail.example.cn"}, "--smtp-from"},
		{[]string{"--outbox-every", "0s"}, "--outbox-every"},
	} {
		if _, err := parseServe(bad.args, env(nil), io.Discard); err == nil || !strings.Contains(err.Error(), bad.flag) {
			t.Errorf("%v: %v, want an error naming %s", bad.args, err, bad.flag)
		}
	}
}
