package handlers_test

// The hostile-input suite: each hole the security audit of issue 19 reproduced, walked
// against a real server (the handler stack on a migrated SQLite file). Run it alone with
// `go test ./handlers -run TestHostile`. Where a test elsewhere already walks a hole, it is
// named here instead of repeated; every item has one.
//
//   - Spoofed X-Forwarded-For: TestHostileSpoofedForwardedFor (login log), and
//     TestForwardedForCannotEscapeTheLimit (query codes), TestBundlePageAtTheFilingCap
//     (filings).
//   - Guessing one application's code from many addresses:
//     TestHostileGuessingOneNumberFromManyAddresses; one address, one number:
//     TestRepeatedWrongCodesAreRateLimited, TestGuessingOneCodeLeavesOtherApplicationsAlone.
//   - Lockout as a weapon and username enumeration (same answer for unknown names, disabled
//     accounts and wrong passwords; no hashing while refused):
//     TestRepeatedWrongPasswordsSlowGuessingWithoutTellingNames,
//     TestLoginThrottleDelayGrowsAndClears (handlers, internal).
//   - Open redirect after login: TestHostileOpenRedirectVariants and
//     TestLoginNeverRedirectsOffTheSite.
//   - Anonymous profile overwrite: TestAnonymousFilingKeepsTheStoredProfile.
//   - Upload caps: TestHostileUploadCapsThroughTheAPI (files per application), and
//     TestUploadsAreSniffedLimitedAndContentAddressed (size, sniffing),
//     TestUploadsPerApplicationAreCapped (models: files and bytes). Filings per client:
//     TestOnlineFilingsAreCappedPerClientAddress, TestBundlePageAtTheFilingCap.
//   - Disk floor (507, /healthz 503): TestNearlyFullDiskPausesFilingsAndHealth; a damaged
//     database page: TestHealthzReportsADamagedDatabasePage.
//   - Department scope on workflow fields: TestWorkflowDepartmentsNeedTheirOwnPermission
//     (handlers/service), TestScopedCatalogueAdminStaysInTheDepartment,
//     TestCrossDepartmentEditIsForbiddenAndChangesNothing.
//   - 409-vs-404 (whether a number exists): TestHostileWrongCodeAnswersLikeAMissingNumber.
//   - Password policy: TestHostilePasswordPolicyThroughTheAPI, and TestPasswordPolicy,
//     TestPasswordHistoryRefusesTheLastFive; expiry:
//     TestPasswordExpiryWarnsThenConfinesStaffToTheChangePage.
//   - Secure cookies and HSTS with --public-url https: TestPublicHTTPSMakesCookiesSecure.
//   - CSV formula escape and its undo on import: TestCSVCellsCannotRunAsFormulas
//     (models/transfer).
//   - Query codes hashed in the idempotency rows (and everywhere stored):
//     TestHostileQueryCodesAreStoredOnlyAsHashes, and TestIdempotencyRowsHoldNoQueryCode
//     (models).
//   - Cache-Control: no-store on staff pages and personal answers:
//     TestPersonalAnswersAreNeverCached.
//   - The last system administrator: TestTheLastSysadminKeepsTheRole.

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onewindow/handlers"
	"onewindow/models"
	"onewindow/models/demo"
)

// TestHostileSpoofedForwardedFor: without a trusted proxy the login log records the
// connection's address whatever X-Forwarded-For says; behind a trusted proxy, the address
// the proxy forwards.
func TestHostileSpoofedForwardedFor(t *testing.T) {
	for _, tc := range []struct {
		trusted []string
		want    string
	}{{nil, "127.0.0.1"}, {[]string{"127.0.0.1"}, "203.0.113.77"}} {
		env := newConfiguredEnv(t, func(c *handlers.Config) { c.TrustedProxies = tc.trusted })
		status, _ := call(t, env, http.MethodPost, "/api/v1/login", "", map[string]string{"username": "window1", "password": "wrong-one"},
			"X-Forwarded-For", "203.0.113.77")
		if status != http.StatusUnauthorized {
			t.Fatalf("wrong password = %d", status)
		}
		token := loginToken(t, env, "admin")
		_, body := call(t, env, http.MethodGet, "/api/v1/admin/login-log?username=window1", token, nil)
		var log struct {
			Events []struct {
				IP string `json:"ip"`
			} `json:"events"`
		}
		if err := json.Unmarshal(body, &log); err != nil || len(log.Events) != 1 || log.Events[0].IP != tc.want {
			t.Errorf("trusted %v: the login log says %s, want the address %s", tc.trusted, body, tc.want)
		}
	}
}

// TestHostileGuessingOneNumberFromManyAddresses: guesses at one application's code spread
// over a hundred addresses (one each, under every per-client limit) are limited per number
// too: then even the right code waits (429, Retry-After), while another application is
// looked up as usual.
func TestHostileGuessingOneNumberFromManyAddresses(t *testing.T) {
	env := newConfiguredEnv(t, func(c *handlers.Config) { c.TrustedProxies = []string{"127.0.0.1"} })
	a, b := fileOnline(t, env, singleItem(t).Code), fileOnline(t, env, singleItem(t).Code)
	for i := range 100 {
		addr := fmt.Sprintf("198.51.%d.%d", i/200, i%200+1)
		if s, body := call(t, env, http.MethodGet, "/api/v1/status/"+a.Number+"?code=WRONG123", "", nil, "X-Forwarded-For", addr); s != http.StatusNotFound {
			t.Fatalf("wrong code %d from %s = %d %s", i+1, addr, s, body)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, env.http.URL+"/api/v1/status/"+a.Number+"?code="+a.QueryCode, nil)
	req.Header.Set("X-Forwarded-For", "192.0.2.200")
	resp, _ := checkedDo(t, http.DefaultClient, req, nil)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("the guessed number from a new address: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if s, body := call(t, env, http.MethodGet, "/api/v1/status/"+b.Number+"?code="+b.QueryCode, "", nil, "X-Forwarded-For", "192.0.2.200"); s != http.StatusOK {
		t.Fatalf("another application with its right code: %d %s", s, body)
	}
}

// TestHostileOpenRedirectVariants: next values a browser would read as another site, in
// every disguise, neither appear on the login form nor survive the sign-in.
func TestHostileOpenRedirectVariants(t *testing.T) {
	env := newStaffEnv(t)
	for _, next := range []string{
		"/\t/evil.example", "/\r\n/evil.example", "/\x00/evil.example", "/\x7f/evil.example", "/\\/evil.example",
		"\\\\evil.example", "//evil.example", "///evil.example", "https://evil.example", "HTTPS://evil.example",
		"javascript:alert(1)", "http:/evil.example", "%2F%2Fevil.example", "/\u3000/evil.example", "/\u2028/evil.example",
		"evil.example", "@evil.example", "//user@evil.example/",
	} {
		_, page, _ := fetch(t, staffClientless(), http.MethodGet, env.http.URL+"/login?next="+url.QueryEscape(next), nil)
		if !strings.Contains(page, `name="next" value=""`) {
			t.Errorf("login form keeps next %q", next)
		}
		form := url.Values{"username": {"window1"}, "password": {demo.Password}, "next": {next}}
		status, _, resp := fetch(t, staffClientless(), http.MethodPost, env.http.URL+"/login", form)
		if loc := resp.Header.Get("Location"); status != http.StatusSeeOther || loc != "/window" {
			t.Errorf("next %q: %d to %q, want the clerk's window /window", next, status, loc)
		}
	}
}

// TestHostileWrongCodeAnswersLikeAMissingNumber: an applicant's action or look-up with a
// wrong code answers exactly as one on a number that does not exist (404, the same body),
// whatever state the application is in, so neither tells whether a number exists.
func TestHostileWrongCodeAnswersLikeAMissingNumber(t *testing.T) {
	env := newStaffEnv(t)
	f := fileOnline(t, env, singleItem(t).Code)
	missing := "99999999999999"
	if len(f.Number) != len(missing) {
		missing = strings.Repeat("9", len(f.Number))
	}
	for _, act := range []string{"supplement", "withdraw"} {
		body := map[string]any{"code": "WRONG123", "version": 1, "comment": "补正"}
		s1, b1 := call(t, env, http.MethodPost, "/api/v1/applications/"+f.Number+"/actions/"+act, "", body)
		s2, b2 := call(t, env, http.MethodPost, "/api/v1/applications/"+missing+"/actions/"+act, "", body)
		if s1 != http.StatusNotFound || s1 != s2 || string(b1) != string(b2) {
			t.Errorf("%s with a wrong code: %d %s; on a missing number: %d %s", act, s1, b1, s2, b2)
		}
	}
	s1, b1 := call(t, env, http.MethodGet, "/api/v1/status/"+f.Number+"?code=WRONG123", "", nil)
	s2, b2 := call(t, env, http.MethodGet, "/api/v1/status/"+missing+"?code=WRONG123", "", nil)
	if s1 != http.StatusNotFound || s1 != s2 || string(b1) != string(b2) {
		t.Errorf("status with a wrong code: %d %s; of a missing number: %d %s", s1, b1, s2, b2)
	}
}

// TestHostileUploadCapsThroughTheAPI: an applicant uploading file after file to one
// application is refused past the cap (413 too_many_files) and the refused file is not
// recorded.
func TestHostileUploadCapsThroughTheAPI(t *testing.T) {
	dir := t.TempDir()
	seeded, err := openSeeded(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	seeded.Close()
	store, err := models.Open(t.Context(), dir, models.Options{Synchronous: "NORMAL", FilesPerApplication: 2})
	if err != nil {
		t.Fatal(err)
	}
	env := serveStore(t, store)
	g := citizenItem(t, env)
	number, code := fileViaAPI(t, env, g.Code, citizenID)
	upload := func(i int) (int, string) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.WriteField("code", code)
		_ = w.WriteField("material", g.Materials[0].Key)
		fw, _ := w.CreateFormFile("file", fmt.Sprintf("scan-%d.pdf", i))
		fw.Write(append(append([]byte{}, tinyPDF...), fmt.Sprintf("%% copy %d\n", i)...))
		w.Close()
		resp, b := callRaw(t, env, http.MethodPost, "/api/v1/applications/"+number+"/materials", "", w.FormDataContentType(), buf.Bytes())
		return resp.StatusCode, string(b)
	}
	for i := range 2 {
		if s, b := upload(i); s != http.StatusCreated {
			t.Fatalf("upload %d: %d %s", i+1, s, b)
		}
	}
	if s, b := upload(2); s != http.StatusRequestEntityTooLarge || !strings.Contains(b, "too_many_files") {
		t.Fatalf("the third upload: %d %s", s, b)
	}
	if n, err := count(t, env, "application_files"); err != nil || n != 2 {
		t.Fatalf("%d files recorded (%v), want 2", n, err)
	}
}

// TestHostilePasswordPolicyThroughTheAPI: a system administrator cannot give an account a
// short, one-kind, username-bearing or common password; nothing is created.
func TestHostilePasswordPolicyThroughTheAPI(t *testing.T) {
	env := newStaffEnv(t)
	token := loginToken(t, env, "admin")
	for _, pw := range []string{"Ab1!short", "alllowercaseletters", "Zhangsan2024!x", "Password2024!", "demo12345678"} {
		status, body := call(t, env, http.MethodPost, "/api/v1/admin/users", token, map[string]any{"username": "zhangsan",
			"display_name": "张三", "password": pw, "roles": []map[string]string{{"role": "window_clerk", "domain": "*"}}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"password"`) {
			t.Errorf("password %q: %d %s", pw, status, body)
		}
	}
	if _, err := env.store.UserByName(t.Context(), "zhangsan"); err == nil {
		t.Fatal("a refused account was created")
	}
}

// TestHostileQueryCodesAreStoredOnlyAsHashes: after filings with and without an
// Idempotency-Key (and the retry that gets the first answer back), no query code appears
// anywhere in the database file or its write-ahead log.
func TestHostileQueryCodesAreStoredOnlyAsHashes(t *testing.T) {
	env := newStaffEnv(t)
	code := singleItem(t).Code
	var codes []string
	for i := range 3 {
		key := ""
		if i > 0 {
			key = fmt.Sprintf("retry-key-%d", i)
		}
		var first string
		for range 2 { // the second is a retry when there is a key
			status, b := call(t, env, http.MethodPost, "/api/v1/applications", "", applyBody(code, citizenID), "Idempotency-Key", key)
			var f filedAnswer
			if status/100 != 2 || json.Unmarshal(b, &f) != nil || f.QueryCode == "" || first != "" && f.QueryCode != first {
				t.Fatalf("filing %d: %d %s", i, status, b)
			}
			first = f.QueryCode
			if key == "" {
				break
			}
		}
		codes = append(codes, first)
	}
	if env.store.Engine() == "postgres" {
		// No file to read: every row of the tables a filing writes, as text.
		db, err := env.store.SQL()
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"applications", "application_events", "bundle_filings", "bundle_events", "idempotency_keys"} {
			var rows sql.NullString
			if err := db.QueryRow(`SELECT string_agg(r::text, ' ') FROM ` + table + ` r`).Scan(&rows); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			for _, c := range codes {
				if strings.Contains(rows.String, c) {
					t.Errorf("the query code %s is readable in %s", c, table)
				}
			}
		}
		return
	}
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(env.store.Path()), models.DatabaseFile+suffix))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range codes {
			if bytes.Contains(b, []byte(c)) {
				t.Errorf("the query code %s is readable in %s%s", c, models.DatabaseFile, suffix)
			}
		}
	}
}
