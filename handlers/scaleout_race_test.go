package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"onewindow/handlers"
	"onewindow/models"
	"onewindow/notify"
)

// Scale-out on PostgreSQL: two servers ("instances"), each with its own
// store, on one database. Under go test every data folder has a database of
// its own on the server, so two stores opened on the same folder share one.
// On SQLite two stores on one file are tested elsewhere; these suites run
// only when ONEWINDOW_DB names a PostgreSQL server.

// scaleOutPair seeds the demo catalogue and accounts into a fresh database
// and serves it from two servers, each configured by set.
func scaleOutPair(t *testing.T, set ...func(*handlers.Config)) (a, b *demoEnv) {
	t.Helper()
	if u := os.Getenv(models.DBEnv); !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		t.Skip("scale-out suites run on PostgreSQL only (ONEWINDOW_DB=postgres://…)")
	}
	dir := t.TempDir()
	if err := seed(dir, true); err != nil {
		t.Fatal(err)
	}
	open := func() *demoEnv {
		store, err := models.Open(context.Background(), dir, models.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if store.Engine() != "postgres" {
			store.Close()
			t.Fatalf("engine %s, want postgres", store.Engine())
		}
		return serveStore(t, store, set...)
	}
	return open(), open()
}

// Eight clerks accept one online filing at once, half through each server:
// one 200, seven 409, and the chain holds one acceptance.
func TestScaleOutRacingAcceptsThroughTwoInstancesOneWins(t *testing.T) {
	a, b := scaleOutPair(t)
	envs := []*demoEnv{a, b}
	tokens := []string{loginToken(t, a, "window1"), loginToken(t, b, "window1")}
	code := singleItem(t).Code
	for round := range 3 {
		f := fileOnline(t, a, code)
		body := acceptBody(t, b, f.Number, 1)
		start := make(chan struct{})
		var wg sync.WaitGroup
		statuses := make([]int, 8)
		bodies := make([]string, 8)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				s, raw := call(t, envs[i%2], http.MethodPost, "/api/v1/applications/"+f.Number+"/actions/accept", tokens[i%2], body)
				statuses[i], bodies[i] = s, string(raw)
			}()
		}
		close(start)
		wg.Wait()
		ok, conflict := 0, 0
		for i, s := range statuses {
			switch s {
			case http.StatusOK:
				ok++
			case http.StatusConflict:
				conflict++
			default:
				t.Errorf("round %d: accept %d through instance %d: %d %s", round, i, i%2, s, bodies[i])
			}
		}
		for i, env := range envs {
			v := staffView(t, env, tokens[i], f.Number)
			accepts := 0
			for _, e := range v.Events {
				if e.Action == "accept" {
					accepts++
				}
			}
			if ok != 1 || conflict != 7 || v.State != "accepted" || v.Version != 2 || len(v.Events) != 2 || accepts != 1 {
				t.Fatalf("round %d, read on instance %d: %d answered 200 and %d 409; state %s version %d, %d events, %d acceptances",
					round, i, ok, conflict, v.State, v.Version, len(v.Events), accepts)
			}
		}
	}
}

// A role removed on one instance is refused on the other within 2 s: the
// reviewer's next request for the department's work list answers 403.
func TestScaleOutRoleRemovedOnOneInstanceIsRefusedOnTheOtherWithin2s(t *testing.T) {
	a, b := scaleOutPair(t)
	ctx := context.Background()
	admin := loginToken(t, a, "admin")
	for _, user := range []string{"scj.review", "zjj.review", "scj.approve"} {
		dept := strings.Split(user, ".")[0]
		tok := loginToken(t, b, user)
		path := "/api/v1/tasks?department=" + dept
		// Twice: the second answer comes from what B keeps of the session and the roles.
		for range 2 {
			if s, raw := call(t, b, http.MethodGet, path, tok, nil); s != http.StatusOK {
				t.Fatalf("%s before: %d %s", user, s, raw)
			}
		}
		u, err := a.store.UserByName(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		if s, raw := call(t, a, http.MethodPut, fmt.Sprintf("/api/v1/admin/users/%d/roles", u.ID), admin,
			map[string]any{"roles": []any{}}); s != http.StatusOK {
			t.Fatalf("remove the roles of %s on A: %d %s", user, s, raw)
		}
		removed := time.Now()
		var took time.Duration
		for {
			s, raw := call(t, b, http.MethodGet, path, tok, nil)
			took = time.Since(removed)
			if s == http.StatusForbidden {
				break
			}
			if s != http.StatusOK {
				t.Fatalf("%s on B after the removal: %d %s", user, s, raw)
			}
			if took >= 2*time.Second {
				t.Fatalf("%s: B still answers 200 %v after A removed the role", user, took)
			}
			time.Sleep(5 * time.Millisecond)
		}
		if took >= 2*time.Second {
			t.Fatalf("%s: B refused only after %v", user, took)
		}
		t.Logf("%s: the role removed on A was refused on B after %v", user, took.Round(time.Millisecond))
	}
}

// An application filed on one instance is seen on the other at once: its
// status through B right after A's 201, the window's queue on B, and after
// A's acceptance the department's work list on B.
func TestScaleOutFiledOnOneInstanceIsSeenOnTheOtherAtOnce(t *testing.T) {
	a, b := scaleOutPair(t)
	it := singleItem(t)
	clerkA := loginToken(t, a, "window1")
	reviewB := loginToken(t, b, it.DepartmentCode+".review")
	desk := staffClient(t, b, "window1")
	tasks := "/api/v1/tasks?department=" + it.DepartmentCode
	// B has read (and may keep) the queue and the work list before each filing.
	for round := range 3 {
		if s, _, _ := fetch(t, desk, http.MethodGet, b.http.URL+"/window", nil); s != http.StatusOK {
			t.Fatalf("round %d: the window desk on B: %d", round, s)
		}
		if s, raw := call(t, b, http.MethodGet, tasks, reviewB, nil); s != http.StatusOK {
			t.Fatalf("round %d: the work list on B: %d %s", round, s, raw)
		}
		f := fileOnline(t, a, it.Code)
		var st struct {
			Number string `json:"number"`
			State  string `json:"state"`
		}
		s, raw := call(t, b, http.MethodGet, "/api/v1/status/"+f.Number+"?code="+f.QueryCode, "", nil)
		if s != http.StatusOK || json.Unmarshal(raw, &st) != nil || st.Number != f.Number || st.State != "submitted" {
			t.Fatalf("round %d: the status on B right after A's 201: %d %s", round, s, raw)
		}
		if _, page, _ := fetch(t, desk, http.MethodGet, b.http.URL+"/window", nil); !strings.Contains(page, f.Number) {
			t.Fatalf("round %d: the window desk on B does not list %s right after A's 201", round, f.Number)
		}
		if s, raw := call(t, a, http.MethodPost, "/api/v1/applications/"+f.Number+"/actions/accept", clerkA,
			acceptBody(t, a, f.Number, 1)); s != http.StatusOK {
			t.Fatalf("round %d: accept on A: %d %s", round, s, raw)
		}
		if s, raw := call(t, b, http.MethodGet, tasks, reviewB, nil); s != http.StatusOK || !strings.Contains(string(raw), `"`+f.Number+`"`) {
			t.Fatalf("round %d: the work list on B right after A's acceptance lacks %s: %d %s", round, f.Number, s, raw)
		}
	}
}

// countingSender counts what it is given by dedupe key.
type countingSender struct {
	mu   sync.Mutex
	sent map[string]int
}

func (c *countingSender) Send(_ context.Context, e notify.Envelope) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent[e.ID]++
	return nil
}

// The sweepers of both instances run at once over applications that earned
// a 红牌 and 容缺 applications past their due date: each card, termination,
// outbox message and statistic is produced once.
func TestScaleOutSweepersOnBothInstancesProduceEachOnce(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)} // Mon 2 Mar 2026
	sender := &countingSender{sent: map[string]int{}}
	a, b := scaleOutPair(t, func(c *handlers.Config) {
		c.Now = clock.Now
		c.Senders = map[string]notify.Sender{"sms": sender, "email": sender}
	})
	ctx := context.Background()
	clerk := loginToken(t, a, "window1")
	fileNotified := func(it models.Item) string {
		t.Helper()
		s, raw := call(t, a, http.MethodPost, "/api/v1/applications", "", map[string]any{"item_code": it.Code,
			"applicant": map[string]string{"kind": "person", "name": "张三", "id_number": "11010519491231002X", "phone": "13800000000"},
			"form":      sampleAnswers(it.Code, "person", "张三", "11010519491231002X"),
			"notify":    map[string]any{"sms": true}})
		var f filedAnswer
		if s != http.StatusCreated || json.Unmarshal(raw, &f) != nil {
			t.Fatalf("file %s: %d %s", it.Code, s, raw)
		}
		return f.Number
	}
	const n = 4
	var carded, pending []string
	single, deferred := singleItem(t), deferredLicence(t)
	for range n {
		number := fileNotified(single)
		mustActAPI(t, a, clerk, number, "accept", map[string]any{"materials": received(t, a, number)})
		carded = append(carded, number)
	}
	for range n {
		number := fileNotified(deferred)
		materials := map[string]any{}
		var later string
		for _, m := range deferred.Materials {
			if m.Necessity == models.NecessityDeferred {
				later = m.Key
				continue
			}
			materials[m.Key] = map[string]any{"provided": true, "kind": "original", "copies": 1}
		}
		mustActAPI(t, a, clerk, number, "accept_pending", map[string]any{"materials": materials, "pending": []string{later}})
		pending = append(pending, number)
	}
	// Three months on: every promised limit has passed, every 容缺 is overdue.
	clock.Set(time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC))
	runCtx, stop := context.WithCancel(ctx)
	var loops sync.WaitGroup
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, env := range []*demoEnv{a, b} {
		for _, run := range []func(context.Context, time.Duration, *slog.Logger){
			env.srv.RunCardSweeper, env.srv.RunPendingSweeper, env.srv.RunStatsCatchUp, env.srv.RunOutboxDispatcher,
		} {
			loops.Add(1)
			go func() { defer loops.Done(); run(runCtx, 10*time.Millisecond, log) }()
		}
	}
	// Let them run until the work is done, and a while more.
	deadline := time.Now().Add(30 * time.Second)
	for {
		done := true
		for _, number := range pending {
			app, err := b.store.Application(ctx, number)
			if err != nil {
				t.Fatal(err)
			}
			done = done && app.State == "terminated"
		}
		queued, err := b.store.Messages(ctx, models.MessageFilter{State: models.MessageQueued, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if done && len(queued) == 0 {
			break
		}
		if time.Now().After(deadline) {
			stop()
			loops.Wait()
			t.Fatalf("after 30 s: 容缺 terminated %v, %d messages queued", done, len(queued))
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	stop()
	loops.Wait()

	// Cards: one 红牌 for each task of the carded applications, none twice;
	// each card is one warning event in its chain.
	report, err := a.store.Cards(ctx, models.CardFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	perTask := map[string]int{}
	perNumber := map[string]int{}
	for _, c := range report.Cards {
		perTask[fmt.Sprintf("%d/%s", c.TaskID, c.Colour)]++
		perNumber[c.Number]++
		if c.Colour != models.CardRed {
			t.Errorf("%s: a %s card, want only red past the limit", c.Number, c.Colour)
		}
	}
	for k, v := range perTask {
		if v != 1 {
			t.Errorf("task/colour %s carded %d times", k, v)
		}
	}
	tokB := loginToken(t, b, "window1")
	warningEvents := map[string]int{}
	for _, number := range append(append([]string{}, carded...), pending...) {
		for _, e := range staffView(t, b, tokB, number).Events {
			if e.Action == string(models.ActionWarning) {
				warningEvents[number]++
			}
		}
		if warningEvents[number] != perNumber[number] {
			t.Errorf("%s: %d warning events for %d cards", number, warningEvents[number], perNumber[number])
		}
	}
	for _, number := range carded {
		if perNumber[number] != 1 {
			t.Errorf("%s: %d cards, want one 红牌", number, perNumber[number])
		}
	}
	// 容缺: each terminated once, by the sweeper.
	for _, number := range pending {
		terms := 0
		for _, e := range staffView(t, b, tokB, number).Events {
			if e.Action == "terminate" {
				terms++
			}
		}
		if terms != 1 {
			t.Errorf("%s: %d terminations", number, terms)
		}
	}
	// Outbox: one message per application, kind and channel, each sent once.
	msgs, err := a.store.Messages(ctx, models.MessageFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, m := range msgs {
		kinds[m.Number+" "+m.Kind+" "+m.Channel]++
		if m.State != models.MessageSent {
			t.Errorf("message %s is %s", m.DedupeKey, m.State)
		}
	}
	want := map[string]int{}
	for _, number := range carded {
		want[number+" "+models.NoticeAccepted+" sms"] = 1
	}
	for _, number := range pending {
		want[number+" "+models.NoticePendingAccepted+" sms"] = 1
		want[number+" "+models.NoticePendingOverdue+" sms"] = 1
	}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Errorf("outbox messages %v, want %v", kinds, want)
	}
	sender.mu.Lock()
	for key, times := range sender.sent {
		if times != 1 {
			t.Errorf("message %s sent %d times", key, times)
		}
	}
	if len(sender.sent) != len(msgs) {
		t.Errorf("%d messages sent, %d in the outbox", len(sender.sent), len(msgs))
	}
	sender.mu.Unlock()
	// Statistics: each filing and acceptance counted once.
	st, err := b.store.Statistics(ctx, models.StatsFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Total.Received != 2*n || st.Total.Accepted != 2*n || st.Pending != 0 {
		t.Errorf("statistics: %d received, %d accepted, %d pending; want %d, %d, 0", st.Total.Received, st.Total.Accepted, st.Pending, 2*n, 2*n)
	}
	t.Logf("%d cards, %d terminations, %d messages sent, %d filings counted", len(report.Cards), len(pending), len(sender.sent), st.Total.Received)
}

// A joint item of three departments: the three approvers of each of ten
// applications decide at once, through alternate instances, each taking a
// 409 as a cue to read the application again and decide on. Each
// application joins exactly once with every decision recorded.
func TestScaleOutJointDecisionsThroughTwoInstancesJoinOnce(t *testing.T) {
	a, b := scaleOutPair(t)
	envs := []*demoEnv{a, b}
	it := demoItem(t, func(it models.Item) bool {
		return len(it.Departments) == 3 && it.HandlingKind == models.KindPromised
	})
	var depts []string
	for _, d := range it.Departments {
		depts = append(depts, d.DepartmentCode)
	}
	clerk := loginToken(t, a, "window1")
	approvers := map[string][]string{}
	for _, d := range depts {
		approvers[d] = []string{loginToken(t, a, d+".approve"), loginToken(t, b, d+".approve")}
	}
	const n = 10
	numbers := make([]string, n)
	for i := range numbers {
		env := envs[i%2]
		numbers[i] = fileOnline(t, env, it.Code).Number
		mustActAPI(t, env, clerk, numbers[i], "accept", map[string]any{"materials": received(t, env, numbers[i])})
		for _, d := range depts {
			rev := loginToken(t, env, d+".review")
			mustActAPI(t, env, rev, numbers[i], "claim", nil)
			mustActAPI(t, env, rev, numbers[i], "review_pass", nil)
			mustActAPI(t, env, approvers[d][i%2], numbers[i], "claim", nil)
		}
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	conflicts := 0
	k := 0
	for _, number := range numbers {
		for _, d := range depts {
			side := k % 2
			k++
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				env, tok := envs[side], approvers[d][side]
				for try := 0; ; try++ {
					var v struct {
						Version int `json:"version"`
					}
					s, raw := call(t, env, http.MethodGet, "/api/v1/applications/"+number, tok, nil)
					if s != http.StatusOK || json.Unmarshal(raw, &v) != nil {
						t.Errorf("%s reads %s: %d %s", d, number, s, raw)
						return
					}
					s, raw = call(t, env, http.MethodPost, "/api/v1/applications/"+number+"/actions/approve", tok, map[string]any{"version": v.Version})
					if s == http.StatusOK {
						return
					}
					if s != http.StatusConflict || try == 50 {
						t.Errorf("%s approves %s: %d %s", d, number, s, raw)
						return
					}
					mu.Lock()
					conflicts++
					mu.Unlock()
				}
			}()
		}
	}
	began := time.Now()
	close(start)
	wg.Wait()
	t.Logf("%d decisions through two instances in %v, %d answered 409 and were made again", 3*n, time.Since(began).Round(time.Millisecond), conflicts)
	if t.Failed() {
		t.FailNow()
	}
	for i, number := range numbers {
		app, err := envs[(i+1)%2].store.Application(context.Background(), number)
		if err != nil {
			t.Fatal(err)
		}
		joins, approvals := 0, 0
		for _, e := range app.Events {
			if e.Action == "approve" {
				approvals++
			}
			if e.ToState == "approved" {
				joins++
			}
		}
		if app.State != "approved" || joins != 1 || approvals != 3 {
			t.Fatalf("%s: state %s, %d joins, %d approvals; want approved, 1, 3", number, app.State, joins, approvals)
		}
	}
}
