package models

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"onewindow/workflow"
)

// TestPostgresAcceptsStoreSQL runs the store's filings, reports, lists,
// sweeps and catch-ups on SQLite, records every statement they send (through
// gorm, and the statement layer's fixed statements through its rebind), and
// has PostgreSQL (the schema of migrations/postgres) parse and plan each one
// with PREPARE: a statement only SQLite accepts (a boolean summed, a
// subquery without an alias, an ambiguous upsert, a grouped select of a
// column not grouped by) fails here. It runs only with ONEWINDOW_TEST_PG.
func TestPostgresAcceptsStoreSQL(t *testing.T) {
	pg := pgMigrated(t, pgBase(t))
	s := openTest(t)
	seen := map[string]bool{}
	var mu sync.Mutex
	watchStatements(t, s, "pgtest:capture", func(q string) {
		mu.Lock()
		seen[q] = true
		mu.Unlock()
	})
	seedLegal(t, s)
	ctx := context.Background()
	cal := testCalendar(t)
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	today := CentreDay(now)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	idem := &Idempotency{Scope: "applicant", Key: "k1", Request: "r1"}
	f := file(t, s, "L1", now, idem)
	file(t, s, "L1", now, idem) // the replay
	_, err := s.FilingByKey(ctx, idem.Scope, idem.Key)
	must("filing by key", err)
	_, err = s.ApplicationByCode(ctx, f.Number, f.QueryCode)
	must("status", err)
	if _, err := accept(s, cal, f.Number, workflow.Accept, 1, now, checks("m1", "m2", "m3"), nil); err != nil {
		t.Fatalf("accept: %v", err)
	}
	b := fileTestBundle(t, s, now, "L1", "S1")
	_, err = s.IsBundleNumber(ctx, b.Number)
	must("bundle number", err)
	must("purge keys", s.PurgeIdempotencyKeys(ctx, now.AddDate(0, 0, 1)))
	_, err = s.CatchUpStats(ctx, cal, 0)
	must("catch up statistics", err)
	_, err = s.Statistics(ctx, StatsFilter{Department: "scj", From: "2026-01", To: "2026-12"})
	must("statistics", err)
	_, err = s.SatisfactionBy(ctx, "item", "scj", 10)
	must("satisfaction", err)
	_, _, err = s.Evaluations(ctx, EvaluationFilter{State: "overdue", Today: today, Page: 1, PageSize: 10})
	must("evaluations", err)
	_, err = s.Handled(ctx, HandledFilter{Department: "scj", Month: "2026-03", Page: 1, PageSize: 10})
	must("handled", err)
	_, err = s.Stats(ctx)
	must("catalogue stats", err)
	for _, by := range []string{"department", "type"} {
		_, err = s.Breakdown(ctx, by)
		must("breakdown by "+by, err)
	}
	_, err = s.GuideStats(ctx)
	must("guide stats", err)
	_, err = s.ChargingItems(ctx)
	must("charging items", err)
	_, err = s.FindSearchAliases(ctx, "Ab")
	must("aliases", err)
	_, _, err = s.InspectionEntities(ctx, "91aB", 10)
	must("inspection entities", err)
	_, _, err = s.AdminItems(ctx, AdminItemFilter{Text: "l1", Incomplete: true, Limit: 10})
	must("admin items", err)
	_, err = s.RecentPasswordHashes(ctx, 1)
	must("password history", err)
	_, err = s.Gauges(ctx, cal, today, 2)
	must("gauges", err)
	_, err = s.Worklist(ctx, WorklistFilter{Departments: []string{"scj"}, Due: DueAttention, Cal: cal, Today: today, After: "2026-03-01~1~1"})
	must("work list", err)
	_, err = s.SweepCards(ctx, cal, now.AddDate(0, 1, 0))
	must("sweep cards", err)
	_, err = s.Cards(ctx, CardFilter{From: "2026-01-01", To: "2026-12-31"})
	must("cards", err)
	_, err = s.ClaimMessages(ctx, "test", now, time.Minute, 10)
	must("claim messages", err)
	_, err = s.PendingCases(ctx, "2026-12-31", 10)
	must("pending cases", err)
	_, err = s.PledgeChecks(ctx, PledgeFilter{Departments: []string{"scj"}, Limit: 10})
	must("pledge checks", err)

	stmts := make([]string, 0, len(seen))
	for q := range seen {
		stmts = append(stmts, q)
	}
	if len(stmts) < 30 {
		t.Fatalf("only %d statements recorded", len(stmts))
	}
	t.Logf("%d distinct statements", len(stmts))
	refused, err := refusedByPostgres(pg, stmts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range refused {
		t.Errorf("PostgreSQL refuses\n%s", r)
	}
}

// watchStatements calls see with the text of every statement s sends: gorm's
// (through callbacks named name) and the statement layer's fixed ones
// (through its rebind).
func watchStatements(t testing.TB, s *Store, name string, see func(string)) {
	t.Helper()
	capture := func(db *gorm.DB) {
		if db.Statement != nil && db.Statement.SQL.Len() > 0 {
			see(db.Statement.SQL.String())
		}
	}
	for _, db := range []*gorm.DB{s.db, s.read} {
		cb := db.Callback()
		for i, err := range []error{
			cb.Query().After("gorm:query").Register(name, capture),
			cb.Raw().After("gorm:raw").Register(name, capture),
			cb.Row().After("gorm:row").Register(name, capture),
			cb.Create().After("gorm:create").Register(name, capture),
			cb.Update().After("gorm:update").Register(name, capture),
			cb.Delete().After("gorm:delete").Register(name, capture),
		} {
			if err != nil {
				t.Fatalf("callback %d: %v", i, err)
			}
		}
	}
	for _, c := range []*stmtCache{s.writes, s.reads} {
		rebind := c.rebind
		c.rebind = func(q string) string {
			see(q)
			return rebind(q)
		}
	}
}

// suiteStatements holds, when ONEWINDOW_TEST_PG is set and
// ONEWINDOW_TEST_PG_STATEMENTS is 1, every statement the package's tests send
// through stores opened by openTest; TestMain has PostgreSQL check them all
// after the tests ran. It is opt-in: the callbacks are registered on stores
// that already run background work.
var suiteStatements = struct {
	sync.Mutex
	set map[string]bool
}{set: map[string]bool{}}

// recordStatements records what s sends for the check after the tests.
func recordStatements(t testing.TB, s *Store) {
	if !recordingSuite() {
		return
	}
	watchStatements(t, s, "pgtest:record", func(q string) {
		suiteStatements.Lock()
		suiteStatements.set[q] = true
		suiteStatements.Unlock()
	})
}

func recordingSuite() bool {
	return os.Getenv("ONEWINDOW_TEST_PG") != "" && os.Getenv("ONEWINDOW_TEST_PG_STATEMENTS") == "1"
}

func TestMain(m *testing.M) {
	code := m.Run()
	base := os.Getenv("ONEWINDOW_TEST_PG")
	if !recordingSuite() || code != 0 {
		os.Exit(code)
	}
	stmts := make([]string, 0, len(suiteStatements.set))
	for q := range suiteStatements.set {
		stmts = append(stmts, q)
	}
	pg, drop, err := migratedPostgres(base)
	if err != nil {
		fmt.Fprintln(os.Stderr, "PostgreSQL check of the recorded statements:", err)
		os.Exit(1)
	}
	refused, err := refusedByPostgres(pg, stmts)
	drop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "PostgreSQL check of the recorded statements:", err)
		os.Exit(1)
	}
	for _, r := range refused {
		fmt.Fprintf(os.Stderr, "PostgreSQL refuses\n%s\n", r)
	}
	if len(refused) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: PostgreSQL refuses %d of the %d statements the tests sent\n", len(refused), len(stmts))
		os.Exit(1)
	}
	os.Exit(code)
}

// refusedByPostgres has PostgreSQL parse and plan each statement (PREPARE,
// one psql session, one statement a line) and returns each refused one with
// the server's error.
func refusedByPostgres(pg string, stmts []string) ([]string, error) {
	sort.Strings(stmts)
	var script strings.Builder
	var lines []string // the statement of each script line
	for _, q := range stmts {
		pq, ok := postgresText(q)
		if !ok {
			continue
		}
		n := len(lines)
		fmt.Fprintf(&script, "PREPARE s%d AS %s;\n", n, strings.Join(strings.Fields(pq), " "))
		fmt.Fprintf(&script, "DEALLOCATE s%d;\n", n)
		lines = append(lines, q, q)
	}
	cmd := exec.Command("psql", "-X", "-q", "-d", pg, "-f", "-")
	cmd.Stdin = strings.NewReader(script.String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("psql: %w\n%s", err, out)
	}
	var refused []string
	errLine := regexp.MustCompile(`^psql:<stdin>:(\d+): (ERROR: .*)$`)
	for _, l := range strings.Split(string(out), "\n") {
		m := errLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		var i int
		fmt.Sscan(m[1], &i)
		if i < 1 || i > len(lines) || i%2 == 0 { // a DEALLOCATE after a refused PREPARE
			continue
		}
		refused = append(refused, m[2]+"\n"+lines[i-1])
	}
	return refused, nil
}

// gormSQLiteOnly is what gorm's SQLite dialector writes and its PostgreSQL
// one does not (identifier quotes, an offset without a limit), and the
// SQLite-only index hint the store asks its SQLite dialect for.
var (
	limitMinusOne = regexp.MustCompile(`LIMIT -1 `)
	indexedBy     = regexp.MustCompile(` INDEXED BY \w+`)
)

// postgresText turns a statement as gorm wrote it for SQLite into the text
// gorm writes for PostgreSQL: "identifiers" and $n placeholders. It is false
// for statements that are the SQLite dialect's own (savepoints, pragmas) and
// for the SQLite-only probes of tests (query plans, triggers that inject a
// failure, a write to a missing table).
func postgresText(q string) (string, bool) {
	up := strings.ToUpper(strings.TrimSpace(q))
	for _, p := range []string{"SAVEPOINT", "RELEASE", "ROLLBACK", "PRAGMA", "EXPLAIN QUERY PLAN", "CREATE TRIGGER", "DROP TRIGGER"} {
		if strings.HasPrefix(up, p) {
			return "", false
		}
	}
	if strings.Contains(up, "PRAGMA_") || strings.Contains(up, "NO_SUCH_TABLE") {
		return "", false
	}
	q = strings.ReplaceAll(q, "`", `"`)
	q = limitMinusOne.ReplaceAllString(q, "")
	q = indexedBy.ReplaceAllString(q, "")
	var b strings.Builder
	n, quoted := 0, false
	for _, r := range q {
		switch {
		case r == '\'':
			quoted = !quoted
		case r == '?' && !quoted:
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String(), true
}
