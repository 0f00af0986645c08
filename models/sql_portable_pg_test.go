package models

import (
	"context"
	"fmt"
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
	var mu sync.Mutex
	seen := map[string]bool{}
	record := func(q string) {
		mu.Lock()
		seen[q] = true
		mu.Unlock()
	}
	for _, c := range []*stmtCache{s.writes, s.reads} {
		rebind := c.rebind
		c.rebind = func(q string) string {
			record(q)
			return rebind(q)
		}
	}
	capture := func(db *gorm.DB) {
		if db.Statement == nil || db.Statement.SQL.Len() == 0 {
			return
		}
		record(db.Statement.SQL.String())
	}
	for _, db := range []*gorm.DB{s.db, s.read} {
		cb := db.Callback()
		for i, err := range []error{
			cb.Query().After("gorm:query").Register("pgtest:capture", capture),
			cb.Raw().After("gorm:raw").Register("pgtest:capture", capture),
			cb.Row().After("gorm:row").Register("pgtest:capture", capture),
			cb.Create().After("gorm:create").Register("pgtest:capture", capture),
			cb.Update().After("gorm:update").Register("pgtest:capture", capture),
			cb.Delete().After("gorm:delete").Register("pgtest:capture", capture),
		} {
			if err != nil {
				t.Fatalf("callback %d: %v", i, err)
			}
		}
	}

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
	sort.Strings(stmts)
	if len(stmts) < 30 {
		t.Fatalf("only %d statements recorded", len(stmts))
	}
	t.Logf("%d distinct statements", len(stmts))
	for i, q := range stmts {
		pq, ok := postgresText(q)
		if !ok {
			continue
		}
		name := fmt.Sprintf("s%d", i)
		out, err := exec.Command("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", pg,
			"-c", "PREPARE "+name+" AS "+pq, "-c", "DEALLOCATE "+name).CombinedOutput()
		if err != nil {
			t.Errorf("PostgreSQL refuses\n%s\n%s", q, out)
		}
	}
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
// for statements that are the SQLite dialect's own (savepoints, pragmas).
func postgresText(q string) (string, bool) {
	up := strings.ToUpper(strings.TrimSpace(q))
	for _, p := range []string{"SAVEPOINT", "RELEASE", "ROLLBACK", "PRAGMA"} {
		if strings.HasPrefix(up, p) {
			return "", false
		}
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
