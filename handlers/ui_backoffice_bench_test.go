package handlers_test

import (
	"database/sql"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"onewindow/models"
)

// benchApplications is how many applications BenchmarkWorklist generates;
// ONEWINDOW_BENCH_APPLICATIONS overrides it (the figure is 1,000,000).
func benchApplications() int {
	if n, err := strconv.Atoi(os.Getenv("ONEWINDOW_BENCH_APPLICATIONS")); err == nil && n > 0 {
		return n
	}
	return 200_000
}

// generateApplications fills the database of a store with n applications in
// one SQL statement per table (a recursive counter, no Go loop): one in six
// is open (in review or decision, promised deadlines spread over four
// months), the rest completed; one in eight belongs to scj and the rest to 35
// other departments; every tenth has a second department's task (joint).
func generateApplications(tb testing.TB, path string, n int) {
	tb.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000&_journal_mode=WAL&_synchronous=OFF")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	// The definition as filed is a column of applications or, in a newer
	// schema, a row of application_definitions the application points to.
	defCol, defVal := "definition", "'{}'"
	var split int
	if err := db.QueryRow(`SELECT COUNT(*) FROM pragma_table_info('applications') WHERE name = 'definition_id'`).Scan(&split); err != nil {
		tb.Fatal(err)
	}
	if split == 1 {
		defCol, defVal = "definition_id", "1"
		if _, err := db.Exec(`INSERT INTO application_definitions (id, item_code, item_version, sha256, definition)
			VALUES (1, 'I0', 1, 'x', '{}')`); err != nil {
			tb.Fatal(err)
		}
	}
	stmts := []string{
		`INSERT OR IGNORE INTO applicants (id, kind, id_kind, id_number, name, created_at, updated_at)
		 VALUES (1, 'person', 'resident_id', '440524188001010014', '李四', '2026-01-01', '2026-01-01')`,
		`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ?)
		 INSERT INTO applications (id, number, query_code_hash, item_code, item_version, item_name, department_code,
		   DEFCOL, joint, applicant_id, applicant_kind, applicant_name, applicant_id_number, channel, state, version,
		   submitted_at, accepted_on, statutory_days, promised_days, ended_on, promised_deadline, result, updated_at)
		 SELECT i + 1000000, printf('2025%010d', i), 'x', 'I' || (i % 300), 1, '事项' || (i % 300),
		   CASE WHEN i % 40 < 5 THEN 'scj' ELSE 'd' || (i % 40) END, DEFVAL, i % 10 = 3, 1, 'person', '申请人' || (i % 997),
		   '440524188001010014', 'window', CASE WHEN i % 6 = 0 THEN 'in_review' ELSE 'completed' END, 5,
		   '2026-01-01', date('2026-01-01', '+' || (i % 120) || ' days'), 20, 10,
		   CASE WHEN i % 6 = 0 THEN '' ELSE date('2026-01-15', '+' || (i % 120) || ' days') END,
		   date('2026-01-15', '+' || (i % 120) || ' days'), CASE WHEN i % 6 = 0 THEN '' ELSE 'approved' END, '2026-01-01'
		 FROM c`,
		`INSERT INTO application_tasks (application_id, department_code, sort, stages, stage, promised_deadline, created_at, updated_at)
		 SELECT id, department_code, 1, '["review","decide"]',
		   CASE WHEN state = 'in_review' THEN (CASE WHEN id % 40 = 0 THEN 'review' ELSE 'decide' END) ELSE 'approved' END,
		   promised_deadline, '2026-01-01', '2026-01-01' FROM applications WHERE id > 1000000`,
		`INSERT INTO application_tasks (application_id, department_code, sort, stages, stage, promised_deadline, created_at, updated_at)
		 SELECT id, CASE WHEN department_code = 'scj' THEN 'd39' ELSE 'scj' END, 2, '["review","decide"]',
		   CASE WHEN state = 'in_review' THEN 'review' ELSE 'approved' END, promised_deadline, '2026-01-01', '2026-01-01'
		 FROM applications WHERE id > 1000000 AND joint`,
		`ANALYZE`,
	}
	for i, q := range stmts {
		var args []any
		if i == 1 {
			args = []any{n}
		}
		q = strings.NewReplacer("DEFCOL", defCol, "DEFVAL", defVal).Replace(q)
		if _, err := db.Exec(q, args...); err != nil {
			tb.Fatalf("generate: %v", err)
		}
	}
}

// BenchmarkWorklist renders scj.review's work list page (and the JSON list)
// on a database of benchApplications() applications and reports the 50th
// and 99th percentile of the per-request time. An unchanged page comes from
// the page cache; the "(uncached)" runs build it from the database each time.
func BenchmarkWorklist(b *testing.B) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(b, clock)
	n := benchApplications()
	start := time.Now()
	generateApplications(b, filepath.Join(filepath.Dir(env.store.Path()), models.DatabaseFile), n)
	b.Logf("generated %d applications in %s", n, time.Since(start).Round(time.Millisecond))
	tok := loginToken(b, env, "scj.review")
	h := env.srv.Handler()
	cases := []struct {
		name, path string
		uncached   bool // every request builds the page: the first view after any change
	}{{"/tasks", "/tasks", false}, {"/tasks(uncached)", "/tasks", true}, {"/api/v1/tasks", "/api/v1/tasks", false},
		{"/api/v1/tasks?stage=decide", "/api/v1/tasks?stage=decide", false},
		{"/api/v1/tasks?due=overdue", "/api/v1/tasks?due=overdue", false},
		{"/api/v1/tasks?claimed=me", "/api/v1/tasks?claimed=me", false},
		{"/tasks?due=due_soon&claimed=unclaimed(uncached)", "/tasks?due=due_soon&claimed=unclaimed", true},
		{"/api/v1/tasks?item=I7", "/api/v1/tasks?item=I7", false}}
	for _, tc := range cases {
		path := tc.path
		b.Run(tc.name, func(b *testing.B) {
			get := func() *httptest.ResponseRecorder {
				if tc.uncached {
					env.srv.ForgetPages()
				}
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				return w
			}
			for range 10 { // warm every reader connection's page cache
				get()
			}
			var times []time.Duration
			for b.Loop() {
				t0 := time.Now()
				w := get()
				times = append(times, time.Since(t0))
				if w.Code != 200 {
					b.Fatalf("GET %s: %d %s", path, w.Code, w.Body.String())
				}
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
