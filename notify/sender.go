// Package notify sends the outbox's messages (DESIGN §8): one Sender
// interface with a log sender (the default), SMTP e-mail and an SMS HTTP
// gateway, and a Dispatcher that leases due messages from the store, sends
// them, and records the outcome with retries and exponential backoff.
package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"onewindow/workflow"
)

// Envelope is one message ready to send.
type Envelope struct {
	// ID is the message's dedupe key. It travels with the message (the
	// e-mail's Message-ID, the gateway's request id) so that a message sent
	// again after a crash is recognised as the same message by the receiver.
	ID      string
	Channel string // "sms" or "email"
	To      string
	Kind    string // the message kind: the SMS template
	Lang    string
	Subject string
	Body    string
	Params  map[string]string // the template's parameters (SMS gateways fill the text in themselves)
}

// Sender delivers messages of one channel.
type Sender interface {
	Send(ctx context.Context, e Envelope) error
}

// ErrPermanent marks a failure that no retry can mend (a refused address, a
// template the gateway does not know): the message fails at once.
var ErrPermanent = errors.New("permanent failure")

// LogSender writes each message as a JSON line to a file or writer instead of
// sending it: the default, so that a server without a mail server or SMS
// contract still shows what it would have sent.
type LogSender struct {
	mu sync.Mutex
	w  io.Writer
}

// NewLogSender writes to w.
func NewLogSender(w io.Writer) *LogSender { return &LogSender{w: w} }

// OpenLogSender appends to the file at path, creating it (mode 0600).
func OpenLogSender(path string) (*LogSender, io.Closer, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("notify: open log: %w", err)
	}
	return NewLogSender(f), f, nil
}

// Send implements Sender. The recipient is written masked: the file is not
// sealed like the database.
func (l *LogSender) Send(_ context.Context, e Envelope) error {
	if e.Channel == "email" {
		e.To = workflow.MaskEmail(e.To)
	} else {
		e.To = workflow.MaskPhone(e.To)
	}
	b, err := json.Marshal(struct {
		At time.Time `json:"at"`
		Envelope
	}{time.Now().UTC(), e})
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, err = l.w.Write(append(b, '\n'))
	return err
}
