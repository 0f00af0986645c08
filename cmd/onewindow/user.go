package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"onewindow/handlers"
	"onewindow/models"
	"onewindow/policies"
)

const userUsage = `usage:
  onewindow user add [--data DIR] --username NAME --name DISPLAY [--department CODE] [ROLE@DOMAIN ...]
  onewindow user passwd [--data DIR] USERNAME
  onewindow user roles [--data DIR] USERNAME [ROLE@DOMAIN ...]   (no roles: list them)
The password comes from ONEWINDOW_PASSWORD, or a random one is printed once.
ROLE is one of sysadmin catalogue_admin window_clerk reviewer approver supervisor citizen;
DOMAIN is a department code or * for all departments, e.g. reviewer@scj.
`

// userCommand manages accounts from the shell, for the first administrator
// and for recovery.
func userCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, userUsage)
		return fmt.Errorf("user: no sub-command")
	}
	fs := flag.NewFlagSet("user "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", envOr(getenv, "DATA", "./data"), "data folder (ONEWINDOW_DATA)")
	keyFile := keyFileFlag(fs, getenv)
	username := fs.String("username", "", "username (add)")
	name := fs.String("name", "", "display name (add)")
	dept := fs.String("department", "", "department code (add)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	store, err := openStore(ctx, *data, getenv, *keyFile)
	if err != nil {
		return err
	}
	defer store.Close()
	switch args[0] {
	case "add":
		return userAdd(ctx, store, models.NewUser{Username: *username, DisplayName: *name, DepartmentCode: *dept}, fs.Args(), getenv, stdout)
	case "passwd":
		return userPasswd(ctx, store, fs.Args(), getenv, stdout)
	case "roles":
		return userRoles(ctx, store, fs.Args(), stdout)
	}
	fmt.Fprint(stderr, userUsage)
	return fmt.Errorf("user: unknown sub-command %q", args[0])
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv("ONEWINDOW_" + name); v != "" {
		return v
	}
	return def
}

// password returns ONEWINDOW_PASSWORD or a new random password to print, one the password
// policy takes for username.
func password(getenv func(string) string, username string) (pw string, generated bool, err error) {
	if pw = getenv("ONEWINDOW_PASSWORD"); pw != "" {
		return pw, false, nil
	}
	for {
		var b [12]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", false, err
		}
		if pw = base64.RawURLEncoding.EncodeToString(b[:]); handlers.CheckPassword(pw, username) == "" {
			return pw, true, nil
		}
	}
}

// passwordError says why the password policy refused a password.
func passwordError(err error) error {
	var e *handlers.Error
	if errors.As(err, &e) && e.Fields["password"] != "" {
		return fmt.Errorf("the password %s (ONEWINDOW_PASSWORD; leave it unset for a random one)", e.Fields["password"])
	}
	return err
}

func parseRoles(args []string) ([]models.RoleAssignment, error) {
	var out []models.RoleAssignment
	for _, a := range args {
		role, domain, ok := strings.Cut(a, "@")
		if !ok || !policies.ValidRole(role) || domain == "" {
			return nil, fmt.Errorf("role %q: want ROLE@DOMAIN with a known role, e.g. reviewer@scj", a)
		}
		out = append(out, models.RoleAssignment{Role: role, Domain: domain})
	}
	return out, nil
}

func userAdd(ctx context.Context, store *models.Store, nu models.NewUser, roleArgs []string, getenv func(string) string, out io.Writer) error {
	if nu.Username == "" || nu.DisplayName == "" {
		return fmt.Errorf("user add: --username and --name are required")
	}
	roles, err := parseRoles(roleArgs)
	if err != nil {
		return err
	}
	pw, generated, err := password(getenv, nu.Username)
	if err != nil {
		return err
	}
	if nu.PasswordHash, err = handlers.HashNewPassword(ctx, store, pw, nu.Username, 0); err != nil {
		return passwordError(err)
	}
	nu.Roles = roles
	if _, err := store.CreateUser(ctx, nu); err != nil {
		return err
	}
	fmt.Fprintf(out, "created %s\n", nu.Username)
	if generated {
		fmt.Fprintf(out, "password (shown once): %s\n", pw)
	}
	return nil
}

func userPasswd(ctx context.Context, store *models.Store, args []string, getenv func(string) string, out io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("user passwd: give one username")
	}
	u, err := store.UserByName(ctx, args[0])
	if err != nil {
		return err
	}
	pw, generated, err := password(getenv, u.Username)
	if err != nil {
		return err
	}
	hash, err := handlers.HashNewPassword(ctx, store, pw, u.Username, u.ID)
	if err != nil {
		return passwordError(err)
	}
	if err := store.SetPassword(ctx, u.ID, hash); err != nil {
		return err
	}
	fmt.Fprintf(out, "password of %s changed; the account is unlocked and its sessions ended\n", u.Username)
	if generated {
		fmt.Fprintf(out, "new password (shown once): %s\n", pw)
	}
	return nil
}

func userRoles(ctx context.Context, store *models.Store, args []string, out io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("user roles: give a username")
	}
	u, err := store.UserByName(ctx, args[0])
	if err != nil {
		return err
	}
	if len(args) > 1 {
		roles, err := parseRoles(args[1:])
		if err != nil {
			return err
		}
		if err := store.SetRoles(ctx, u.ID, roles); err != nil {
			return err
		}
		if u, err = store.UserByName(ctx, args[0]); err != nil {
			return err
		}
	}
	for _, r := range u.Roles {
		fmt.Fprintf(out, "%s@%s\n", r.Role, r.Domain)
	}
	return nil
}
