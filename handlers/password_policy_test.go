package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"onewindow/handlers"
)

func TestPasswordPolicy(t *testing.T) {
	parallel(t)
	for _, tc := range []struct {
		pw, user, want string
	}{
		{"Short1!", "li.si", "at least 10"},
		{"alllowercaseletters", "li.si", "three of"},
		{"lowercase-and-symbols", "li.si", "three of"},
		{"Li.Si-2026-spring", "li.si", "username"},
		{"Password2026!", "li.si", "common"},
		{"P@ssw0rd12345", "li.si", "common"},
		{"Qingshui-He-7", "li.si", ""},
		{"城关镇政务中心Ab1", "li.si", ""},
	} {
		got := handlers.CheckPassword(tc.pw, tc.user)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%q for %s: %q, want %q", tc.pw, tc.user, got, tc.want)
		}
	}
}

// TestPasswordHistoryRefusesTheLastFive: an administrator cannot set an account's password
// back to any of its last five, through the API.
func TestPasswordHistoryRefusesTheLastFive(t *testing.T) {
	env := newStaffEnv(t)
	u, err := env.store.UserByName(t.Context(), "window1")
	if err != nil {
		t.Fatal(err)
	}
	admin := loginToken(t, env, "admin")
	path := fmt.Sprintf("/api/v1/admin/users/%d/password", u.ID)
	set := func(pw string) int {
		status, _ := call(t, env, http.MethodPost, path, admin, map[string]string{"password": pw})
		return status
	}
	for i := 1; i <= 5; i++ {
		if s := set(fmt.Sprintf("Window-clerk-%d", i)); s/100 != 2 {
			t.Fatalf("password %d: %d", i, s)
		}
	}
	if s := set("Window-clerk-2"); s != http.StatusUnprocessableEntity {
		t.Fatalf("one of the last five again: %d", s)
	}
	if s := set("Window-clerk-6"); s/100 != 2 {
		t.Fatalf("a new one: %d", s)
	}
	if s := set("weak"); s != http.StatusUnprocessableEntity {
		t.Fatalf("a weak one: %d", s)
	}
}
