package models_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"onewindow/cmd/owload/seed"
	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/workflow"
)

// transferServer is the PostgreSQL server the copy tests use: ONEWINDOW_DB
// when it names one, else the local server. The test is skipped when no
// server answers, unless ONEWINDOW_REQUIRE_POSTGRES is set.
func transferServer(t *testing.T) string {
	t.Helper()
	base := os.Getenv(models.DBEnv)
	if u, err := url.Parse(base); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		base = "postgres://postgres@127.0.0.1:5432/postgres"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		if os.Getenv("ONEWINDOW_REQUIRE_POSTGRES") != "" {
			t.Fatalf("no PostgreSQL server at %s: %v", base, err)
		}
		t.Skipf("no PostgreSQL server answers (%v); set ONEWINDOW_REQUIRE_POSTGRES to fail instead", err)
	}
	conn.Close(ctx)
	return base
}

// freshDatabase creates an empty database on base's server, dropped when the test ends.
func freshDatabase(t *testing.T, base string) string {
	t.Helper()
	ctx := context.Background()
	b := make([]byte, 6)
	rand.Read(b)
	name := "ow_mig_" + hex.EncodeToString(b)
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Error(err)
		}
	})
	u, _ := url.Parse(base)
	u.Path = "/" + name
	return u.String()
}

// demoFolder fills a SQLite data folder as serve --demo does, with
// generated applications in every state and two filed and decided through
// the store, and returns the numbers of the two.
func demoFolder(t *testing.T, dir string) []string {
	t.Helper()
	ctx := context.Background()
	s, err := models.Open(ctx, dir, models.Options{DB: "sqlite"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now().UTC()
	if _, err := s.SeedCalendar(ctx, workflow.DefaultCalendarDays()); err != nil {
		t.Fatal(err)
	}
	if err := s.SeedCalendarYears(ctx, workflow.DefaultCalendarYears(), now); err != nil {
		t.Fatal(err)
	}
	depts, _, items := demo.Catalogue()
	if _, err := s.SeedCatalogue(ctx, depts, models.DefaultItemTypes(), items); err != nil {
		t.Fatal(err)
	}
	bundles, err := demo.Bundles(items)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SeedBundles(ctx, bundles, now); err != nil {
		t.Fatal(err)
	}
	cal, err := workflow.NewCalendar(workflow.DefaultCalendarDays())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.SeedInspections(ctx, s, depts, items, cal); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SeedSite(ctx, demo.Site(), now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SeedUsers(ctx, demo.Accounts(depts, "$2a$10$notarealhashnotarealhashnotarealhashnotarealhash.")); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Applications(ctx, s, seed.Options{Applications: 150, Seed: 7, Now: now, Cal: cal}); err != nil {
		t.Fatal(err)
	}
	// Two filed through the store and decided: one approved, one denied.
	var item *models.Item
	for _, it := range items {
		if it.OnApplication && it.Status == models.ItemPublished && len(it.Departments) == 1 {
			if item, err = s.Item(ctx, it.Code); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if item == nil {
		t.Fatal("the demo catalogue has no single-department item to file")
	}
	var numbers []string
	for i, last := range []workflow.Action{workflow.Approve, workflow.Deny} {
		f, err := s.CreateApplication(ctx, models.NewApplication{Item: item, Channel: models.ChannelOnline, Actor: "applicant", Now: now,
			Applicant: models.Applicant{Kind: models.ApplicantPerson, IDKind: string(workflow.ResidentID),
				IDNumber: []string{"11010519491231002X", "440524188001010014"}[i], Name: "张三", Phone: "13800000000"}})
		if err != nil {
			t.Fatal(err)
		}
		app, err := s.Application(ctx, f.Number)
		if err != nil {
			t.Fatal(err)
		}
		checks := map[string]models.MaterialCheck{}
		for _, m := range app.Materials {
			checks[m.MaterialKey] = models.MaterialCheck{Provided: true, Kind: "original", Copies: 1}
		}
		for _, a := range []workflow.Action{workflow.Accept, workflow.Claim, workflow.ReviewPass, last} {
			req := models.ActionRequest{Number: f.Number, Action: a, Version: app.Version, Actor: "tester",
				Department: item.DepartmentCode, Cal: cal, Now: now}
			if a == workflow.Accept {
				req.Checks = checks
			}
			if a == workflow.Deny {
				req.Fields = map[string]string{"reason": "材料不符合法定形式"}
			}
			if app, err = s.Act(ctx, req); err != nil {
				t.Fatalf("%s %s: %v", f.Number, a, err)
			}
		}
		numbers = append(numbers, f.Number)
	}
	return numbers
}

func TestMigrateCopiesASQLiteFolderIntoPostgreSQL(t *testing.T) {
	base := transferServer(t)
	ctx := context.Background()
	dir := t.TempDir()
	numbers := demoFolder(t, dir)
	target := freshDatabase(t, base)

	rep, err := models.TransferToPostgres(ctx, dir, target, models.TransferOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Version != models.SchemaVersion() || rep.Broken != 0 || rep.Applications != 152 || rep.Events == 0 {
		t.Fatalf("report: version %d, %d applications, %d events, %d broken", rep.Version, rep.Applications, rep.Events, rep.Broken)
	}
	counts := map[string]int64{}
	for _, tb := range rep.Tables {
		if tb.Source != tb.Target {
			t.Errorf("%s: %d rows in the source, %d in the target", tb.Name, tb.Source, tb.Target)
		}
		counts[tb.Name] = tb.Target
	}
	for _, tb := range []string{"applications", "application_events", "items", "users", "bundles", "inspection_plans", "search_aliases", "keyring_check"} {
		if counts[tb] == 0 {
			t.Errorf("%s: nothing copied (%v)", tb, counts[tb])
		}
	}
	if _, ok := counts["schema_migrations"]; ok {
		t.Error("schema_migrations is the target's own, not copied")
	}

	// The target, opened as the server opens it with the data folder's key, reads the same.
	src, err := models.Open(ctx, dir, models.Options{DB: "sqlite"})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := models.OpenExact(ctx, dir, models.Options{DB: target})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if dst.Engine() != "postgres" {
		t.Fatalf("engine %s", dst.Engine())
	}
	for i, want := range []string{"approved", "denied"} {
		a, err := src.Application(ctx, numbers[i])
		if err != nil {
			t.Fatal(err)
		}
		b, err := dst.Application(ctx, numbers[i])
		if err != nil {
			t.Fatal(err)
		}
		if b.Result != want || b.State != a.State || len(b.Events) != len(a.Events) || b.Version != a.Version {
			t.Fatalf("%s on PostgreSQL: state %s result %q, %d events; on SQLite %s %q, %d events",
				numbers[i], b.State, b.Result, len(b.Events), a.State, a.Result, len(a.Events))
		}
		// PostgreSQL keeps times to the microsecond, SQLite's text to the nanosecond.
		ja, jb := toMicroseconds(a), toMicroseconds(b)
		if ja != jb {
			t.Errorf("%s differs:\nSQLite:     %s\nPostgreSQL: %s", numbers[i], ja, jb)
		}
		if b.ApplicantIDNumber == "" || b.ApplicantIDNumber != a.ApplicantIDNumber {
			t.Errorf("the sealed identity number does not open with the folder's key: %q", b.ApplicantIDNumber)
		}
	}
	for r, err := range dst.Chains(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if r.Break != nil {
			t.Fatalf("%s: %v", r.Number, r.Break)
		}
	}
	// The id sequences go on after the copied rows: a new filing on the target works.
	item, err := dst.Item(ctx, mustApp(t, dst, numbers[0]).ItemCode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dst.CreateApplication(ctx, models.NewApplication{Item: item, Channel: models.ChannelOnline, Actor: "applicant", Now: time.Now(),
		Applicant: models.Applicant{Kind: models.ApplicantPerson, IDKind: string(workflow.ResidentID), IDNumber: "11010519491231002X", Name: "张三"}}); err != nil {
		t.Fatalf("filing after the copy: %v", err)
	}

	// A second copy into the now full target is refused and changes nothing.
	before := mustCount(t, dst, "applications")
	if _, err := models.TransferToPostgres(ctx, dir, target, models.TransferOptions{}); !errors.Is(err, models.ErrTargetNotEmpty) {
		t.Fatalf("copy into a full target: %v", err)
	}
	if after := mustCount(t, dst, "applications"); after != before {
		t.Fatalf("the refused copy changed the target: %d applications, then %d", before, after)
	}
}

// stamps are the times in a JSON document.
var stamps = regexp.MustCompile(`"\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d)"`)

// toMicroseconds is v as JSON with every time cut to the microsecond.
func toMicroseconds(v any) string {
	j, _ := json.Marshal(v)
	return stamps.ReplaceAllStringFunc(string(j), func(q string) string {
		t, err := time.Parse(time.RFC3339Nano, q[1:len(q)-1])
		if err != nil {
			return q
		}
		return `"` + t.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano) + `"`
	})
}

func mustApp(t *testing.T, s *models.Store, number string) *models.Application {
	t.Helper()
	a, err := s.Application(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustCount(t *testing.T, s *models.Store, table string) int64 {
	t.Helper()
	db, err := s.SQL()
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestMigrateFailsOnATableTheTargetLacks(t *testing.T) {
	base := transferServer(t)
	ctx := context.Background()
	dir := t.TempDir()
	s, err := models.Open(ctx, dir, models.Options{DB: "sqlite"})
	if err != nil {
		t.Fatal(err)
	}
	db, _ := s.SQL()
	if _, err := db.Exec("CREATE TABLE stray_notes (id INTEGER PRIMARY KEY, note TEXT)"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	target := freshDatabase(t, base)
	_, err = models.TransferToPostgres(ctx, dir, target, models.TransferOptions{})
	if err == nil || !strings.Contains(err.Error(), "stray_notes is missing in the target") {
		t.Fatalf("a table the target lacks: %v", err)
	}
}
