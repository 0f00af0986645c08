package models

import (
	"context"
	"errors"
	"testing"
	"time"

	"onewindow/workflow"
)

// feeCatalogue is a catalogue with a charging item (F1, with an exemption
// listed), a charging item with none (F2) and a free item (F3).
func feeCatalogue(t *testing.T) *Store {
	t.Helper()
	s := openTest(t)
	item := func(code, name string, fee *bool, fees []Fee) Item {
		return Item{Code: code, CatalogCode: "0100200000" + code, Name: name, TypeCode: "01", DepartmentCode: "scj",
			Disposition: DispositionRetained, OnApplication: true, HandlingKind: KindPromised,
			StatutoryDays: IntPtr(20), PromisedDays: IntPtr(10), ServiceObjects: StringList{"企业法人"},
			Status: ItemPublished, Version: 1, IsFee: fee, Fees: fees,
			Materials:   []Material{{Key: "m1", Sort: 1, Name: "申请书", Necessity: NecessityRequired, Copies: IntPtr(1)}},
			Departments: []ItemDepartment{{Sort: 1, DepartmentCode: "scj", Stages: StringList{"review", "decide"}}}}
	}
	items := []Item{
		item("F1", "特种设备检验", BoolPtr(true), []Fee{{Sort: 1, Name: "检验费", Standard: "每台300元", Basis: "发改价格〔2015〕1号",
			Exemption: "小微企业免收"}}),
		item("F2", "招牌设置许可", BoolPtr(true), []Fee{{Sort: 1, Name: "审查费", Standard: "每件50元"}}),
		item("F3", "食品经营许可", BoolPtr(false), nil),
	}
	depts := []Department{{Code: "scj", Name: "集宁区市场监督管理局", ShortName: "区市场监管局", Sort: 1}}
	if _, err := s.SeedCatalogue(context.Background(), depts, DefaultItemTypes(), items); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return s
}

// approved files an application for code and runs it to a positive decision on day.
func approved(t *testing.T, s *Store, cal *workflow.Calendar, code string, day time.Time) *Application {
	t.Helper()
	f := file(t, s, code, day, nil)
	app, err := act(s, cal, f.Number, workflow.Accept, "", 1, day, nil)
	for _, a := range []workflow.Action{workflow.Claim, workflow.ReviewPass, workflow.Approve} {
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		app, err = act(s, cal, f.Number, a, "scj", app.Version, day, nil)
	}
	if err != nil || app.State != workflow.Approved {
		t.Fatalf("approve %s: %v", code, err)
	}
	return app
}

func TestResultIsHeldUntilTheFeeIsPaid(t *testing.T) {
	s, cal, ctx := feeCatalogue(t), testCalendar(t), context.Background()
	day := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	app := approved(t, s, cal, "F1", day)
	issue := map[string]string{"result_number": "TS-1", "delivery": "window"}
	if _, err := act(s, cal, app.Number, workflow.Issue, "", app.Version, day, issue); !errors.Is(err, ErrPaymentRequired) {
		t.Fatalf("issue before payment: %v", err)
	}
	if got, _ := s.Application(ctx, app.Number); got.State != workflow.Approved || got.Version != app.Version {
		t.Fatalf("a refused issue changed the application: %s v%d", got.State, got.Version)
	}
	n, err := s.IssuePaymentNotice(ctx, NewPaymentNotice{Number: app.Number, Version: app.Version, Actor: "clerk", AmountFen: 30000, Now: day})
	if err != nil || n.State != PaymentUnpaid || n.FeeNames != "检验费" || n.Number != "JK20261207000001" {
		t.Fatalf("notice %+v: %v", n, err)
	}
	if _, err := s.IssuePaymentNotice(ctx, NewPaymentNotice{Number: app.Number, Version: app.Version + 1, Actor: "clerk", AmountFen: 1, Now: day}); !errors.Is(err, ErrPaymentNoticeExists) {
		t.Fatalf("second notice: %v", err)
	}
	if _, err := act(s, cal, app.Number, workflow.Issue, "", app.Version+1, day, issue); !errors.Is(err, ErrPaymentRequired) {
		t.Fatalf("issue with the notice unpaid: %v", err)
	}
	var fe *FieldsError
	if _, err := s.MarkPaidAtWindow(ctx, WindowPayment{Number: app.Number, Version: app.Version + 1, Actor: "clerk", Now: day}); !errors.As(err, &fe) || fe.Fields["receipt_number"] == "" {
		t.Fatalf("paid without a receipt number: %v", err)
	}
	paid, err := s.MarkPaidAtWindow(ctx, WindowPayment{Number: app.Number, Version: app.Version + 1, Actor: "clerk", ReceiptNumber: "PJ001", Now: day})
	if err != nil || paid.State != PaymentPaid || paid.PaidVia != PaidAtWindow {
		t.Fatalf("paid %+v: %v", paid, err)
	}
	done, err := act(s, cal, app.Number, workflow.Issue, "", app.Version+2, day, issue)
	if err != nil || done.State != workflow.Completed {
		t.Fatalf("issue after payment: %v", err)
	}
}

func TestExemptionOnlyWhereTheItemListsOne(t *testing.T) {
	s, cal, ctx := feeCatalogue(t), testCalendar(t), context.Background()
	day := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	none := approved(t, s, cal, "F2", day)
	var fe *FieldsError
	_, err := s.IssuePaymentNotice(ctx, NewPaymentNotice{Number: none.Number, Version: none.Version, Actor: "clerk", Exemption: "困难群众", Now: day})
	if !errors.As(err, &fe) || fe.Fields["exemption"] != FieldNoExemption {
		t.Fatalf("exemption on an item listing none: %v", err)
	}
	if ns, _ := s.PaymentNotices(ctx, none.ID); len(ns) != 0 {
		t.Fatalf("a refused notice was written: %+v", ns)
	}
	listed := approved(t, s, cal, "F1", day)
	n, err := s.IssuePaymentNotice(ctx, NewPaymentNotice{Number: listed.Number, Version: listed.Version, Actor: "clerk", Exemption: "小微企业免收", Now: day})
	if err != nil || n.State != PaymentExempt || n.Exemption != "小微企业免收" {
		t.Fatalf("exempt notice %+v: %v", n, err)
	}
	if _, err := act(s, cal, listed.Number, workflow.Issue, "", listed.Version+1, day, map[string]string{"result_number": "X", "delivery": "online"}); err != nil {
		t.Fatalf("issue after exemption: %v", err)
	}
	free := approved(t, s, cal, "F3", day)
	if _, err := s.IssuePaymentNotice(ctx, NewPaymentNotice{Number: free.Number, Version: free.Version, Actor: "clerk", AmountFen: 100, Now: day}); !errors.Is(err, workflow.ErrIllegal) {
		t.Fatalf("notice on a free item: %v", err)
	}
}

func TestPaymentCallbackIsIdempotentAndRefusesWhatDoesNotMatch(t *testing.T) {
	s, cal, ctx := feeCatalogue(t), testCalendar(t), context.Background()
	day := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	app := approved(t, s, cal, "F1", day)
	n, err := s.IssuePaymentNotice(ctx, NewPaymentNotice{Number: app.Number, Version: app.Version, Actor: "clerk", AmountFen: 30000, Now: day})
	if err != nil {
		t.Fatal(err)
	}
	var fe *FieldsError
	if _, _, err := s.PayByCallback(ctx, CallbackPayment{Notice: n.Number, AmountFen: 29999, TransactionID: "T1", Now: day}); !errors.As(err, &fe) || fe.Fields["amount"] != FieldAmountMismatch {
		t.Fatalf("wrong amount: %v", err)
	}
	if got, _ := s.PaymentNotice(ctx, n.Number); got.State != PaymentUnpaid {
		t.Fatalf("a wrong amount changed the notice: %s", got.State)
	}
	p, replayed, err := s.PayByCallback(ctx, CallbackPayment{Notice: n.Number, AmountFen: 30000, TransactionID: "T1", Now: day})
	if err != nil || replayed || p.State != PaymentPaid {
		t.Fatalf("pay: %+v %v %v", p, replayed, err)
	}
	before, _ := s.Application(ctx, app.Number)
	if _, replayed, err := s.PayByCallback(ctx, CallbackPayment{Notice: n.Number, AmountFen: 30000, TransactionID: "T1", Now: day.Add(time.Minute)}); err != nil || !replayed {
		t.Fatalf("the same report again: %v %v", replayed, err)
	}
	if _, _, err := s.PayByCallback(ctx, CallbackPayment{Notice: n.Number, AmountFen: 30000, TransactionID: "T2", Now: day}); !errors.Is(err, ErrConflict) {
		t.Fatalf("a second payment: %v", err)
	}
	after, _ := s.Application(ctx, app.Number)
	if after.Version != before.Version || after.EventCount != before.EventCount {
		t.Fatalf("a replay changed the application: v%d→v%d", before.Version, after.Version)
	}
	if _, _, err := s.PayByCallback(ctx, CallbackPayment{Notice: "JK20990101000009", AmountFen: 1, TransactionID: "T3", Now: day}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown notice: %v", err)
	}
}

func TestDeliveryIsDueTenWorkingDaysAfterTheDecision(t *testing.T) {
	s, cal, ctx := feeCatalogue(t), testCalendar(t), context.Background()
	day := time.Date(2026, 9, 18, 2, 0, 0, 0, time.UTC) // a Friday before the national holidays
	app := approved(t, s, cal, "F3", day)
	d, err := s.Delivery(ctx, app.ID)
	// Sun 20 Sep works (1), 21–24 (2–5), 25–27 off, 28–30 (6–8), 1–7 Oct off, 8–9 Oct (9–10).
	if err != nil || d.DecidedOn != "2026-09-18" || d.DueOn != "2026-10-09" {
		t.Fatalf("delivery %+v: %v", d, err)
	}
	cases, err := s.DeliveriesOpen(ctx, 10)
	if err != nil || len(cases) != 1 || cases[0].Overdue(time.Date(2026, 10, 9, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("due on its last day is not overdue: %+v %v", cases, err)
	}
	if !cases[0].Overdue(time.Date(2026, 10, 10, 0, 0, 0, 0, time.UTC)) {
		t.Fatal("a day past the due day is overdue")
	}
	post := time.Date(2026, 10, 9, 2, 0, 0, 0, time.UTC)
	var fe *FieldsError
	_, err = act(s, cal, app.Number, workflow.Issue, "", app.Version, post, map[string]string{"result_number": "R1", "delivery": "post", "tracking_number": "EMS1"})
	if !errors.As(err, &fe) || fe.Fields["carrier"] != workflow.FieldRequired {
		t.Fatalf("post without carrier: %v", err)
	}
	done, err := act(s, cal, app.Number, workflow.Issue, "", app.Version, post, map[string]string{"result_number": "R1", "delivery": "post", "tracking_number": "EMS1", "carrier": "中国邮政EMS"})
	if err != nil {
		t.Fatal(err)
	}
	if cases, _ := s.DeliveriesOpen(ctx, 10); len(cases) != 1 || cases[0].IssuedOn != "2026-10-09" || cases[0].Overdue(post.AddDate(0, 0, 5)) {
		t.Fatalf("posted on time, awaiting receipt: %+v", cases)
	}
	later := time.Date(2026, 10, 12, 2, 0, 0, 0, time.UTC)
	if err := s.RecordReceipt(ctx, Receipt{Number: app.Number, Version: done.Version, Actor: "clerk", Receiver: "李四", ReceivedOn: "2026-10-08", Now: later}); !errors.As(err, &fe) || fe.Fields["received_on"] != FieldBeforeIssue {
		t.Fatalf("signed before it was sent: %v", err)
	}
	if err := s.RecordReceipt(ctx, Receipt{Number: app.Number, Version: done.Version, Actor: "clerk", Receiver: "李四", ReceivedOn: "2026-10-11", Now: later}); err != nil {
		t.Fatal(err)
	}
	d, _ = s.Delivery(ctx, app.ID)
	got, _ := s.Application(ctx, app.Number)
	if d.ReceivedOn != "2026-10-11" || d.Receiver != "李四" || d.Carrier != "中国邮政EMS" || DeliveryState(got, d) != DeliveryDelivered {
		t.Fatalf("receipt %+v", d)
	}
	if err := s.RecordReceipt(ctx, Receipt{Number: app.Number, Version: got.Version, Actor: "clerk", Receiver: "李四", ReceivedOn: "2026-10-11", Now: later}); !errors.Is(err, workflow.ErrIllegal) {
		t.Fatalf("second receipt: %v", err)
	}
	if cases, _ := s.DeliveriesOpen(ctx, 10); len(cases) != 0 {
		t.Fatalf("a delivered result is still listed: %+v", cases)
	}
}

func TestParseYuan(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"300": 30000, "0.5": 50, "12.34": 1234, "0": 0} {
		if got, ok := ParseYuan(in); !ok || got != want {
			t.Errorf("ParseYuan(%q) = %d %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "-1", "1.234", "1e3", "abc", "1.", ".5"} {
		if _, ok := ParseYuan(in); ok {
			t.Errorf("ParseYuan(%q) accepted", in)
		}
	}
}
