package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"onewindow/handlers"
	"onewindow/models"
	"onewindow/notify"
	"onewindow/web"
)

// recordingSender keeps what it was asked to send; failures fail that many
// sends first.
type recordingSender struct {
	mu       sync.Mutex
	failures int
	got      []notify.Envelope
}

func (r *recordingSender) Send(_ context.Context, e notify.Envelope) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failures > 0 {
		r.failures--
		return errors.New("gateway busy")
	}
	r.got = append(r.got, e)
	return nil
}

// newOutboxEnv is a private demo server with the demo accounts, the test's
// clock and senders.
func newOutboxEnv(t *testing.T, clock *officeClock, senders map[string]notify.Sender) *demoEnv {
	t.Helper()
	parallel(t)
	store, err := openSeeded(t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	site, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := handlers.New(context.Background(), handlers.Config{Store: store, Site: site, Demo: true, Now: clock.Now,
		Senders: senders})
	if err != nil {
		t.Fatal(err)
	}
	env := &demoEnv{store: store, srv: srv, http: httptest.NewServer(srv.Handler())}
	t.Cleanup(func() { env.http.Close(); env.store.Close() })
	return env
}

// outboxAnswer is what GET /api/v1/outbox answers.
type outboxAnswer struct {
	Queued, Sending, Failed int
	LagSeconds              float64 `json:"lag_seconds"`
	Messages                []struct {
		Number, Kind, Channel, State string
		Attempts                     int
		LastError                    string `json:"last_error"`
		DedupeKey                    string `json:"dedupe_key"`
	}
}

// An applicant files through the API asking for SMS and e-mail in English;
// acceptance queues one message per channel in its transaction; supervisors
// see them queued (API, page, metrics); the dispatcher sends the e-mail in
// English, retries the SMS after the gateway's failure with backoff, and the
// window page shows both sent with the recipients masked.
func TestOutboxFromFilingToSentThroughTheAPIAndPages(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	sms, mail := &recordingSender{failures: 1}, &recordingSender{}
	env := newOutboxEnv(t, clock, map[string]notify.Sender{"sms": sms, "email": mail})
	single, _ := officeItems(t, env.store)
	a := handledApplicants[0]
	body := func(notify map[string]any) map[string]any {
		return map[string]any{"item_code": single.Code, "form": sampleAnswers(single.Code, a.kind, a.name, a.id),
			"applicant": map[string]string{"kind": a.kind, "name": a.name, "id_number": a.id, "phone": a.phone},
			"notify":    notify}
	}
	// Bad choices are refused by field and file nothing.
	status, raw := call(t, env, "POST", "/api/v1/applications", "", body(map[string]any{"email": "zhang at example"}))
	if status != 422 || !strings.Contains(string(raw), `"notify.email"`) {
		t.Fatalf("a bad address: %d %s", status, raw)
	}
	noPhone := body(map[string]any{"sms": true})
	noPhone["applicant"] = map[string]string{"kind": "person", "name": "王五", "id_number": "110101199003071233"}
	noPhone["form"] = sampleAnswers(single.Code, "person", "王五", "110101199003071233")
	if status, raw = call(t, env, "POST", "/api/v1/applications", "", noPhone); status != 422 || !strings.Contains(string(raw), `"notify.sms"`) {
		t.Fatalf("SMS without a phone: %d %s", status, raw)
	}
	var bundles struct {
		Bundles []struct{ Code string } `json:"bundles"`
	}
	if _, raw = call(t, env, "GET", "/api/v1/bundles", "", nil); json.Unmarshal(raw, &bundles) != nil || len(bundles.Bundles) == 0 {
		t.Fatalf("bundles: %s", raw)
	}
	status, raw = call(t, env, "POST", "/api/v1/applications", "", map[string]any{"bundle_code": bundles.Bundles[0].Code,
		"applicant": map[string]string{"kind": a.kind, "name": a.name, "id_number": a.id}, "notify": map[string]any{"sms": true}})
	if status != 422 || !strings.Contains(string(raw), `"notify"`) {
		t.Fatalf("a bundle with notifications: %d %s", status, raw)
	}
	sup := loginToken(t, env, "supervisor")
	var got outboxAnswer
	if _, raw = call(t, env, "GET", "/api/v1/outbox", sup, nil); json.Unmarshal(raw, &got) != nil || len(got.Messages) != 0 {
		t.Fatalf("refused filings queued messages: %s", raw)
	}

	status, raw = call(t, env, "POST", "/api/v1/applications", "", body(map[string]any{"sms": true, "email": "zhang@example.cn", "lang": "en"}))
	var f filedAnswer
	if status != 201 || json.Unmarshal(raw, &f) != nil {
		t.Fatalf("file: %d %s", status, raw)
	}
	clerk := loginToken(t, env, "window1")
	if status, raw = call(t, env, "POST", "/api/v1/applications/"+f.Number+"/actions/accept", clerk, acceptBody(t, env, f.Number, 1)); status != 200 {
		t.Fatalf("accept: %d %s", status, raw)
	}
	if status, _ = call(t, env, "GET", "/api/v1/outbox", clerk, nil); status != 403 {
		t.Errorf("a window clerk read the outbox: %d", status)
	}
	if status, raw = call(t, env, "GET", "/api/v1/outbox?state=lost", sup, nil); status != 422 || !strings.Contains(string(raw), `"state"`) {
		t.Errorf("an unknown state: %d %s", status, raw)
	}
	clock.Set(clock.Now().Add(90 * time.Second))
	if _, raw = call(t, env, "GET", "/api/v1/outbox?number="+f.Number, sup, nil); json.Unmarshal(raw, &got) != nil ||
		got.Queued != 2 || len(got.Messages) != 2 || got.LagSeconds != 90 || got.Messages[0].Kind != "accepted" ||
		got.Messages[0].State != "queued" || strings.Contains(string(raw), "zhang@") || strings.Contains(string(raw), a.phone) {
		t.Fatalf("queued: %s", raw)
	}
	families := scrape(t, env)
	if v, ok := sample(families, "onewindow_outbox_messages", map[string]string{"state": "queued"}); !ok || v != 2 {
		t.Errorf("metrics: %v queued", v)
	}
	if v, ok := sample(families, "onewindow_outbox_lag_seconds", map[string]string{}); !ok || v != 90 {
		t.Errorf("metrics: lag %v", v)
	}

	res, err := env.srv.DispatchOutbox(context.Background())
	if err != nil || res.Sent != 1 || res.Retried != 1 {
		t.Fatalf("first round: %+v %v", res, err)
	}
	if len(mail.got) != 1 || mail.got[0].To != "zhang@example.cn" || mail.got[0].Subject != "Application accepted" ||
		!strings.Contains(mail.got[0].Body, f.Number) || !strings.Contains(mail.got[0].Body, "promised to be completed by 20") {
		t.Fatalf("the e-mail: %+v", mail.got)
	}
	office := loginSession(t, env, "supervisor", "demo1234")
	_, page, _ := office.get("/supervise/outbox?state=queued&lang=zh-CN")
	if !strings.Contains(page, "gateway busy") || !strings.Contains(page, `data-state="queued" data-channel="sms"`) ||
		!strings.Contains(page, "待发送 1 条") {
		t.Fatalf("the supervisors' page does not show the SMS waiting with its error:\n%.3000s", page)
	}
	// The retry waits for its backoff on the server's clock.
	if res, _ = env.srv.DispatchOutbox(context.Background()); res.Sent != 0 {
		t.Fatalf("retried before the backoff: %+v", res)
	}
	clock.Set(clock.Now().Add(time.Minute))
	if res, _ = env.srv.DispatchOutbox(context.Background()); res.Sent != 1 || len(sms.got) != 1 ||
		sms.got[0].To != a.phone || sms.got[0].Kind != "accepted" || sms.got[0].Params["number"] != f.Number ||
		sms.got[0].ID != f.Number+"-e2-sms" {
		t.Fatalf("the SMS: %+v %+v", res, sms.got)
	}
	window := loginSession(t, env, "window1", "demo1234")
	_, page, _ = window.get("/window/applications/" + f.Number + "?lang=zh-CN")
	for _, want := range []string{`id="outbox-choice"`, "z***@example.cn", "139****5678", `data-state="sent" data-channel="sms"`,
		`data-state="sent" data-channel="email"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the window page lacks %s", want)
		}
	}
	if strings.Contains(page, "zhang@example.cn") {
		t.Error("the window page shows the address in full")
	}
}

// The window's intake form asks the applicant's choice; a chosen e-mail
// without an address is refused by its input, and a good choice is stored.
func TestWindowIntakeAsksHowTheApplicantWantsToHear(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOutboxEnv(t, clock, nil)
	single, _ := officeItems(t, env.store)
	client := staffClient(t, env, "window1")
	form := intakeForm(t, env, client, single)
	form.Set("notify_email", "true")
	status, page, _ := fetch(t, client, http.MethodPost, env.http.URL+"/window/new?lang=zh-CN", form)
	if status != 422 || !strings.Contains(page, `id="err-notify_address"`) || !strings.Contains(page, "请填写有效的电子邮箱地址") ||
		!strings.Contains(page, `name="notify_email" value="true" checked`) {
		t.Fatalf("an e-mail without an address: %d\n%.3000s", status, page)
	}
	form.Set("notify_address", "li@example.cn")
	form.Set("notify_sms", "true")
	status, _, resp := fetch(t, client, http.MethodPost, env.http.URL+"/window/new", form)
	m := filedLocation.FindStringSubmatch(resp.Header.Get("Location"))
	if status != 303 || m == nil {
		t.Fatalf("register: %d", status)
	}
	app, err := env.store.Application(context.Background(), m[1])
	if err != nil {
		t.Fatal(err)
	}
	if app.NotifyChannels != "sms,email" || app.ApplicantEmail != "li@example.cn" || app.NotifyLang != "" {
		t.Errorf("stored choice %q %q %q", app.NotifyChannels, app.ApplicantEmail, app.NotifyLang)
	}
}

// Every kind of message has its subject, body, short body and label in every
// language, and a short body names nothing but the number and the item (what
// every event records): a kind added to the store's table without its texts
// fails here, not in an applicant's inbox.
func TestEveryNoticeKindHasItsTexts(t *testing.T) {
	site, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range web.Langs() {
		keys := map[string]bool{}
		for _, k := range site.Keys(lang) {
			keys[k] = true
		}
		for _, kind := range models.NoticeKinds() {
			for _, k := range []string{"outbox.msg." + kind + ".subject", "outbox.msg." + kind + ".body",
				"outbox.msg." + kind + ".short", "outbox.kind." + kind} {
				if !keys[k] {
					t.Errorf("%s: no %s", lang, k)
				}
			}
			short := strings.NewReplacer("{number}", "", "{item}", "").Replace(site.T(lang, "outbox.msg."+kind+".short"))
			if strings.Contains(short, "{") {
				t.Errorf("%s: the short text of %s names more than the number and the item: %s", lang, kind, short)
			}
		}
	}
}
