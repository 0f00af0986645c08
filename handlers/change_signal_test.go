package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/workflow"
)

// within polls seen until it holds, and fails when an answer received 2 s
// or more after the change still shows the old state: the change signal's
// promise for another process's change. (An answer may arrive later than
// that when it waits for a rebuild that started in time: rebuilding the
// catalogue's index took 0.5-1 s on a busy test machine, 4-5 s under -race.)
func within(t *testing.T, what string, changed time.Time, seen func() bool) {
	t.Helper()
	start := changed
	for !seen() {
		if time.Since(start) > 2*time.Second {
			t.Fatalf("%s: not seen by the running server within 2 s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Logf("%s: seen after %v", what, time.Since(start).Round(time.Millisecond))
}

// getBody fetches a public page or API answer of env.
func getBody(t *testing.T, env *demoEnv, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(env.http.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestChangesByAnotherStoreReachTheRunningServer changes each cached area
// through a second store on the same database file, as the onewindow
// command does, while the server runs, and sees every change within 2 s.
func TestChangesByAnotherStoreReachTheRunningServer(t *testing.T) {
	env := newStaffEnv(t)
	ctx := context.Background()
	other, err := models.Open(ctx, filepath.Dir(env.store.Path()), models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	userID := func(name string) uint {
		t.Helper()
		u, err := other.UserByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	}

	t.Run("a removed role", func(t *testing.T) {
		token := loginToken(t, env, "scj.review")
		if status, body := call(t, env, "GET", "/api/v1/tasks?department=scj", token, nil); status != http.StatusOK {
			t.Fatalf("tasks before = %d %s", status, body)
		}
		if err := other.SetRoles(ctx, userID("scj.review"), nil); err != nil {
			t.Fatal(err)
		}
		within(t, "the removed role", time.Now(), func() bool {
			status, _ := call(t, env, "GET", "/api/v1/tasks?department=scj", token, nil)
			return status == http.StatusForbidden
		})
	})

	t.Run("an edited item", func(t *testing.T) {
		var list struct{ Items []struct{ Code string } }
		if status, body := getBody(t, env, "/api/v1/items?page_size=1"); status != http.StatusOK || json.Unmarshal([]byte(body), &list) != nil || len(list.Items) == 0 {
			t.Fatalf("items = %d %s", status, body)
		}
		code := list.Items[0].Code
		it, _, err := other.AdminItem(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		const word = "变更信号测试"
		edited := *it
		edited.Name = it.Name + word
		if _, err := other.UpdateItem(ctx, code, edited, "catalog", "测试变更信号", it.Version); err != nil {
			t.Fatal(err)
		}
		changed := time.Now()
		within(t, "the edited guide", changed, func() bool {
			_, page := getBody(t, env, "/items/"+code)
			return strings.Contains(page, word)
		})
		within(t, "the edited item in search", changed, func() bool {
			_, body := getBody(t, env, "/api/v1/items?q="+url.QueryEscape(word))
			return strings.Contains(body, `"`+code+`"`)
		})
	})

	t.Run("a new holiday", func(t *testing.T) {
		deadline := func() string {
			var out struct{ Deadline string }
			_, body := getBody(t, env, "/api/v1/calendar/deadline?start=2026-03-09&days=1")
			if err := json.Unmarshal([]byte(body), &out); err != nil {
				t.Fatalf("deadline: %v %s", err, body)
			}
			return out.Deadline
		}
		if got := deadline(); got != "2026-03-10" {
			t.Fatalf("deadline before = %s", got)
		}
		if err := other.AddCalendarDay(ctx, workflow.CalendarDay{Date: "2026-03-10", Kind: workflow.Holiday, Name: "测试假日"}); err != nil {
			t.Fatal(err)
		}
		within(t, "the new holiday", time.Now(), func() bool { return deadline() == "2026-03-11" })
	})

	t.Run("a disabled account", func(t *testing.T) {
		token := loginToken(t, env, "scj.approve")
		client := staffClient(t, env, "scj.approve")
		if status, body := call(t, env, "GET", "/api/v1/me", token, nil); status != http.StatusOK {
			t.Fatalf("me before = %d %s", status, body)
		}
		if status, _, _ := fetch(t, client, http.MethodGet, env.http.URL+"/tasks", nil); status != http.StatusOK {
			t.Fatalf("/tasks before = %d", status)
		}
		if err := other.SetActive(ctx, userID("scj.approve"), false); err != nil {
			t.Fatal(err)
		}
		changed := time.Now()
		within(t, "the ended API session", changed, func() bool {
			status, _ := call(t, env, "GET", "/api/v1/tasks", token, nil)
			return status == http.StatusUnauthorized
		})
		within(t, "the ended page session", changed, func() bool {
			status, _, resp := fetch(t, client, http.MethodGet, env.http.URL+"/tasks", nil)
			return status == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login")
		})
	})
}
