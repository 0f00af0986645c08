package notify_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/notify"
)

func TestSMTPSenderDeliversWithTheDedupeKeyAsMessageID(t *testing.T) {
	r := newReceiver()
	port := smtpServer(t, r)
	s, err := notify.NewSMTPSender(notify.SMTPConfig{Host: "127.0.0.1", Port: port, From: "noreply@centre.example.cn", TLS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	e := notify.Envelope{ID: "20260302000001-e2-email", Channel: "email", To: "zhang@example.cn", Kind: "accepted",
		Subject: "受理通知", Body: "您的申请 20260302000001 已受理。"}
	if err := s.Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	key := "<20260302000001-e2-email@onewindow>"
	if r.deliveries[key] != 1 || r.to[key] != "zhang@example.cn" {
		t.Fatalf("received %v to %v", r.deliveries, r.to)
	}
	if got := r.bodies[key]; !strings.Contains(got, "受理通知") || !strings.Contains(got, "已受理") {
		t.Errorf("mail %q", got)
	}
	if _, err := notify.NewSMTPSender(notify.SMTPConfig{Host: "x", From: "a@b", TLS: "sometimes"}); err == nil {
		t.Error("an unknown TLS policy was accepted")
	}
}

func TestSMSSenderSendsTemplateCodeAndParameters(t *testing.T) {
	r := newReceiver()
	var status atomic.Int32
	gw := gateway(t, r, func() int { return int(status.Load()) })
	s, err := notify.NewSMSSender(notify.SMSConfig{URL: gw.URL, Signature: "【政务服务中心】", Secret: "k",
		Templates: map[string]string{"accepted": "SMS_100"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	e := notify.Envelope{ID: "n-e2-sms", Channel: "sms", To: "13800138000", Kind: "accepted",
		Params: map[string]string{"number": "20260302000001", "deadline": "2026-03-16"}}
	if err := s.Send(ctx, e); err != nil {
		t.Fatal(err)
	}
	got := r.bodies["n-e2-sms"]
	for _, want := range []string{`"template_code":"SMS_100"`, `"deadline":"2026-03-16"`, `"phone":"13800138000"`, `【政务服务中心】`} {
		if !strings.Contains(got, want) {
			t.Errorf("request %s lacks %s", got, want)
		}
	}
	// A busy gateway is worth a retry; a refusal and an unknown template are not.
	status.Store(http.StatusServiceUnavailable)
	if err := s.Send(ctx, e); err == nil || errors.Is(err, notify.ErrPermanent) {
		t.Errorf("503: %v", err)
	}
	status.Store(http.StatusBadRequest)
	if err := s.Send(ctx, e); !errors.Is(err, notify.ErrPermanent) {
		t.Errorf("400: %v", err)
	}
	status.Store(0)
	e.Kind = "denied"
	if err := s.Send(ctx, e); !errors.Is(err, notify.ErrPermanent) {
		t.Errorf("a kind without a template code: %v", err)
	}
}

// flaky fails its first failures sends.
type flaky struct {
	failures int
	sent     []notify.Envelope
}

func (f *flaky) Send(_ context.Context, e notify.Envelope) error {
	if f.failures > 0 {
		f.failures--
		return errors.New("connection refused")
	}
	f.sent = append(f.sent, e)
	return nil
}

func TestDispatcherRetriesWithBackoffThenGivesUp(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	seedOutbox(t, dir, 1, now)
	ctx := context.Background()
	store, err := models.Open(ctx, dir, models.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	sms, mail := &flaky{failures: 2}, &flaky{failures: 100}
	clock := now
	d := &notify.Dispatcher{Queue: store, Senders: map[string]notify.Sender{"sms": sms, "email": mail}, Render: render,
		Now: func() time.Time { return clock }, Owner: "one", MaxAttempts: 3, BaseDelay: time.Minute}
	if d.Backoff(1) != time.Minute || d.Backoff(2) != 2*time.Minute || d.Backoff(3) != 4*time.Minute {
		t.Fatalf("backoff %v %v %v", d.Backoff(1), d.Backoff(2), d.Backoff(3))
	}
	res, err := d.RunOnce(ctx)
	if err != nil || res.Retried != 2 {
		t.Fatalf("first round %+v %v", res, err)
	}
	clock = now.Add(59 * time.Second) // not due yet
	if res, _ := d.RunOnce(ctx); res != (notify.Result{}) {
		t.Fatalf("sent before the backoff ran out: %+v", res)
	}
	clock = now.Add(time.Minute)
	d.RunOnce(ctx) //nolint:errcheck // second attempts: both fail again
	clock = now.Add(3 * time.Minute)
	res, err = d.RunOnce(ctx)
	if err != nil || res.Sent != 1 || res.Failed != 1 {
		t.Fatalf("third round %+v %v", res, err)
	}
	msgs, err := store.Messages(ctx, models.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		switch m.Channel {
		case "sms":
			if m.State != models.MessageSent || m.Attempts != 3 || m.SentAt.IsZero() {
				t.Errorf("sms %+v", m)
			}
		case "email":
			if m.State != models.MessageFailed || m.Attempts != 3 || m.LastError != "connection refused" {
				t.Errorf("email %+v", m)
			}
		}
	}
	if len(sms.sent) != 1 || sms.sent[0].To != "13800130000" || sms.sent[0].Params["number"] == "" {
		t.Errorf("sms sent %+v", sms.sent)
	}
}

func TestLogSenderWritesTheMessageWithTheRecipientMasked(t *testing.T) {
	var buf strings.Builder
	l := notify.NewLogSender(&buf)
	ctx := context.Background()
	for _, e := range []notify.Envelope{
		{ID: "k1", Channel: "sms", To: "13800138000", Kind: "accepted", Body: "已受理"},
		{ID: "k2", Channel: "email", To: "zhangsan@example.cn", Kind: "accepted", Subject: "受理通知", Body: "已受理"},
	} {
		if err := l.Send(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	got := buf.String()
	if strings.Count(got, "\n") != 2 || !strings.Contains(got, `"ID":"k1"`) || !strings.Contains(got, "已受理") {
		t.Fatalf("log %s", got)
	}
	if strings.Contains(got, "13800138000") || strings.Contains(got, "zhangsan@") ||
		!strings.Contains(got, "138****8000") || !strings.Contains(got, "z***@example.cn") {
		t.Errorf("recipients not masked: %s", got)
	}
}
