package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/workflow"
)

// demoData is a data folder holding the seeded demonstration catalogue.
func demoData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	store, err := models.Open(ctx, dir, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.SeedCalendar(ctx, workflow.DefaultCalendarDays()); err != nil {
		t.Fatal(err)
	}
	depts, _, items := demo.Catalogue()
	if _, err := store.SeedCatalogue(ctx, depts, models.DefaultItemTypes(), items); err != nil {
		t.Fatal(err)
	}
	return dir
}

func revisionCount(t *testing.T, dir, code string) int {
	t.Helper()
	store, err := models.Open(context.Background(), dir, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	revs, err := store.Revisions(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return len(revs)
}

func TestCatalogueExportImportRoundTrip(t *testing.T) {
	dir := demoData(t)
	getenv := func(k string) string {
		if k == "ONEWINDOW_DATA" {
			return dir
		}
		return ""
	}
	ctx := context.Background()
	for _, f := range []string{"xlsx", "csv"} {
		t.Run(f, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "catalogue."+f)
			var out, errOut bytes.Buffer
			if err := run(ctx, []string{"catalogue", "export", "-o", file}, getenv, &out, &errOut); err != nil {
				t.Fatalf("export: %v %s", err, errOut.String())
			}
			if !strings.Contains(errOut.String(), "\rexport [##############################] ") || !strings.Contains(errOut.String(), "exported 4219 items") {
				t.Errorf("export progress: %q", tail(errOut.String()))
			}
			out.Reset()
			errOut.Reset()
			if err := run(ctx, []string{"catalogue", "import", "--confirm", "--data", dir, file}, getenv, &out, &errOut); err != nil {
				t.Fatalf("import: %v %s", err, out.String())
			}
			if !strings.Contains(out.String(), "items: 4219, new: 0, changed: 0, unchanged: 4219, problems: 0") {
				t.Errorf("import of the unchanged export: %q", out.String())
			}
			if !strings.Contains(errOut.String(), "/4219 items") || !strings.Contains(errOut.String(), "rows") {
				t.Errorf("import progress: %q", tail(errOut.String()))
			}
		})
	}
	if n := revisionCount(t, dir, "150902010010000001000"); n != 0 {
		t.Errorf("an unchanged import wrote %d revisions", n)
	}
}

func TestCatalogueImportDryRunConfirmAndProblems(t *testing.T) {
	dir := demoData(t)
	getenv := func(string) string { return "" }
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "sjj.csv")
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"catalogue", "export", "--data", dir, "--department", "sjj", "--lang", "en", "-o", file}, getenv, &out, &errOut); err != nil {
		t.Fatalf("export: %v %s", err, errOut.String())
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\r\n")
	var code string
	for i, l := range lines {
		if strings.HasPrefix(l, "item,") {
			code = strings.Split(l, ",")[1]
			cells := strings.Split(l, ",")
			cells[3] += "（修订）" // the name
			lines[i] = strings.Join(cells, ",")
			break
		}
	}
	edited := filepath.Join(t.TempDir(), "edited.csv")
	os.WriteFile(edited, []byte(strings.Join(lines, "\r\n")), 0o600)
	out.Reset()
	if err := run(ctx, []string{"catalogue", "import", "--data", dir, edited}, getenv, &out, &errOut); err != nil {
		t.Fatalf("dry run: %v", err)
	}
	if !strings.Contains(out.String(), "changed: 1,") || !strings.Contains(out.String(), code+"\t") || !strings.Contains(out.String(), "dry run") {
		t.Errorf("dry run said %q", out.String())
	}
	if n := revisionCount(t, dir, code); n != 0 {
		t.Fatalf("a dry run wrote %d revisions", n)
	}
	out.Reset()
	if err := run(ctx, []string{"catalogue", "import", "--data", dir, "--confirm", "--reason", "名称修订", "--user", "li.si", edited}, getenv, &out, &errOut); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	store, err := models.Open(ctx, dir, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	revs, err := store.Revisions(ctx, code)
	store.Close()
	if err != nil || len(revs) != 1 || revs[0].Actor != "li.si" || revs[0].Reason != "名称修订" || revs[0].Action != models.RevisionImport {
		t.Fatalf("revisions after confirm: %+v %v", revs, err)
	}
	// A malformed file lists its problems by row and column and changes nothing.
	bad := strings.Replace(string(raw), ",sjj,", ",nosuch,", 1)
	bad = strings.Replace(bad, "review|decide", "review|approve", 1)
	badFile := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(badFile, []byte(bad), 0o600)
	out.Reset()
	err = run(ctx, []string{"catalogue", "import", "--data", dir, "--confirm", badFile}, getenv, &out, &errOut)
	if !errors.Is(err, errProblems) {
		t.Fatalf("malformed import: err = %v", err)
	}
	if !strings.Contains(out.String(), "items\trow 2\tdepartment_code\tunknown department_code \"nosuch\"") ||
		!strings.Contains(out.String(), "\tstages\tstages \"approve\" is not one of review, decide") {
		t.Errorf("problems listed: %q", out.String())
	}
	if n := revisionCount(t, dir, code); n != 1 {
		t.Errorf("a malformed import changed the item: %d revisions", n)
	}
	if err := run(ctx, []string{"catalogue", "frob"}, getenv, &out, &errOut); err == nil {
		t.Error("an unknown sub-command was accepted")
	}
}

func tail(s string) string {
	if len(s) > 300 {
		return s[len(s)-300:]
	}
	return s
}

func TestCatalogueImportOfAListing(t *testing.T) {
	dir := demoData(t)
	getenv := func(string) string { return "" }
	ctx := context.Background()
	file := filepath.Join(dir, "清单.csv")
	var b strings.Builder
	b.WriteString("实施主体,主项名称,事项名称,实施编码,事项类型,法定办结时限\r\n")
	for i := range 600 {
		fmt.Fprintf(&b, "区新设局%d,主项,主项（子项%d）,511A0138000000-511602000000-000-1151130108337%05d-1-00,行政许可,\r\n", i%3, i, i)
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, confirm := range []bool{false, true, true} {
		args := []string{"catalogue", "import", "--data", dir, file}
		if confirm {
			args = append(args[:4], "--confirm", file)
		}
		var out, errOut bytes.Buffer
		if err := run(ctx, args, getenv, &out, &errOut); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out.String())
		}
		if !strings.Contains(errOut.String(), "read   [") {
			t.Errorf("no progress bar: %q", errOut.String())
		}
		t.Log(strings.TrimSpace(out.String()[max(0, len(out.String())-200):]))
	}
	store, err := models.Open(ctx, dir, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	it, err := store.Item(ctx, "511A0138000000-511602000000-000-115113010833700007-1-00")
	if err != nil || it.StatutoryDays != nil || len(it.FilingGaps()) == 0 {
		t.Fatalf("imported item: %+v %v", it, err)
	}
	var out, errOut bytes.Buffer
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("实施主体,事项名称,实施编码,事项类型,法定办结时限\r\n局,甲,C-1,01,二十\r\n"), 0o600)
	err = run(ctx, []string{"catalogue", "import", "--data", dir, "--confirm", bad}, getenv, &out, &errOut)
	if !errors.Is(err, errProblems) || !strings.Contains(out.String(), "row 2\t法定办结时限") {
		t.Errorf("bad listing: %v %q", err, out.String())
	}
}
