package models

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"onewindow/models/form"
)

func TestSetItemFormWritesAVersion(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	it := adminItem(t, s, "A1")
	dicts, err := s.FormDicts(ctx)
	if err != nil || len(dicts) == 0 {
		t.Fatalf("no seeded dictionaries: %v", err)
	}
	sch := form.Default(it.Name, nil)
	sch.Fields = append(sch.Fields, form.Field{Key: "seats", Type: form.TypeNumber, Label: form.Text{Zh: "座位数"}})
	next, err := s.SetItemForm(ctx, it.Code, &sch, "catalog", "增加座位数", it.Version)
	if err != nil {
		t.Fatal(err)
	}
	if next.Version != it.Version+1 {
		t.Fatalf("version %d", next.Version)
	}
	got, custom, err := next.ApplicationForm()
	if err != nil || !custom || got.Field("seats") == nil {
		t.Fatalf("form %v %v", custom, err)
	}
	if _, err := s.SetItemForm(ctx, it.Code, &sch, "catalog", "again", it.Version); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale: %v", err)
	}
	bad := form.Schema{Version: 1, Fields: []form.Field{sch.Fields[0], sch.Fields[0]}}
	var ve *ValidationError
	if _, err := s.SetItemForm(ctx, it.Code, &bad, "catalog", "dup", next.Version); !errors.As(err, &ve) {
		t.Fatalf("duplicate keys: %v", err)
	}
	back, err := s.SetItemForm(ctx, it.Code, nil, "catalog", "回到默认表单", next.Version)
	if err != nil || back.FormSchema != "" {
		t.Fatalf("back to the default: %v", err)
	}
	revs, err := s.Revisions(ctx, it.Code)
	if err != nil || len(revs) < 2 || revs[0].Action != RevisionForm && revs[len(revs)-1].Action != RevisionForm {
		t.Fatalf("revisions %v %v", len(revs), err)
	}
}

// TestUploadsPerApplicationAreCapped: past the files or bytes one application may hold, an
// upload is refused with ErrTooManyFiles and nothing is recorded.
func TestUploadsPerApplicationAreCapped(t *testing.T) {
	s := adminCatalogue(t)
	s.fileCaps = fileCaps{files: 2, bytes: 1000}
	f := file(t, s, "A1", time.Now(), nil)
	ctx := context.Background()
	add := func(size int64) error {
		_, err := s.AddFile(ctx, f.Number, AppFile{MaterialKey: "m1", SHA256: fmt.Sprintf("%064d", size), Size: size, ContentType: "application/pdf", DisplayName: "a.pdf"})
		return err
	}
	if err := add(400); err != nil {
		t.Fatal(err)
	}
	if err := add(700); !errors.Is(err, ErrTooManyFiles) {
		t.Fatalf("past the bytes: %v", err)
	}
	if err := add(100); err != nil {
		t.Fatal(err)
	}
	if err := add(1); !errors.Is(err, ErrTooManyFiles) {
		t.Fatalf("past the files: %v", err)
	}
	app, err := s.Application(ctx, f.Number)
	if err != nil || len(app.Files) != 2 {
		t.Fatalf("%d files kept (%v)", len(app.Files), err)
	}
}
