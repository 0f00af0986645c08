package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/workflow"
)

func TestAuditVerifyFindsAnEditedEvent(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := models.Open(ctx, dir, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	depts, _, items := demo.Catalogue()
	if _, err := store.SeedCatalogue(ctx, depts, models.DefaultItemTypes(), items); err != nil {
		t.Fatal(err)
	}
	var code string
	for _, it := range items {
		if it.OnApplication && !it.Reduced() && it.Status == models.ItemPublished {
			code = it.Code
			break
		}
	}
	it, err := store.Item(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	var numbers []string
	for range 3 {
		f, err := store.CreateApplication(ctx, models.NewApplication{Item: it, Channel: models.ChannelOnline, Actor: "applicant", Now: time.Now(),
			Applicant: models.Applicant{Kind: models.ApplicantPerson, IDKind: string(workflow.ResidentID), IDNumber: "11010519491231002X", Name: "张三"}})
		if err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, f.Number)
	}
	store.Close()

	var out bytes.Buffer
	if err := run(ctx, []string{"audit", "verify", "--data", dir}, noEnv, &out, &out); err != nil {
		t.Fatalf("intact: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "checked 3 applications, 3 events: 0 broken") {
		t.Fatalf("output: %s", out.String())
	}

	store, err = models.Open(ctx, dir, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db, _ := store.SQL()
	drop := `DROP TRIGGER application_events_no_update`
	if store.Engine() == "postgres" {
		drop += ` ON application_events`
	}
	if _, err := db.Exec(drop); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(store.Rebind(`UPDATE application_events SET comment = 'changed' WHERE application_id = (SELECT id FROM applications WHERE number = ?)`), numbers[1]); err != nil {
		t.Fatal(err)
	}
	store.Close()
	out.Reset()
	err = run(ctx, []string{"audit", "verify", "--data", dir}, noEnv, &out, &out)
	if err == nil || !strings.Contains(out.String(), "BROKEN "+numbers[1]+": event 1") {
		t.Fatalf("tampered: %v\n%s", err, out.String())
	}
}

func noEnv(string) string { return "" }
