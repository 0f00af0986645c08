package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"onewindow/models"
)

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ONEWINDOW_DATA": dir, "ONEWINDOW_PASSWORD": "Correct horse 7"}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()
	store, err := models.Open(ctx, dir, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	depts := []models.Department{{Code: "scj", Name: "市场监督管理局", ShortName: "市场监管局", Sort: 1}}
	if _, err := store.SeedCatalogue(ctx, depts, models.DefaultItemTypes(), nil); err != nil {
		t.Fatal(err)
	}
	store.Close()
	var out, errOut bytes.Buffer
	err = run(ctx, []string{"user", "add", "--username", "wang.wu", "--name", "王五", "--department", "nosuch"}, getenv, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "department") {
		t.Errorf("an account in an unknown department: %v", err)
	}
	err = run(ctx, []string{"user", "add", "--username", "wang.wu", "--name", "王五", "reviewer@nosuch"}, getenv, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "roles[0].domain") {
		t.Errorf("a role in an unknown department: %v", err)
	}
	if err := run(ctx, []string{"user", "add", "--username", "li.si", "--name", "李四", "reviewer@scj"}, getenv, &out, &errOut); err != nil {
		t.Fatalf("add: %v %s", err, errOut.String())
	}
	out.Reset()
	if err := run(ctx, []string{"user", "roles", "li.si", "approver@scj", "reviewer@scj"}, getenv, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "approver@scj\nreviewer@scj\n" {
		t.Errorf("roles = %q", got)
	}
	if err := run(ctx, []string{"user", "roles", "li.si", "boss@scj"}, getenv, &out, &errOut); err == nil {
		t.Error("an unknown role was accepted")
	}
	if err := run(ctx, []string{"user", "roles", "li.si", "reviewer@nosuch"}, getenv, &out, &errOut); err == nil ||
		!strings.Contains(err.Error(), "must be a department code") {
		t.Errorf("a role in an unknown department: %v", err)
	}
	delete(env, "ONEWINDOW_PASSWORD")
	out.Reset()
	if err := run(ctx, []string{"user", "passwd", "li.si"}, getenv, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "shown once") {
		t.Errorf("passwd printed %q", out.String())
	}
}

func TestUnknownCommandFails(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"frobnicate"}, func(string) string { return "" }, &out, &errOut); err == nil {
		t.Fatal("unknown command accepted")
	}
	if err := run(context.Background(), []string{"version"}, func(string) string { return "" }, &out, &errOut); err != nil || !strings.Contains(out.String(), "schema") {
		t.Fatalf("version: %v %q", err, out.String())
	}
}
