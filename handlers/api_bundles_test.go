package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/models/demo"
)

// The restaurant bundle of the demo: four items of four departments
// (市场监管 scj, 卫健 wjw, 消防 xfdd, 城管 cgj), none decided at the window.
const restaurantBundle = "restaurant"

// orgProfile is the organisation that opens the restaurant.
var orgProfile = map[string]string{"kind": models.ApplicantOrganisation, "org_name": "集宁区好味道餐饮有限公司",
	"credit_code": "91150902MA0N3K7T1C", "phone": "13800000000", "address": "集宁区新华街1号"}

type bundleDetail struct {
	Bundle struct {
		Code    string                  `json:"code"`
		Version int                     `json:"version"`
		Items   []struct{ Code string } `json:"items"`
		Mapping []models.BundleMapping  `json:"mapping"`
	} `json:"bundle"`
	Materials []struct {
		Key   string   `json:"key"`
		Name  string   `json:"name"`
		Items []string `json:"items"`
	} `json:"materials"`
}

// bundleAnswers returns the bundle's published detail and merged answers it accepts for profile.
func bundleAnswers(t *testing.T, env *demoEnv, code string, profile map[string]string) (bundleDetail, json.RawMessage) {
	t.Helper()
	var d bundleDetail
	status, b := call(t, env, http.MethodGet, "/api/v1/bundles/"+code, "", nil)
	if status != http.StatusOK {
		t.Fatalf("bundle %s: %d %s", code, status, b)
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	var items []models.Item
	for _, it := range d.Bundle.Items {
		item, err := env.store.Item(context.Background(), it.Code)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, *item)
	}
	_, answers, err := demo.BundleSample(items, d.Bundle.Mapping, profile, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return d, answers
}

type bundleFiled struct {
	Number    string `json:"number"`
	QueryCode string `json:"query_code"`
	State     string `json:"state"`
	Children  []struct {
		Number     string `json:"number"`
		ItemCode   string `json:"item_code"`
		Department string `json:"department"`
	} `json:"children"`
}

func fileBundle(t *testing.T, env *demoEnv, token, code string, answers json.RawMessage) bundleFiled {
	t.Helper()
	body := map[string]any{"bundle_code": code, "form": answers, "applicant": map[string]string{"kind": orgProfile["kind"],
		"name": orgProfile["org_name"], "id_number": orgProfile["credit_code"], "phone": orgProfile["phone"]}}
	status, b := call(t, env, http.MethodPost, "/api/v1/applications", token, body)
	if status != http.StatusCreated {
		t.Fatalf("file bundle: %d %s", status, b)
	}
	var f bundleFiled
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

type bundleView struct {
	Number   string `json:"number"`
	Kind     string `json:"kind"`
	State    string `json:"state"`
	Result   string `json:"result"`
	Version  int    `json:"version"`
	Children []struct {
		Number     string `json:"number"`
		Item       string `json:"item"`
		ItemCode   string `json:"item_code"`
		Department string `json:"department"`
		State      string `json:"state"`
		Result     string `json:"result"`
		Reason     string `json:"reason"`
		ResultNo   string `json:"result_number"`
	} `json:"children"`
}

func bundleAct(t *testing.T, env *demoEnv, token, number, act string, body map[string]any) (int, bundleView, string) {
	t.Helper()
	status, b := call(t, env, http.MethodPost, "/api/v1/bundle-filings/"+number+"/actions/"+act, token, body)
	var v bundleView
	if status == http.StatusOK {
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
	}
	return status, v, string(b)
}

// decideInDepartment runs one child through its department's reviewer and approver.
func decideInDepartment(env *demoEnv, tokens map[string]string, number, dept, decision string) error {
	steps := []struct{ user, act string }{{dept + ".review", "claim"}, {dept + ".review", "review_pass"}, {dept + ".approve", decision}}
	for _, st := range steps {
		status, b := callQuiet(env, http.MethodGet, "/api/v1/applications/"+number, tokens[st.user], nil)
		var seen struct {
			Version int `json:"version"`
		}
		if err := json.Unmarshal([]byte(b), &seen); status != http.StatusOK || err != nil {
			return fmt.Errorf("read %s as %s: %d %s", number, st.user, status, b)
		}
		body := map[string]any{"version": seen.Version}
		if st.act == "deny" {
			body["reason"] = "经营场所不符合卫生要求"
		}
		status, b = callQuiet(env, http.MethodPost, "/api/v1/applications/"+number+"/actions/"+st.act, tokens[st.user], body)
		if status != http.StatusOK {
			return fmt.Errorf("%s by %s on %s: %d %s", st.act, st.user, number, status, b)
		}
	}
	return nil
}

// callQuiet sends a JSON request from any goroutine (call needs the test's goroutine).
func callQuiet(env *demoEnv, method, path, token string, body any) (int, string) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, env.http.URL+path, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	var out strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, out.String()
}

// runBundleToDecision files the restaurant bundle online, accepts it at the
// window and lets every department decide in parallel (deny names the one
// department that refuses, "" for none).
func runBundleToDecision(t *testing.T, env *demoEnv, deny string) (bundleFiled, bundleView, string) {
	t.Helper()
	_, answers := bundleAnswers(t, env, restaurantBundle, orgProfile)
	f := fileBundle(t, env, "", restaurantBundle, answers)
	if f.State != "submitted" || len(f.Children) != 4 || len(f.QueryCode) != 8 {
		t.Fatalf("filed %+v", f)
	}
	clerk := loginToken(t, env, "window1")
	status, v, b := bundleAct(t, env, clerk, f.Number, "accept", map[string]any{"version": 1, "materials": bundleReceived(t, env, f.Number)})
	if status != http.StatusOK || v.State != "accepted" {
		t.Fatalf("accept: %d %s", status, b)
	}
	for _, c := range v.Children {
		if c.State != "accepted" {
			t.Fatalf("child %s after acceptance: %s", c.Number, c.State)
		}
	}
	tokens := map[string]string{}
	for _, c := range f.Children {
		for _, u := range []string{c.Department + ".review", c.Department + ".approve"} {
			tokens[u] = loginToken(t, env, u)
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(f.Children))
	for i, c := range f.Children {
		decision := "approve"
		if c.Department == deny {
			decision = "deny"
		}
		wg.Go(func() { errs[i] = decideInDepartment(env, tokens, c.Number, c.Department, decision) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return f, bundleStatus(t, env, f), clerk
}

func bundleStatus(t *testing.T, env *demoEnv, f bundleFiled) bundleView {
	t.Helper()
	status, b := call(t, env, http.MethodGet, "/api/v1/status/"+f.Number+"?code="+f.QueryCode, "", nil)
	if status != http.StatusOK {
		t.Fatalf("status: %d %s", status, b)
	}
	var v bundleView
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestBundleFiledAcceptedDecidedInParallelAndIssuedTogether(t *testing.T) {
	env := newStaffEnv(t)
	var list struct {
		Bundles []struct{ Code string } `json:"bundles"`
	}
	getJSONFrom(t, env, "/api/v1/bundles", &list)
	if len(list.Bundles) < 5 {
		t.Fatalf("%d published bundles", len(list.Bundles))
	}
	d, _ := bundleAnswers(t, env, restaurantBundle, orgProfile)
	shared := 0
	for _, m := range d.Materials {
		if len(m.Items) > 1 {
			shared++
		}
	}
	if len(d.Bundle.Items) != 4 || shared == 0 {
		t.Fatalf("restaurant bundle: %d items, %d shared materials", len(d.Bundle.Items), shared)
	}
	f, v, clerk := runBundleToDecision(t, env, "")
	depts := map[string]bool{}
	for _, c := range f.Children {
		depts[c.Department] = true
	}
	if len(depts) != 4 {
		t.Fatalf("children of %d departments: %+v", len(depts), f.Children)
	}
	if v.Kind != "bundle" || v.State != "decided" || v.Result != "approved" || len(v.Children) != 4 {
		t.Fatalf("status after the decisions: %+v", v)
	}
	// A child is never issued on its own: the window issues the bundle.
	child, err := env.store.Application(context.Background(), f.Children[0].Number)
	if err != nil {
		t.Fatal(err)
	}
	status, b := call(t, env, http.MethodPost, "/api/v1/applications/"+f.Children[0].Number+"/actions/issue", clerk,
		map[string]any{"delivery": "window", "result_number": "X-1", "version": child.Version})
	if status != http.StatusConflict || !strings.Contains(string(b), "bundle_child") {
		t.Fatalf("issuing a child alone: %d %s", status, b)
	}
	var staff struct {
		Version int `json:"version"`
	}
	if status, b := call(t, env, http.MethodGet, "/api/v1/bundle-filings/"+f.Number, clerk, nil); status != http.StatusOK {
		t.Fatalf("staff view: %d %s", status, b)
	} else if err := json.Unmarshal(b, &staff); err != nil {
		t.Fatal(err)
	}
	results := map[string]string{}
	for i, c := range f.Children {
		results[c.Number] = fmt.Sprintf("JN-2026-%d", i+1)
	}
	delete(results, f.Children[2].Number)
	status, _, body := bundleAct(t, env, clerk, f.Number, "issue", map[string]any{"version": staff.Version, "delivery": "window", "results": results})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, f.Children[2].Number+".result_number") {
		t.Fatalf("issue without one result number: %d %s", status, body)
	}
	results[f.Children[2].Number] = "JN-2026-3"
	if status, _, body := bundleAct(t, env, clerk, f.Number, "issue", map[string]any{"version": staff.Version - 1, "delivery": "window", "results": results}); status != http.StatusConflict {
		t.Fatalf("stale issue: %d %s", status, body)
	}
	status, done, body := bundleAct(t, env, clerk, f.Number, "issue", map[string]any{"version": staff.Version, "delivery": "window", "results": results})
	if status != http.StatusOK || done.State != "completed" {
		t.Fatalf("issue: %d %s", status, body)
	}
	v = bundleStatus(t, env, f)
	for _, c := range v.Children {
		if c.State != "completed" || c.ResultNo == "" || c.Department == "" {
			t.Errorf("child after 统一发证: %+v", c)
		}
	}
	if v.State != "completed" {
		t.Fatalf("bundle after 统一发证: %s", v.State)
	}
}

func TestBundleStatusNamesTheDeniedChildAndItsReason(t *testing.T) {
	env := newStaffEnv(t)
	f, v, _ := runBundleToDecision(t, env, "wjw")
	if v.State != "decided" || v.Result != "denied" {
		t.Fatalf("bundle with a denial: %s %q", v.State, v.Result)
	}
	found := false
	for _, c := range v.Children {
		if c.Department == "wjw" {
			found = c.State == "denied" && c.Reason == "经营场所不符合卫生要求" && c.Item != ""
		} else if c.State != "approved" {
			t.Errorf("child %s of %s: %s", c.Number, c.Department, c.State)
		}
	}
	if !found {
		t.Fatalf("the denied child and its reason are not on the status: %+v", v.Children)
	}
	// A wrong code reads like an unknown number.
	if status, _ := call(t, env, http.MethodGet, "/api/v1/status/"+f.Number+"?code=WRONGCODE", "", nil); status != http.StatusNotFound {
		t.Fatalf("wrong code: %d", status)
	}
}

func TestBundleMissingMergedFieldIsRefusedAndNothingStored(t *testing.T) {
	env := newStaffEnv(t)
	_, answers := bundleAnswers(t, env, restaurantBundle, orgProfile)
	var form map[string]any
	if err := json.Unmarshal(answers, &form); err != nil {
		t.Fatal(err)
	}
	delete(form, "premises") // asked once, for the food licence and (mapped) the hygiene licence
	var before int64
	db, _ := env.store.SQL()
	_ = db.QueryRow(`SELECT COUNT(*) FROM applications`).Scan(&before)
	body := map[string]any{"bundle_code": restaurantBundle, "form": form, "applicant": map[string]string{"kind": "organisation",
		"name": orgProfile["org_name"], "id_number": orgProfile["credit_code"], "phone": orgProfile["phone"]}}
	status, b := call(t, env, http.MethodPost, "/api/v1/applications", "", body)
	var e apiError
	_ = json.Unmarshal(b, &e)
	if status != http.StatusUnprocessableEntity || e.Error.Fields["form.premises"] == "" {
		t.Fatalf("missing merged field: %d %s", status, b)
	}
	for k := range e.Error.Fields {
		if k == "form.venue_address" {
			t.Errorf("the error names the item's field %s, not the merged one", k)
		}
	}
	var after, bundles int64
	_ = db.QueryRow(`SELECT COUNT(*) FROM applications`).Scan(&after)
	_ = db.QueryRow(`SELECT COUNT(*) FROM bundle_filings`).Scan(&bundles)
	if after != before || bundles != 0 {
		t.Fatalf("a refused bundle stored %d applications and %d bundles", after-before, bundles)
	}
	// An unknown bundle and an unknown merged key are refused too.
	body["bundle_code"] = "no-such-bundle"
	if status, b := call(t, env, http.MethodPost, "/api/v1/applications", "", body); status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(b), "bundle_code") {
		t.Fatalf("unknown bundle: %d %s", status, b)
	}
}

func TestBundleIdempotencyKeyFilesOnce(t *testing.T) {
	env := newStaffEnv(t)
	_, answers := bundleAnswers(t, env, restaurantBundle, orgProfile)
	body := map[string]any{"bundle_code": restaurantBundle, "form": answers, "applicant": map[string]string{"kind": "organisation",
		"name": orgProfile["org_name"], "id_number": orgProfile["credit_code"]}}
	s1, b1 := call(t, env, http.MethodPost, "/api/v1/applications", "", body, "Idempotency-Key", "bundle-1")
	s2, b2 := call(t, env, http.MethodPost, "/api/v1/applications", "", body, "Idempotency-Key", "bundle-1")
	if s1 != http.StatusCreated || s2 != http.StatusOK || string(b1) != string(b2) {
		t.Fatalf("retry: %d %s / %d %s", s1, b1, s2, b2)
	}
}

// The newborn bundle's items are all 即办件: after acceptance the window
// decides each child on the spot, and the last decision decides the bundle.
func TestBundleOfImmediateItemsIsDecidedAtTheWindow(t *testing.T) {
	env := newStaffEnv(t)
	person := map[string]string{"kind": models.ApplicantPerson, "name": "张三", "id_number": "11010519491231002X",
		"phone": "13800000000", "address": "集宁区新华街1号"}
	_, answers := bundleAnswers(t, env, "newborn", person)
	status, b := call(t, env, http.MethodPost, "/api/v1/applications", "", map[string]any{"bundle_code": "newborn", "form": answers,
		"applicant": map[string]string{"kind": "person", "name": person["name"], "id_number": person["id_number"]}})
	if status != http.StatusCreated {
		t.Fatalf("file: %d %s", status, b)
	}
	var f bundleFiled
	_ = json.Unmarshal(b, &f)
	clerk := loginToken(t, env, "window1")
	if status, _, body := bundleAct(t, env, clerk, f.Number, "accept", map[string]any{"version": 1, "materials": bundleReceived(t, env, f.Number)}); status != http.StatusOK {
		t.Fatalf("accept: %d %s", status, body)
	}
	for _, c := range f.Children {
		app, err := env.store.Application(context.Background(), c.Number)
		if err != nil {
			t.Fatal(err)
		}
		if status, b := call(t, env, http.MethodPost, "/api/v1/applications/"+c.Number+"/actions/approve", clerk, map[string]any{"version": app.Version}); status != http.StatusOK {
			t.Fatalf("approve %s at the window: %d %s", c.Number, status, b)
		}
	}
	v := bundleStatus(t, env, f)
	if v.State != "decided" || v.Result != "approved" {
		t.Fatalf("after the window's decisions: %s %q", v.State, v.Result)
	}
}

func TestBundleEditsThroughTheAPI(t *testing.T) {
	env := newStaffEnv(t)
	var d bundleDetail
	getJSONFrom(t, env, "/api/v1/bundles/retirement", &d)
	var items []string
	for _, it := range d.Bundle.Items {
		items = append(items, it.Code)
	}
	body := map[string]any{"name": "退休一件事（两项）", "items": items[:2], "published": true, "reason": "试行",
		"mapping": []map[string]string{{"item": items[1], "field": "phone", "merged": "phone"}}}
	if status, _ := call(t, env, http.MethodPut, "/api/v1/bundles/retire-lite", loginToken(t, env, "window1"), body); status != http.StatusForbidden {
		t.Fatalf("a window clerk edits bundles: %d", status)
	}
	catalog := loginToken(t, env, "catalog")
	status, b := call(t, env, http.MethodPut, "/api/v1/bundles/retire-lite", catalog, body)
	if status != http.StatusCreated || !strings.Contains(string(b), `"version":1`) {
		t.Fatalf("create: %d %s", status, b)
	}
	body["version"] = 1
	body["mapping"] = []map[string]string{{"item": items[1], "field": "no_such_field", "merged": "phone"}}
	if status, b := call(t, env, http.MethodPut, "/api/v1/bundles/retire-lite", catalog, body); status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(b), "mapping.0") {
		t.Fatalf("a mapping of a missing field: %d %s", status, b)
	}
	body["mapping"] = []map[string]string{}
	body["description"] = "两项试行"
	if status, b := call(t, env, http.MethodPut, "/api/v1/bundles/retire-lite", catalog, body); status != http.StatusOK ||
		!strings.Contains(string(b), `"version":2`) {
		t.Fatalf("edit: %d %s", status, b)
	}
	if status, _ := call(t, env, http.MethodPut, "/api/v1/bundles/retire-lite", catalog, body); status != http.StatusConflict {
		t.Fatalf("stale edit: %d", status)
	}
	getJSONFrom(t, env, "/api/v1/bundles/retire-lite", &d)
	if len(d.Bundle.Items) != 2 {
		t.Fatalf("the edited bundle: %+v", d.Bundle)
	}
}
