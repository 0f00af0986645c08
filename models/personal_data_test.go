package models

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"onewindow/workflow"
)

// databaseBytes reads the database file and its write-ahead log as they are on disk.
func databaseBytes(t *testing.T, dir string) []byte {
	t.Helper()
	if onPostgres() {
		return postgresRows(t, dir)
	}
	var all []byte
	for _, name := range []string{DatabaseFile, DatabaseFile + "-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// postgresRows is every row of every table of dir's PostgreSQL database, as text.
func postgresRows(t *testing.T, dir string) []byte {
	t.Helper()
	ctx := context.Background()
	url, err := testDatabase(ctx, os.Getenv(DBEnv), dir)
	if err != nil {
		t.Fatal(err)
	}
	db, err := openAdmin(url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables []string
	rows, err := db.QueryContext(ctx, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	var all []byte
	for _, table := range tables {
		var text sql.NullString
		if err := db.QueryRowContext(ctx, `SELECT string_agg(r::text, E'\n') FROM "`+table+`" r`).Scan(&text); err != nil {
			t.Fatal(err)
		}
		all = append(all, text.String...)
	}
	return all
}

// noPlain fails when any of the values appears in plain text in the database file or its WAL.
func noPlain(t *testing.T, dir string, values ...string) {
	t.Helper()
	b := databaseBytes(t, dir)
	if len(b) == 0 {
		t.Fatal("no database bytes to search")
	}
	for _, v := range values {
		if bytes.Contains(b, []byte(v)) {
			t.Errorf("%q is in the database file or its WAL in plain text", v)
		}
	}
}

const (
	sealedID    = "11010519491231002X"
	sealedPhone = "13912345678"
	otherID     = "320102198001011234"
)

func fileSealed(t *testing.T, s *Store, id, phone string, now time.Time) *Filed {
	t.Helper()
	ctx := context.Background()
	it, err := s.Item(ctx, "A1")
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.CreateApplication(ctx, NewApplication{Item: it, Channel: ChannelOnline, Actor: "applicant", Now: now,
		Applicant: Applicant{Kind: ApplicantPerson, IDKind: string(workflow.ResidentID), IDNumber: id, Name: "张三",
			Phone: phone, Address: "集宁区新华街 1 号"},
		Form: FormData{"agent_id_number": otherID, "note": "法定代表人 " + otherID}})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestPersonalDataIsSealedAtRest: identity numbers, phones, addresses and answers never
// reach the database file or its WAL in plain text, and every look-up still finds them.
func TestPersonalDataIsSealedAtRest(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	dir := filepath.Dir(s.Path())
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	f := fileSealed(t, s, sealedID, sealedPhone, now)
	fileSealed(t, s, sealedID, "", now) // a second filing finds the same applicant by its blind index
	if _, err := s.CreateUser(ctx, NewUser{Username: "citizen9", DisplayName: "市民", CitizenID: otherID, PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	// While the server runs: the WAL holds the latest pages.
	noPlain(t, dir, sealedID, sealedPhone, otherID, "新华街")

	app, err := s.Application(ctx, f.Number)
	if err != nil {
		t.Fatal(err)
	}
	if app.ApplicantIDNumber != sealedID || app.ApplicantPhone != sealedPhone || app.Form["agent_id_number"] != otherID {
		t.Fatalf("opened application: id %q phone %q form %v", app.ApplicantIDNumber, app.ApplicantPhone, app.Form)
	}
	st, err := s.ApplicationByCode(ctx, f.Number, f.QueryCode)
	if err != nil || st.ApplicantIDNumber != sealedID || st.Form["note"] != "法定代表人 "+otherID {
		t.Fatalf("status read: %+v %v", st, err)
	}
	apps, err := s.ApplicationsOf(ctx, sealedID, 10)
	if err != nil || len(apps) != 2 {
		t.Fatalf("applications of: %d %v", len(apps), err)
	}
	a, err := s.Applicant(ctx, sealedID)
	if err != nil || a.Phone != sealedPhone || a.Address != "集宁区新华街 1 号" {
		t.Fatalf("applicant: %+v %v", a, err)
	}
	u, err := s.UserByName(ctx, "citizen9")
	if err != nil || u.CitizenID != otherID {
		t.Fatalf("citizen account: %+v %v", u, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	noPlain(t, dir, sealedID, sealedPhone, otherID, "新华街")
}

// TestAnOlderDatabaseIsSealedWhenOpened: a database written before sealing holds plain
// identity numbers; opening it seals them, and no page of the file or its WAL keeps one.
func TestAnOlderDatabaseIsSealedWhenOpened(t *testing.T) {
	if onPostgres() {
		t.Skip("SQLite only: a database written before sealing predates PostgreSQL")
	}
	dir := t.TempDir()
	migrateTo(t, dir, 12)
	if b := databaseBytes(t, dir); !bytes.Contains(b, []byte(sealedID)) {
		t.Fatal("the old database should hold the number in plain text to begin with")
	}
	ctx := context.Background()
	s, err := Open(ctx, dir, Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	apps, err := s.ApplicationsOf(ctx, sealedID, 10)
	if err != nil || len(apps) != 1 || apps[0].ApplicantIDNumber != sealedID {
		t.Fatalf("applications of after sealing: %+v %v", apps, err)
	}
	if a, err := s.Applicant(ctx, sealedID); err != nil || a.Name != "王小明" {
		t.Fatalf("applicant after sealing: %+v %v", a, err)
	}
	noPlain(t, dir, sealedID)
	s.Close()
	noPlain(t, dir, sealedID)
}

// TestTheKeyFileMustBelongToTheDatabase: without its key file a sealed database does not
// open (rather than sealing new rows under a new key), and another database's key is refused.
func TestTheKeyFileMustBelongToTheDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	keyFile := filepath.Join(dir, KeyFileName)
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	moved := filepath.Join(t.TempDir(), "kept.key")
	if err := os.Rename(keyFile, moved); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, dir, Options{}); !errors.Is(err, ErrNoKey) {
		t.Fatalf("without the key file: %v, want ErrNoKey", err)
	}
	other, err := NewKeyring()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, dir, Options{Keyring: other}); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("with another database's key: %v, want ErrWrongKey", err)
	}
	s, err = Open(ctx, dir, Options{KeyFile: moved})
	if err != nil {
		t.Fatalf("with the key file kept elsewhere: %v", err)
	}
	s.Close()
}

// TestRotatingTheKeysSealsEverythingAgain: after a rotation the old key is gone from the
// key file and from every value, and everything still opens after a restart.
func TestRotatingTheKeysSealsEverythingAgain(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	dir := filepath.Dir(s.Path())
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	f := fileSealed(t, s, sealedID, sealedPhone, now)
	old := s.keys.Primary
	n, err := s.RotateKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n < 2 {
		t.Fatalf("rotation resealed %d rows, want the applicant and the application at least", n)
	}
	k, err := ReadKeyring(s.KeyFile())
	if err != nil {
		t.Fatal(err)
	}
	if _, kept := k.Keys[old]; kept || len(k.Keys) != 1 || k.Primary == old {
		t.Fatalf("key file after rotation: primary %s, %d keys, old kept: %v", k.Primary, len(k.Keys), kept)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(databaseBytes(t, dir), []byte(sealPrefix+old)) {
		t.Error("a value sealed under the old key is still in the database")
	}
	s2, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	app, err := s2.Application(ctx, f.Number)
	if err != nil || app.ApplicantIDNumber != sealedID || app.Form["agent_id_number"] != otherID {
		t.Fatalf("after rotation and restart: %+v %v", app, err)
	}
	if apps, err := s2.ApplicationsOf(ctx, sealedID, 10); err != nil || len(apps) != 1 {
		t.Fatalf("blind index after rotation: %d %v", len(apps), err)
	}
	// A second filing by the same applicant still finds the profile under the new index key.
	fileSealed(t, s2, sealedID, "", now)
	var applicants int
	if err := s2.read.Raw("SELECT COUNT(*) FROM applicants").Scan(&applicants).Error; err != nil || applicants != 1 {
		t.Fatalf("applicants after a filing under the new keys: %d %v", applicants, err)
	}
}

// TestPlainPersonalDataCannotBeWrittenThroughGorm: a write path that forgets to seal fails
// rather than storing a plain number.
func TestPlainPersonalDataCannotBeWrittenThroughGorm(t *testing.T) {
	s := openTest(t)
	now := time.Now().UTC()
	err := s.db.Create(&Applicant{Kind: ApplicantPerson, IDKind: "resident_id", IDNumber: sealedID, IDIndex: "x",
		Name: "张三", CreatedAt: now, UpdatedAt: now}).Error
	if err == nil {
		t.Fatal("a plain identity number was written")
	}
}
