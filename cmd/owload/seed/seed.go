// Package seed fills a OneWindow database with generated applications for
// load tests and benchmarks: realistic histories simulated through the
// workflow rules, written by a bulk loader of its own on the store's writer
// connection. It is a tool of the load tool (owload seed) and of the
// benchmarks, never part of the server.
package seed

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"onewindow/models"
	"onewindow/workflow"
)

// Options shape generated applications.
type Options struct {
	Applications int       // how many to generate
	Seed         uint64    // the same seed gives the same data
	Now          time.Time // the newest submission; filings spread over the year before
	Cal          *workflow.Calendar
	Batch        int                   // applications per transaction; 0 means 2,000
	Progress     func(done, total int) // called after every batch; may be nil
}

// Sample is one generated application with its query code, for load tools.
type Sample struct {
	Number, Code string
	State        workflow.State
	Department   string
}

// queryCodeAlphabet is the store's: no look-alike characters.
const queryCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// QueryCode derives a generated application's query code from the seed,
// so that load tools can look applications up without a stored copy.
func QueryCode(seed uint64, number string) string {
	m := hmac.New(sha256.New, fmt.Appendf(nil, "onewindow-load-%d", seed))
	m.Write([]byte(number))
	sum := m.Sum(nil)
	b := make([]byte, 8)
	for i := range b {
		b[i] = queryCodeAlphabet[int(sum[i])%len(queryCodeAlphabet)]
	}
	return string(b)
}

// hashQueryCode is how the store keeps a query code: bound to the number.
// The test looks every sample up through the store, so a change on either
// side fails it.
func hashQueryCode(number, code string) string {
	sum := sha256.Sum256([]byte(number + "\x00" + code))
	return hex.EncodeToString(sum[:])
}

// path is a plausible history ending in a state: the actions in order.
type path struct {
	weight  int
	actions []workflow.Action
}

var loadPaths = []path{
	{600, []workflow.Action{workflow.Accept, workflow.Claim, workflow.ReviewPass, workflow.Approve, workflow.Issue}},
	{40, []workflow.Action{workflow.Accept, workflow.Claim, workflow.ReviewPass, workflow.Deny, workflow.Issue}},
	{60, []workflow.Action{workflow.Accept}},
	{90, []workflow.Action{workflow.Accept, workflow.Claim}},
	{40, []workflow.Action{workflow.Accept, workflow.Claim, workflow.ReviewPass}},
	{10, []workflow.Action{workflow.Accept, workflow.Claim, workflow.Suspend}},
	{40, []workflow.Action{}},
	{25, []workflow.Action{workflow.RequestSupplement}},
	{30, []workflow.Action{workflow.Reject}},
	{25, []workflow.Action{workflow.Accept, workflow.Claim, workflow.ReviewPass, workflow.Approve}},
	{20, []workflow.Action{workflow.Withdraw}},
	{20, []workflow.Action{workflow.RequestSupplement, workflow.Supplement, workflow.Accept, workflow.Claim, workflow.ReviewPass, workflow.Approve, workflow.Issue}},
}

// Applications fills the store's database with realistic applications over
// the published on-application items: applicants from a pool of valid
// identity numbers, histories with chained events, tasks and checklists, a
// spread of submission dates. It returns a sample of numbers with codes.
//
// It is a bulk load, not a service path: it runs on the writer connection
// with synchronous=OFF and a large page cache, and restores both and
// checkpoints the WAL with synchronous back on before it returns, so the
// result is on disk then but a crash during the load may lose the load. One
// goroutine simulates the histories while another inserts them.
func Applications(ctx context.Context, store *models.Store, opt Options) ([]Sample, error) {
	if opt.Batch <= 0 {
		opt.Batch = 10_000
	}
	items, err := publishedItems(ctx, store)
	if err != nil {
		return nil, err
	}
	if store.Engine() != "sqlite" {
		return nil, errors.New("seed: the generator bulk-loads a SQLite data folder; fill one, then copy it with onewindow migrate --from sqlite:DIR --to postgres://…")
	}
	g := newLoadGen(opt, items)
	sqlDB, err := store.SQL()
	if err != nil {
		return nil, err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	defer conn.Close()
	if err := g.readSequences(ctx, conn); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	restore, err := bulkPragmas(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	recreate := func() error { return nil }
	if opt.Applications >= bulkIndexMin {
		if recreate, err = dropIndexes(ctx, conn); err != nil {
			return nil, fmt.Errorf("seed: %w", errors.Join(err, restore()))
		}
	}
	samples, err := g.run(ctx, &loadWriter{conn: conn, seal: store, applicants: map[string]int64{}})
	if err = errors.Join(err, recreate(), restore()); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	conn.Close()
	// A long WAL slows every read until it is checkpointed.
	if err := store.Maintain(ctx); err != nil {
		return nil, err
	}
	return samples, nil
}

// run simulates batches in a goroutine and stores each as it comes.
func (g *loadGen) run(ctx context.Context, w *loadWriter) ([]Sample, error) {
	batches := make(chan *genBatch, 2)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(batches)
		for done := 0; done < g.opt.Applications; {
			n := min(g.opt.Batch, g.opt.Applications-done)
			select {
			case batches <- g.batch(n):
			case <-stop:
				return
			}
			done += n
		}
	}()
	var samples []Sample
	done := 0
	for b := range batches {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := w.store(b); err != nil {
			return nil, err
		}
		samples = append(samples, b.samples...)
		done += len(b.apps)
		if g.opt.Progress != nil {
			g.opt.Progress(done, g.opt.Applications)
		}
	}
	return samples, nil
}

// publishedItems returns the published items that take applications, by code.
func publishedItems(ctx context.Context, store *models.Store) ([]models.Item, error) {
	all, err := store.ItemsForExport(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	// A main item (主项) with retained sub-items and an incomplete guide take
	// no application, so none is generated for them.
	mains := make(map[string]bool)
	for _, it := range all {
		if it.Disposition == models.DispositionRetained && it.MainName != "" && it.MainName != it.Name {
			mains[it.DepartmentCode+"\x00"+it.MainName] = true
		}
	}
	var items []models.Item
	for _, it := range all {
		if it.Status == models.ItemPublished && it.Disposition == models.DispositionRetained && it.OnApplication &&
			len(it.FilingGaps()) == 0 && !mains[it.DepartmentCode+"\x00"+it.Name] {
			items = append(items, it)
		}
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("seed: no published on-application items; seed the catalogue first")
	}
	slices.SortFunc(items, func(a, b models.Item) int { return cmp.Compare(a.Code, b.Code) })
	return items, nil
}

// genItem is a published item with what every application of it shares.
type genItem struct {
	item   *models.Item
	def    models.Definition
	stages map[string]string // department → its stages as JSON
	defID  int64             // the stored definition's id, set by the writer
}

type loadGen struct {
	opt   Options
	items []*genItem
	rnd   *rand.Rand
	seq   map[string]int // day → last number used
	next  int            // applications simulated so far
	first time.Time      // the earliest submission
	gap   time.Duration  // the mean time between submissions
	total int            // the sum of the paths' weights
}

func newLoadGen(opt Options, items []models.Item) *loadGen {
	g := &loadGen{opt: opt, rnd: rand.New(rand.NewPCG(opt.Seed, 0x5eed)), seq: map[string]int{}}
	for i := range items {
		li := &genItem{item: &items[i], def: models.DefinitionOf(&items[i]), stages: map[string]string{}}
		for _, d := range li.def.Departments {
			b, _ := json.Marshal(d.Stages)
			li.stages[d.Department] = string(b)
		}
		g.items = append(g.items, li)
	}
	const year = 365 * 24 * time.Hour
	g.first = opt.Now.Add(-year)
	g.gap = year / time.Duration(max(opt.Applications, 1))
	for _, p := range loadPaths {
		g.total += p.weight
	}
	return g
}

// readSequences continues the day numbers the database has used.
func (g *loadGen) readSequences(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, `SELECT day, last FROM application_sequences`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var day string
		var last int
		if err := rows.Scan(&day, &last); err != nil {
			return err
		}
		g.seq[day] = last
	}
	return rows.Err()
}

// identity returns the i-th pooled identity: a valid resident ID.
func identity(i int) string {
	born := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%18000)
	body := fmt.Sprintf("150902%s%03d", born.Format("20060102"), (i/18000)%1000)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for k, w := range weights {
		sum += int(body[k]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}

var loadSurnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗")
var loadGiven = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华")

func (g *loadGen) name(i int) string {
	return string([]rune{loadSurnames[i%len(loadSurnames)], loadGiven[(i/7)%len(loadGiven)], loadGiven[(i/131)%len(loadGiven)]})
}

func (g *loadGen) pickPath() path {
	n := g.rnd.IntN(g.total)
	for _, p := range loadPaths {
		if n < p.weight {
			return p
		}
		n -= p.weight
	}
	return loadPaths[0]
}
