package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/handlers"
	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/web"
)

// TestUserCommandsReachTheRunningServer runs the user command against the
// data folder of a running server: a role replaced and a password reset are
// seen by the server within 2 s, with no restart and no reload.
func TestUserCommandsReachTheRunningServer(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	store, err := models.Open(ctx, dir, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	depts := []models.Department{{Code: "scj", Name: "市场监督管理局", ShortName: "市场监管局", Sort: 1},
		{Code: "zjj", Name: "住房和城乡建设局", ShortName: "住建局", Sort: 2}}
	if _, err := store.SeedCatalogue(ctx, depts, models.DefaultItemTypes(), nil); err != nil {
		t.Fatal(err)
	}
	server := serveTest(t, store)

	env := map[string]string{"ONEWINDOW_DATA": dir, "ONEWINDOW_PASSWORD": "Correct horse 7"}
	command := func(args ...string) {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := run(ctx, args, func(k string) string { return env[k] }, &out, &errOut); err != nil {
			t.Fatalf("%s: %v %s", strings.Join(args, " "), err, errOut.String())
		}
	}
	tasks := func(token string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, server.URL+"/api/v1/tasks?department=scj", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	within := func(what string, want int, token string) {
		t.Helper()
		changed := time.Now()
		for got := tasks(token); got != want; got = tasks(token) {
			if time.Since(changed) > 2*time.Second {
				t.Fatalf("%s: tasks = %d 2 s after the command, want %d", what, got, want)
			}
			time.Sleep(25 * time.Millisecond)
		}
	}

	command("user", "add", "--username", "li.si", "--name", "李四", "--department", "scj", "reviewer@scj")
	body, _ := json.Marshal(map[string]string{"username": "li.si", "password": "Correct horse 7"})
	resp, err := http.Post(server.URL+"/api/v1/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var login struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || login.Token == "" {
		t.Fatalf("login of the account the command added = %d", resp.StatusCode)
	}
	within("the added account's role", http.StatusOK, login.Token)

	command("user", "roles", "li.si", "reviewer@zjj")
	within("the replaced role", http.StatusForbidden, login.Token)

	env["ONEWINDOW_PASSWORD"] = "Another horse 8" // the last five passwords may not come back
	command("user", "passwd", "li.si")
	within("the password reset", http.StatusUnauthorized, login.Token)
}

// TestCatalogueImportReachesTheRunningServer imports an edited catalogue
// with the catalogue command into the data folder of a running server: the
// public search and the guide show the new name within 2 s.
func TestCatalogueImportReachesTheRunningServer(t *testing.T) {
	dir := demoData(t)
	ctx := context.Background()
	store, err := models.Open(ctx, dir, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	server := serveTest(t, store)
	getenv := func(k string) string {
		if k == "ONEWINDOW_DATA" {
			return dir
		}
		return ""
	}
	file := filepath.Join(t.TempDir(), "scj.csv")
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"catalogue", "export", "--department", "scj", "-o", file}, getenv, &out, &errOut); err != nil {
		t.Fatalf("export: %v %s", err, errOut.String())
	}
	_, _, items := demo.Catalogue()
	old := ""
	for _, it := range items {
		// A sub-item: its name is in one cell only (a main item's is in main_name too).
		if it.DepartmentCode == "scj" && it.Disposition == models.DispositionRetained && it.MainName != it.Name {
			old = it.Name
			break
		}
	}
	const renamed = "户外招牌设置核准（试行名称）"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), ","+old+",", ","+renamed+",", 1)
	if edited == string(data) {
		t.Fatalf("the export does not hold %q as a cell", old)
	}
	if err := os.WriteFile(file, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"catalogue", "import", "--confirm", "--reason", "更名", file}, getenv, &out, &errOut); err != nil {
		t.Fatalf("import: %v %s", err, errOut.String())
	}
	changed := time.Now()
	for {
		resp, err := http.Get(server.URL + "/api/v1/items?q=" + url.QueryEscape(renamed))
		if err != nil {
			t.Fatal(err)
		}
		var list struct{ Total int }
		json.NewDecoder(resp.Body).Decode(&list)
		resp.Body.Close()
		if list.Total > 0 {
			break
		}
		if time.Since(changed) > 2*time.Second {
			t.Fatalf("search does not find the imported name 2 s after the import")
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// serveTest runs the real handler stack over store on a loopback test server,
// as onewindow serve would.
func serveTest(t *testing.T, store *models.Store) *httptest.Server {
	t.Helper()
	site, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := handlers.New(context.Background(), handlers.Config{Store: store, Site: site})
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(srv.Handler())
	t.Cleanup(server.Close)
	return server
}
