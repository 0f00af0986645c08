package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// SMSConfig is how to reach an SMS gateway. Chinese SMS providers send only
// pre-registered templates: the request names a template code and its
// parameters, and the provider fills the text in.
type SMSConfig struct {
	URL       string            // the gateway's send endpoint
	Key       string            // the account key (sent as X-Api-Key)
	Secret    string            // signs the body (X-Signature: hex HMAC-SHA256); empty: unsigned
	Signature string            // the registered 短信签名, e.g. 【某某政务服务中心】
	Templates map[string]string // message kind → template code; a kind without one is a permanent failure
	Client    *http.Client
}

// SMSSender sends SMS through an HTTP gateway.
type SMSSender struct{ cfg SMSConfig }

// NewSMSSender checks cfg and returns a sender.
func NewSMSSender(cfg SMSConfig) (*SMSSender, error) {
	if cfg.URL == "" {
		return nil, errors.New("notify: sms needs the gateway's url")
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 15 * time.Second}
	}
	return &SMSSender{cfg: cfg}, nil
}

// ParseTemplates reads "kind=CODE,kind=CODE" (the ONEWINDOW_SMS_TEMPLATES form).
func ParseTemplates(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, pair := range strings.Split(s, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		k, v, ok := strings.Cut(pair, "=")
		if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("notify: sms template %q is not kind=CODE", pair)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out, nil
}

// SMSRequest is the body the gateway receives.
type SMSRequest struct {
	RequestID    string            `json:"request_id"` // the dedupe key: a repeated id is the same message
	Phone        string            `json:"phone"`
	SignName     string            `json:"sign_name"`
	TemplateCode string            `json:"template_code"`
	Params       map[string]string `json:"template_param"`
}

// Send implements Sender.
func (s *SMSSender) Send(ctx context.Context, e Envelope) error {
	code := s.cfg.Templates[e.Kind]
	if code == "" {
		return fmt.Errorf("notify: sms: no template code for %q: %w", e.Kind, ErrPermanent)
	}
	body, err := json.Marshal(SMSRequest{RequestID: e.ID, Phone: e.To, SignName: s.cfg.Signature, TemplateCode: code, Params: e.Params})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("notify: sms: %w", errors.Join(err, ErrPermanent))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-Id", e.ID)
	if s.cfg.Key != "" {
		req.Header.Set("X-Api-Key", s.cfg.Key)
	}
	if s.cfg.Secret != "" {
		mac := hmac.New(sha256.New, []byte(s.cfg.Secret))
		mac.Write(body)
		req.Header.Set("X-Signature", hex.EncodeToString(mac.Sum(nil)))
	}
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		return fmt.Errorf("notify: sms: %w", err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return fmt.Errorf("notify: sms gateway %d: %s", resp.StatusCode, strings.TrimSpace(string(msg)))
	default:
		return fmt.Errorf("notify: sms gateway %d: %s: %w", resp.StatusCode, strings.TrimSpace(string(msg)), ErrPermanent)
	}
}
