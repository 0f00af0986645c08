package handlers_test

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/workflow"
)

// mystatusJointItem is a joint item (several departments) of the demo
// catalogue that charges no fee, so its result is issued without a payment.
func mystatusJointItem(t *testing.T, env *demoEnv) *models.Item {
	t.Helper()
	_, _, items := demo.Catalogue()
	for _, it := range items {
		if !it.OnApplication || it.Disposition != models.DispositionRetained || it.HandlingKind == models.KindImmediate ||
			isMainItem(items, it) {
			continue
		}
		full, err := env.store.Item(context.Background(), it.Code)
		if err != nil || len(full.Departments) < 3 || (full.IsFee != nil && *full.IsFee) {
			continue
		}
		return full
	}
	t.Fatal("demo catalogue: no joint item without a fee")
	return nil
}

// mystatusAct runs one action through the models layer (set-up, as the office would).
func mystatusAct(t *testing.T, env *demoEnv, number, dept string, act workflow.Action, fields map[string]string) {
	t.Helper()
	cal, _ := workflow.NewCalendar(workflow.DefaultCalendarDays())
	if fields == nil {
		fields = map[string]string{}
	}
	if _, err := env.store.Act(context.Background(), models.ActionRequest{Number: number, Action: act, Actor: "setup",
		Department: dept, Fields: fields, Cal: cal, Now: time.Now()}); err != nil {
		t.Fatalf("%s %s: %v", act, dept, err)
	}
}

// mystatusDecideAll has every department take, review and grant its task.
func mystatusDecideAll(t *testing.T, env *demoEnv, number string) {
	t.Helper()
	for range 60 {
		app, err := env.store.Application(context.Background(), number)
		if err != nil {
			t.Fatal(err)
		}
		var open *models.Task
		for i := range app.Tasks {
			if workflow.Stage(app.Tasks[i].Stage).Open() {
				open = &app.Tasks[i]
				break
			}
		}
		if open == nil {
			return
		}
		mystatusAct(t, env, number, open.DepartmentCode, workflow.Claim, nil)
		if open.Stage == string(workflow.StageReview) {
			mystatusAct(t, env, number, open.DepartmentCode, workflow.ReviewPass, nil)
		} else {
			mystatusAct(t, env, number, open.DepartmentCode, workflow.Approve, nil)
		}
	}
	t.Fatal("the tasks never closed")
}

// mystatusAPI reads the status API answer.
type mystatusAPI struct {
	State               string `json:"state"`
	ResultNumber        string `json:"result_number"`
	ResultNumberPending bool   `json:"result_number_pending"`
	Collect             *struct {
		Mode, Carrier, Address, Hours string
		Tracking                      string `json:"tracking_number"`
		Issued                        bool
	} `json:"collect"`
	Departments []struct {
		Department, Name, State, StateLabel string
		DecidedOn                           string `json:"decided_on"`
		Lead                                bool
	} `json:"departments"`
	Timeline []struct {
		Action string `json:"action"`
	} `json:"timeline"`
	Materials []struct {
		Key, State string
	} `json:"materials"`
}

func mystatusRead(t *testing.T, env *demoEnv, number, code string) mystatusAPI {
	t.Helper()
	status, b := call(t, env, "GET", "/api/v1/status/"+number+"?code="+code, "", nil)
	if status != 200 {
		t.Fatalf("status API: %d %s", status, b)
	}
	var out mystatusAPI
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMyStatusJointItemDecidedAndPostedSpeaksToTheApplicant(t *testing.T) {
	env := newStaffEnv(t)
	it := mystatusJointItem(t, env)
	number, code := officeFileWithCode(t, env, it.Code)

	// Before any department decided: every department named, none decided, no number.
	before := mystatusRead(t, env, number, code)
	if len(before.Departments) != len(it.Departments) || before.ResultNumber != "" || before.Collect != nil {
		t.Fatalf("accepted: %d departments (item has %d), number %q, collect %v", len(before.Departments), len(it.Departments),
			before.ResultNumber, before.Collect)
	}
	for _, d := range before.Departments {
		if d.State != "in_review" || d.DecidedOn != "" {
			t.Errorf("accepted: department %s is %s (decided %q)", d.Department, d.State, d.DecidedOn)
		}
	}

	mystatusDecideAll(t, env, number)
	// Granted, not issued: the number is not known yet and is said so.
	granted := mystatusRead(t, env, number, code)
	if granted.State != "approved" || granted.ResultNumber != "" || !granted.ResultNumberPending || granted.Collect == nil || granted.Collect.Issued {
		t.Fatalf("granted: %+v", granted)
	}
	cl := browserClient(t)
	_, page := postForm(t, cl, env.http.URL+"/status", url.Values{"number": {number}, "code": {code}})
	// The applicant chose window pickup on the form: where, and not yet.
	if !strings.Contains(page, "尚未出件，编号出件时告知") || !strings.Contains(page, `id="collect-when">尚未出件`) ||
		!strings.Contains(page, `id="collect-address">`) {
		t.Error("the granted page does not say the number comes with the result, where to collect it and that it is not ready")
	}

	mystatusAct(t, env, number, "", workflow.Issue, map[string]string{"delivery": "post", "carrier": "中国邮政 EMS",
		"tracking_number": "EM123456789CN", "result_number": "JY31509020012345"})
	got := mystatusRead(t, env, number, code)
	if got.ResultNumber != "JY31509020012345" || got.Collect == nil || got.Collect.Mode != "post" ||
		got.Collect.Carrier != "中国邮政 EMS" || got.Collect.Tracking != "EM123456789CN" || !got.Collect.Issued {
		t.Fatalf("issued by post: number %q collect %+v", got.ResultNumber, got.Collect)
	}
	if len(got.Departments) != len(it.Departments) || !got.Departments[0].Lead || got.Departments[0].Department != it.DepartmentCode {
		t.Fatalf("departments: %+v", got.Departments)
	}
	for _, d := range got.Departments {
		if d.State != "approved" || d.DecidedOn == "" || d.Name == "" {
			t.Errorf("department %s: %+v", d.Department, d)
		}
	}
	// The timeline is the handling as the applicant knows it: no 签收, no
	// passing on of a review stage, one grant.
	var actions []string
	for _, e := range got.Timeline {
		actions = append(actions, e.Action)
	}
	for _, internal := range []string{"claim", "review_pass"} {
		if slices.Contains(actions, internal) {
			t.Errorf("the timeline shows the internal step %s: %v", internal, actions)
		}
	}
	t.Logf("timeline %v", actions)
	approvals := 0
	for _, a := range actions {
		if a == "approve" {
			approvals++
		}
	}
	if approvals != 1 || len(actions) > 5 {
		t.Errorf("timeline: %v", actions)
	}

	_, page = postForm(t, cl, env.http.URL+"/status", url.Values{"number": {number}, "code": {code}})
	for _, want := range []string{`id="result-number">JY31509020012345<`, `id="delivery-carrier">中国邮政 EMS<`,
		`id="delivery-tracking">EM123456789CN<`, `id="status-departments"`, "（牵头部门）"} {
		if !strings.Contains(page, want) {
			t.Errorf("status page lacks %q", want)
		}
	}
	if strings.Contains(page, "签收任务") || strings.Contains(page, ">签收<") {
		t.Error("the page shows a 签收 row")
	}
	rows := regexp.MustCompile(`(?s)id="timeline".*?</table>`).FindString(page)
	if n := strings.Count(rows, "<tr>") - 1; n != len(actions) || n > 5 {
		t.Errorf("the page's timeline has %d rows", n)
	}
}

func TestMyStatusWindowPickupNamesTheWindowsAddressAndHours(t *testing.T) {
	env := newStaffEnv(t)
	it := mystatusJointItem(t, env)
	number, code := officeFileWithCode(t, env, it.Code)
	mystatusDecideAll(t, env, number)
	mystatusAct(t, env, number, "", workflow.Issue, map[string]string{"delivery": "window", "result_number": "PW-2026-0007"})
	st, err := env.store.Site(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := mystatusRead(t, env, number, code)
	if got.Collect == nil || got.Collect.Mode != "window" || got.Collect.Address != st.Address || got.Collect.Hours != st.Hours {
		t.Fatalf("window pickup: %+v (site %q %q)", got.Collect, st.Address, st.Hours)
	}
	_, page := postForm(t, browserClient(t), env.http.URL+"/status", url.Values{"number": {number}, "code": {code}})
	wantAddr, wantHours := st.Address, st.Hours
	if wantAddr == "" {
		wantAddr = "中心尚未公布"
	}
	if wantHours == "" {
		wantHours = "中心尚未公布"
	}
	for _, want := range []string{`id="collect-address">` + wantAddr, `id="collect-hours">` + wantHours, "请在办公时间内到窗口领取"} {
		if !strings.Contains(page, want) {
			t.Errorf("window pickup page lacks %q", want)
		}
	}
}

func TestMyStatusFlaggedMaterialShowsSupplementNotReceived(t *testing.T) {
	env := newStaffEnv(t)
	g := citizenItem(t, env)
	number, code := fileViaAPI(t, env, g.Code, "440524188001010014")
	app, err := env.store.Application(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	// Mark the first material received, then ask for it again.
	key := app.Materials[0].MaterialKey
	if _, err := env.store.AddFile(context.Background(), number, models.AppFile{MaterialKey: key,
		SHA256: strings.Repeat("ab", 32), Size: 10, ContentType: "application/pdf", DisplayName: "licence.pdf"}); err != nil {
		t.Fatal(err)
	}
	requestSupplement(t, env, number, key)
	got := mystatusRead(t, env, number, code)
	if got.State != "supplement_required" {
		t.Fatalf("state %s", got.State)
	}
	for _, m := range got.Materials {
		if m.Key == key && m.State != "supplement" {
			t.Errorf("the flagged material is %q", m.State)
		}
	}
	_, page := postForm(t, browserClient(t), env.http.URL+"/status", url.Values{"number": {number}, "code": {code}})
	row := regexp.MustCompile(`(?s)id="status-materials".*?</table>`).FindString(page)
	if !strings.Contains(row, `class="mat-supplement"`) || !strings.Contains(row, "需补正") {
		t.Errorf("the materials table does not show 需补正: %s", row)
	}
}

func TestMyStatusPledgedProofBeforeAcceptanceIsReplacedNotMissing(t *testing.T) {
	env := newStaffEnv(t)
	it := makePledgeItem(t, env)
	f := fileWithPledge(t, env, "", it)
	got := mystatusRead(t, env, f.Number, f.QueryCode)
	if got.State != "submitted" {
		t.Fatalf("state %s", got.State)
	}
	replaced := it.Materials[1].Key
	for _, m := range got.Materials {
		switch {
		case m.Key == replaced && m.State != "pledged":
			t.Errorf("the proof the pledge replaces is %q before acceptance", m.State)
		case m.Key != replaced && m.State != "missing":
			t.Errorf("material %s is %q with no file", m.Key, m.State)
		}
	}
	_, page := postForm(t, browserClient(t), env.http.URL+"/status", url.Values{"number": {f.Number}, "code": {f.QueryCode}})
	table := regexp.MustCompile(`(?s)id="status-materials".*?</table>`).FindString(page)
	if !strings.Contains(table, `class="mat-pledged" data-label="材料状态">以告知承诺代替<`) {
		t.Errorf("the materials table does not show the pledged proof: %s", table)
	}
}
