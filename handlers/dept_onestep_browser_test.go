package handlers_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"onewindow/models"
)

// deptFourDepartments makes the joint item one that four of the demo's
// departments decide in parallel, as the walk's joint item did.
func deptFourDepartments(t *testing.T, env *demoEnv, it *models.Item) *models.Item {
	t.Helper()
	ctx := context.Background()
	edited := *it
	edited.Departments = nil
	seen := map[string]bool{}
	for _, d := range it.Departments {
		if len(edited.Departments) < 4 {
			edited.Departments = append(edited.Departments, d)
			seen[d.DepartmentCode] = true
		}
	}
	depts, err := env.store.Departments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range depts {
		if len(edited.Departments) == 4 {
			break
		}
		if !seen[d.Code] {
			edited.Departments = append(edited.Departments, models.ItemDepartment{Sort: len(edited.Departments) + 1,
				DepartmentCode: d.Code, Stages: models.StringList{"review", "decide"}})
		}
	}
	for i := range edited.Departments {
		edited.Departments[i].ID, edited.Departments[i].Sort = 0, i+1
		edited.Departments[i].Plan = nil // the default review and decision
	}
	out, err := env.store.UpdateItem(ctx, it.Code, edited, "catalog", "四个部门并联审批", it.Version)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Departments) != 4 {
		t.Fatalf("departments after the edit: %+v", out.Departments)
	}
	return out
}

// deptSubmitter clicks form buttons and counts them: the submissions a
// department's people make for the joint item.
type deptSubmitter struct {
	ctx   context.Context
	base  string
	count int
	// afterDecision, when set, looks at the page a one-step decision
	// returns to, before the official logs out.
	afterDecision func(dept string) error
}

// submit clicks the submit button sel and waits for the page after it.
func (d *deptSubmitter) submit(sel, wait string) error {
	d.count++
	return chromedp.Do(d.ctx, chromedp.Click(chromedp.CSS(sel)), chromedp.WaitVisible(chromedp.CSS(wait)))
}

// separateSteps is the way of the walk: the reviewer 签收 on the work list
// and passes the review, then the approver 签收 and decides.
func (d *deptSubmitter) separateSteps(number, dept string) error {
	row := `tr[data-number="` + number + `"][data-department="` + dept + `"]`
	for _, who := range []string{dept + ".review", dept + ".approve"} {
		if err := loginBrowser(d.ctx, d.base, who); err != nil {
			return fmt.Errorf("%s logs in: %w", who, err)
		}
		if err := chromedp.Do(d.ctx, chromedp.Navigate(d.base+"/tasks"), chromedp.WaitVisible(chromedp.CSS(row+" button.claim"))); err != nil {
			return fmt.Errorf("%s opens the work list: %w", who, err)
		}
		if err := d.submit(row+" button.claim", row+" button.release"); err != nil {
			return fmt.Errorf("%s claims: %w", who, err)
		}
		act := "review_pass"
		if strings.HasSuffix(who, ".approve") {
			act = "approve"
		}
		if err := chromedp.Do(d.ctx, chromedp.Navigate(d.base+"/tasks/"+number), chromedp.WaitVisible(chromedp.ID("form-"+act))); err != nil {
			return fmt.Errorf("%s opens the task: %w", who, err)
		}
		if err := d.submit("#form-"+act+" button[type=submit]", "#done"); err != nil {
			return fmt.Errorf("%s: %s: %w", who, act, err)
		}
		if err := officeBrowserLogout(d.ctx); err != nil {
			return err
		}
	}
	return nil
}

// oneStep is the way after: the department's one official who holds both
// roles opens the task from the work list and decides in one submission,
// and the work list comes back with the next task focused.
func (d *deptSubmitter) oneStep(number, dept string) error {
	row := `tr[data-number="` + number + `"][data-department="` + dept + `"]`
	if err := loginBrowser(d.ctx, d.base, dept+".review"); err != nil {
		return fmt.Errorf("%s.review logs in: %w", dept, err)
	}
	if err := chromedp.Do(d.ctx, chromedp.Navigate(d.base+"/tasks"), chromedp.WaitVisible(chromedp.CSS(row+" a")),
		chromedp.Click(chromedp.CSS(row+" a")), chromedp.WaitVisible(chromedp.ID("form-one_step"))); err != nil {
		return fmt.Errorf("%s opens the task from the work list: %w", dept, err)
	}
	if err := d.submit("#form-one_step button[type=submit]", "#worklist, p.empty"); err != nil {
		return fmt.Errorf("%s decides in one step: %w", dept, err)
	}
	if d.afterDecision != nil {
		if err := d.afterDecision(dept); err != nil {
			return err
		}
	}
	return officeBrowserLogout(d.ctx)
}

func TestBrowserDeptOneStepJointItemAcrossFourDepartments(t *testing.T) {
	clock := &officeClock{t: time.Now()}
	env := newOfficeEnv(t, clock)
	base := env.http.URL
	_, joint := officeItems(t, env.store)
	joint = deptFourDepartments(t, env, joint)
	var depts []string
	for _, d := range joint.Departments {
		depts = append(depts, d.DepartmentCode)
	}

	// Before: the separate steps of the walk, at desktop width.
	before := officeFile(t, env, joint.Code)
	desk := &deptSubmitter{base: base}
	for _, d := range depts {
		desk.ctx = deptTab(t, 1280, 900) // a tab per department: each has the journey's time limit
		if err := desk.separateSteps(before, d); err != nil {
			t.Fatal(err)
		}
	}
	if _, st := officeVersion(t, env, before); st != "approved" || desk.count != 16 {
		t.Fatalf("separate steps: state %s after %d submissions, want approved after 16", st, desk.count)
	}
	t.Logf("separate steps: %d submissions for a joint item of %d departments", desk.count, len(depts))

	// After: one official per department holds both roles and decides in one submission.
	for _, d := range depts {
		deptGrantBoth(t, env, d)
	}
	other := ""
	for _, w := range []struct {
		name          string
		width, height int64
	}{{"phone", phoneWidth, phoneHeight}, {"desktop", 1280, 900}} {
		number := officeFile(t, env, joint.Code)
		if other == "" {
			other = officeFile(t, env, joint.Code) // the next task the list focuses: the first open one
		}
		s := &deptSubmitter{base: base}
		s.afterDecision = func(dept string) error { return deptNextFocused(t, s.ctx, dept, other, w.name) }
		for _, d := range depts {
			s.ctx = deptTab(t, w.width, w.height)
			if err := s.oneStep(number, d); err != nil {
				t.Fatalf("%s: %v", w.name, err)
			}
		}
		app, err := env.store.Application(context.Background(), number)
		if err != nil {
			t.Fatal(err)
		}
		if app.State != "approved" || s.count != len(depts) {
			t.Fatalf("%s: state %s after %d submissions, want approved after %d", w.name, app.State, s.count, len(depts))
		}
		// The chain records the steps as the separate submissions would.
		var steps []string
		for _, e := range app.Events {
			if e.Department == depts[0] && e.Actor == depts[0]+".review" {
				steps = append(steps, string(e.Action))
			}
		}
		if !slices.Equal(steps, []string{"claim", "review_pass", "claim", "approve"}) {
			t.Fatalf("%s: the events of %s: %v", w.name, depts[0], steps)
		}
		t.Logf("%s: one step: %d submissions for a joint item of %d departments (before: 16)", w.name, s.count, len(depts))
	}
}

// deptTab opens a browser tab of its own at the given size.
func deptTab(t *testing.T, width, height int64) context.Context {
	t.Helper()
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// deptNextFocused checks the work list a one-step decision returned to:
// the department's row of the next application has the focus.
func deptNextFocused(t *testing.T, ctx context.Context, dept, next, width string) error {
	t.Helper()
	row := `tr[data-number="` + next + `"][data-department="` + dept + `"]`
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.CSS(row+".next-task"))); err != nil {
		keepScreenshot(t, ctx, "dept-one-step-list-"+width+"-"+dept+"-failed")
		return fmt.Errorf("%s: the work list after the decision: %w", width, err)
	}
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.activeElement.closest("tr") || {}).getAttribute ? document.activeElement.closest("tr").getAttribute("data-department") + " " + document.activeElement.closest("tr").id : ""`))
	if err != nil || focused != dept+" next-task" {
		return fmt.Errorf("%s: the focus after the decision is on %q: %v", width, focused, err)
	}
	keepScreenshot(t, ctx, "dept-one-step-list-"+width+"-"+dept)
	return nil
}

// The one-step and release forms and the joint item's group on the work
// list pass the accessibility check like the rest of the task pages.
func TestBrowserDeptOneStepFormsAreAccessible(t *testing.T) {
	clock := &officeClock{t: time.Now()}
	env := newOfficeEnv(t, clock)
	base := env.http.URL
	single, joint := officeItems(t, env.store)
	joint = officeTwoDepartments(t, env, joint)
	open := officeFile(t, env, single.Code)
	held := officeFile(t, env, single.Code)
	grouped := officeFile(t, env, joint.Code)
	var depts []string
	for _, d := range joint.Departments {
		depts = append(depts, d.DepartmentCode)
	}
	// One official holds both roles of scj and the reviewer's role of the
	// joint item's other department: the work list groups that item's two tasks.
	deptGrantBoth(t, env, "scj")
	u, err := env.store.UserByName(context.Background(), "scj.review")
	if err != nil {
		t.Fatal(err)
	}
	other := depts[0]
	if other == "scj" {
		other = depts[1]
	}
	roles := map[string]any{"roles": []map[string]string{{"role": "reviewer", "domain": "scj"}, {"role": "approver", "domain": "scj"},
		{"role": "reviewer", "domain": other}}}
	if status, body := call(t, env, "PUT", fmt.Sprintf("/api/v1/admin/users/%d/roles", u.ID), loginToken(t, env, "admin"), roles); status != 200 {
		t.Fatalf("roles: %d %s", status, body)
	}
	tok := loginToken(t, env, "scj.review")
	v, _ := officeVersion(t, env, held)
	if status, body := call(t, env, "POST", "/api/v1/applications/"+held+"/actions/claim", tok,
		map[string]any{"version": v, "department": "scj"}); status != 200 {
		t.Fatalf("claim: %d %s", status, body)
	}
	if _, list := officePage(t, env, tok, "/tasks"); !strings.Contains(list, `class="joint-group" data-number="`+grouped+`"`) {
		t.Fatalf("the joint item's tasks are not grouped on the work list:\n%s", list)
	}
	checkA11y(t, func() context.Context {
		ctx := newBrowser(t)
		if err := loginBrowser(ctx, base, "scj.review"); err != nil {
			t.Fatalf("scj.review signs in: %v", err)
		}
		return ctx
	}, base, []a11yPage{
		{"work list with a joint group", "/tasks?lang=zh-CN&done=" + open, "#next-task"},
		{"task with 审核并决定", "/tasks/" + open, "#form-one_step"},
		{"task with 退回待签收", "/tasks/" + held, "#form-release-scj"},
	})
}
