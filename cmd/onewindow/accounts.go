package main

import (
	"context"
	"fmt"
	"io"

	"onewindow/handlers"
	"onewindow/models"
	"onewindow/models/demo"
)

// seedAccounts creates the first accounts of a new database: the
// demonstration accounts with --demo, otherwise one administrator with a
// random password that is printed once.
func seedAccounts(ctx context.Context, store *models.Store, withDemo bool, out io.Writer) error {
	if withDemo {
		hash, err := handlers.HashPassword(demo.Password)
		if err != nil {
			return err
		}
		depts, _, _ := demo.Catalogue()
		if _, err := store.SeedUsers(ctx, demo.Accounts(depts, hash)); err != nil {
			return err
		}
		// Printed at every demo start, so whoever runs it knows how to log in.
		{
			fmt.Fprintf(out, "DEMO ACCOUNTS (password %q; for trying OneWindow out only, never in production):\n", demo.Password)
			fmt.Fprintln(out, "  admin (system administrator), catalog (catalogue administrator), window1 (window clerk),")
			fmt.Fprintln(out, "  supervisor, citizen1 (resident ID "+demo.CitizenID+"),")
			fmt.Fprintln(out, "  <department>.review, <department>.approve and <department>.inspect (random inspections) for every department, e.g. scj.review, zjj.approve, scj.inspect")
		}
		return nil
	}
	pw, _, err := password(func(string) string { return "" }, "admin") // random, by the policy
	if err != nil {
		return err
	}
	hash, err := handlers.HashPassword(pw)
	if err != nil {
		return err
	}
	ok, err := store.SeedUsers(ctx, []models.NewUser{{Username: "admin", DisplayName: "系统管理员", PasswordHash: hash,
		Roles: []models.RoleAssignment{{Role: "sysadmin", Domain: "*"}}}})
	if err != nil {
		return err
	}
	if ok {
		fmt.Fprintf(out, "Created the administrator account: username admin, password %s\n", pw)
		fmt.Fprintln(out, "This password is shown only now. Change it after logging in (onewindow user passwd admin).")
	}
	return nil
}
