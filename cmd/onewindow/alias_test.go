package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"onewindow/models"
)

// runIn runs the command against the data folder dir.
func runIn(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	getenv := func(k string) string {
		if k == "ONEWINDOW_DATA" {
			return dir
		}
		return ""
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, getenv, &out, &errOut)
	return out.String(), err
}

func TestAliasExportImportRoundTrip(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	file := filepath.Join(t.TempDir(), "aliases.tsv")

	// Change the source dictionary, then export it.
	edit := filepath.Join(t.TempDir(), "edit.tsv")
	os.WriteFile(edit, []byte("term\ttargets\tnote\n低保\t最低生活保障|低保金\t本区用语\n办暂住\t居住证|居住登记\n"), 0o600)
	out, err := runIn(t, src, "alias", "import", "--user", "chief", "--reason", "本区补充", edit)
	if err != nil || !strings.Contains(out, "1 added, 1 changed") {
		t.Fatalf("import = %q, %v", out, err)
	}
	if _, err := runIn(t, src, "alias", "export", "-o", file); err != nil {
		t.Fatal(err)
	}

	// Empty the destination, import the file there: the dictionaries match.
	ctx := context.Background()
	store, err := models.Open(ctx, dst, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := store.SearchAliases(ctx)
	for _, a := range all {
		if err := store.DeleteSearchAlias(ctx, "test", a.Term, "round trip"); err != nil {
			t.Fatal(err)
		}
	}
	store.Close()
	out, err = runIn(t, dst, "alias", "import", file)
	if err != nil || !strings.Contains(out, "0 changed, 0 unchanged") {
		t.Fatalf("import into the empty dictionary = %q, %v", out, err)
	}
	a, b := exportOf(t, src), exportOf(t, dst)
	if a != b {
		t.Errorf("the round trip changed the dictionary:\n%.300s\n---\n%.300s", a, b)
	}
	if !strings.Contains(b, "低保\t最低生活保障|低保金\t本区用语\n") || !strings.Contains(b, "办暂住\t居住证|居住登记\t\n") {
		t.Errorf("the export lacks the edited words: %.300s", b)
	}
	out, _ = runIn(t, dst, "alias", "list", "暂住")
	if !strings.Contains(out, "办暂住\t→ 居住证、居住登记") {
		t.Errorf("list 暂住 = %q", out)
	}

	// A deleted default word comes back with "defaults"; edited words stay.
	store, err = models.Open(ctx, dst, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.DeleteSearchAlias(ctx, "test", "狗证", "test"); err != nil {
		t.Fatal(err)
	}
	store.Close()
	out, err = runIn(t, dst, "alias", "defaults")
	if err != nil || !strings.Contains(out, ": 1 added, 0 changed") {
		t.Errorf("defaults = %q, %v", out, err)
	}
	if !strings.Contains(exportOf(t, dst), "低保\t最低生活保障|低保金\t本区用语\n") {
		t.Error("defaults replaced an edited word")
	}
}

func exportOf(t *testing.T, dir string) string {
	t.Helper()
	out, err := runIn(t, dir, "alias", "export")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAliasImportOfABadFileChangesNothing(t *testing.T) {
	dir := t.TempDir()
	before := exportOf(t, dir)
	bad := filepath.Join(t.TempDir(), "bad.tsv")
	os.WriteFile(bad, []byte("新词\t居住证\n低保\t低保\n只有一列\n新词\t居住登记\n"), 0o600)
	out, err := runIn(t, dir, "alias", "import", bad)
	if !errors.Is(err, errProblems) {
		t.Fatalf("bad import: %v, want errProblems", err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		lines = append(lines, strings.SplitN(l, "\t", 2)[0])
	}
	if !slices.Equal(lines, []string{"line 2", "line 3", "line 4"}) {
		t.Errorf("problems:\n%s\nwant lines 2 (term as target), 3 (one column), 4 (word repeated)", out)
	}
	if exportOf(t, dir) != before {
		t.Error("a refused file changed the dictionary")
	}
}
