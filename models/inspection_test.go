package models

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
	"time"

	"onewindow/workflow"
)

// inspectionFixture stores two departments, 80 entities and six inspectors
// (four of scj, two of hbj; the first scj inspector avoids the first entity).
func inspectionFixture(t *testing.T) (*Store, []string) {
	t.Helper()
	s := openTest(t)
	ctx := context.Background()
	if _, err := s.SeedCatalogue(ctx, []Department{{Code: "scj", Name: "集宁区市场监督管理局", ShortName: "市场监管局", Sort: 1},
		{Code: "hbj", Name: "生态环境分局", ShortName: "生态环境", Sort: 2}}, DefaultItemTypes(), nil); err != nil {
		t.Fatal(err)
	}
	var rows []EntityRow
	var codes []string
	for i := range 80 {
		code := workflow.CompleteCreditCode(fmt.Sprintf("92150902MA%07d", i))
		codes = append(codes, code)
		rows = append(rows, EntityRow{Row: i + 2, CreditCode: code, Name: fmt.Sprintf("集宁区第%d商店", i+1), RiskLevel: RiskLevels[i%4]})
	}
	if _, err := s.ImportInspectionEntities(ctx, rows, time.Now()); err != nil {
		t.Fatal(err)
	}
	xs := []InspectorRow{{Row: 2, CertNo: "15090001", Name: "甲", Department: "scj", Avoid: []string{codes[0]}},
		{Row: 3, CertNo: "15090002", Name: "乙", Department: "市场监管局"}, {Row: 4, CertNo: "15090003", Name: "丙", Department: "scj"},
		{Row: 5, CertNo: "15090004", Name: "丁", Department: "scj"}, {Row: 6, CertNo: "15090005", Name: "戊", Department: "hbj"},
		{Row: 7, CertNo: "15090006", Name: "己", Department: "生态环境分局"}}
	if _, err := s.ImportInspectors(ctx, xs, []string{"*"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	return s, codes
}

func TestInspectionPlanCommitDrawPublishVerifies(t *testing.T) {
	s, _ := inspectionFixture(t)
	ctx := context.Background()
	cal, _ := workflow.NewCalendar(workflow.DefaultCalendarDays())
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	p, err := s.CreateInspectionPlan(ctx, NewInspectionPlan{Departments: []string{"scj", "hbj"}, Year: 2026, Title: "联合抽查", Actor: "t", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DrawInspectionPlan(ctx, p.ID, p.Version, cal, now); !errors.Is(err, ErrPlanState) {
		t.Fatalf("draw of a draft: %v, want ErrPlanState", err)
	}
	seed := []byte("a fixed seed for the test, 32 b!")
	p, err = s.CommitInspectionPlan(ctx, p.ID, p.Version, seed, now)
	if err != nil {
		t.Fatal(err)
	}
	if p.Commitment != workflow.Commitment(seed) || p.PublicSeed() != "" {
		t.Fatalf("commitment %s, public seed %q", p.Commitment, p.PublicSeed())
	}
	if _, err := s.CommitInspectionPlan(ctx, p.ID, p.Version-1, nil, now); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale commit: %v, want ErrConflict", err)
	}
	p, err = s.DrawInspectionPlan(ctx, p.ID, p.Version, cal, now)
	if err != nil {
		t.Fatal(err)
	}
	// 20 working days after Monday 2 March 2026.
	if p.ResultsDueOn != "2026-03-30" {
		t.Errorf("results due %s, want 2026-03-30", p.ResultsDueOn)
	}
	tasks, err := s.InspectionTasks(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	// 20 entities per level at 3%, 5%, 10%, 20%: 1 + 1 + 2 + 4.
	if len(tasks) != 8 {
		t.Fatalf("%d tasks, want 8", len(tasks))
	}
	for _, task := range tasks {
		if len(task.InspectorNames) != 2 || task.EntityName == "" {
			t.Fatalf("task %+v: want an entity name and two inspectors", task)
		}
	}
	p, err = s.PublishInspectionPlan(ctx, p.ID, p.Version, now)
	if err != nil {
		t.Fatal(err)
	}
	in, err := s.InspectionDrawInput(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	pub := workflow.PublishedDraw{Digests: workflow.DrawDigests{Params: p.ParamsSHA256, Entities: p.EntitiesSHA256,
		Inspectors: p.InspectorsSHA256, Inputs: p.InputsSHA256}, Commitment: p.Commitment}
	pub.Seed, _ = hex.DecodeString(p.PublicSeed())
	for _, task := range tasks {
		pub.Tasks = append(pub.Tasks, workflow.DrawTask{Entity: task.CreditCode, Stratum: task.Stratum, Inspectors: splitComma(task.Inspectors)})
	}
	if err := workflow.VerifyDraw(in, pub); err != nil {
		t.Fatalf("the stored draw does not verify: %v", err)
	}
	// A result marks the entity inspected and counts for the inspectors.
	if _, err := s.RecordInspectionResult(ctx, InspectionResult{TaskID: tasks[0].ID, Version: 1, Result: "no_problem", Day: "2026-03-10", Actor: "t"}); err != nil {
		t.Fatal(err)
	}
	e, _ := s.InspectionEntity(ctx, tasks[0].CreditCode)
	if e.LastInspectedOn != "2026-03-10" {
		t.Errorf("last inspected %q", e.LastInspectedOn)
	}
	got, _ := s.EntityInspections(ctx, tasks[0].CreditCode)
	if len(got) != 1 || got[0].Result != "no_problem" {
		t.Errorf("entity inspections %+v", got)
	}
	if _, err := s.RecordInspectionResult(ctx, InspectionResult{TaskID: tasks[0].ID, Version: 1, Result: "case", Day: "2026-03-11"}); !errors.Is(err, ErrConflict) {
		t.Errorf("stale result: %v", err)
	}
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

func TestInspectionImportsWithBadRowsChangeNothing(t *testing.T) {
	s, codes := inspectionFixture(t)
	ctx := context.Background()
	good := workflow.CompleteCreditCode("91150902MA0000001")
	bad := good[:17] + "0"
	if bad == good {
		bad = good[:17] + "1"
	}
	rep, err := s.ImportInspectionEntities(ctx, []EntityRow{
		{Row: 2, CreditCode: good, Name: "新企业", RiskLevel: "A"},
		{Row: 3, CreditCode: bad, Name: "错码企业", RiskLevel: "A"},
		{Row: 4, CreditCode: good, Name: "重复", RiskLevel: "B"},
		{Row: 5, CreditCode: codes[1], Name: "", RiskLevel: "E"},
	}, time.Now())
	if !errors.Is(err, ErrImportRows) {
		t.Fatalf("err = %v, want ErrImportRows", err)
	}
	want := []ImportRowProblem{{3, ColCreditCode, "credit_code_checksum", bad}, {4, ColCreditCode, "duplicate", "2"},
		{5, ColEntityName, "required", ""}, {5, ColRiskLevel, "risk_level", "E"}}
	if fmt.Sprint(rep.Problems) != fmt.Sprint(want) {
		t.Fatalf("problems %v, want %v", rep.Problems, want)
	}
	if _, err := s.InspectionEntity(ctx, good); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a refused import stored a row: %v", err)
	}
	rep, err = s.ImportInspectors(ctx, []InspectorRow{{Row: 2, CertNo: "X1", Name: "新", Department: "scj"},
		{Row: 3, CertNo: "X2", Name: "外", Department: "不存在局"},
		{Row: 4, CertNo: "X1", Name: "重", Department: "scj", Avoid: []string{good}}}, []string{"*"}, time.Now())
	if !errors.Is(err, ErrImportRows) || len(rep.Problems) != 3 {
		t.Fatalf("err = %v, problems %v", err, rep)
	}
	xs, _ := s.Inspectors(ctx, "scj")
	if len(xs) != 4 {
		t.Fatalf("%d scj inspectors after a refused import, want 4", len(xs))
	}
}
