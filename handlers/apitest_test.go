package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"onewindow/models/demo"
)

// The API tests send every request through checkedDo, which validates the
// request and the answer against the OpenAPI document the server serves, so
// that the document and the server cannot drift apart unnoticed.

// apiRouter is the served document's router, built once from the shared
// server (every test server serves the same document).
var apiRouter = sync.OnceValues(func() (routers.Router, error) {
	// Files come back as raw bytes; the document says only their type.
	for _, ct := range []string{"application/pdf", "image/jpeg", "image/png",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
	}
	openapi3filter.RegisterBodyDecoder("text/csv", openapi3filter.FileBodyDecoder)
	resp, err := http.Get(shared.http.URL + "/api/v1/openapi.json")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	return gorillamux.NewRouter(doc)
})

// credentials tells the validator whether the request carries what a
// security scheme of the document names; the server decides the rest.
func credentials(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	r := in.RequestValidationInput.Request
	switch in.SecuritySchemeName {
	case "bearer":
		if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			return nil
		}
	case "cookie":
		if _, err := r.Cookie("ow_session"); err == nil {
			return nil
		}
	case "csrf":
		if r.Header.Get("X-CSRF-Token") != "" {
			return nil
		}
	}
	return fmt.Errorf("no %s credential", in.SecuritySchemeName)
}

// checkedDo sends req (whose body is body) with client and checks it
// against the document: a request the document refuses must be refused
// (4xx), an answer must match the document's answer for its status, and a
// path the document lacks must answer 404 or 405. It returns the answer and
// its body. A nil body is read from req.
func checkedDo(t testing.TB, client *http.Client, req *http.Request, body []byte) (*http.Response, []byte) {
	t.Helper()
	if body == nil && req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			t.Fatal(err)
		}
		body = b
	}
	router, err := apiRouter()
	if err != nil {
		t.Fatalf("OpenAPI document: %v", err)
	}
	route, params, routeErr := router.FindRoute(req)
	var reqErr error
	var in *openapi3filter.RequestValidationInput
	if routeErr == nil {
		check := req.Clone(req.Context())
		check.Body = io.NopCloser(bytes.NewReader(body))
		in = &openapi3filter.RequestValidationInput{Request: check, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: credentials, IncludeResponseStatus: true}}
		reqErr = openapi3filter.ValidateRequest(req.Context(), in)
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	what := req.Method + " " + req.URL.RequestURI()
	switch {
	case routeErr != nil:
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("OpenAPI drift: %s is not in the document but answered %d", what, resp.StatusCode)
		}
		return resp, got
	case reqErr != nil && resp.StatusCode < 400:
		t.Errorf("OpenAPI drift: the document refuses %s (%v) but the server answered %d", what, reqErr, resp.StatusCode)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode,
		Header: resp.Header, Body: io.NopCloser(bytes.NewReader(got)), Options: in.Options}
	if err := openapi3filter.ValidateResponse(req.Context(), out); err != nil {
		t.Errorf("OpenAPI drift: the answer %d to %s does not match the document: %v\nbody: %.400s", resp.StatusCode, what, err, got)
	}
	return resp, got
}

// call sends a JSON request (body nil for none) with an optional bearer
// token and extra header pairs, checked against the document, and returns
// the status and body.
func call(t testing.TB, env *demoEnv, method, path, token string, body any, header ...string) (int, []byte) {
	t.Helper()
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	req, err := http.NewRequest(method, env.http.URL+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, got := checkedDo(t, http.DefaultClient, req, b)
	return resp.StatusCode, got
}

// callRaw sends a prepared body with its content type (a multipart upload,
// say), checked against the document like call.
func callRaw(t testing.TB, env *demoEnv, method, path, token, contentType string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, env.http.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return checkedDo(t, http.DefaultClient, req, body)
}

// The one way tests log in, one helper per kind of login: an API token
// (login, loginToken), a cookie session through the login page
// (loginSession) and a browser (loginBrowser). Passwords are the demo
// password unless a test gives another.

// login tries the API login and returns the status and, on success, the
// token.
func login(t testing.TB, env *demoEnv, user, password string) (int, string) {
	t.Helper()
	status, body := call(t, env, http.MethodPost, "/api/v1/login", "", map[string]string{"username": user, "password": password})
	var out struct {
		Token string `json:"token"`
	}
	if status == http.StatusOK {
		if err := json.Unmarshal(body, &out); err != nil || out.Token == "" {
			t.Fatalf("login %s: %v; body %s", user, err, body)
		}
	}
	return status, out.Token
}

// loginToken logs a demo account in through the API and returns its token.
func loginToken(t testing.TB, env *demoEnv, user string) string {
	t.Helper()
	status, tok := login(t, env, user, demo.Password)
	if status != http.StatusOK {
		t.Fatalf("login %s = %d", user, status)
	}
	return tok
}

// loginBrowser logs user in through the login form of a browser.
func loginBrowser(ctx context.Context, base, user string) error {
	return chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), user),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS("button.linkish")),
	)
}

// loginStatus tries the API login and returns only the status.
func loginStatus(t testing.TB, env *demoEnv, user, password string) int {
	t.Helper()
	status, _ := login(t, env, user, password)
	return status
}

// loginSession logs user in through the login page, like a browser without
// JavaScript: the session cookie, the form token, and no automatic
// redirects so that tests see the 303s.
func loginSession(t *testing.T, env *demoEnv, user, password string) *sysSession {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	s := &sysSession{t: t, env: env, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	status, _, landing := s.post("/login", url.Values{"username": {user}, "password": {password}})
	if status != http.StatusSeeOther {
		t.Fatalf("login %s = %d", user, status)
	}
	_, body, _ := s.get(landing)
	m := sysCSRF.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token on %s for %s", landing, user)
	}
	s.csrf = m[1]
	return s
}
