package handlers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"onewindow/models"
	"onewindow/workflow"
)

type inspectionPlanAnswer struct {
	ID          int      `json:"id"`
	Department  string   `json:"department"`
	Departments []string `json:"departments"`
	State       string   `json:"state"`
	Commitment  string   `json:"commitment"`
	Seed        *string  `json:"seed"`
	Inputs      string   `json:"inputs_sha256"`
	Version     int      `json:"version"`
	Result      *struct {
		ResultsDueOn string `json:"results_due_on"`
		Tasks        []struct {
			Entity     string `json:"entity"`
			EntityName string `json:"entity_name"`
			Inspectors []struct {
				CertNo string `json:"cert_no"`
				Name   string `json:"name"`
			} `json:"inspectors"`
			Result  *string `json:"result"`
			Overdue bool    `json:"overdue"`
		} `json:"tasks"`
	} `json:"result"`
}

type verifyAnswer struct {
	Verified bool   `json:"verified"`
	Check    string `json:"check"`
	Reason   string `json:"reason"`
	Tasks    int    `json:"tasks"`
}

// demoJointPlan returns the demo's published joint plan and one committed plan.
func demoPlans(t *testing.T) (joint, committed inspectionPlanAnswer) {
	t.Helper()
	var got struct {
		Plans []inspectionPlanAnswer `json:"plans"`
	}
	getJSON(t, "/api/v1/inspection/plans", http.StatusOK, &got)
	for _, p := range got.Plans {
		switch {
		case len(p.Departments) > 1 && p.State == models.PlanPublished:
			joint = p
		case p.State == models.PlanCommitted && committed.ID == 0:
			committed = p
		}
	}
	if joint.ID == 0 || committed.ID == 0 || len(got.Plans) != 35 {
		t.Fatalf("the demo has %d public plans, joint %d, committed %d", len(got.Plans), joint.ID, committed.ID)
	}
	return joint, committed
}

func TestInspectionPublicListsPlansAndVerification(t *testing.T) {
	var lists struct {
		Lists []struct {
			Department string `json:"department"`
			Items      []struct {
				ItemCode string `json:"item_code"`
				Method   string `json:"method"`
			} `json:"items"`
		} `json:"lists"`
	}
	getJSON(t, "/api/v1/inspection/lists?department=scj", http.StatusOK, &lists)
	if len(lists.Lists) != 1 || len(lists.Lists[0].Items) == 0 || lists.Lists[0].Items[0].ItemCode == "" {
		t.Fatalf("scj's list: %+v", lists)
	}
	if status, _ := get(t, "/api/v1/inspection/lists?department=nope"); status != http.StatusUnprocessableEntity {
		t.Errorf("unknown department: %d, want 422", status)
	}
	joint, committed := demoPlans(t)
	if joint.Seed == nil || joint.Result == nil || len(joint.Result.Tasks) == 0 {
		t.Fatalf("the published joint plan shows no seed or result: %+v", joint)
	}
	if committed.Seed != nil || committed.Result != nil || len(committed.Commitment) != 64 {
		t.Fatalf("a committed plan shows its seed or result before the draw: %+v", committed)
	}
	for _, task := range joint.Result.Tasks {
		if len(task.Inspectors) < 2 || task.Inspectors[0].Name == "" || task.EntityName == "" {
			t.Fatalf("task %+v: want an entity and two named inspectors", task)
		}
	}
	var v verifyAnswer
	getJSON(t, fmt.Sprintf("/api/v1/inspection/plans/%d/verify", joint.ID), http.StatusOK, &v)
	if !v.Verified || v.Tasks != len(joint.Result.Tasks) {
		t.Fatalf("the joint draw does not verify: %+v", v)
	}
	getJSON(t, fmt.Sprintf("/api/v1/inspection/plans/%d/verify?seed=00ff", joint.ID), http.StatusOK, &v)
	if v.Verified || v.Check != workflow.CheckCommitment {
		t.Fatalf("another seed: %+v, want a commitment mismatch", v)
	}
	if status, _ := get(t, fmt.Sprintf("/api/v1/inspection/plans/%d/verify", committed.ID)); status != http.StatusConflict {
		t.Errorf("verifying before the reveal without a seed: %d, want 409", status)
	}

	// The pages: the plan with its seed, and the entity's credit page with its result.
	status, body := get(t, fmt.Sprintf("/inspection/plans/%d?verify=1", joint.ID))
	if status != http.StatusOK || !strings.Contains(body, `data-verified="true"`) || !strings.Contains(body, *joint.Seed) {
		t.Fatalf("plan page %d: no verification or seed", status)
	}
	status, body = get(t, fmt.Sprintf("/inspection/plans/%d", committed.ID))
	if status != http.StatusOK || !strings.Contains(body, committed.Commitment) || !strings.Contains(body, "抽取结果公布时公开") {
		t.Fatalf("committed plan page %d: want the commitment and a hidden seed", status)
	}
	task := joint.Result.Tasks[0]
	status, body = get(t, "/inspection/entities/"+task.Entity)
	if status != http.StatusOK || !strings.Contains(body, task.EntityName) || !strings.Contains(body, fmt.Sprintf("/inspection/plans/%d", joint.ID)) {
		t.Fatalf("entity page %d: want the entity and its inspection", status)
	}
	status, body = get(t, "/inspection/departments/scj")
	if status != http.StatusOK || !strings.Contains(body, `id="inspection-list"`) || !strings.Contains(body, "不少于 2 人") {
		t.Fatalf("department page %d", status)
	}
	if status, _ := get(t, "/inspection/departments/nope"); status != http.StatusNotFound {
		t.Errorf("unknown department page: %d", status)
	}
}

func TestInspectionAdminRunsAPlanAndOtherDepartmentsAreRefused(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 5, 11, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	tok, other := loginToken(t, env, "scj.inspect"), loginToken(t, env, "zjj.inspect")
	status, body := call(t, env, "POST", "/api/v1/inspection/plans", tok, map[string]any{"department": "scj", "year": 2026,
		"title": "药品零售专项抽查", "industry": "药品零售"})
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	var p inspectionPlanAnswer
	_ = json.Unmarshal(body, &p)
	if status, _ := call(t, env, "POST", "/api/v1/inspection/plans", other, map[string]any{"department": "scj", "year": 2026, "title": "越权"}); status != http.StatusForbidden {
		t.Errorf("zjj creating an scj plan: %d, want 403", status)
	}
	zjjList, _ := env.store.InspectionLists(t.Context(), "zjj")
	if status, body := call(t, env, "POST", "/api/v1/inspection/plans", tok, map[string]any{"department": "scj", "year": 2026,
		"title": "挂错清单", "list_item_id": zjjList[0].ID}); status != http.StatusUnprocessableEntity || !strings.Contains(string(body), "list_item_id") {
		t.Errorf("a plan on another department's list item: %d %s, want 422 naming list_item_id", status, body)
	}
	step := func(token, name string, version int) (int, inspectionPlanAnswer) {
		status, body := call(t, env, "POST", fmt.Sprintf("/api/v1/inspection/plans/%d/%s", p.ID, name), token, map[string]int{"version": version})
		var out inspectionPlanAnswer
		_ = json.Unmarshal(body, &out)
		return status, out
	}
	if status, _ := step(other, "commit", p.Version); status != http.StatusForbidden {
		t.Fatalf("another department's commit: %d, want 403", status)
	}
	if status, _ := step(tok, "draw", p.Version); status != http.StatusConflict {
		t.Fatalf("draw before commit: %d, want 409", status)
	}
	status, p2 := step(tok, "commit", p.Version)
	if status != http.StatusOK || p2.State != models.PlanCommitted || p2.Seed != nil {
		t.Fatalf("commit: %d %+v", status, p2)
	}
	if status, _ := step(tok, "draw", p.Version); status != http.StatusConflict {
		t.Fatalf("draw with a stale version: %d, want 409", status)
	}
	// Before the draw whoever holds the seed can check it against the commitment and the lists.
	stored, _ := env.store.InspectionPlan(t.Context(), uint(p.ID))
	var v verifyAnswer
	if status, body = call(t, env, "GET", fmt.Sprintf("/api/v1/inspection/plans/%d/verify?seed=%s", p.ID, stored.Seed), "", nil); status != http.StatusOK ||
		json.Unmarshal(body, &v) != nil || !v.Verified || v.Tasks != 0 {
		t.Fatalf("the committed seed before the draw: %d %s", status, body)
	}
	_, p3 := step(tok, "draw", p2.Version)
	if p3.State != models.PlanDrawn || p3.Seed != nil || p3.Result == nil || len(p3.Result.Tasks) == 0 {
		t.Fatalf("draw: %+v", p3)
	}
	// Results: 20 working days after Monday 11 May 2026 is 8 June.
	if p3.Result.ResultsDueOn != "2026-06-08" {
		t.Errorf("results due %s, want 2026-06-08", p3.Result.ResultsDueOn)
	}
	tasks, err := env.store.InspectionTasks(t.Context(), uint(p.ID))
	if err != nil {
		t.Fatal(err)
	}
	result := func(token string, task models.InspectionTask, body map[string]any) (int, []byte) {
		return call(t, env, "POST", fmt.Sprintf("/api/v1/inspection/tasks/%d/result", task.ID), token, body)
	}
	status, body = result(tok, tasks[0], map[string]any{"result": "rectify", "day": "2026-05-12", "version": 1})
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"note"`) || !strings.Contains(string(body), `"day"`) {
		t.Fatalf("a result in the future without a note: %d %s", status, body)
	}
	if status, _ = result(other, tasks[0], map[string]any{"result": "no_problem", "day": "2026-05-11", "version": 1}); status != http.StatusForbidden {
		t.Fatalf("another department's result: %d, want 403", status)
	}
	if status, body = result(tok, tasks[0], map[string]any{"result": "no_problem", "day": "2026-05-11", "version": 1}); status != http.StatusOK {
		t.Fatalf("record: %d %s", status, body)
	}
	if status, _ = result(tok, tasks[0], map[string]any{"result": "case", "note": "x", "day": "2026-05-11", "version": 1}); status != http.StatusConflict {
		t.Fatalf("a stale result: %d, want 409", status)
	}
	_, p4 := step(tok, "publish", p3.Version)
	if p4.State != models.PlanPublished || p4.Seed == nil {
		t.Fatalf("publish: %+v", p4)
	}
	if status, body = call(t, env, "GET", fmt.Sprintf("/api/v1/inspection/plans/%d/verify", p.ID), "", nil); status != http.StatusOK || json.Unmarshal(body, &v) != nil || !v.Verified {
		t.Fatalf("verify the new plan: %d %s", status, body)
	}
	// After the due day the open tasks are overdue; the recorded one is not.
	clock.Set(time.Date(2026, 6, 9, 2, 0, 0, 0, time.UTC))
	_, body = call(t, env, "GET", "/api/v1/inspection/plans?department=scj", "", nil)
	var all struct {
		Plans []inspectionPlanAnswer `json:"plans"`
	}
	_ = json.Unmarshal(body, &all)
	for _, pl := range all.Plans {
		if pl.ID != p.ID {
			continue
		}
		for i, task := range pl.Result.Tasks {
			if task.Overdue != (i != 0) {
				t.Errorf("task %d overdue = %v", i, task.Overdue)
			}
		}
	}
	resp, _ := callRaw(t, env, "GET", fmt.Sprintf("/api/v1/inspection/plans/%d/export", p.ID), tok, "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("export: %d", resp.StatusCode)
	}
}

// multipartFile builds a multipart body with one file.
func multipartFile(t *testing.T, name string, data []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	f, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(data)
	w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

func TestInspectionImportsRefuseBadRowsAndChangeNothing(t *testing.T) {
	env := newStaffEnv(t)
	tok := loginToken(t, env, "scj.inspect")
	_, before, _ := env.store.InspectionEntities(t.Context(), "", 0)
	good := workflow.CompleteCreditCode("91150902MB0000001")
	csv := "统一社会信用代码,名称,风险等级,行业\n" + good + ",集宁区新开张超市,B,食品销售\n" +
		"91150902MB00000010,错码公司,A,\n" + good + ",重复公司,A,\n" + workflow.CompleteCreditCode("91150902MB0000002") + ",无等级公司,,\n"
	ct, body := multipartFile(t, "entities.csv", []byte(csv))
	resp, got := callRaw(t, env, "POST", "/api/v1/inspection/entities/import", tok, ct, body)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad rows: %d %s", resp.StatusCode, got)
	}
	for _, want := range []string{"rows.3.统一社会信用代码", "rows.4.统一社会信用代码", "Repeats row 2", "rows.5.风险等级"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("the answer lacks %q: %s", want, got)
		}
	}
	if _, after, _ := env.store.InspectionEntities(t.Context(), "", 0); after != before {
		t.Fatalf("a refused import changed the library: %d → %d", before, after)
	}
	// Inspectors of an unknown department, or of another department, are refused.
	ct, body = multipartFile(t, "inspectors.csv", []byte("执法证号,姓名,部门\nT1,甲,scj\nT2,乙,不存在局\nT3,丙,zjj\n"))
	resp, got = callRaw(t, env, "POST", "/api/v1/inspection/inspectors/import", tok, ct, body)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(got), "Unknown department") ||
		!strings.Contains(string(got), "another department") {
		t.Fatalf("inspectors: %d %s", resp.StatusCode, got)
	}
	// A good workbook is imported; importing it again updates and never duplicates.
	x := excelize.NewFile()
	for i, row := range [][]any{{"统一社会信用代码", "名称", "风险等级", "行业"}, {good, "集宁区新开张超市", "B", "食品销售"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		x.SetSheetRow(x.GetSheetName(0), cell, &row)
	}
	var xb bytes.Buffer
	x.Write(&xb)
	for round, want := range []string{`"created":1`, `"updated":1`} {
		ct, body = multipartFile(t, "entities.xlsx", xb.Bytes())
		resp, got = callRaw(t, env, "POST", "/api/v1/inspection/entities/import", tok, ct, body)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(got), want) {
			t.Fatalf("round %d: %d %s", round, resp.StatusCode, got)
		}
	}
	if _, after, _ := env.store.InspectionEntities(t.Context(), "", 0); after != before+1 {
		t.Fatalf("%d entities after importing one twice, want %d", after, before+1)
	}
}
