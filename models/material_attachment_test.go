package models

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestMaterialAttachmentsKeepEveryChange(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	files, err := NewFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	put := func(body string) string {
		sum, _, err := files.Put(ctx, strings.NewReader(body), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	first, second := put("%PDF-1.4 first"), put("%PDF-1.4 second")
	att := func(key, kind, sum string) error {
		_, err := s.AttachMaterialFile(ctx, "catalog", "A1", MaterialAttachment{MaterialKey: key, Kind: kind, SHA256: sum,
			Size: 14, ContentType: "application/pdf", FileName: "申请书.pdf"})
		return err
	}
	if err := att("m1", AttachmentBlank, first); err != nil {
		t.Fatalf("attach: %v", err)
	}
	if err := att("m1", AttachmentBlank, second); err != nil { // replaces the first
		t.Fatalf("attach again: %v", err)
	}
	if err := att("m2", AttachmentSample, first); err != nil {
		t.Fatalf("attach sample: %v", err)
	}
	now, err := s.MaterialFiles(ctx, "A1")
	if err != nil {
		t.Fatal(err)
	}
	if b := now["m1"].Blank; b == nil || b.SHA256 != second || b.MaterialName != "食品经营许可申请书" || b.Actor != "catalog" {
		t.Errorf("m1 blank = %+v, want the second upload", b)
	}
	if now["m1"].Sample != nil || now["m2"].Sample == nil || now["m2"].Blank != nil {
		t.Errorf("attachments = %+v", now)
	}
	if err := s.RemoveMaterialFile(ctx, "catalog", "A1", "m1", AttachmentBlank); err != nil {
		t.Fatalf("remove: %v", err)
	}
	if err := s.RemoveMaterialFile(ctx, "catalog", "A1", "m1", AttachmentBlank); !errors.Is(err, ErrNotFound) {
		t.Errorf("removing what is gone: err = %v, want ErrNotFound", err)
	}
	now, _ = s.MaterialFiles(ctx, "A1")
	if _, ok := now["m1"]; ok || now["m2"].Sample == nil {
		t.Errorf("after removal = %+v", now)
	}
	log, err := s.MaterialFileLog(ctx, "A1")
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range log {
		actions = append(actions, a.Action+":"+a.MaterialKey+":"+a.Kind)
	}
	if got := strings.Join(actions, " "); got != "remove:m1:blank upload:m2:sample upload:m1:blank upload:m1:blank" {
		t.Errorf("log = %s", got)
	}
	// Bad input names the field (or the material) and changes nothing.
	fieldError(t, att("m1", "cover", first), "kind")
	fieldError(t, att("m1", AttachmentBlank, ""), "file")
	if err := att("m9", AttachmentBlank, first); !errors.Is(err, ErrNoSuchMaterial) {
		t.Errorf("unknown material: err = %v", err)
	}
	if err := att("m1", AttachmentBlank, first); !errors.Is(err, nil) {
		t.Fatal(err)
	}
	if again, _ := s.MaterialFileLog(ctx, "A1"); len(again) != len(log)+1 {
		t.Errorf("the refused attachments wrote %d rows", len(again)-len(log)-1)
	}
	// The log is append-only.
	if err := s.db.Exec("DELETE FROM material_attachments").Error; err == nil {
		t.Error("the log could be deleted")
	}
	if err := s.db.Exec("UPDATE material_attachments SET actor = 'x'").Error; err == nil {
		t.Error("the log could be rewritten")
	}
}
