package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"onewindow/models"
	"onewindow/models/demo"
)

// staffClient logs user in through the login page and returns a client that
// keeps the session cookie and does not follow redirects.
func staffClient(t *testing.T, env *demoEnv, user string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(env.http.URL+"/login", url.Values{"username": {user}, "password": {demo.Password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s = %d", user, resp.StatusCode)
	}
	return client
}

func fetch(t *testing.T, client *http.Client, method, u string, form url.Values) (int, string, *http.Response) {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodGet {
		resp, err = client.Get(u)
	} else {
		resp, err = client.PostForm(u, form)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrfToken reads the session's form token from any page the client can see.
func csrfToken(t *testing.T, client *http.Client, env *demoEnv) string {
	t.Helper()
	_, body, _ := fetch(t, client, http.MethodGet, env.http.URL+"/", nil)
	m := csrfInput.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no CSRF token on the home page of a logged-in user")
	}
	return m[1]
}

// editForm is the edit form of it as the page would submit it unchanged:
// every field and every row, with the form's blank rows left empty.
func editForm(it *models.Item, token string) url.Values {
	v := url.Values{
		"csrf_token": {token}, "version": {strconv.Itoa(it.Version)}, "action": {"publish"},
		"catalog_code": {it.CatalogCode}, "name": {it.Name}, "type": {it.TypeCode}, "department": {it.DepartmentCode},
		"power_source": {it.PowerSource}, "use_level": {it.UseLevel},
		"statutory_days": {strconv.Itoa(models.Days(it.StatutoryDays))}, "promised_days": {strconv.Itoa(models.Days(it.PromisedDays))},
		"visits": {strconv.Itoa(models.Days(it.Visits))}, "online_depth": {strconv.Itoa(models.Days(it.OnlineDepth))},
		"handling_kind": {it.HandlingKind}, "accept_conditions": {it.AcceptConditions},
		"legal_basis": {it.LegalBasis}, "special_procedure": {it.SpecialProcedure}, "area": {it.Area},
		"effective_on": {it.EffectiveOn}, "location": {it.Location}, "hours": {it.Hours}, "phone": {it.Phone},
		"complaint_phone": {it.ComplaintPhone}, "fee_basis": {it.FeeBasis}, "result_type": {it.ResultType},
		"result_name": {it.ResultName}, "service_objects": it.ServiceObjects, "handle_forms": it.HandleForms,
		"material_rows": {strconv.Itoa(len(it.Materials) + 2)}, "fee_rows": {strconv.Itoa(len(it.Fees) + 2)},
		"step_rows": {strconv.Itoa(len(it.Steps) + 2)}, "dept_rows": {strconv.Itoa(len(it.Departments) + 1)},
	}
	if it.Code != "" && it.Version == 0 {
		v.Set("code", it.Code)
	}
	if it.IsFee != nil {
		v.Set("is_fee", map[bool]string{true: "1", false: "0"}[*it.IsFee])
	}
	if it.OnApplication {
		v.Set("on_application", "1")
	}
	for i, m := range it.Materials {
		p := "m" + strconv.Itoa(i) + "_"
		v.Set(p+"order", strconv.Itoa(i+1))
		v.Set(p+"key", m.Key)
		v.Set(p+"name", m.Name)
		v.Set(p+"necessity", m.Necessity)
		v.Set(p+"kind", m.Kind)
		v.Set(p+"form", m.Form)
		v.Set(p+"copies", strconv.Itoa(models.Days(m.Copies)))
		v.Set(p+"source", m.Source)
		v.Set(p+"remark", m.Remark)
		if m.BlankForm {
			v.Set(p+"blank_form", "1")
		}
	}
	for i, f := range it.Fees {
		p := "f" + strconv.Itoa(i) + "_"
		v.Set(p+"order", strconv.Itoa(i+1))
		v.Set(p+"name", f.Name)
		v.Set(p+"standard", f.Standard)
		v.Set(p+"basis", f.Basis)
	}
	for i, s := range it.Steps {
		p := "s" + strconv.Itoa(i) + "_"
		v.Set(p+"order", strconv.Itoa(i+1))
		v.Set(p+"name", s.Name)
		v.Set(p+"actor", s.Actor)
		v.Set(p+"days", strconv.Itoa(s.Days))
		v.Set(p+"note", s.Note)
		if s.CountsTime {
			v.Set(p+"counts", "1")
		}
	}
	for i, d := range it.Departments {
		p := "d" + strconv.Itoa(i) + "_"
		v.Set(p+"order", strconv.Itoa(i+1))
		v.Set(p+"code", d.DepartmentCode)
		v[p+"stages"] = d.Stages
		q := "d" + strconv.Itoa(i) + "p"
		v.Set(q+"_rows", strconv.Itoa(len(d.Plan)+2))
		for j, st := range d.Plan {
			r := q + strconv.Itoa(j) + "_"
			v.Set(r+"order", strconv.Itoa(j+1))
			v.Set(r+"name", st.Name)
			v.Set(r+"role", st.Role)
			if st.Share > 0 {
				v.Set(r+"share", strconv.Itoa(st.Share))
			}
		}
	}
	return v
}

// firstItem is the code of the first on-application item of a department.
func firstItem(t *testing.T, env *demoEnv, dept string) string {
	t.Helper()
	var l itemList
	getJSONFrom(t, env, "/api/v1/items?department="+dept+"&on_application=true", &l)
	if len(l.Items) == 0 {
		t.Fatalf("no on-application item in %s", dept)
	}
	return l.Items[0].Code
}

func adminItem(t *testing.T, env *demoEnv, code string) *models.Item {
	t.Helper()
	it, _, err := env.store.AdminItem(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func TestEditFormValidation(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	token := csrfToken(t, client, env)
	code := firstItem(t, env, "scj")
	before := adminItem(t, env, code)
	editURL := env.http.URL + "/admin/items/" + code + "/edit"

	status, body, _ := fetch(t, client, http.MethodGet, editURL, nil)
	if status != http.StatusOK || !strings.Contains(body, `id="edit-form"`) || !strings.Contains(body, before.Name) {
		t.Fatalf("GET edit = %d", status)
	}
	cases := []struct {
		name   string
		change func(url.Values)
		field  string // the error element expected on the page
	}{
		{"promised above statutory", func(v url.Values) {
			v.Set("promised_days", strconv.Itoa(models.Days(before.StatutoryDays)+1))
			v.Set("reason", "test")
		}, "err-promised_days"},
		{"empty name", func(v url.Values) { v.Set("name", "  "); v.Set("reason", "test") }, "err-name"},
		{"missing reason", func(v url.Values) { v.Set("promised_days", "0") }, "err-reason"},
		{"not a number", func(v url.Values) { v.Set("statutory_days", "abc"); v.Set("reason", "test") }, "err-statutory_days"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := editForm(before, token)
			tc.change(v)
			status, body, _ := fetch(t, client, http.MethodPost, editURL, v)
			if status != http.StatusUnprocessableEntity {
				t.Fatalf("POST = %d, want 422", status)
			}
			if !strings.Contains(body, `id="`+tc.field+`"`) {
				t.Errorf("page lacks the message %s", tc.field)
			}
			if !strings.Contains(body, `id="form-errors"`) {
				t.Errorf("page lacks the error summary")
			}
			after := adminItem(t, env, code)
			if after.Version != before.Version || after.Name != before.Name || models.Days(after.PromisedDays) != models.Days(before.PromisedDays) {
				t.Errorf("item changed by an invalid form: version %d→%d", before.Version, after.Version)
			}
		})
	}
	// The submitted values are shown again, not the stored ones.
	v := editForm(before, token)
	v.Set("name", "")
	v.Set("location", "新地址输入保留")
	_, body, _ = fetch(t, client, http.MethodPost, editURL, v)
	if !strings.Contains(body, "新地址输入保留") {
		t.Error("the re-rendered form lost the user's input")
	}
	// A stale version is a 409 and changes nothing.
	v = editForm(before, token)
	v.Set("version", strconv.Itoa(before.Version-1))
	v.Set("reason", "stale")
	if status, _, _ := fetch(t, client, http.MethodPost, editURL, v); status != http.StatusConflict {
		t.Errorf("stale version = %d, want 409", status)
	}
}

func TestSaveDraftThenPublish(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	token := csrfToken(t, client, env)
	code := firstItem(t, env, "scj")
	before := adminItem(t, env, code)
	v := editForm(before, token)
	v.Set("action", "draft")
	v.Set("hours", "草稿里的办公时间")
	v.Set("reason", "调整办公时间")
	status, _, resp := fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/"+code+"/edit", v)
	if status != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "saved=draft") {
		t.Fatalf("save draft = %d %s", status, resp.Header.Get("Location"))
	}
	var g struct {
		Hours string `json:"hours"`
	}
	getJSONFrom(t, env, "/api/v1/items/"+code, &g)
	if g.Hours == "草稿里的办公时间" {
		t.Fatal("a draft reached the public guide")
	}
	_, body, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/"+code+"/edit", nil)
	if !strings.Contains(body, `id="publish-draft"`) || !strings.Contains(body, "草稿里的办公时间") {
		t.Fatal("edit page does not offer the pending draft")
	}
	status, _, _ = fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/"+code+"/publish",
		url.Values{"csrf_token": {token}, "version": {strconv.Itoa(before.Version)}})
	if status != http.StatusSeeOther {
		t.Fatalf("publish draft = %d", status)
	}
	getJSONFrom(t, env, "/api/v1/items/"+code, &g)
	if g.Hours != "草稿里的办公时间" {
		t.Errorf("published hours = %q", g.Hours)
	}
}

func TestCrossDepartmentEditPageIsForbidden(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "scj.review")
	token := csrfToken(t, client, env)
	code := firstItem(t, env, "zjj")
	before := adminItem(t, env, code)
	editURL := env.http.URL + "/admin/items/" + code + "/edit"
	if status, _, _ := fetch(t, client, http.MethodGet, editURL, nil); status != http.StatusForbidden {
		t.Errorf("GET edit of a zjj item as scj.review = %d, want 403", status)
	}
	v := editForm(before, token)
	v.Set("promised_days", "0")
	v.Set("reason", "越权修改")
	if status, _, _ := fetch(t, client, http.MethodPost, editURL, v); status != http.StatusForbidden {
		t.Errorf("POST edit of a zjj item as scj.review = %d, want 403", status)
	}
	if status, _, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/"+code+"/history", nil); status != http.StatusForbidden {
		t.Errorf("history as scj.review = %d, want 403", status)
	}
	after := adminItem(t, env, code)
	if after.Version != before.Version || models.Days(after.PromisedDays) != models.Days(before.PromisedDays) {
		t.Error("a forbidden edit changed the item")
	}
	// Without a login the page sends the visitor to the login form.
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	status, _, resp := fetch(t, anon, http.MethodGet, editURL, nil)
	if status != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("anonymous edit page = %d %s", status, resp.Header.Get("Location"))
	}
}

func TestBrowserCatalogAdminEditsAnItem(t *testing.T) {
	env := newStaffEnv(t)
	ctx := newBrowser(t)
	base := env.http.URL
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "catalog"),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS("button.linkish")),
		chromedp.Navigate(base+"/items?q="+url.QueryEscape("食品经营许可")),
		chromedp.WaitVisible(chromedp.CSS("ol.results")),
		chromedp.Click(chromedp.CSS("ol.results li h2 a")),
		chromedp.WaitVisible(chromedp.ID("edit-item")),
	)
	if err != nil {
		t.Fatalf("log in and open the guide: %v", err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	code := loc[strings.LastIndex(loc, "/")+1:]
	if i := strings.IndexByte(code, '?'); i >= 0 {
		code = code[:i]
	}
	before := adminItem(t, env, code)
	if models.Days(before.PromisedDays) < 1 {
		t.Fatalf("item %s has promised days %d; pick another", code, models.Days(before.PromisedDays))
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("edit-item")),
		chromedp.WaitVisible(chromedp.ID("edit-form")),
	)
	if err != nil {
		t.Fatalf("open the edit page: %v", err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("promised_days")))
	if err != nil || shown != strconv.Itoa(models.Days(before.PromisedDays)) {
		t.Fatalf("promised days in the form %q, want %d (%v)", shown, before.PromisedDays, err)
	}
	newDays := strconv.Itoa(models.Days(before.PromisedDays) - 1)
	const material = "食品安全自查承诺书"
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("promised_days"), newDays),
		chromedp.SendKeys(chromedp.CSS("tr.new-row input[name$='_name']"), material),
		chromedp.SendKeys(chromedp.ID("reason"), "压缩承诺时限，增加自查承诺书"),
		chromedp.Click(chromedp.ID("save-publish")),
		chromedp.WaitVisible(chromedp.ID("saved")),
		chromedp.Click(chromedp.ID("history-link")),
		chromedp.WaitVisible(chromedp.ID("history")),
	)
	if err != nil {
		t.Fatalf("save and open the history: %v", err)
	}
	row := chromedp.CSS("#history li:first-child tr[data-field='promised_days']")
	oldV, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#history li:first-child tr[data-field='promised_days'] del")))
	if err != nil || oldV != strconv.Itoa(models.Days(before.PromisedDays))+" 个工作日" {
		t.Errorf("struck-out old value %q, want %d (%v)", oldV, before.PromisedDays, err)
	}
	newV, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#history li:first-child tr[data-field='promised_days'] ins")))
	if err != nil || newV != newDays+" 个工作日" {
		t.Errorf("highlighted new value %q, want %s (%v)", newV, newDays, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Text(row)); err != nil {
		t.Error(err)
	}
	added, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#history li:first-child tr[data-field='materials[+]'] ins")))
	if err != nil || added != material {
		t.Errorf("added material in the diff %q (%v)", added, err)
	}
	reason, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#history li:first-child .reason")))
	if err != nil || reason != "压缩承诺时限，增加自查承诺书" {
		t.Errorf("reason %q (%v)", reason, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/items/"+code),
		chromedp.WaitVisible(chromedp.ID("materials")),
	)
	if err != nil {
		t.Fatal(err)
	}
	page, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("article.guide")))
	if err != nil || !strings.Contains(page, material) {
		t.Errorf("public guide lacks the new material (%v)", err)
	}
	var g guide
	getJSONFrom(t, env, "/api/v1/items/"+code, &g)
	if strconv.Itoa(g.PromisedDays) != newDays {
		t.Errorf("API promised days %d, want %s", g.PromisedDays, newDays)
	}
	found := false
	for _, m := range g.Materials {
		found = found || m.Name == material
	}
	if !found || len(g.Materials) != len(before.Materials)+1 {
		t.Errorf("API materials %d (new one found %v), want %d", len(g.Materials), found, len(before.Materials)+1)
	}
}

func TestBrowserReviewerSeesNoEditLink(t *testing.T) {
	env := newStaffEnv(t)
	ctx := newBrowser(t)
	base := env.http.URL
	code := firstItem(t, env, "zjj")
	own := firstItem(t, env, "scj")
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "scj.review"),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS("button.linkish")),
		chromedp.Navigate(base+"/items/"+code),
		chromedp.WaitVisible(chromedp.ID("materials")),
	)
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("#edit-item, #item-history"), chromedp.AtLeast(0)))
	if err != nil || len(nodes) != 0 {
		t.Errorf("scj.review sees %d admin links on a zjj item (%v)", len(nodes), err)
	}
	// Nor on the own department's item: a reviewer does not edit the catalogue.
	err = chromedp.Do(ctx, chromedp.Navigate(base+"/items/"+own), chromedp.WaitVisible(chromedp.ID("materials")))
	if err != nil {
		t.Fatal(err)
	}
	nodes, err = chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("#edit-item"), chromedp.AtLeast(0)))
	if err != nil || len(nodes) != 0 {
		t.Errorf("scj.review sees the edit link on an scj item (%v)", err)
	}
}

func TestDispositionPage(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	token := csrfToken(t, client, env)
	code := firstItem(t, env, "scj")
	before := adminItem(t, env, code)
	u := env.http.URL + "/admin/items/" + code + "/disposition"
	if status, body, _ := fetch(t, client, http.MethodGet, u, nil); status != http.StatusOK || !strings.Contains(body, `id="disposition-form"`) {
		t.Fatalf("GET disposition = %d", status)
	}
	form := url.Values{"csrf_token": {token}, "version": {strconv.Itoa(before.Version)}, "disposition": {"cancelled"}, "reason": {"依法取消"}}
	status, body, _ := fetch(t, client, http.MethodPost, u, form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-legal_basis"`) {
		t.Fatalf("without legal basis = %d", status)
	}
	if adminItem(t, env, code).Version != before.Version {
		t.Fatal("an invalid disposition changed the item")
	}
	form.Set("legal_basis", "国务院关于取消一批行政许可事项的决定")
	status, _, resp := fetch(t, client, http.MethodPost, u, form)
	if status != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "/history") {
		t.Fatalf("cancel = %d %s", status, resp.Header.Get("Location"))
	}
	var g struct {
		Disposition string `json:"disposition"`
	}
	getJSONFrom(t, env, "/api/v1/items/"+code, &g)
	if g.Disposition != "cancelled" {
		t.Errorf("public disposition %q, want cancelled", g.Disposition)
	}
	// The reviewer of the department may not change dispositions.
	rc := staffClient(t, env, "scj.review")
	form.Set("csrf_token", csrfToken(t, rc, env))
	form.Set("disposition", "retained")
	form.Set("version", strconv.Itoa(before.Version+1))
	if status, _, _ := fetch(t, rc, http.MethodPost, u, form); status != http.StatusForbidden {
		t.Errorf("reviewer disposition = %d, want 403", status)
	}
}
