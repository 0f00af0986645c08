package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/cmd/owbaseline/baseline"
	"onewindow/cmd/owload/seed"
	"onewindow/handlers"
	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/web"
	"onewindow/workflow"
)

// TestEveryWorkloadRunsAgainstAServer drives each workload for a second
// against an in-process server on a small generated database, with its
// baselines, and fails on any error answer.
func TestEveryWorkloadRunsAgainstAServer(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a server for several seconds")
	}
	dir := t.TempDir()
	main, base, samples := smokeServer(t, dir)
	var out, errOut bytes.Buffer
	args := []string{"-url", main, "-baseline-url", base, "-clients", "4", "-duration", "700ms", "-baseline-duration", "200ms", "-warmup", "100ms",
		"-samples", samples, "-pool", "300", "-workload", "all"}
	if err := run(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	runs := 0
	for _, l := range lines {
		if !strings.HasPrefix(l, "run ") {
			continue
		}
		runs++
		if !strings.Contains(l, "errors 0  locked 0  in ") {
			t.Errorf("a run had errors: %s", l)
		}
	}
	if runs != 8+12 { // eight workloads, twelve baseline runs
		t.Errorf("%d runs:\n%s", runs, errOut.String())
	}
	for _, w := range allWorkloads {
		if !strings.Contains(out.String(), "| "+w+" ") {
			t.Errorf("report lacks %s:\n%s", w, out.String())
		}
	}
	if !strings.Contains(out.String(), "sql-status") || !strings.Contains(out.String(), "→") {
		t.Errorf("report lacks ratios:\n%s", out.String())
	}
}

// smokeServer seeds a demo database with generated applications and serves
// it, with the baselines on a second server; it returns both URLs and the
// samples file.
func smokeServer(t *testing.T, dir string) (string, string, string) {
	t.Helper()
	ctx := context.Background()
	store, err := models.Open(ctx, dir, models.Options{DB: "sqlite"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.SeedCalendar(ctx, workflow.DefaultCalendarDays()); err != nil {
		t.Fatal(err)
	}
	depts, _, items := demo.Catalogue()
	if _, err := store.SeedCatalogue(ctx, depts, models.DefaultItemTypes(), items); err != nil {
		t.Fatal(err)
	}
	hash, err := handlers.HashPassword(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.SeedUsers(ctx, demo.Accounts(depts, hash)); err != nil {
		t.Fatal(err)
	}
	cal, err := workflow.NewCalendar(workflow.DefaultCalendarDays())
	if err != nil {
		t.Fatal(err)
	}
	got, err := seed.Applications(ctx, store, seed.Options{Applications: 1000, Seed: 5, Now: time.Now(), Cal: cal})
	if err != nil {
		t.Fatal(err)
	}
	samples := filepath.Join(dir, "samples.csv")
	var csv strings.Builder
	csv.WriteString("number,code,state,department\n")
	for _, s := range got {
		fmt.Fprintf(&csv, "%s,%s,%s,%s\n", s.Number, s.Code, s.State, s.Department)
	}
	if err := os.WriteFile(samples, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	site, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := handlers.New(ctx, handlers.Config{Store: store, Site: site, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	// The baselines open the same file on connections of their own, as
	// owbaseline does in a process of its own.
	b, err := baseline.Open(ctx, dir, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	main, base := httptest.NewServer(srv.Handler()), httptest.NewServer(baseline.Handler(b, time.Now))
	t.Cleanup(main.Close)
	t.Cleanup(base.Close)
	return main.URL, base.URL, samples
}
