package handlers_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onewindow/models"
	"onewindow/models/demo"
)

// dbBytes is the database file and its write-ahead log as they are on disk.
func dbBytes(t *testing.T, env *demoEnv) []byte {
	t.Helper()
	var all []byte
	for _, p := range []string{env.store.Path(), env.store.Path() + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// TestNoIdentityNumberIsStoredInPlainText files single applications (online and at the
// window) and a bundle, then searches the database file and its WAL for every identity
// number and phone number involved, the demo citizen account's included: none is there.
// Staff see them masked, and a logged "show" reveals them to a role that may see them.
func TestNoIdentityNumberIsStoredInPlainText(t *testing.T) {
	env := newStaffEnv(t)
	code := singleItem(t).Code
	const (
		person = "110101199003077774"
		phone  = "13912345678"
	)
	body := applyBody(code, person)
	body["applicant"].(map[string]any)["phone"] = phone
	status, b := call(t, env, http.MethodPost, "/api/v1/applications", "", body)
	if status != http.StatusCreated {
		t.Fatalf("online filing: %d %s", status, b)
	}
	var online filedAnswer
	if err := json.Unmarshal(b, &online); err != nil {
		t.Fatal(err)
	}
	window := loginToken(t, env, "window1")
	if s, b := call(t, env, http.MethodPost, "/api/v1/applications", window, applyBody(code, demo.CitizenID)); s != http.StatusCreated {
		t.Fatalf("window filing: %d %s", s, b)
	}
	_, answers := bundleAnswers(t, env, "restaurant", orgProfile)
	fileBundle(t, env, "", "restaurant", answers)

	secrets := []string{person, phone, demo.CitizenID, orgProfile["credit_code"], orgProfile["phone"]}
	raw := dbBytes(t, env)
	for _, v := range secrets {
		if bytes.Contains(raw, []byte(v)) {
			t.Errorf("%s is in the database file or its WAL in plain text", v)
		}
	}

	// Staff see the applicant masked, in the API and on the page.
	var view struct {
		Applicant struct {
			IDNumber string `json:"id_number"`
			Phone    string `json:"phone"`
		} `json:"applicant"`
		Form map[string]any `json:"form"`
	}
	status, b = call(t, env, http.MethodGet, "/api/v1/applications/"+online.Number, window, nil)
	if status != http.StatusOK {
		t.Fatalf("staff view: %d %s", status, b)
	}
	if err := json.Unmarshal(b, &view); err != nil {
		t.Fatal(err)
	}
	if view.Applicant.IDNumber != "1101**********7774" || view.Applicant.Phone != "139****5678" {
		t.Fatalf("staff view shows %q %q, want them masked", view.Applicant.IDNumber, view.Applicant.Phone)
	}
	for _, v := range []string{person, phone} {
		if strings.Contains(string(b), v) {
			t.Errorf("the staff API answer shows %s in full", v)
		}
	}
	clerk := loginSession(t, env, "window1", demo.Password)
	_, page, _ := clerk.get("/window/applications/" + online.Number)
	if strings.Contains(page, person) || !strings.Contains(page, "1101**********7774") || !strings.Contains(page, `id="reveal-form"`) {
		t.Fatal("the window page should show the number masked, with the control to show it")
	}

	// Shown in full only through the logged action, to a role that may.
	reason := map[string]string{"reason": "核验身份证原件"}
	supervisor := loginToken(t, env, "supervisor")
	if s, _ := call(t, env, http.MethodPost, "/api/v1/applications/"+online.Number+"/personal-data", supervisor, reason); s != http.StatusForbidden {
		t.Fatalf("a supervisor revealed personal data: %d", s)
	}
	if s, _ := call(t, env, http.MethodPost, "/api/v1/applications/"+online.Number+"/personal-data", "", reason); s != http.StatusUnauthorized {
		t.Fatalf("an anonymous caller revealed personal data: %d", s)
	}
	status, b = call(t, env, http.MethodPost, "/api/v1/applications/"+online.Number+"/personal-data", window, reason)
	if status != http.StatusOK || !strings.Contains(string(b), person) || !strings.Contains(string(b), phone) {
		t.Fatalf("reveal: %d %s", status, b)
	}
	long := map[string]string{"reason": strings.Repeat("长", 201)}
	if s, b := call(t, env, http.MethodPost, "/api/v1/applications/"+online.Number+"/personal-data", window, long); s != http.StatusUnprocessableEntity || !strings.Contains(string(b), "reason") {
		t.Fatalf("an overlong reason: %d %s", s, b)
	}
	code2, _, shownURL := clerk.post("/window/applications/"+online.Number+"/reveal", url.Values{"reason": {"现场核验"}})
	if code2 != http.StatusSeeOther || !strings.Contains(shownURL, "?shown=") {
		t.Fatalf("page reveal: %d to %q", code2, shownURL)
	}
	shownURL = strings.TrimSuffix(shownURL, "#applicant")
	for _, u := range []string{shownURL, shownURL + "&lang=en"} { // a reload, the other language: no new post, no new log row
		if _, page, _ = clerk.get(u); !strings.Contains(page, person) || !strings.Contains(page, `id="personal-revealed"`) {
			t.Fatalf("%s does not show the number in full", u)
		}
	}
	if _, page, _ = clerk.get("/window/applications/" + online.Number); strings.Contains(page, person) {
		t.Fatal("the page without the granted view shows the number in full")
	}
	// Another member of staff who may show it cannot use someone else's view.
	other := loginSession(t, env, singleItem(t).DepartmentCode+".review", demo.Password)
	if _, page, _ = other.get(shownURL); strings.Contains(page, person) {
		t.Fatal("another clerk saw the number through someone else's view")
	}

	// The log: who, when, which application, why — for supervisors, not for clerks.
	status, b = call(t, env, http.MethodGet, "/api/v1/personal-data-views?number="+online.Number, supervisor, nil)
	if status != http.StatusOK {
		t.Fatalf("log: %d %s", status, b)
	}
	var log struct {
		Total int `json:"total"`
		Views []struct {
			Username string `json:"username"`
			Number   string `json:"application_number"`
			Reason   string `json:"reason"`
		} `json:"views"`
	}
	if err := json.Unmarshal(b, &log); err != nil {
		t.Fatal(err)
	}
	if log.Total != 2 || log.Views[0].Reason != "现场核验" || log.Views[1].Reason != "核验身份证原件" || log.Views[0].Username != "window1" {
		t.Fatalf("log: %+v", log)
	}
	if s, _ := call(t, env, http.MethodGet, "/api/v1/personal-data-views", window, nil); s != http.StatusForbidden {
		t.Fatalf("a clerk read the log: %d", s)
	}
	sup := loginSession(t, env, "supervisor", demo.Password)
	if s, page, _ := sup.get("/supervise/personal-data?number=" + online.Number); s != http.StatusOK || !strings.Contains(page, "现场核验") {
		t.Fatalf("log page: %d", s)
	}
	if s, _, _ := sup.get("/supervise/personal-data?from=yesterday"); s != http.StatusUnprocessableEntity {
		t.Fatalf("a bad date: %d", s)
	}

	// Nothing the reveal did put a number in plain text on disk.
	raw = dbBytes(t, env)
	for _, v := range secrets {
		if bytes.Contains(raw, []byte(v)) {
			t.Errorf("%s is in the database in plain text after the reveal", v)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(env.store.Path()), models.KeyFileName)); err != nil {
		t.Fatalf("the key file: %v", err)
	}
}
