package models

import (
	"context"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm/schema"
)

func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), t.TempDir(), Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// allModels lists every gorm model the migrations must cover.
func allModels() []any {
	return []any{&Department{}, &ItemType{}, &Item{}, &Material{}, &Fee{}, &Step{}, &ItemDepartment{}, &CalendarDay{},
		&SiteSettings{}, &User{}, &RoleAssignment{}, &Session{}, &LoginEvent{}, &Revision{}, &Draft{},
		&Applicant{}, &Application{}, &AppMaterial{}, &AppFile{}, &Task{}, &Event{}, &BundleFiling{}, &BundleEvent{},
		&Evaluation{}, &RectificationCase{}, &RectificationStep{}, &Card{},
		&InspectionListItem{}, &InspectionEntity{}, &Inspector{}, &InspectionConflict{}, &InspectionRules{}, &InspectionPlan{},
		&InspectionCandidate{}, &InspectionTask{}, &MaterialAttachment{}}
}

func TestMigrationsCoverEveryModelField(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	var cache sync.Map
	for _, m := range allModels() {
		sch, err := schema.Parse(m, &cache, s.db.NamingStrategy)
		if err != nil {
			t.Fatalf("parse %T: %v", m, err)
		}
		cols := map[string]bool{}
		var rows []struct{ Name string }
		if err := s.db.WithContext(ctx).Raw("SELECT name FROM pragma_table_info(?)", sch.Table).Scan(&rows).Error; err != nil {
			t.Fatalf("table info %s: %v", sch.Table, err)
		}
		if len(rows) == 0 {
			t.Errorf("table %s for %T does not exist", sch.Table, m)
			continue
		}
		for _, r := range rows {
			cols[r.Name] = true
		}
		for _, f := range sch.Fields {
			if f.DBName != "" && !cols[f.DBName] {
				t.Errorf("%T.%s: column %s.%s missing from the migrations", m, f.Name, sch.Table, f.DBName)
			}
		}
	}
}

func TestOpenSetsDurablePragmas(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	want := map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "5000"}
	for name, v := range want {
		got, err := s.Pragma(ctx, name)
		if err != nil {
			t.Fatalf("pragma %s: %v", name, err)
		}
		if got != v {
			t.Errorf("pragma %s = %q, want %q", name, got, v)
		}
	}
}

func TestMigrationsRecordedOnceAndReopenIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for range 2 {
		s, err := Open(ctx, dir, Options{})
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		var n int
		s.db.Raw("SELECT COUNT(*) FROM schema_migrations").Scan(&n)
		if n != SchemaVersion() {
			t.Errorf("schema_migrations has %d rows, want %d", n, SchemaVersion())
		}
		s.Close()
	}
}

func TestOpenRefusesNewerDatabase(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', CURRENT_TIMESTAMP)").Error; err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(ctx, dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "newer than this binary") {
		t.Fatalf("Open on a newer database: err = %v, want a refusal", err)
	}
}

func TestOpenRejectsUnknownSynchronous(t *testing.T) {
	_, err := Open(context.Background(), t.TempDir(), Options{Synchronous: "FULL; DROP TABLE items"})
	if err == nil {
		t.Fatal("Open accepted a malformed synchronous setting")
	}
}

func TestReadersCannotWrite(t *testing.T) {
	s := openTest(t)
	err := s.read.Exec("INSERT INTO item_types (code, name, power_list, on_application, sort) VALUES ('99', 'x', 0, 0, 99)").Error
	if err == nil {
		t.Fatal("the read pool accepted a write")
	}
}

func TestPromisedAboveStatutoryRefusedByTheSchema(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	dept := []Department{{Code: "scj", Name: "集宁区市场监督管理局", ShortName: "区市场监督管理局", Sort: 1}}
	item := Item{Code: "X1", CatalogCode: "010010000001", Name: "食品经营许可", TypeCode: "01", DepartmentCode: "scj",
		Disposition: DispositionRetained, OnApplication: true, StatutoryDays: IntPtr(10), PromisedDays: IntPtr(20), Status: ItemPublished, Version: 1}
	if _, err := s.SeedCatalogue(ctx, dept, DefaultItemTypes(), []Item{item}); err == nil {
		t.Fatal("an item promising more days than the statutory limit was stored")
	}
	var n int64
	s.db.Model(&Department{}).Count(&n)
	if n != 0 {
		t.Errorf("failed seed left %d departments behind", n)
	}
}
