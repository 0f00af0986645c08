package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"onewindow/models"
	"onewindow/policies"
	"onewindow/web"
)

// TestRoleFormReloadsTheAuthorizer checks the role page through the
// authorizer itself: a reviewer assignment in scj lets the user read scj
// tasks, and no other department's, from the next request on; removing it
// takes that away.
func TestRoleFormReloadsTheAuthorizer(t *testing.T) {
	ctx := context.Background()
	store, err := models.Open(ctx, t.TempDir(), models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	depts := []models.Department{{Code: "scj", Name: "集宁区市场监督管理局", ShortName: "区市场监管局", Sort: 1},
		{Code: "zjj", Name: "集宁区住房和城乡建设局", ShortName: "区住建局", Sort: 2}}
	if _, err := store.SeedCatalogue(ctx, depts, models.DefaultItemTypes(), nil); err != nil {
		t.Fatal(err)
	}
	hash, err := HashPassword("admin-password")
	if err != nil {
		t.Fatal(err)
	}
	_, err = store.SeedUsers(ctx, []models.NewUser{
		{Username: "root", DisplayName: "管理员", PasswordHash: hash, Roles: []models.RoleAssignment{{Role: "sysadmin", Domain: "*"}}},
		{Username: "li", DisplayName: "李四", DepartmentCode: "scj", PasswordHash: hash},
	})
	if err != nil {
		t.Fatal(err)
	}
	site, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(ctx, Config{Store: store, Site: site})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)

	b, _ := json.Marshal(map[string]string{"username": "root", "password": "admin-password"})
	resp, err := http.Post(srv.URL+"/api/v1/login", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var login struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	li, _ := store.UserByName(ctx, "li")
	roles := func(action string) {
		t.Helper()
		form := url.Values{"action": {action}, "role": {"reviewer"}, "domain": {"scj"}}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/admin/users/"+strconv.FormatUint(uint64(li.ID), 10)+"/roles",
			strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+login.Token)
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s role = %d", action, resp.StatusCode)
		}
	}
	can := func(dept string) bool {
		if err := s.refresh(ctx); err != nil { // what the next request does first
			t.Fatal(err)
		}
		ok, err := s.authz.Can(ctx, "li", dept, policies.ObjTask, policies.ActRead)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if can("scj") {
		t.Fatal("li reads scj tasks before any role")
	}
	roles("add")
	if !can("scj") || can("zjj") {
		t.Errorf("after reviewer@scj: scj=%v zjj=%v, want true false", can("scj"), can("zjj"))
	}
	if ok, _ := s.authz.Can(ctx, "li", "scj", policies.ObjTask, policies.ActApprove); ok {
		t.Error("a reviewer may approve")
	}
	roles("remove")
	if can("scj") {
		t.Error("li still reads scj tasks after the role was removed")
	}
}
