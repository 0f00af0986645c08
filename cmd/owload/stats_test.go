package main

import (
	"testing"
	"time"
)

func TestPercentileIsNearestRank(t *testing.T) {
	t.Parallel()
	var vals []time.Duration
	for i := 1; i <= 100; i++ {
		vals = append(vals, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {95, 95 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond},
		{0, 1 * time.Millisecond}, {99.5, 100 * time.Millisecond}} {
		if got := percentile(vals, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("empty: %v", got)
	}
	if got := percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("one value: %v", got)
	}
	// Three values: p50 is the second, p99 the third.
	three := []time.Duration{1, 2, 3}
	if percentile(three, 50) != 2 || percentile(three, 99) != 3 || percentile(three, 33) != 1 {
		t.Errorf("three: %v %v %v", percentile(three, 50), percentile(three, 99), percentile(three, 33))
	}
}

func TestSummarizeMergesClients(t *testing.T) {
	t.Parallel()
	a, b := &recorder{}, &recorder{}
	for i := 1; i <= 50; i++ {
		a.add(time.Duration(i)*time.Millisecond, outcome{})
		b.add(time.Duration(50+i)*time.Millisecond, outcome{})
	}
	b.add(time.Second, outcome{err: "POST /x: 500 internal error", locked: true})
	r := summarize("W0", []*recorder{a, b}, 2*time.Second)
	if r.Requests != 101 || r.Errors != 1 || r.Locked != 1 || r.FirstError == "" {
		t.Fatalf("%+v", r)
	}
	if r.Throughput != 50.5 || r.P50 != 51*time.Millisecond || r.Max != time.Second || r.P99 != 100*time.Millisecond {
		t.Fatalf("throughput %v p50 %v p99 %v max %v", r.Throughput, r.P50, r.P99, r.Max)
	}
}

func TestSpreadIsMedianWithRange(t *testing.T) {
	t.Parallel()
	if s := spreadOf([]float64{3, 1, 2}); s != (spread{2, 1, 3}) {
		t.Errorf("odd: %+v", s)
	}
	if s := spreadOf([]float64{4, 1, 2, 3}); s != (spread{2.5, 1, 4}) {
		t.Errorf("even: %+v", s)
	}
	if got := fmtSpread(spread{2, 1, 3}, "%.0f"); got != "2 (1–3)" {
		t.Errorf("format %q", got)
	}
}
