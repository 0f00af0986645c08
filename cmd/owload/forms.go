package main

import (
	"context"
	"encoding/json"
	"net/url"
	"time"

	"onewindow/models/demo/forms"
	"onewindow/models/form"
)

// The load's applicant: a person filing under a drawn identity number; for an item that
// serves organisations, the form's organisation particulars are this company's.
var loadProfile = map[string]string{"kind": "person", "name": "张三", "phone": "13800000000",
	"org_name": "集宁区示例商贸有限公司", "credit_code": "91150902MA0N3K7T1C"}

// formAnswers returns answers the item's application form accepts: the demo's example for
// an item with a real demo form, or a sample of the served form definition. ok is false
// when neither answers every required field; for a server without forms (no definition)
// the answers are nil and the filing carries none.
func (e *env) formAnswers(ctx context.Context, code, name string, examples map[string]json.RawMessage) (json.RawMessage, bool) {
	var def struct {
		Form *form.Schema `json:"form"`
	}
	if _, err := e.getJSON(ctx, "/api/v1/items/"+url.PathEscape(code)+"/form/definition", "", &def); err != nil || def.Form == nil {
		return nil, true // a server from before forms: it takes a filing without answers
	}
	if ex, ok := examples[name]; ok {
		return ex, true
	}
	v := form.Sample(def.Form, nil, loadProfile, time.Now())
	vis := form.Visible(def.Form, v)
	for _, f := range def.Form.Fields {
		// The server fills the applicant's particulars from the filing's applicant.
		if _, asked := v[f.Key]; f.Required && vis[f.Key] && !asked && f.Prefill != "name" && f.Prefill != "id_number" {
			return nil, false
		}
	}
	b, err := form.ToJSON(def.Form, v)
	return b, err == nil
}

// demoExamples are the demo's real forms' example answers by item name.
func demoExamples() map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	files, err := forms.Files()
	if err != nil {
		return out
	}
	for _, f := range files {
		out[f.Item] = f.Example
	}
	return out
}
