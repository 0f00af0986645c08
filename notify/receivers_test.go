package notify_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"onewindow/models"
	"onewindow/workflow"
)

// receiver is the far side of a channel as real providers behave: it records
// every delivery it is handed, and counts a repeated dedupe key (Message-ID,
// request id) as the same message.
type receiver struct {
	mu         sync.Mutex
	deliveries map[string]int    // dedupe key → times handed over
	bodies     map[string]string // dedupe key → what arrived (subject and body, or the request)
	to         map[string]string // dedupe key → recipient
	onDeliver  func(n int)       // called with the total number of deliveries, after recording one
}

func newReceiver() *receiver {
	return &receiver{deliveries: map[string]int{}, bodies: map[string]string{}, to: map[string]string{}}
}

func (r *receiver) record(key, to, body string) {
	r.mu.Lock()
	r.deliveries[key]++
	r.bodies[key], r.to[key] = body, to
	n := 0
	for _, c := range r.deliveries {
		n += c
	}
	hook := r.onDeliver
	r.mu.Unlock()
	if hook != nil {
		hook(n)
	}
}

// messages is how many distinct messages arrived; handed is how many deliveries.
func (r *receiver) counts() (messages, handed int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.deliveries {
		handed += c
	}
	return len(r.deliveries), handed
}

// smtpServer runs an SMTP server on loopback and returns its port.
func smtpServer(t *testing.T, r *receiver) int {
	t.Helper()
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{r: r}, nil }))
	s.Domain = "localhost"
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l) //nolint:errcheck // ends with Close
	t.Cleanup(func() { s.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

type smtpSession struct {
	r  *receiver
	to string
}

func (s *smtpSession) Reset()        { s.to = "" }
func (s *smtpSession) Logout() error { return nil }
func (s *smtpSession) Mail(string, *smtp.MailOptions) error {
	return nil
}
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}
func (s *smtpSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(m.Body)
	if err != nil {
		return err
	}
	subj, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	s.r.record(m.Header.Get("Message-Id"), s.to, subj+"\n"+decodeBody(m.Header, body))
	return nil
}

// gateway is an SMS gateway on an httptest server; fail, when set, answers
// instead of accepting.
func gateway(t *testing.T, r *receiver, fail func() int) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var body map[string]any
		b, _ := io.ReadAll(req.Body)
		if err := json.Unmarshal(b, &body); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		if fail != nil {
			if code := fail(); code != 0 {
				http.Error(w, "busy", code)
				return
			}
		}
		id, _ := body["request_id"].(string)
		phone, _ := body["phone"].(string)
		if id == "" || id != req.Header.Get("X-Request-Id") {
			http.Error(w, "request id missing", http.StatusBadRequest)
			return
		}
		r.record(id, phone, string(b))
		w.Write([]byte(`{"code":"OK"}`)) //nolint:errcheck
	}))
	t.Cleanup(srv.Close)
	return srv
}

// seedOutbox files n applications whose applicants chose SMS and e-mail and
// accepts each, which queues 2n messages; it returns the data folder.
func seedOutbox(t *testing.T, dir string, n int, now time.Time) {
	t.Helper()
	ctx := context.Background()
	s, err := models.Open(ctx, dir, models.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.SeedCalendar(ctx, workflow.DefaultCalendarDays()); err != nil {
		t.Fatal(err)
	}
	depts := []models.Department{{Code: "scj", Name: "区市场监督管理局", ShortName: "区市场监管局", Sort: 1}}
	it := models.Item{Code: "L1", CatalogCode: "0100100000L1", Name: "食品经营许可", TypeCode: "01", DepartmentCode: "scj",
		Disposition: models.DispositionRetained, OnApplication: true, HandlingKind: models.KindPromised,
		StatutoryDays: models.IntPtr(20), PromisedDays: models.IntPtr(10), ServiceObjects: models.StringList{"自然人"},
		HandleForms: models.StringList{"窗口办理"}, Status: models.ItemPublished, Version: 1,
		Materials:   []models.Material{{Key: "m1", Sort: 1, Name: "申请书", Necessity: models.NecessityRequired, Copies: models.IntPtr(1)}},
		Departments: []models.ItemDepartment{{Sort: 1, DepartmentCode: "scj", Stages: models.StringList{"review", "decide"}}}}
	if _, err := s.SeedCatalogue(ctx, depts, models.DefaultItemTypes(), []models.Item{it}); err != nil {
		t.Fatal(err)
	}
	item, err := s.Item(ctx, "L1")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := workflow.NewCalendar(workflow.DefaultCalendarDays())
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		f, err := s.CreateApplication(ctx, models.NewApplication{Item: item, Channel: models.ChannelWindow, Actor: "clerk", Now: now,
			Notify: models.Notify{SMS: true, Email: "applicant" + strconv.Itoa(i) + "@example.cn"},
			Applicant: models.Applicant{Kind: models.ApplicantPerson, IDKind: string(workflow.ResidentID),
				IDNumber: "11010519491231002X", Name: "张三", Phone: "1380013" + fmt.Sprintf("%04d", i)}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Act(ctx, models.ActionRequest{Number: f.Number, Action: workflow.Accept, Actor: "clerk", Cal: cal, Now: now,
			Checks: map[string]models.MaterialCheck{"m1": {Provided: true, Kind: "original", Copies: 1}}})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func render(m models.Message) (string, string) {
	return "受理通知 " + m.Number, "您的申请 " + m.Number + "（" + m.Params["item"] + "）已受理。"
}

func decodeBody(h mail.Header, body []byte) string {
	if strings.EqualFold(h.Get("Content-Transfer-Encoding"), "quoted-printable") {
		b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(string(body))))
		if err == nil {
			return string(b)
		}
	}
	if strings.EqualFold(h.Get("Content-Transfer-Encoding"), "base64") {
		b, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(strings.ReplaceAll(string(body), "\r\n", ""), "\n", ""))
		if err == nil {
			return string(b)
		}
	}
	return string(body)
}
