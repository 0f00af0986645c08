package models

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Sessions are read from memory between writes, but every write in this
// process shows at the next read: a disabled account, a new password, new
// roles, a logout.
func TestSessionReadsFollowEveryWriteAtOnce(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Now()
	u, err := s.CreateUser(ctx, NewUser{Username: "clerk", DisplayName: "窗口人员", PasswordHash: "x",
		Roles: []RoleAssignment{{Role: "window_clerk", Domain: "*"}}})
	if err != nil {
		t.Fatal(err)
	}
	login := func(id string) {
		t.Helper()
		if err := s.CreateSession(ctx, Session{ID: id, UserID: u.ID, Kind: "bearer", CSRFToken: "t", CreatedAt: now,
			LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	read := func(id string) (*User, error) {
		t.Helper()
		_, user, err := s.SessionUser(ctx, id, now)
		return user, err
	}
	login("a")
	for range 3 { // the second and third reads come from memory
		if user, err := read("a"); err != nil || user.Username != "clerk" || len(user.Roles) != 1 {
			t.Fatalf("read: %+v %v", user, err)
		}
	}
	if err := s.SetRoles(ctx, u.ID, []RoleAssignment{{Role: "window_clerk", Domain: "*"}, {Role: "supervisor", Domain: "*"}}); err != nil {
		t.Fatal(err)
	}
	if user, err := read("a"); err != nil || len(user.Roles) != 2 {
		t.Fatalf("after new roles: %+v %v", user, err)
	}
	if _, _, err := s.SessionUser(ctx, "a", now.Add(2*time.Hour)); !errors.Is(err, ErrNotFound) {
		t.Errorf("an expired session still reads: %v", err)
	}
	if err := s.DeleteSession(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := read("a"); !errors.Is(err, ErrNotFound) {
		t.Errorf("after logout: %v", err)
	}
	login("b")
	if _, err := read("b"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetActive(ctx, u.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := read("b"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a disabled account's session still reads: %v", err)
	}
	if err := s.SetActive(ctx, u.ID, true); err != nil {
		t.Fatal(err)
	}
	login("c")
	if _, err := read("c"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(ctx, u.ID, "y"); err != nil {
		t.Fatal(err)
	}
	if _, err := read("c"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a session survives a new password: %v", err)
	}
}
