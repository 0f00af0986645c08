package handlers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"onewindow/models"
	"onewindow/models/form"
)

// foodLicenceItem is the demo's 食品经营许可（新办）, which has a real application form.
func foodLicenceItem(t *testing.T) models.Item {
	return demoItem(t, func(it models.Item) bool { return it.Name == "食品经营许可（新办）" })
}

// formSchemaOf fetches an item's form as JSON Schema and compiles it with an independent
// JSON Schema library.
func formSchemaOf(t *testing.T, env *demoEnv, code string) *jsonschema.Schema {
	t.Helper()
	status, body := call(t, env, http.MethodGet, "/api/v1/items/"+code+"/form", "", nil)
	if status != http.StatusOK {
		t.Fatalf("GET form: %d %s", status, body)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("form.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("form.json")
	if err != nil {
		t.Fatalf("compile the served form: %v", err)
	}
	return sch
}

// TestFormAnswersRefusedByFieldAndSchemaAlike files a 食品经营许可 with the real form's
// answers (accepted by the server and by the served JSON Schema), then with one wrong
// answer at a time: each is a 422 naming the field, the JSON Schema refuses it too, and
// nothing is stored.
func TestFormAnswersRefusedByFieldAndSchemaAlike(t *testing.T) {
	env := newStaffEnv(t)
	it := foodLicenceItem(t)
	sch := formSchemaOf(t, env, it.Code)
	good := func() map[string]any {
		var m map[string]any
		if err := json.Unmarshal(sampleAnswers(it.Code, "organisation", "集宁区好味道餐饮有限公司", "91150902MA0N3K7T1C"), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	body := func(answers map[string]any) map[string]any {
		return map[string]any{"item_code": it.Code, "applicant": map[string]any{"kind": "organisation",
			"name": "集宁区好味道餐饮有限公司", "id_number": "91150902MA0N3K7T1C", "phone": "13904741234"}, "form": answers}
	}
	schemaAccepts := func(answers map[string]any) bool {
		b, _ := json.Marshal(answers)
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return sch.Validate(inst) == nil
	}
	if !schemaAccepts(good()) {
		t.Fatal("the JSON Schema refuses the real form's example answers")
	}
	staffRows := make([]map[string]any, 31)
	for i := range staffRows {
		staffRows[i] = map[string]any{"name": fmt.Sprintf("员工%d", i+1), "post": "厨师"}
	}
	cases := []struct {
		name, field string
		change      func(map[string]any)
	}{
		{"a missing required field", "form.premises", func(m map[string]any) { delete(m, "premises") }},
		{"a wrong pattern", "form.website", func(m map[string]any) { m["online"], m["website"] = true, "好味道网店" }},
		{"an option not offered", "form.business_form", func(m map[string]any) { m["business_form"] = "spaceship" }},
		{"a hidden field sent anyway", "form.cold_room_area", func(m map[string]any) { m["business_items"], m["cold_room_area"] = []string{"hot"}, 20 }},
		{"a table with too many rows", "form.staff", func(m map[string]any) { m["staff"] = staffRows }},
		{"an oversize text", "form.legal_rep", func(m map[string]any) { m["legal_rep"] = strings.Repeat("张", 5000) }},
		{"a key the form does not have", "form.note", func(m map[string]any) { m["note"] = "申请" }},
	}
	for _, tc := range cases {
		answers := good()
		tc.change(answers)
		status, b := call(t, env, http.MethodPost, "/api/v1/applications", "", body(answers))
		var e apiError
		_ = json.Unmarshal(b, &e)
		if status != http.StatusUnprocessableEntity || e.Error.Fields[tc.field] == "" {
			t.Errorf("%s: %d %s, want 422 naming %s", tc.name, status, b, tc.field)
		}
		if schemaAccepts(answers) {
			t.Errorf("%s: the served JSON Schema accepts what the server refuses", tc.name)
		}
	}
	if n, err := count(t, env, "applications"); err != nil || n != 0 {
		t.Fatalf("refused filings stored %d applications (%v)", n, err)
	}
	status, b := call(t, env, http.MethodPost, "/api/v1/applications", "", body(good()))
	if status != http.StatusCreated {
		t.Fatalf("the example answers: %d %s", status, b)
	}
	var filed filedAnswer
	_ = json.Unmarshal(b, &filed)
	status, b = call(t, env, http.MethodGet, "/api/v1/status/"+filed.Number+"?code="+filed.QueryCode, "", nil)
	if status != http.StatusOK || !strings.Contains(string(b), `"business_form":"catering"`) {
		t.Fatalf("status does not carry the answers: %d %s", status, b)
	}
}

// TestDefaultFormTakesTheApplicantOnce: an item without a form of its own asks the default
// form, whose particulars come from the filing's applicant; what it asks beyond them is
// required.
func TestDefaultFormTakesTheApplicantOnce(t *testing.T) {
	env := newStaffEnv(t)
	it := demoItem(t, func(it models.Item) bool {
		return it.FormSchema == "" && it.HandlingKind == models.KindPromised && len(it.Departments) <= 1 &&
			slices.Contains(it.ServiceObjects, "person")
	})
	var def struct {
		Custom bool `json:"custom"`
		Form   struct {
			Fields []struct {
				Key     string `json:"key"`
				Prefill string `json:"prefill"`
			} `json:"fields"`
		} `json:"form"`
	}
	status, b := call(t, env, http.MethodGet, "/api/v1/items/"+it.Code+"/form/definition", "", nil)
	if status != http.StatusOK || json.Unmarshal(b, &def) != nil || def.Custom || len(def.Form.Fields) < 5 {
		t.Fatalf("definition: %d %s", status, b)
	}
	body := applyBody(it.Code, "11010519491231002X")
	body["form"] = map[string]any{"request": "申请办理，材料已备齐。", "delivery": "window", "declaration": true}
	status, b = call(t, env, http.MethodPost, "/api/v1/applications", "", body)
	var e apiError
	_ = json.Unmarshal(b, &e)
	if status != http.StatusUnprocessableEntity || len(e.Error.Fields) != 1 || e.Error.Fields["form.address"] == "" {
		t.Fatalf("without an address: %d %s, want 422 on form.address only", status, b)
	}
	body["applicant"].(map[string]any)["address"] = "集宁区新华街1号"
	if status, b = call(t, env, http.MethodPost, "/api/v1/applications", "", body); status != http.StatusCreated {
		t.Fatalf("with the applicant's address: %d %s", status, b)
	}
}

// TestFormChangeIsAVersionAndFiledApplicationsKeepTheirs: a catalogue administrator changes
// an item's form through the API; the change is a new item version with a revision, a stale
// version is a 409, a broken form is a 422 naming the problem, and an application filed
// before keeps the form it answered.
func TestFormChangeIsAVersionAndFiledApplicationsKeepTheirs(t *testing.T) {
	env := newStaffEnv(t)
	it := foodLicenceItem(t)
	filed := fileOnline(t, env, it.Code)
	token := loginToken(t, env, "catalog")
	var def struct {
		ItemVersion int             `json:"item_version"`
		Form        json.RawMessage `json:"form"`
	}
	_, b := call(t, env, http.MethodGet, "/api/v1/items/"+it.Code+"/form/definition", "", nil)
	if err := json.Unmarshal(b, &def); err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	_ = json.Unmarshal(def.Form, &schema)
	fields := schema["fields"].([]any)
	schema["fields"] = append(fields, map[string]any{"key": "seats", "type": "number", "label": map[string]any{"zh": "座位数"}, "required": true, "min": 1})
	dup := map[string]any{"version": 1, "fields": []any{fields[0], fields[0]}}
	status, b := call(t, env, http.MethodPut, "/api/v1/items/"+it.Code+"/form", token, map[string]any{"form": dup, "reason": "试", "version": def.ItemVersion})
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(b), "form.fields[1]") {
		t.Fatalf("a duplicate key: %d %s", status, b)
	}
	status, b = call(t, env, http.MethodPut, "/api/v1/items/"+it.Code+"/form", token, map[string]any{"form": schema, "reason": "增加座位数", "version": def.ItemVersion - 1})
	if status != http.StatusConflict {
		t.Fatalf("a stale version: %d %s", status, b)
	}
	status, b = call(t, env, http.MethodPut, "/api/v1/items/"+it.Code+"/form", token, map[string]any{"form": schema, "reason": "增加座位数", "version": def.ItemVersion})
	if status != http.StatusOK {
		t.Fatalf("the change: %d %s", status, b)
	}
	if _, b = call(t, env, http.MethodGet, "/api/v1/items/"+it.Code+"/form", "", nil); !strings.Contains(string(b), `"seats"`) {
		t.Fatalf("the served form lacks the new field: %s", b)
	}
	status, b = call(t, env, http.MethodGet, "/api/v1/items/"+it.Code+"/revisions", token, nil)
	if status != http.StatusOK || !strings.Contains(string(b), `"form"`) || !strings.Contains(string(b), "增加座位数") {
		t.Fatalf("revisions: %d %s", status, b)
	}
	app, err := env.store.Application(t.Context(), filed.Number)
	if err != nil {
		t.Fatal(err)
	}
	if app.Definition.Form == nil || app.Definition.Form.Field("seats") != nil || app.Definition.Form.Field("business_form") == nil {
		t.Fatalf("the filed application's form changed with the item's")
	}
}

// TestDictionaryChangeLeavesFiledAnswersAlone: an application keeps the options of the
// dictionaries as they were when it was filed, so withdrawing or renaming an option later
// does not change what its staff page says the applicant chose.
func TestDictionaryChangeLeavesFiledAnswersAlone(t *testing.T) {
	env := newStaffEnv(t)
	it := foodLicenceItem(t)
	body := map[string]any{"item_code": it.Code, "applicant": map[string]any{"kind": "organisation",
		"name": "集宁区好味道餐饮有限公司", "id_number": "91150902MA0N3K7T1C", "phone": "13904741234"},
		"form": sampleAnswers(it.Code, "organisation", "集宁区好味道餐饮有限公司", "91150902MA0N3K7T1C")}
	status, b := call(t, env, http.MethodPost, "/api/v1/applications", "", body)
	if status != http.StatusCreated {
		t.Fatalf("file: %d %s", status, b)
	}
	var filed filedAnswer
	_ = json.Unmarshal(b, &filed)
	token := loginToken(t, env, "catalog")
	status, b = call(t, env, http.MethodPut, "/api/v1/form-dictionaries/"+url.PathEscape("主体业态"), token, map[string]any{
		"label": map[string]string{"zh": "主体业态"},
		"options": []map[string]any{{"value": "seller", "label": map[string]string{"zh": "食品销售经营者"}},
			{"value": "catering_new", "label": map[string]string{"zh": "餐饮服务经营者（新名称）"}}}})
	if status != http.StatusOK {
		t.Fatalf("change the dictionary: %d %s", status, b)
	}
	app, err := env.store.Application(t.Context(), filed.Number)
	if err != nil {
		t.Fatal(err)
	}
	f := app.Definition.Form.Field("business_form")
	if f == nil || f.Dictionary != "" || !slices.ContainsFunc(f.Options, func(o form.Option) bool { return o.Value == "catering" && o.Label.Zh == "餐饮服务经营者" }) {
		t.Fatalf("the filed form's business_form: %+v", f)
	}
	client := staffClient(t, env, "window1")
	_, html, _ := fetch(t, client, http.MethodGet, env.http.URL+"/window/applications/"+filed.Number, nil)
	if !strings.Contains(html, "餐饮服务经营者") || strings.Contains(html, "新名称") {
		t.Errorf("the window page no longer shows the option the applicant chose")
	}
}
