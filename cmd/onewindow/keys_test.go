package main

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/models/demo"
)

// TestKeysRotateKeepsEveryApplicationReadable: after `onewindow keys rotate` the key file
// holds one new key, and the demo citizen's applications are found and opened with it.
func TestKeysRotateKeepsEveryApplicationReadable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := models.Open(ctx, dir, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := seed(ctx, store, true, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	_, _, items := demo.Catalogue()
	for _, it := range items[:40] {
		if !it.OnApplication {
			continue
		}
		stored, err := store.Item(ctx, it.Code)
		if err != nil {
			t.Fatal(err)
		}
		_, err = store.CreateApplication(ctx, models.NewApplication{Item: stored, Channel: models.ChannelOnline,
			Actor: "applicant", Now: time.Now(), Applicant: models.Applicant{Kind: models.ApplicantPerson,
				IDKind: "resident_id", IDNumber: demo.CitizenID, Name: "王小明", Phone: "13912345678"}})
		if err != nil {
			t.Fatal(err)
		}
	}
	before, err := store.ApplicationsOf(ctx, demo.CitizenID, 50)
	store.Close()
	if err != nil || len(before) == 0 {
		t.Fatalf("demo applications of the citizen: %d %v", len(before), err)
	}
	old, err := models.ReadKeyring(filepath.Join(dir, models.KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"keys", "rotate", "--data", dir}, noEnv, &out, &out); err != nil {
		t.Fatalf("keys rotate: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "sealed") {
		t.Fatalf("output: %s", out.String())
	}
	k, err := models.ReadKeyring(filepath.Join(dir, models.KeyFileName))
	if err != nil || k.Primary == old.Primary || len(k.Keys) != 1 {
		t.Fatalf("key file after rotation: %+v %v", k, err)
	}
	store, err = models.Open(ctx, dir, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	after, err := store.ApplicationsOf(ctx, demo.CitizenID, 50)
	if err != nil || len(after) != len(before) || after[0].ApplicantIDNumber != demo.CitizenID {
		t.Fatalf("after rotation: %d applications (before %d) %v", len(after), len(before), err)
	}
	out.Reset()
	if err := run(ctx, []string{"audit", "verify", "--data", dir}, noEnv, &out, &out); err != nil {
		t.Fatalf("audit after rotation: %v\n%s", err, out.String())
	}
}
