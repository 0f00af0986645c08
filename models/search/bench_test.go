package search

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// w6Queries are cmd/owload's W6 queries: item names, fragments, single characters.
var w6Queries = []string{"食品", "营业执照", "建设工程", "户口", "许可", "食", "殡葬", "餐饮", "道路运输",
	"危险化学品", "医疗机构", "卫生许可", "烟草", "出版物", "排污", "林木采伐", "社会团体", "药品", "消防", "施工"}

// everydayQueries are 20 ways people ask: everyday words, questions, a typo, traditional
// characters, pinyin and initials.
var everydayQueries = []string{"低保", "狗证", "开饭店", "开公司", "身份证", "办护照", "怎么办理营业执照",
	"我想开公司需要什么", "食品经营许问", "食品經營許可", "shipinjingying", "spjyxk", "结婚", "社保卡",
	"公积金", "驾照", "上户口", "盖房子", "失业金", "建设工程规划许可"}

func BenchmarkSearch(b *testing.B) {
	ix := New(catalogue(4200), testAliases())
	for _, q := range append(slices.Clone(w6Queries), everydayQueries...) {
		b.Run(q, func(b *testing.B) {
			var res Result
			for b.Loop() {
				res = ix.Search(Query{Q: q})
			}
			b.ReportMetric(float64(res.Total), "hits")
		})
	}
}

// BenchmarkSearch100k runs W6's and the everyday queries on a 100,000-item catalogue,
// where broad words (许可, 身份证) hold tens of thousands of names.
func BenchmarkSearch100k(b *testing.B) {
	ix := New(catalogue(100_000), testAliases())
	for _, q := range append(slices.Clone(w6Queries), everydayQueries...) {
		b.Run(q, func(b *testing.B) {
			var res Result
			for b.Loop() {
				res = ix.Search(Query{Q: q})
			}
			b.ReportMetric(float64(res.Total), "hits")
		})
	}
}

// BenchmarkSearchParallel runs W6's and the everyday queries from 64 goroutines and
// reports the 50th and 99th percentile of the recorded latencies.
func BenchmarkSearchParallel(b *testing.B) {
	for _, size := range []struct {
		name string
		n    int
	}{{"demo", 4200}, {"100k", 100_000}} {
		ix := New(catalogue(size.n), testAliases())
		queries := append(slices.Clone(w6Queries), everydayQueries...)
		b.Run(size.name, func(b *testing.B) {
			const clients = 64
			var next atomic.Int64
			durs := make([][]time.Duration, clients)
			var wg sync.WaitGroup
			b.ResetTimer()
			for c := range clients {
				wg.Go(func() {
					for {
						k := next.Add(1)
						if k > int64(b.N) {
							return
						}
						q := queries[int(k)%len(queries)]
						start := time.Now()
						ix.Search(Query{Q: q})
						durs[c] = append(durs[c], time.Since(start))
						// A client waits for the network between questions; without this
						// a goroutine keeps its processor for a whole 10 ms time slice
						// and the others' latencies measure the queue, not the search.
						runtime.Gosched()
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			all := slices.Concat(durs...)
			slices.Sort(all)
			if len(all) > 0 {
				b.ReportMetric(float64(all[len(all)/2].Microseconds()), "p50-µs")
				b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
			}
		})
	}
}

// BenchmarkNew builds the index of the demo-sized and of a 100,000-item catalogue and
// reports the heap the index holds.
func BenchmarkNew(b *testing.B) {
	for _, size := range []struct {
		name string
		n    int
	}{{"demo", 4200}, {"100k", 100_000}} {
		entries := catalogue(size.n)
		aliases := testAliases()
		b.Run(size.name, func(b *testing.B) {
			var ix *Index
			var held uint64
			for b.Loop() {
				ix = nil
				before := heapInUse()
				ix = New(entries, aliases)
				held = heapInUse() - before
			}
			runtime.KeepAlive(ix)
			b.ReportMetric(float64(held)/(1<<20), "heap-MB")
		})
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
