package models

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"onewindow/workflow"
)

// seedPledge adds P1, an item taking a 告知承诺 in place of the proof other
// bodies issue (m2), and R1, an item with a 容缺 period of its own.
func seedPledge(t *testing.T, s *Store) {
	t.Helper()
	base := func(code, name string) Item {
		return Item{Code: code, CatalogCode: "0100200000" + code, Name: name, TypeCode: "01", DepartmentCode: "scj",
			Disposition: DispositionRetained, OnApplication: true, HandlingKind: KindPromised,
			StatutoryDays: IntPtr(20), PromisedDays: IntPtr(10), ServiceObjects: StringList{"自然人"}, HandleForms: StringList{"窗口办理"},
			Status: ItemPublished, Version: 1,
			Departments: []ItemDepartment{{Sort: 1, DepartmentCode: "scj", Stages: StringList{"review", "decide"}}}}
	}
	p := base("P1", "公共场所卫生许可")
	p.PledgeAllowed, p.PledgeText, p.PledgeCheckDays = true, "本人承诺所填信息及场所符合卫生要求，如有不实愿承担撤销许可的后果。", IntPtr(10)
	p.Materials = []Material{
		{Key: "m1", Sort: 1, Name: "申请书", Necessity: NecessityRequired, Source: "applicant", Copies: IntPtr(1)},
		{Key: "m2", Sort: 2, Name: "卫生检测报告", Necessity: NecessityRequired, Source: "other", Copies: IntPtr(1), PledgeReplaces: true},
	}
	r := base("R1", "临时占用道路许可")
	r.PendingDays = IntPtr(3)
	r.Materials = []Material{
		{Key: "m1", Sort: 1, Name: "申请书", Necessity: NecessityRequired, Copies: IntPtr(1)},
		{Key: "m3", Sort: 2, Name: "场所证明", Necessity: NecessityDeferred, Copies: IntPtr(1)},
	}
	items := []Item{p, r}
	if err := s.write(context.Background(), func(tx *gorm.DB) error { return tx.Create(&items).Error }, AreaCatalogue); err != nil {
		t.Fatalf("seed: %v", err)
	}
}

func filePledge(t *testing.T, s *Store, code, channel string, now time.Time) (*Filed, error) {
	t.Helper()
	it, err := s.Item(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return s.CreateApplication(context.Background(), NewApplication{Item: it, Channel: channel, Actor: "applicant", Now: now,
		Pledge: true, Applicant: Applicant{Kind: ApplicantPerson, IDKind: string(workflow.ResidentID), IDNumber: "11010519491231002X", Name: "张三"}})
}

// grantedPledge files P1 online with the pledge, accepts it with the proof
// replaced and grants it; it returns the granted application.
func grantedPledge(t *testing.T, s *Store, cal *workflow.Calendar, now time.Time) *Application {
	t.Helper()
	f, err := filePledge(t, s, "P1", ChannelOnline, now)
	if err != nil {
		t.Fatal(err)
	}
	app, err := s.Act(context.Background(), ActionRequest{Number: f.Number, Action: workflow.Accept, Version: 1, Actor: "window1",
		Checks: map[string]MaterialCheck{"m1": {Provided: true, Kind: "original", Copies: 1}}, Cal: cal, Now: now})
	if err != nil {
		t.Fatalf("accept on the pledge: %v", err)
	}
	if app, err = act(s, cal, f.Number, workflow.Claim, "scj", app.Version, now, nil); err != nil {
		t.Fatal(err)
	}
	if app, err = act(s, cal, f.Number, workflow.Approve, "scj", app.Version, now, nil); err != nil {
		t.Fatalf("approve without a review: %v", err)
	}
	return app
}

func TestOnlinePledgeReplacesTheProofAndIsDecidedWithoutReview(t *testing.T) {
	s := legalCatalogue(t)
	seedPledge(t, s)
	cal := testCalendar(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) // Mon 2 Mar 2026
	f, err := filePledge(t, s, "P1", ChannelOnline, now)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Pledge(ctx, f.Number)
	if err != nil {
		t.Fatal(err)
	}
	if p.SignedAt == nil || p.Channel != ChannelOnline || p.ItemVersion != 1 || p.Text == "" || len(p.TextSHA256) != 64 || p.CheckState != PledgeCheckNone {
		t.Fatalf("pledge as filed: %+v", p)
	}
	app, err := s.Act(ctx, ActionRequest{Number: f.Number, Action: workflow.Accept, Version: 1, Actor: "window1",
		Checks: map[string]MaterialCheck{"m1": {Provided: true, Kind: "original", Copies: 1}}, Cal: cal, Now: now})
	if err != nil {
		t.Fatalf("accept with the proof replaced by the pledge: %v", err)
	}
	if m := app.Materials[1]; m.Provided || !m.Pledged {
		t.Fatalf("the proof: %+v, want pledged", m)
	}
	if len(app.Tasks) != 1 || app.Tasks[0].Stage != string(workflow.StageDecide) {
		t.Fatalf("tasks %+v, want straight to the decision", app.Tasks)
	}
	// Without the pledge the same item needs the proof.
	it, _ := s.Item(ctx, "P1")
	plain, err := s.CreateApplication(ctx, NewApplication{Item: it, Channel: ChannelOnline, Actor: "applicant", Now: now,
		Applicant: Applicant{Kind: ApplicantPerson, IDKind: string(workflow.ResidentID), IDNumber: "11010519491231002X", Name: "张三"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Act(ctx, ActionRequest{Number: plain.Number, Action: workflow.Accept, Version: 1, Actor: "window1",
		Checks: map[string]MaterialCheck{"m1": {Provided: true, Kind: "original", Copies: 1}}, Cal: cal, Now: now})
	if got := problems(t, err); got["m2"] != MaterialNotReceived {
		t.Fatalf("plain filing without the proof: %v", got)
	}
	// A pledge on an item that takes none is refused.
	if _, err := filePledge(t, s, "L1", ChannelOnline, now); !isFieldProblem(err, "pledge", PledgeNotAllowed) {
		t.Fatalf("pledge on L1: %v", err)
	}
}

func TestWindowPledgeIsAcceptedOnlyOnceTheSignedPledgeIsReceived(t *testing.T) {
	s := legalCatalogue(t)
	seedPledge(t, s)
	cal := testCalendar(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	f, err := filePledge(t, s, "P1", ChannelWindow, now)
	if err != nil {
		t.Fatal(err)
	}
	c := map[string]MaterialCheck{"m1": {Provided: true, Kind: "original", Copies: 1}}
	_, err = s.Act(ctx, ActionRequest{Number: f.Number, Action: workflow.Accept, Version: 1, Actor: "window1", Checks: c, Cal: cal, Now: now})
	if !isFieldProblem(err, "pledge", PledgeNotSigned) {
		t.Fatalf("accept before the signed pledge: %v", err)
	}
	if app, _ := s.Application(ctx, f.Number); app.State != workflow.Submitted || app.Version != 1 {
		t.Fatalf("refused acceptance changed the application: %s v%d", app.State, app.Version)
	}
	if _, err := s.SignPledge(ctx, PledgeSign{Number: f.Number, Version: 1, Actor: "window1", Now: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignPledge(ctx, PledgeSign{Number: f.Number, Version: 2, Actor: "window1", Now: now}); !errors.Is(err, ErrConflict) {
		t.Fatalf("signing twice: %v", err)
	}
	if _, err := s.Act(ctx, ActionRequest{Number: f.Number, Action: workflow.Accept, Version: 1, Actor: "window1", Checks: c, Cal: cal, Now: now}); err != nil {
		t.Fatalf("accept after the signed pledge: %v", err)
	}
}

func TestPledgeCheckIsDueOverdueAndAFailedCheckRevokesTheGrant(t *testing.T) {
	s := legalCatalogue(t)
	seedPledge(t, s)
	cal := testCalendar(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) // Mon 2 Mar 2026
	app := grantedPledge(t, s, cal, now)
	passed := grantedPledge(t, s, cal, now)
	if app.State != workflow.Approved {
		t.Fatalf("state %s", app.State)
	}
	p, _ := s.Pledge(ctx, app.Number)
	// Ten working days after Mon 2 Mar 2026: Mon 16 Mar.
	if p.CheckState != PledgeCheckOpen || p.CheckDue != "2026-03-16" || p.DecidedOn != "2026-03-02" {
		t.Fatalf("check after the grant: %+v", p)
	}
	open, err := s.PledgeChecks(ctx, PledgeFilter{State: PledgeCheckOpen, Limit: 10})
	if err != nil || len(open) != 2 {
		t.Fatalf("open checks %v %v", open, err)
	}
	if open[0].Overdue(time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)) || !open[0].Overdue(time.Date(2026, 3, 17, 0, 0, 0, 0, time.UTC)) {
		t.Fatal("overdue on the due date, or not the day after")
	}
	if other, _ := s.PledgeChecks(ctx, PledgeFilter{Departments: []string{"zjj"}, Limit: 10}); len(other) != 0 {
		t.Fatalf("zjj sees scj's checks: %v", other)
	}
	// Revoking before a failed check is illegal.
	if _, err := act(s, cal, app.Number, workflow.Revoke, "scj", app.Version, now, map[string]string{"reason": "x"}); !errors.Is(err, workflow.ErrIllegal) {
		t.Fatalf("revoke before a check: %v", err)
	}
	later := now.Add(20 * 24 * time.Hour)
	_, err = s.RecordPledgeCheck(ctx, PledgeCheck{Number: app.Number, Version: p.Version, Result: PledgeCheckFailed, Actor: "scj.review", Now: later})
	if !isFieldProblem(err, "findings", workflow.FieldRequired) {
		t.Fatalf("failed without findings: %v", err)
	}
	if _, err := s.RecordPledgeCheck(ctx, PledgeCheck{Number: app.Number, Version: p.Version, Result: PledgeCheckFailed,
		Findings: "现场无消毒设施，与承诺不符", Actor: "scj.review", Now: later}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordPledgeCheck(ctx, PledgeCheck{Number: app.Number, Version: p.Version + 1, Result: PledgeCheckPassed,
		Actor: "scj.review", Now: later}); !errors.Is(err, ErrConflict) {
		t.Fatalf("a second check: %v", err)
	}
	pp, _ := s.Pledge(ctx, passed.Number)
	if _, err := s.RecordPledgeCheck(ctx, PledgeCheck{Number: passed.Number, Version: pp.Version, Result: PledgeCheckPassed, Actor: "scj.review", Now: later}); err != nil {
		t.Fatal(err)
	}
	if _, err := act(s, cal, passed.Number, workflow.Revoke, "scj", passed.Version, later, map[string]string{"reason": "x"}); !errors.Is(err, workflow.ErrIllegal) {
		t.Fatalf("revoke after a passed check: %v", err)
	}
	if _, err := act(s, cal, app.Number, workflow.Revoke, "scj", app.Version, later, nil); !isFieldProblem(err, "reason", workflow.FieldRequired) {
		t.Fatalf("revoke without a reason: %v", err)
	}
	got, err := act(s, cal, app.Number, workflow.Revoke, "scj", app.Version, later, map[string]string{"reason": "承诺内容与实际不符"})
	if err != nil {
		t.Fatal(err)
	}
	if got.State != workflow.Revoked {
		t.Fatalf("state %s", got.State)
	}
	full, _ := s.Application(ctx, app.Number)
	last := full.Events[len(full.Events)-1]
	if f := last.Fields(); last.Action != workflow.Revoke || f["reason"] != "承诺内容与实际不符" || f["findings"] != "现场无消毒设施，与承诺不符" {
		t.Fatalf("revocation event %+v", last)
	}
	for r, err := range s.Chains(ctx, []string{app.Number}) {
		if err != nil || r.Break != nil {
			t.Fatalf("chain: %+v %v", r, err)
		}
	}
}

func TestPendingDueFollowsTheItemsOwnPeriod(t *testing.T) {
	s := legalCatalogue(t)
	seedPledge(t, s)
	cal := testCalendar(t)
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) // Mon 2 Mar 2026
	f := file(t, s, "R1", now, nil)
	app, err := accept(s, cal, f.Number, workflow.AcceptPending, 1, now, map[string]MaterialCheck{"m1": {Provided: true, Kind: "original", Copies: 1}},
		map[string]string{"pending": "m3"})
	if err != nil {
		t.Fatal(err)
	}
	if app.PendingDue != "2026-03-05" { // three working days, not the default five (2026-03-09)
		t.Fatalf("due %s, want 2026-03-05", app.PendingDue)
	}
	g := file(t, s, "R1", now, nil)
	_, err = accept(s, cal, g.Number, workflow.AcceptPending, 1, now, map[string]MaterialCheck{"m1": {Provided: true, Kind: "original", Copies: 1}},
		map[string]string{"pending": "m3", "due": "2026-03-06"})
	if !isFieldProblem(err, "due", workflow.FieldTooLate) {
		t.Fatalf("due past the item's period: %v", err)
	}
}
