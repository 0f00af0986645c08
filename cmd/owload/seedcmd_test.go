package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onewindow/models"
)

func TestSeedFillsANewFolderAndWritesSamples(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	var out, errOut bytes.Buffer
	samples := filepath.Join(dir, "samples.csv")
	args := []string{"seed", "-data", dir, "-applications", "400", "-seed", "3", "-samples", samples}
	if err := run(ctx, args, &out, &errOut); err != nil {
		t.Fatalf("seed: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(errOut.String(), "] 400/400 applications") || !strings.Contains(out.String(), "generated 400 applications") {
		t.Errorf("progress %q, summary %q", errOut.String(), out.String())
	}
	f, err := os.Open(samples)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 || strings.Join(rows[0], ",") != "number,code,state,department" {
		t.Fatalf("samples %v, %v", rows, err)
	}
	store, err := models.Open(ctx, dir, models.Options{DB: "sqlite"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	checked := 0
	for r, e := range store.Chains(ctx, nil) {
		if e != nil {
			err = e
			break
		}
		if r.Break != nil {
			t.Errorf("%s: %v", r.Number, r.Break)
		}
		checked++
	}
	if err != nil || checked != 400 {
		t.Errorf("audit: %d applications checked, %v", checked, err)
	}
	if _, err := store.UserByName(ctx, "window1"); err != nil {
		t.Errorf("demo accounts: %v", err)
	}
}
