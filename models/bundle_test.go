package models

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"onewindow/models/form"
	"onewindow/workflow"
)

// bundleDefinition is a filed definition of items, without a merged form.
func bundleDefinition(t testing.TB, s *Store, codes ...string) (*BundleDefinition, []NewApplication) {
	t.Helper()
	def := &BundleDefinition{Code: "test", Version: 1, Name: "测试一件事"}
	var children []NewApplication
	for _, c := range codes {
		it, err := s.Item(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		def.Items = append(def.Items, BundleItemRef{Code: it.Code, Name: it.Name, Department: it.DepartmentCode})
		for _, m := range it.Materials {
			def.Materials = append(def.Materials, MergedMaterial{Key: it.Code + "_" + m.Key, Name: m.Name,
				Necessity: m.Necessity, Items: map[string]string{it.Code: m.Key}})
		}
		children = append(children, NewApplication{Item: it, Form: FormData{}})
	}
	return def, children
}

func fileTestBundle(t testing.TB, s *Store, now time.Time, codes ...string) *BundleFiled {
	t.Helper()
	def, children := bundleDefinition(t, s, codes...)
	f, err := s.CreateBundleFiling(context.Background(), NewBundleFiling{Definition: def, Children: children,
		Applicant: Applicant{Kind: ApplicantPerson, IDKind: string(workflow.ResidentID), IDNumber: "11010519491231002X", Name: "张三"},
		Form:      FormData{"phone": "13800000000"}, Channel: ChannelOnline, Actor: "applicant", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func countRows(t *testing.T, s *Store, table string) int64 {
	t.Helper()
	var n int64
	if err := s.read.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBundleFilingWritesEveryChildOrNone(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	f := fileTestBundle(t, s, now, "A1", "A2", "A3")
	if f.Number != "20261125000001" || len(f.Children) != 3 || f.State != BundleSubmitted {
		t.Fatalf("filed %+v", f)
	}
	for i, c := range f.Children {
		if want := fmt.Sprintf("2026112500000%d", i+2); c.Number != want {
			t.Errorf("child %d number %s, want %s (the same daily sequence)", i, c.Number, want)
		}
	}
	if f.Children[1].Department != "zjj" || f.Children[2].ItemCode != "A3" {
		t.Errorf("children %+v", f.Children)
	}
	got, err := s.BundleFilingByCode(ctx, f.Number, f.QueryCode)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Children) != 3 || got.Children[0].BundleFilingID != got.ID || got.Children[0].State != workflow.Submitted ||
		len(got.Events) != 1 || got.Definition.Name != "测试一件事" || form.Values(got.Form).Text("phone") != "13800000000" {
		t.Fatalf("loaded %+v", got)
	}
	if _, err := s.BundleFilingByCode(ctx, f.Number, "WRONGCODE"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("wrong code: %v", err)
	}
	// A child that cannot be stored (its checklist repeats a key) files nothing at all.
	apps, bundles, events := countRows(t, s, "applications"), countRows(t, s, "bundle_filings"), countRows(t, s, "application_events")
	def, children := bundleDefinition(t, s, "A1", "A3")
	broken := *children[1].Item
	broken.Materials = []Material{{Key: "x", Name: "甲"}, {Key: "x", Name: "乙"}}
	children[1].Item = &broken
	_, err = s.CreateBundleFiling(ctx, NewBundleFiling{Definition: def, Children: children, Channel: ChannelOnline, Now: now,
		Applicant: Applicant{Kind: ApplicantPerson, IDKind: string(workflow.ResidentID), IDNumber: "11010519491231002X", Name: "张三"}})
	if err == nil {
		t.Fatal("a bundle with a broken child was filed")
	}
	if a, b, e := countRows(t, s, "applications"), countRows(t, s, "bundle_filings"), countRows(t, s, "application_events"); a != apps || b != bundles || e != events {
		t.Fatalf("a refused bundle left rows: applications %d→%d, bundles %d→%d, events %d→%d", apps, a, bundles, b, events, e)
	}
	// The sequence did not move either: the next filing takes the next free number.
	// On PostgreSQL numbers are drawn outside the filing's transaction, as from a
	// sequence (drawNumbers): the refused bundle leaves its three unused.
	want := "20261125000005"
	if s.Engine() == "postgres" {
		want = "20261125000008"
	}
	if next := file(t, s, "A1", now, nil); next.Number != want {
		t.Fatalf("next number %s", next.Number)
	}
}

func TestBundleIdempotencyReplaysTheFirstFiling(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	now := time.Now()
	def, children := bundleDefinition(t, s, "A1", "A3")
	nb := NewBundleFiling{Definition: def, Children: children, Channel: ChannelOnline, Now: now,
		Idem:      &Idempotency{Scope: "client", Key: "k", Request: "r"},
		Applicant: Applicant{Kind: ApplicantPerson, IDKind: string(workflow.ResidentID), IDNumber: "11010519491231002X", Name: "张三"}}
	a, err := s.CreateBundleFiling(ctx, nb)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.CreateBundleFiling(ctx, nb)
	if err != nil {
		t.Fatal(err)
	}
	if !b.Replayed || a.Number != b.Number || a.QueryCode != b.QueryCode || len(b.Children) != 2 || b.Children[1] != a.Children[1] {
		t.Fatalf("replay %+v vs %+v", b, a)
	}
	if n := countRows(t, s, "applications"); n != 2 {
		t.Fatalf("replay filed again: %d applications", n)
	}
	nb.Idem = &Idempotency{Scope: "client", Key: "k", Request: "other"}
	if _, err := s.CreateBundleFiling(ctx, nb); !errors.Is(err, ErrIdempotencyMismatch) {
		t.Fatalf("reused key: %v", err)
	}
}

// decideChild runs a child through its department to a decision.
func decideChild(s *Store, cal *workflow.Calendar, number string, act workflow.Action, now time.Time) error {
	ctx := context.Background()
	app, err := s.Application(ctx, number)
	if err != nil {
		return err
	}
	dept := app.Tasks[0].DepartmentCode
	fields := map[string]string{}
	if act == workflow.Deny {
		fields["reason"] = "材料不符合要求"
	}
	for _, a := range []workflow.Action{workflow.Claim, workflow.ReviewPass, act} {
		f := map[string]string{}
		if a == act {
			f = fields
		}
		if app, err = s.Act(ctx, ActionRequest{Number: number, Action: a, Actor: dept + ".staff", Department: dept,
			Fields: f, Cal: cal, Now: now}); err != nil {
			return fmt.Errorf("%s %s: %w", a, number, err)
		}
	}
	return nil
}

func TestBundleIsDecidedExactlyOnceWhenLastDecisionsRace(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	cal := testCalendar(t)
	now := time.Date(2026, 9, 18, 2, 0, 0, 0, time.UTC)
	for run := range 100 {
		f := fileTestBundle(t, s, now, "A1", "A3")
		acc, err := s.ActOnBundle(ctx, BundleActionRequest{Number: f.Number, Action: workflow.Accept, Version: 1, Actor: "window1", Cal: cal, Now: now, Checks: bundleReceivedChecks(s, f.Number)})
		if err != nil {
			t.Fatal(err)
		}
		if acc.State != BundleAccepted || acc.Children[0].State != workflow.Accepted || acc.Children[1].AcceptedOn == "" {
			t.Fatalf("accepted: %s %s", acc.State, acc.Children[0].State)
		}
		last := workflow.Approve
		if run%3 == 0 {
			last = workflow.Deny
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, c := range f.Children {
			wg.Go(func() {
				a := workflow.Approve
				if i == 1 {
					a = last
				}
				errs[i] = decideChild(s, cal, c.Number, a, now)
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		got, err := s.BundleFiling(ctx, f.Number)
		if err != nil {
			t.Fatal(err)
		}
		decides := 0
		for _, e := range got.Events {
			if e.Action == BundleDecide {
				decides++
			}
		}
		wantResult := "approved"
		if last == workflow.Deny {
			wantResult = "denied"
		}
		if got.State != BundleDecided || decides != 1 || got.Result != wantResult {
			t.Fatalf("run %d: state %s, %d decide events, result %q", run, got.State, decides, got.Result)
		}
		issue := BundleActionRequest{Number: f.Number, Action: workflow.Issue, Version: got.Version, Actor: "window1",
			Fields: map[string]string{"delivery": "window"}, Cal: cal, Now: now,
			ChildFields: map[string]map[string]string{f.Children[0].Number: {"result_number": "R1"}, f.Children[1].Number: {"result_number": "R2"}}}
		done, err := s.ActOnBundle(ctx, issue)
		if err != nil {
			t.Fatalf("run %d: issue: %v", run, err)
		}
		if done.State != BundleCompleted || done.Children[0].State != workflow.Completed || done.Children[1].State != workflow.Completed {
			t.Fatalf("run %d: issued %s %s %s", run, done.State, done.Children[0].State, done.Children[1].State)
		}
		issue.Version = done.Version
		if _, err := s.ActOnBundle(ctx, issue); !errors.Is(err, workflow.ErrIllegal) {
			t.Fatalf("run %d: second issue: %v", run, err)
		}
	}
}

func TestBundleActionsRefuseStaleVersionsAndSingleChildActions(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	cal := testCalendar(t)
	now := time.Date(2026, 9, 18, 2, 0, 0, 0, time.UTC)
	f := fileTestBundle(t, s, now, "A1", "A3")
	_, err := s.ActOnBundle(ctx, BundleActionRequest{Number: f.Number, Action: workflow.Accept, Version: 7, Actor: "window1", Cal: cal, Now: now})
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}
	if _, err := act(s, cal, f.Children[0].Number, workflow.Accept, "", 1, now, nil); !errors.Is(err, ErrBundleChild) {
		t.Fatalf("accepting a child alone: %v", err)
	}
	// Returning for supplements needs the missing list: the child's refusal names the child.
	_, err = s.ActOnBundle(ctx, BundleActionRequest{Number: f.Number, Action: workflow.RequestSupplement, Version: 1, Actor: "window1", Cal: cal, Now: now})
	var ce *ChildError
	var fe *FieldsError
	if !errors.As(err, &ce) || !errors.As(err, &fe) || fe.Fields[f.Children[0].Number+".missing"] == "" {
		t.Fatalf("missing list: %v", err)
	}
	got, err := s.ActOnBundle(ctx, BundleActionRequest{Number: f.Number, Action: workflow.RequestSupplement, Version: 1, Actor: "window1",
		Fields: map[string]string{"missing": "营业执照复印件"}, Cal: cal, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if got.State != BundleSupplementRequired || got.Children[1].State != workflow.SupplementRequired || got.Version != 2 {
		t.Fatalf("returned: %s %s v%d", got.State, got.Children[1].State, got.Version)
	}
	got, err = s.ActOnBundle(ctx, BundleActionRequest{Number: f.Number, Action: workflow.Reject, Version: 2, Actor: "window1",
		Fields: map[string]string{"reason": "不属于受理范围"}, Cal: cal, Now: now})
	if err != nil || got.State != BundleNotAccepted || got.Children[0].State != workflow.NotAccepted {
		t.Fatalf("rejected: %v", err)
	}
}

func TestMergeBundleAsksSharedFieldsOnce(t *testing.T) {
	text := func(key, zh string, req bool) form.Field {
		return form.Field{Key: key, Type: form.TypeText, Required: req, Label: form.Text{Zh: zh}}
	}
	decl := form.Field{Key: "declaration", Type: form.TypeCheckbox, Required: true, Label: form.Text{Zh: "承诺"}}
	a := &form.Schema{Version: 1, Fields: []form.Field{text("name", "姓名", true), decl,
		{Key: "kind", Type: form.TypeSelect, Options: []form.Option{{Value: "x", Label: form.Text{Zh: "甲"}}, {Value: "y", Label: form.Text{Zh: "乙"}}}, Label: form.Text{Zh: "类型"}}}}
	b := &form.Schema{Version: 1, Fields: []form.Field{text("name", "名称", false), text("legal", "法人", true), decl,
		{Key: "kind", Type: form.TypeSelect, Options: []form.Option{{Value: "z", Label: form.Text{Zh: "丙"}}}, Label: form.Text{Zh: "种类"}},
		{Key: "area", Type: form.TypeNumber, Label: form.Text{Zh: "面积"}}}}
	c := &form.Schema{Version: 1, Fields: []form.Field{text("operator", "经营者", true), {Key: "area", Type: form.TypeText, Label: form.Text{Zh: "区域"}}}}
	items := []BundleItemForm{
		{Code: "A", Name: "甲", Schema: a, Materials: []Material{{Key: "k1", Sort: 1, Name: "身份证", Necessity: NecessityOptional}}},
		{Code: "B", Name: "乙", Schema: b, Materials: []Material{{Key: "q", Sort: 1, Name: "身份证", Necessity: NecessityRequired},
			{Key: "r", Sort: 2, Name: "场所证明", Necessity: NecessityRequired}}},
		{Code: "C", Name: "丙", Schema: c},
	}
	m, err := MergeBundle(items, []BundleMapping{{Item: "B", Field: "legal", Merged: "name"}, {Item: "C", Field: "operator", Merged: "name"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, f := range m.Schema.Fields {
		keys = append(keys, f.Key)
	}
	// name shared by all three (two through the mapping); kind clashes by options; area by type; the declaration last.
	want := []string{"name", "kind", "kind_2", "area", "area_3", "declaration"}
	if fmt.Sprint(keys) != fmt.Sprint(want) {
		t.Fatalf("merged keys %v, want %v", keys, want)
	}
	if !m.Schema.Fields[0].Required || m.Schema.Fields[2].Label.Zh != "种类（乙）" {
		t.Errorf("fields %+v", m.Schema.Fields)
	}
	if m.Keys[1]["legal"] != "name" || m.Keys[1]["name"] != "name" || m.Keys[2]["area"] != "area_3" {
		t.Errorf("keys %v", m.Keys)
	}
	if len(m.Materials) != 2 || m.Materials[0].Necessity != NecessityRequired || m.Materials[0].Items["B"] != "q" || m.Materials[0].Items["A"] != "k1" {
		t.Errorf("materials %+v", m.Materials)
	}
	v := form.Values{"name": "张三", "kind_2": "z", "area_3": "东区"}
	if p := m.Project(1, b, v); p["legal"] != "张三" || p["name"] != "张三" || p["kind"] != "z" || len(p) != 3 {
		t.Errorf("projected onto B: %v", p)
	}
	if k := m.IssueKey(2, "form.area"); k != "form.area_3" {
		t.Errorf("issue key %s", k)
	}
	// A mapping onto a field of another kind, or of a field the item lacks, is the bundle's error.
	_, err = MergeBundle(items, []BundleMapping{{Item: "C", Field: "operator", Merged: "kind"}, {Item: "A", Field: "nope", Merged: "x"}}, nil)
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Fields["mapping.0"] == "" || ve.Fields["mapping.1"] == "" {
		t.Fatalf("bad mapping: %v", err)
	}
}

func TestBundleEditsAreVersionedAndLogged(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	now := time.Now()
	in := BundleInput{Code: "shop", Name: "开店", Items: []string{"A1", "A3"}, Reason: "新建"}
	b, err := s.CreateBundle(ctx, "catalog", in, now)
	if err != nil || b.Version != 1 || len(b.Items) != 2 {
		t.Fatalf("create: %+v %v", b, err)
	}
	var ve *ValidationError
	if _, err := s.CreateBundle(ctx, "catalog", in, now); !errors.As(err, &ve) || ve.Rule("code") != RuleTaken {
		t.Fatalf("taken: %v", err)
	}
	in.Name, in.Published, in.Reason = "开店一件事", true, "改名"
	if b, err = s.UpdateBundle(ctx, "catalog", in, 1, now); err != nil || b.Version != 2 || !b.Published {
		t.Fatalf("update: %+v %v", b, err)
	}
	if _, err := s.UpdateBundle(ctx, "catalog", in, 1, now); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale: %v", err)
	}
	if b, err = s.UpdateBundle(ctx, "catalog", in, 2, now); err != nil || b.Version != 2 {
		t.Fatalf("unchanged: %+v %v", b, err)
	}
	if _, err := s.CreateBundle(ctx, "catalog", BundleInput{Code: "Bad Code", Items: []string{"A1"}}, now); !errors.As(err, &ve) ||
		ve.Fields["code"] == "" || ve.Fields["name"] == "" || ve.Fields["items"] == "" {
		t.Fatalf("invalid: %v", err)
	}
	changes, err := s.BundleChanges(ctx, "shop")
	if err != nil || len(changes) != 2 || changes[0].Action != "edit" || changes[0].Reason != "改名" || changes[1].Before != "" {
		t.Fatalf("changes %+v %v", changes, err)
	}
	list, err := s.Bundles(ctx, true)
	if err != nil || len(list) != 1 || list[0].Name != "开店一件事" {
		t.Fatalf("published %+v %v", list, err)
	}
}
