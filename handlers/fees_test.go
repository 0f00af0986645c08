package handlers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"onewindow/handlers"
	"onewindow/models"
	"onewindow/web"
)

// feesSecret is the payment platform's shared secret in these tests.
const feesSecret = "test-payment-secret-0123456789"

// newFeesEnv is a private demo server with a clock the test sets and a
// payment platform's secret.
func newFeesEnv(t *testing.T, clock *officeClock) *demoEnv {
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
	srv, err := handlers.New(t.Context(), handlers.Config{Store: store, Site: site, Demo: true, Now: clock.Now, PaymentSecret: feesSecret})
	if err != nil {
		t.Fatal(err)
	}
	env := &demoEnv{store: store, srv: srv, http: httptest.NewServer(srv.Handler())}
	t.Cleanup(func() { env.http.Close(); env.store.Close() })
	return env
}

// chargingItem is the demo's 不动产首次登记: it charges a fee and lists an exemption.
func chargingItem(t *testing.T) models.Item {
	return demoItem(t, func(it models.Item) bool { return it.Name == "不动产首次登记" })
}

// approvedApplication files an application for it online and runs it to a positive decision.
func approvedApplication(t *testing.T, env *demoEnv, it models.Item) (filedAnswer, map[string]string) {
	t.Helper()
	f := fileOnline(t, env, it.Code)
	dept := it.DepartmentCode
	tokens := map[string]string{"window1": loginToken(t, env, "window1"), dept + ".review": loginToken(t, env, dept+".review"),
		dept + ".approve": loginToken(t, env, dept+".approve")}
	v := staffView(t, env, tokens["window1"], f.Number)
	if status, b := call(t, env, http.MethodPost, "/api/v1/applications/"+f.Number+"/actions/accept", tokens["window1"], acceptBody(t, env, f.Number, v.Version)); status != http.StatusOK {
		t.Fatalf("accept: %d %s", status, b)
	}
	if err := decideInDepartment(env, tokens, f.Number, dept, "approve"); err != nil {
		t.Fatal(err)
	}
	return f, tokens
}

type feesStatusAnswer struct {
	State   string `json:"state"`
	Version int    `json:"version"`
	Payment *struct {
		Charges bool `json:"charges"`
		Notice  *struct {
			Number string `json:"notice_number"`
			Amount string `json:"amount"`
			State  string `json:"state"`
		} `json:"notice"`
	} `json:"payment"`
	Delivery struct {
		Mode       string `json:"mode"`
		State      string `json:"state"`
		DueOn      string `json:"due_on"`
		Overdue    bool   `json:"overdue"`
		Carrier    string `json:"carrier"`
		Tracking   string `json:"tracking_number"`
		ReceivedOn string `json:"received_on"`
		Receiver   string `json:"receiver"`
	} `json:"delivery"`
}

func feesStatus(t *testing.T, env *demoEnv, f filedAnswer) feesStatusAnswer {
	t.Helper()
	status, b := call(t, env, http.MethodGet, "/api/v1/status/"+f.Number+"?code="+f.QueryCode, "", nil)
	if status != http.StatusOK {
		t.Fatalf("status: %d %s", status, b)
	}
	var s feesStatusAnswer
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// callback posts a payment report signed with secret.
func callback(t *testing.T, env *demoEnv, secret string, report map[string]any) (int, string) {
	t.Helper()
	body, _ := json.Marshal(report)
	req, err := http.NewRequest(http.MethodPost, env.http.URL+"/api/v1/payments/callback", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature", handlers.SignPaymentCallback([]byte(secret), body))
	resp, got := checkedDo(t, http.DefaultClient, req, body)
	return resp.StatusCode, string(got)
}

func TestFeesHoldTheResultUntilPaidAndTheCallbackPaysOnce(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)} // Mon 2 Mar 2026, 10:00
	env := newFeesEnv(t, clock)
	f, tokens := approvedApplication(t, env, chargingItem(t))
	window := tokens["window1"]
	st := feesStatus(t, env, f)
	// Ten working days from Mon 2 Mar: 3–6, 9–13, 16 Mar.
	if st.State != "approved" || st.Payment == nil || !st.Payment.Charges || st.Payment.Notice != nil ||
		st.Delivery.DueOn != "2026-03-16" || st.Delivery.State != models.DeliveryToIssue {
		t.Fatalf("after the decision: %+v", st)
	}
	issue := map[string]any{"version": st.Version, "result_number": "蒙(2026)集宁区不动产权第0000001号", "delivery": "window"}
	if status, b := call(t, env, http.MethodPost, "/api/v1/applications/"+f.Number+"/actions/issue", window, issue); status != http.StatusConflict || !strings.Contains(string(b), "payment_required") {
		t.Fatalf("issue before payment: %d %s", status, b)
	}
	if st2 := feesStatus(t, env, f); st2.State != "approved" || st2.Version != st.Version {
		t.Fatalf("a refused issue changed the application: %+v", st2)
	}
	status, b := call(t, env, http.MethodPost, "/api/v1/applications/"+f.Number+"/payment-notice", window, map[string]any{"version": st.Version, "amount": "80"})
	if status != http.StatusCreated {
		t.Fatalf("notice: %d %s", status, b)
	}
	var notice struct {
		Number string `json:"notice_number"`
	}
	_ = json.Unmarshal(b, &notice)
	report := map[string]any{"notice_number": notice.Number, "amount_fen": 8000, "transaction_id": "PAY-1", "timestamp": clock.Now().Unix()}
	if status, b := callback(t, env, "another-secret-0123456789", report); status != http.StatusUnauthorized {
		t.Fatalf("bad signature: %d %s", status, b)
	}
	old := map[string]any{"notice_number": notice.Number, "amount_fen": 8000, "transaction_id": "PAY-0", "timestamp": clock.Now().Add(-time.Hour).Unix()}
	if status, b := callback(t, env, feesSecret, old); status != http.StatusConflict || !strings.Contains(b, "stale_callback") {
		t.Fatalf("replayed old report: %d %s", status, b)
	}
	wrong := map[string]any{"notice_number": notice.Number, "amount_fen": 800, "transaction_id": "PAY-2", "timestamp": clock.Now().Unix()}
	if status, b := callback(t, env, feesSecret, wrong); status != http.StatusUnprocessableEntity || !strings.Contains(b, "amount_fen") {
		t.Fatalf("wrong amount: %d %s", status, b)
	}
	if st2 := feesStatus(t, env, f); st2.Payment.Notice.State != models.PaymentUnpaid || st2.Version != st.Version+1 {
		t.Fatalf("a refused report changed something: %+v", st2.Payment.Notice)
	}
	if status, b := callback(t, env, feesSecret, report); status != http.StatusOK || !strings.Contains(b, `"replayed":false`) {
		t.Fatalf("pay: %d %s", status, b)
	}
	paid := feesStatus(t, env, f)
	if status, b := callback(t, env, feesSecret, report); status != http.StatusOK || !strings.Contains(b, `"replayed":true`) {
		t.Fatalf("the same report again: %d %s", status, b)
	}
	if again := feesStatus(t, env, f); again.Version != paid.Version || again.Payment.Notice.State != models.PaymentPaid {
		t.Fatalf("the repeated report changed the application: v%d → v%d", paid.Version, again.Version)
	}
	second := map[string]any{"notice_number": notice.Number, "amount_fen": 8000, "transaction_id": "PAY-3", "timestamp": clock.Now().Unix()}
	if status, b := callback(t, env, feesSecret, second); status != http.StatusConflict {
		t.Fatalf("a second payment of a paid notice: %d %s", status, b)
	}
	post := map[string]any{"version": paid.Version, "result_number": "蒙(2026)集宁区不动产权第0000001号", "delivery": "post", "tracking_number": "EMS1234567890"}
	if status, b := call(t, env, http.MethodPost, "/api/v1/applications/"+f.Number+"/actions/issue", window, post); status != http.StatusUnprocessableEntity || !strings.Contains(string(b), "carrier") {
		t.Fatalf("post without a carrier: %d %s", status, b)
	}
	post["carrier"] = "中国邮政速递物流"
	if status, b := call(t, env, http.MethodPost, "/api/v1/applications/"+f.Number+"/actions/issue", window, post); status != http.StatusOK {
		t.Fatalf("issue after payment: %d %s", status, b)
	}
	sent := feesStatus(t, env, f)
	if sent.State != "completed" || sent.Delivery.State != models.DeliverySent || sent.Delivery.Tracking != "EMS1234567890" || sent.Delivery.Carrier != "中国邮政速递物流" {
		t.Fatalf("sent: %+v", sent.Delivery)
	}
	clock.Set(time.Date(2026, 3, 4, 2, 0, 0, 0, time.UTC))
	receipt := map[string]any{"version": sent.Version, "receiver": "张三", "received_on": "2026-03-05"}
	if status, b := call(t, env, http.MethodPost, "/api/v1/applications/"+f.Number+"/delivery/receipt", window, receipt); status != http.StatusUnprocessableEntity || !strings.Contains(string(b), "received_on") {
		t.Fatalf("a receipt dated tomorrow: %d %s", status, b)
	}
	receipt["received_on"] = "2026-03-03"
	if status, b := call(t, env, http.MethodPost, "/api/v1/applications/"+f.Number+"/delivery/receipt", window, receipt); status != http.StatusOK {
		t.Fatalf("receipt: %d %s", status, b)
	}
	done := feesStatus(t, env, f)
	if done.Delivery.State != models.DeliveryDelivered || done.Delivery.ReceivedOn != "2026-03-03" || done.Delivery.Receiver != "张*" {
		t.Fatalf("delivered: %+v", done.Delivery)
	}
}

func TestDeliveryOverdueShowsOnTheWindowDesk(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newFeesEnv(t, clock)
	free := demoItem(t, func(it models.Item) bool {
		return it.HandlingKind == models.KindPromised && len(it.Departments) <= 1 && (it.IsFee == nil || !*it.IsFee) && len(it.Fees) == 0
	})
	f, _ := approvedApplication(t, env, free)
	clerk := loginSession(t, env, "window1", "demo1234")
	row := func() string {
		status, body, _ := clerk.get("/window")
		if status != http.StatusOK {
			t.Fatalf("desk: %d", status)
		}
		i := strings.Index(body, `id="deliveries"`)
		if i < 0 {
			t.Fatalf("the desk lists no delivery:\n%s", body)
		}
		j := strings.Index(body[i:], f.Number)
		if j < 0 {
			t.Fatalf("%s is not in the deliveries", f.Number)
		}
		start := strings.LastIndex(body[:i+j], "<tr")
		end := strings.Index(body[i+j:], "</tr>")
		return body[start : i+j+end]
	}
	if r := row(); strings.Contains(r, "overdue") || !strings.Contains(r, "2026-03-16") {
		t.Fatalf("on its due day's eve: %s", r)
	}
	clock.Set(time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC)) // the due day, 17:00
	if r := row(); strings.Contains(r, "overdue") {
		t.Fatalf("overdue on the due day itself: %s", r)
	}
	clock.Set(time.Date(2026, 3, 17, 1, 0, 0, 0, time.UTC))
	if r := row(); !strings.Contains(r, `class="overdue"`) {
		t.Fatalf("not overdue the day after: %s", r)
	}
	if st := feesStatus(t, env, f); !st.Delivery.Overdue || st.Payment != nil {
		t.Fatalf("status of an overdue free item: %+v", st)
	}
}

func TestFeeCatalogueListsChargingItemsAndUnknownIsNotZero(t *testing.T) {
	parallel(t)
	status, body := get(t, "/fees")
	if status != http.StatusOK {
		t.Fatalf("/fees = %d", status)
	}
	it := chargingItem(t)
	i := strings.Index(body, `data-item="`+it.Code+`"`)
	if i < 0 {
		t.Fatalf("%s is not listed", it.Name)
	}
	row := body[i : i+strings.Index(body[i:], "</tr>")]
	for _, want := range []string{"不动产登记费", "住宅类每件 80 元", "发改价格规〔2016〕2559号", "小微企业（含个体工商户）"} {
		if !strings.Contains(row, want) {
			t.Errorf("the row lacks %q: %s", want, row)
		}
	}
	var doc struct {
		Items []struct {
			Code string `json:"code"`
			Fees []struct {
				Exemption *string `json:"exemption"`
			} `json:"fees"`
		} `json:"items"`
	}
	getJSON(t, "/api/v1/fees", 200, &doc)
	nulls := 0
	for _, x := range doc.Items {
		for _, fee := range x.Fees {
			if fee.Exemption == nil {
				nulls++
			}
		}
	}
	if len(doc.Items) < 2 || nulls == 0 {
		t.Fatalf("charging items %d, unpublished exemptions %d", len(doc.Items), nulls)
	}
	if !strings.Contains(body, "未公布") {
		t.Fatal("an unpublished exemption is not shown as 未公布")
	}
}

// The window writes the payment notice; the applicant sees it on the status
// page and prints it; once paid, the window changes the delivery to post and
// issues with carrier and tracking number, and the applicant sees both.
func TestBrowserStatusShowsThePaymentNoticeThenTheDelivery(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newFeesEnv(t, clock)
	f, _ := approvedApplication(t, env, chargingItem(t))
	ctx := newBrowser(t)
	page := env.http.URL + "/window/applications/" + f.Number
	status := env.http.URL + "/status/" + f.Number + "?code=" + f.QueryCode
	text := func(id string) string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
		if err != nil {
			saveScreenshot(t, ctx)
			t.Fatalf("%s: %v", id, err)
		}
		return got
	}
	must := func(step string, err error) {
		t.Helper()
		if err != nil {
			saveScreenshot(t, ctx)
			t.Fatalf("%s: %v", step, err)
		}
	}
	must("log in", loginBrowser(ctx, env.http.URL, "window1"))
	must("issue the payment notice", chromedp.Do(ctx,
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.ID("form-payment-notice")),
		chromedp.SendKeys(chromedp.ID("amount"), "80"),
		chromedp.Click(chromedp.ID("do-payment-notice")),
		chromedp.WaitVisible(chromedp.ID("form-payment-paid")),
	))
	must("the applicant's status page", chromedp.Do(ctx,
		chromedp.Navigate(status),
		chromedp.WaitVisible(chromedp.ID("payment")),
	))
	notice := text("payment-number")
	if got := text("payment"); !strings.Contains(got, "80.00 元") || !strings.Contains(got, "待缴费") || !strings.Contains(got, "不动产登记费") {
		t.Fatalf("the status page's payment: %q", got)
	}
	must("print the notice", chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("status-payment-notice")),
		chromedp.WaitVisible(chromedp.ID("payment-notice")),
	))
	if got := text("payment-notice"); !strings.Contains(got, "缴款通知书") || !strings.Contains(got, notice) || !strings.Contains(got, "80.00 元") {
		t.Fatalf("the printed notice: %q", got)
	}
	must("pay at the window and choose post", chromedp.Do(ctx,
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.ID("form-payment-paid")),
		chromedp.SendKeys(chromedp.ID("receipt_number"), "PJ2026000123"),
		chromedp.Click(chromedp.ID("do-payment-paid")),
		// The page after the payment has no payment form: wait for it, not for the old page.
		chromedp.WaitNotPresent(chromedp.ID("form-payment-paid")),
		chromedp.WaitVisible(chromedp.ID("form-delivery-mode")),
		chromedp.SetValue(chromedp.ID("delivery-mode"), "post"),
		chromedp.Click(chromedp.ID("do-delivery-mode")),
		// The page after the change has post as the issue form's default.
		chromedp.WaitReady(chromedp.CSS("#delivery_post[checked]")),
		chromedp.WaitVisible(chromedp.ID("form-issue")),
	))
	if got := text("delivery-mode-value"); got != "邮寄送达" {
		t.Fatalf("the mode after the change: %q", got)
	}
	must("issue by post", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("result_number"), "蒙(2026)集宁区不动产权第0000002号"),
		chromedp.SendKeys(chromedp.ID("tracking_number"), "1180000000001"),
		chromedp.SendKeys(chromedp.ID("carrier"), "中国邮政速递物流"),
		chromedp.Click(chromedp.ID("do-issue")),
		chromedp.WaitVisible(chromedp.ID("form-receipt")),
		chromedp.Navigate(status),
		chromedp.WaitVisible(chromedp.ID("delivery")),
	))
	got := text("delivery")
	for _, want := range []string{"邮寄送达", "1180000000001", "中国邮政速递物流", "已寄出，待签收", "2026-03-16"} {
		if !strings.Contains(got, want) {
			t.Errorf("the status page's delivery lacks %q: %q", want, got)
		}
	}
	if got := text("payment-state"); !strings.Contains(got, "已缴费") {
		t.Errorf("the payment after it was paid: %q", got)
	}
}

// The window's forms refuse bad input with the field named and change nothing.
func TestWindowFeeFormsRefuseBadInput(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newFeesEnv(t, clock)
	f, tokens := approvedApplication(t, env, demoItem(t, func(it models.Item) bool { return it.Name == "普通护照签发" }))
	v := staffView(t, env, tokens["window1"], f.Number)
	clerk := loginSession(t, env, "window1", "demo1234")
	path := "/window/applications/" + f.Number
	// Issuing before the fee is paid keeps the clerk on the processing page, told
	// in Chinese what comes first, and changes nothing.
	status, body, _ := clerk.post(path, url.Values{"action": {"issue"}, "version": {fmt.Sprint(v.Version)},
		"form_token": {"tok-issue-unpaid"}, "result_number": {"J150902000001"}, "delivery": {"window"}})
	if status != http.StatusConflict || !strings.Contains(body, `id="form-errors"`) || !strings.Contains(body, "出件前须缴清费用") ||
		!strings.Contains(body, `id="app-state"`) || strings.Contains(body, "the fee is not paid") {
		t.Fatalf("issue before payment at the window: %d, want 409 on the processing page with the reason in Chinese", status)
	}
	status, body, _ = clerk.post(path+"/payment-notice", url.Values{"version": {fmt.Sprint(v.Version)}, "amount": {"12.345"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-amount"`) {
		t.Fatalf("a bad amount: %d", status)
	}
	// 普通护照签发 lists no exemption: the form offers none and the API refuses one.
	if !strings.Contains(body, `id="no-exemption"`) {
		t.Fatal("the form offers an exemption the item does not list")
	}
	code, b := call(t, env, http.MethodPost, "/api/v1/applications/"+f.Number+"/payment-notice", tokens["window1"],
		map[string]any{"version": v.Version, "amount": "0", "exemption": "困难群众"})
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(b), "exemption") {
		t.Fatalf("an exemption the item does not list: %d %s", code, b)
	}
	if code, b := call(t, env, http.MethodPost, "/api/v1/applications/"+f.Number+"/payment-notice", tokens["window1"], map[string]any{"amount": "120"}); code != http.StatusUnprocessableEntity || !strings.Contains(string(b), "version") {
		t.Fatalf("no version: %d %s", code, b)
	}
	if after := staffView(t, env, tokens["window1"], f.Number); after.Version != v.Version {
		t.Fatalf("refused forms changed the application: v%d → v%d", v.Version, after.Version)
	}
	// 17:00 UTC on Monday is 01:00 on Tuesday at the centre: the notice is dated Tuesday.
	clock.Set(time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC))
	status, _, loc := clerk.post(path+"/payment-notice", url.Values{"version": {fmt.Sprint(v.Version)}, "amount": {"120"}})
	if status != http.StatusSeeOther {
		t.Fatalf("the notice: %d", status)
	}
	if _, printed, _ := clerk.get(path + "/payment-notice"); !strings.Contains(printed, "<p>2026-03-03</p>") {
		t.Error("the printed 缴款通知书 is not dated with the centre's date 2026-03-03")
	}
	page := clerk.follow(status, "", loc)
	if !strings.Contains(page, "120.00 元") || !strings.Contains(page, `id="form-payment-paid"`) {
		t.Fatal("the page after the notice shows no notice to pay")
	}
	status, body, _ = clerk.post(path+"/payment-paid", url.Values{"version": {fmt.Sprint(v.Version + 1)}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-receipt_number"`) {
		t.Fatalf("paid without a receipt number: %d", status)
	}
	// Paid and issued at the window, the result waits to be collected: nothing was posted.
	if status, _, _ = clerk.post(path+"/payment-paid", url.Values{"version": {fmt.Sprint(v.Version + 1)}, "receipt_number": {"NO0001"}}); status != http.StatusSeeOther {
		t.Fatalf("paid: %d", status)
	}
	status, _, loc = clerk.post(path, url.Values{"action": {"issue"}, "version": {fmt.Sprint(v.Version + 2)},
		"form_token": {"tok-issue-paid"}, "result_number": {"J150902000001"}, "delivery": {"window"}})
	if status != http.StatusSeeOther {
		t.Fatalf("issue after payment: %d", status)
	}
	if page = clerk.follow(status, "", loc); !strings.Contains(page, "已出件，待领取") || strings.Contains(page, "已寄出") {
		t.Error("a result issued at the window is said to be posted, or not to await collection")
	}
}
