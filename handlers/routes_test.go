package handlers_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"onewindow/handlers"
)

func keySet(keys []string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// TestEveryRouteIsPublicOrProtected walks the router: every route it holds is
// in the route table, either public or protected, and every line of the table
// is registered. A protected route answers an anonymous visitor with 401
// (API) or a redirect to the login page, never with data.
func TestEveryRouteIsPublicOrProtected(t *testing.T) {
	public, protected := keySet(handlers.PublicRoutes()), keySet(handlers.ProtectedRoutes())
	registered := map[string]bool{}
	for _, r := range shared.srv.Engine().Routes() {
		key := r.Method + " " + r.Path
		registered[key] = true
		if pub, prot := public[key], protected[key]; pub == prot {
			t.Errorf("route %s: public=%v protected=%v; it must be exactly one", key, pub, prot)
		}
	}
	for _, key := range append(handlers.PublicRoutes(), handlers.ProtectedRoutes()...) {
		if !registered[key] {
			t.Errorf("route %s is in the table but not registered", key)
		}
	}

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, key := range handlers.ProtectedRoutes() {
		method, path, _ := strings.Cut(key, " ")
		parts := strings.Split(path, "/")
		for i, p := range parts {
			if strings.HasPrefix(p, ":") {
				parts[i] = "X1"
			}
		}
		req, _ := http.NewRequest(method, shared.http.URL+strings.Join(parts, "/"), nil)
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		switch {
		case strings.HasPrefix(path, "/api/"):
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s without login = %d, want 401", key, resp.StatusCode)
			}
		case resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next="):
			t.Errorf("%s without login = %d %q, want 303 to /login", key, resp.StatusCode, loc)
		}
	}
}

// openAPIGaps lists "METHOD /path" entries where the served OpenAPI document
// and the route table disagree today. The document is being rewritten; once
// it matches, this list is empty and the test below fails on any new gap.
var openAPIGaps = map[string]bool{}

// TestOpenAPIDescribesExactlyTheAPIRoutes compares the API routes of the
// route table with the operations of the served OpenAPI document, both ways.
func TestOpenAPIDescribesExactlyTheAPIRoutes(t *testing.T) {
	parallel(t)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	getJSON(t, "/api/v1/openapi.json", 200, &doc)
	documented := map[string]bool{}
	for path, item := range doc.Paths {
		for method := range item {
			switch m := strings.ToUpper(method); m {
			case "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE":
				documented[m+" "+path] = true
			}
		}
	}
	table := map[string]bool{}
	for _, key := range handlers.APIRoutes() {
		method, path, _ := strings.Cut(key, " ")
		parts := strings.Split(path, "/")
		for i, p := range parts {
			if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
				parts[i] = "{" + p[1:] + "}"
			}
		}
		key = method + " " + strings.Join(parts, "/")
		table[key] = true
		if !documented[key] && !openAPIGaps[key] {
			t.Errorf("API route %s is not in the OpenAPI document", key)
		}
	}
	for key := range documented {
		if !table[key] && !openAPIGaps[key] {
			t.Errorf("the OpenAPI document names %s, which the route table lacks", key)
		}
	}
	for key := range openAPIGaps {
		if documented[key] == table[key] {
			t.Errorf("%s is listed in openAPIGaps but the document and the table agree; remove it", key)
		}
	}
}

// TestPersonalAnswersAreNeverCached: every route that is not public answers with
// Cache-Control: no-store, so a staff page or an applicant's status is never shown again
// from a shared browser's history or a proxy.
func TestPersonalAnswersAreNeverCached(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "window1")
	for _, path := range []string{"/window", "/admin", "/tasks"} {
		_, _, resp := fetch(t, client, http.MethodGet, env.http.URL+path, nil)
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store", path, cc)
		}
	}
	token := loginToken(t, env, "window1")
	req, _ := http.NewRequest(http.MethodGet, env.http.URL+"/api/v1/tasks", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("GET /api/v1/tasks: Cache-Control %q, want no-store", cc)
	}
}
