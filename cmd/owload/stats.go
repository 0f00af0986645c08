package main

import (
	"slices"
	"time"
)

// recorder collects one client's outcomes; each client owns one, so no lock.
type recorder struct {
	lat      []time.Duration
	errors   int
	locked   int
	firstErr string
}

func (r *recorder) add(d time.Duration, o outcome) {
	r.lat = append(r.lat, d)
	if o.err != "" {
		r.errors++
		if r.firstErr == "" {
			r.firstErr = o.err
		}
	}
	if o.locked {
		r.locked++
	}
}

// Result is one run of one workload (or baseline).
type Result struct {
	Name       string
	Requests   int
	Errors     int
	Locked     int // answers or server log lines naming "database is locked"
	FirstError string
	Elapsed    time.Duration
	Throughput float64 // requests per second
	P50, P95   time.Duration
	P99, Max   time.Duration
	RSSKiB     int64 // the server's largest resident size seen during the run; 0 unknown
}

// summarize merges the clients' recorders into a Result.
func summarize(name string, recs []*recorder, elapsed time.Duration) Result {
	res := Result{Name: name, Elapsed: elapsed}
	var all []time.Duration
	for _, r := range recs {
		all = append(all, r.lat...)
		res.Errors += r.errors
		res.Locked += r.locked
		if res.FirstError == "" {
			res.FirstError = r.firstErr
		}
	}
	slices.Sort(all)
	res.Requests = len(all)
	if elapsed > 0 {
		res.Throughput = float64(len(all)) / elapsed.Seconds()
	}
	res.P50, res.P95, res.P99 = percentile(all, 50), percentile(all, 95), percentile(all, 99)
	if len(all) > 0 {
		res.Max = all[len(all)-1]
	}
	return res
}

// percentile is the nearest-rank percentile of sorted values: the smallest
// value with at least p% of the values at or below it.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted)) + 0.9999999)
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// spread is the median of a figure over several runs with its range.
type spread struct{ Median, Min, Max float64 }

func spreadOf(xs []float64) spread {
	if len(xs) == 0 {
		return spread{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return spread{Median: m, Min: s[0], Max: s[len(s)-1]}
}

// figures extracts one figure from every run.
func figures(rs []Result, f func(Result) float64) []float64 {
	out := make([]float64, len(rs))
	for i, r := range rs {
		out[i] = f(r)
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
