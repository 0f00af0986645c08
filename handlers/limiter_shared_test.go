package handlers_test

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"onewindow/handlers"
	"onewindow/models"
	"onewindow/models/demo"
)

// Two instances on one database count the same failures: wrong passwords spread over
// both slow the next try on either, as one instance would.
func TestLoginFailuresOnOneInstanceThrottleTheOther(t *testing.T) {
	parallel(t)
	dir := t.TempDir()
	storeA, err := openSeeded(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	storeB, err := models.Open(t.Context(), dir, models.Options{Synchronous: "NORMAL"})
	if err != nil {
		storeA.Close()
		t.Fatal(err)
	}
	var at atomic.Int64 // the servers' clock stands still but for the wait below
	at.Store(time.Now().UnixNano())
	clock := func(c *handlers.Config) { c.Now = func() time.Time { return time.Unix(0, at.Load()) } }
	a, b := serveStore(t, storeA, clock), serveStore(t, storeB, clock)
	try := func(env *demoEnv, password string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, env.http.URL+"/api/v1/login",
			strings.NewReader(`{"username":"window1","password":"`+password+`"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	for i, env := range []*demoEnv{a, b, a, b, a} {
		if status, body := try(env, "wrong-"+string(rune('a'+i))); status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d = %d %s, want 401", i+1, status, body)
		}
	}
	if status, body := try(b, demo.Password); status != http.StatusTooManyRequests || !strings.Contains(body, "too_many_attempts") {
		t.Fatalf("the right password on the second instance after five failures over both = %d %s, want 429", status, body)
	}
	if status, body := try(a, demo.Password); status != http.StatusTooManyRequests {
		t.Fatalf("and on the first = %d %s, want 429", status, body)
	}
	// The wait ends for both at once.
	at.Add(int64(time.Minute))
	if status, body := try(a, demo.Password); status != http.StatusOK {
		t.Fatalf("after the wait = %d %s, want 200", status, body)
	}
}
