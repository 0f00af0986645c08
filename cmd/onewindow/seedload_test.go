package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSeedLoadFillsANewFolderAndWritesSamples(t *testing.T) {
	dir := t.TempDir()
	getenv := func(string) string { return "" }
	ctx := context.Background()
	var out, errOut bytes.Buffer
	samples := filepath.Join(dir, "samples.csv")
	args := []string{"seed-load", "--data", dir, "--applications", "400", "--seed", "3", "--samples", samples}
	if err := run(ctx, args, getenv, &out, &errOut); err != nil {
		t.Fatalf("seed-load: %v\n%s", err, errOut.String())
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
	out.Reset()
	if err := run(ctx, []string{"audit", "verify", "--data", dir}, getenv, &out, &errOut); err != nil {
		t.Fatalf("audit: %v %s", err, out.String())
	}
	if !strings.Contains(out.String(), "checked 400 applications") {
		t.Errorf("audit: %q", out.String())
	}
}
