package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onewindow/models"
	"onewindow/workflow"
)

// TestCalendarImportCommand loads 2027 from a CSV file over a seeded
// calendar (2027 provisional): the year becomes official with its days; a
// file with a bad line changes nothing and names the line.
func TestCalendarImportCommand(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	store, err := models.Open(ctx, dir, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := seed(ctx, store, false, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	store.Close()
	getenv := func(k string) string { return map[string]string{"ONEWINDOW_DATA": dir}[k] }
	command := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(ctx, args, getenv, &out, &errOut)
		return out.String(), err
	}
	if out, err := command("calendar", "years"); err != nil || !strings.Contains(out, "2026\tofficial\n2027\tprovisional\n") {
		t.Fatalf("years: %q %v", out, err)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("date,kind,name\n2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n"), 0o600)
	if _, err := command("calendar", "import", bad); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("a bad file: %v", err)
	}
	good := filepath.Join(dir, "2027.csv")
	os.WriteFile(good, []byte("date,kind,name,last\n2027-01-01,休,元旦,2027-01-03\n2027-02-06,holiday,春节,2027-02-12\n2027-02-14,班,春节\n"), 0o600)
	out, err := command("calendar", "import", good)
	if err != nil || !strings.Contains(out, "imported 11 days") || !strings.Contains(out, "2027\tofficial") {
		t.Fatalf("import: %q %v", out, err)
	}
	store, err = models.Open(ctx, dir, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	days, _ := store.CalendarYear(ctx, 2027)
	if len(days) != 11 || days[10] != (workflow.CalendarDay{Date: "2027-02-14", Kind: workflow.AdjustedWorkday, Name: "春节"}) {
		t.Fatalf("2027: %+v", days)
	}
}
