package models

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"onewindow/workflow"
)

func fileNotified(t *testing.T, s *Store, n Notify, phone string, now time.Time) *Filed {
	t.Helper()
	ctx := context.Background()
	it, err := s.Item(ctx, "L1")
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.CreateApplication(ctx, NewApplication{Item: it, Channel: ChannelOnline, Actor: "applicant", Now: now, Notify: n,
		Applicant: Applicant{Kind: ApplicantPerson, IDKind: string(workflow.ResidentID), IDNumber: "11010519491231002X",
			Name: "张三", Phone: phone}})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestAnEventQueuesOneMessagePerChosenChannelInItsTransaction(t *testing.T) {
	s := legalCatalogue(t)
	cal := testCalendar(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	both := fileNotified(t, s, Notify{SMS: true, Email: "zhang@example.cn", Lang: "en"}, "13800138000", now)
	none := fileNotified(t, s, Notify{}, "13800138000", now)

	// A stale version fails the action: its rollback takes the messages with it.
	if _, err := act(s, cal, both.Number, workflow.Accept, "", 7, now, nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale accept: %v", err)
	}
	if got, _ := s.Messages(ctx, MessageFilter{Number: both.Number}); len(got) != 0 {
		t.Fatalf("a failed action queued %d messages", len(got))
	}
	if _, err := act(s, cal, both.Number, workflow.Accept, "", 1, now, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := act(s, cal, none.Number, workflow.Accept, "", 1, now, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.Messages(ctx, MessageFilter{Number: both.Number})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("messages = %+v, want an SMS and an e-mail", got)
	}
	for _, m := range got {
		if m.Kind != NoticeAccepted || m.State != MessageQueued || m.Lang != "en" || m.Params["number"] != both.Number ||
			m.Params["deadline"] == "" || m.Recipient != "" {
			t.Errorf("message %+v", m)
		}
		if !strings.HasPrefix(m.DedupeKey, both.Number+"-e2-") {
			t.Errorf("dedupe key %q does not name the event", m.DedupeKey)
		}
	}
	if got, _ := s.Messages(ctx, MessageFilter{Number: none.Number}); len(got) != 0 {
		t.Errorf("an applicant who chose nothing got %d messages", len(got))
	}
	// The address is sealed at rest like the phone.
	var raw string
	if err := s.db.Raw(`SELECT applicant_email FROM applications WHERE number = ?`, both.Number).Row().Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(raw, "zhang@") || !isSealed(raw) {
		t.Errorf("stored e-mail %q is not sealed", raw)
	}
	// A claim opens the address for the dispatcher only.
	claimed, err := s.ClaimMessages(ctx, "a", now, time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	rcpt := map[string]string{}
	for _, m := range claimed {
		rcpt[m.Channel] = m.Recipient
	}
	if rcpt[NotifySMS] != "13800138000" || rcpt[NotifyEmail] != "zhang@example.cn" {
		t.Errorf("recipients %v", rcpt)
	}
}

func TestLeasedMessagesAreNotClaimedTwiceUntilTheLeaseRunsOut(t *testing.T) {
	s := legalCatalogue(t)
	cal := testCalendar(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f := fileNotified(t, s, Notify{SMS: true}, "13800138000", now)
	if _, err := act(s, cal, f.Number, workflow.Accept, "", 1, now, nil); err != nil {
		t.Fatal(err)
	}
	a, err := s.ClaimMessages(ctx, "a", now, time.Minute, 10)
	if err != nil || len(a) != 1 {
		t.Fatalf("claim a: %v %v", a, err)
	}
	if b, _ := s.ClaimMessages(ctx, "b", now.Add(59*time.Second), time.Minute, 10); len(b) != 0 {
		t.Fatalf("b claimed a leased message: %+v", b)
	}
	// a stalls; its lease runs out and b takes the message over.
	b, _ := s.ClaimMessages(ctx, "b", now.Add(61*time.Second), time.Minute, 10)
	if len(b) != 1 || b[0].Attempts != 2 || b[0].DedupeKey != a[0].DedupeKey {
		t.Fatalf("takeover: %+v", b)
	}
	if err := s.MessageSent(ctx, a[0].ID, "a", now); !errors.Is(err, ErrConflict) {
		t.Errorf("the lapsed owner recorded the send: %v", err)
	}
	retry := now.Add(2 * time.Minute)
	if err := s.MessageFailed(ctx, b[0].ID, "b", "gateway said 503", retry); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.ClaimMessages(ctx, "c", retry.Add(-time.Second), time.Minute, 10); len(c) != 0 {
		t.Fatalf("claimed before its retry time: %+v", c)
	}
	c, _ := s.ClaimMessages(ctx, "c", retry, time.Minute, 10)
	if len(c) != 1 || c[0].LastError != "gateway said 503" {
		t.Fatalf("retry: %+v", c)
	}
	if err := s.MessageSent(ctx, c[0].ID, "c", retry); err != nil {
		t.Fatal(err)
	}
	st, err := s.OutboxStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.ByState[MessageQueued]+st.ByState[MessageSending]+st.ByState[MessageFailed] != 0 || !st.OldestUnsent.IsZero() {
		t.Errorf("stats %+v", st)
	}
}

func TestNoticeRulesCoverTheEventsThatTellTheApplicant(t *testing.T) {
	cases := []struct {
		act    workflow.Action
		to     workflow.State
		detail map[string]string
		want   string
	}{
		{workflow.Accept, workflow.Accepted, nil, NoticeAccepted},
		{workflow.Approve, workflow.Approved, nil, NoticeApproved},
		{workflow.Approve, workflow.InReview, nil, ""}, // one department of a joint item: no decision yet
		{workflow.Deny, workflow.Denied, nil, NoticeDenied},
		{workflow.Terminate, workflow.Terminated, map[string]string{"rule": RulePendingOverdue}, NoticePendingOverdue},
		{workflow.Terminate, workflow.Terminated, nil, ""},
		{workflow.Claim, workflow.InReview, nil, ""},
	}
	for _, c := range cases {
		if got := noticeKind(c.act, c.to, c.detail); got != c.want {
			t.Errorf("%s → %s: %q, want %q", c.act, c.to, got, c.want)
		}
	}
}

func TestADepartmentsReplyToAPoorRatingQueuesANotice(t *testing.T) {
	s := legalCatalogue(t)
	cal := testCalendar(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f := fileNotified(t, s, Notify{Email: "zhang@example.cn"}, "", now)
	if _, err := act(s, cal, f.Number, workflow.Accept, "", 1, now, nil); err != nil {
		t.Fatal(err)
	}
	e, err := s.Evaluate(ctx, NewEvaluation{Number: f.Number, Source: SourceWindow, Clerk: "window1", Level: LevelVeryDissatisfied,
		Cal: cal, Now: now})
	if err != nil || e.Case == nil {
		t.Fatalf("rating: %+v %v", e, err)
	}
	c := e.Case
	for _, step := range []string{StepVerify, StepReply} {
		if c, err = s.AdvanceCase(ctx, CaseStep{CaseID: c.ID, Step: step, Version: c.Version, Actor: "scj.approve",
			Note: "已核实并答复", Now: now}); err != nil {
			t.Fatal(err)
		}
	}
	msgs, err := s.Messages(ctx, MessageFilter{Number: f.Number})
	if err != nil {
		t.Fatal(err)
	}
	// The acceptance's e-mail and the reply's; the applicant gave no phone, so no SMS.
	if len(msgs) != 2 || msgs[0].Kind != NoticeEvaluationReply || msgs[0].Channel != NotifyEmail ||
		msgs[0].DedupeKey != f.Number+"-r"+strconv.Itoa(int(c.ID))+"-email" || msgs[1].Kind != NoticeAccepted {
		t.Fatalf("messages %+v", msgs)
	}
}
