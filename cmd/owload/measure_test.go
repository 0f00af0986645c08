package main

import (
	"bytes"
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestWarmUpPrecedesEveryRunButPreparedOnes measures a counting operation
// and checks that the warm-up ran it before the run and the baseline run
// without counting it, and that a workload with a preparation got none.
func TestWarmUpPrecedesEveryRunButPreparedOnes(t *testing.T) {
	var opCalls, baseCalls atomic.Int64
	counter := func(n *atomic.Int64) op {
		return func(ctx context.Context, cl *client) outcome {
			n.Add(1)
			time.Sleep(time.Millisecond)
			return outcome{}
		}
	}
	baselineOps["test-count"] = counter(&baseCalls)
	t.Cleanup(func() { delete(baselineOps, "test-count") })
	cfg := config{clients: 2, runs: 1, duration: 60 * time.Millisecond, baselineDuration: 60 * time.Millisecond,
		warmup: 60 * time.Millisecond, baseline: "http://unused"}
	for _, prepared := range []bool{false, true} {
		opCalls.Store(0)
		baseCalls.Store(0)
		w := workload{name: "T", op: counter(&opCalls), baselines: []string{"test-count"}}
		if prepared {
			w.prepare = func(context.Context) error { return nil }
		}
		e := &env{clients: cfg.clients}
		var progress bytes.Buffer
		rep, err := measure(context.Background(), e, cfg, w, &progress)
		if err != nil {
			t.Fatal(err)
		}
		if lines := strings.Count(progress.String(), "\n"); lines != 2 {
			t.Errorf("prepared %v: %d progress lines, want a run and a baseline run:\n%s", prepared, lines, progress.String())
		}
		warmOp := opCalls.Load() - int64(rep.runs[0].Requests)
		warmBase := baseCalls.Load() - int64(rep.base["test-count"][0].Requests)
		if prepared && warmOp != 0 {
			t.Errorf("a prepared workload's op ran %d times outside its run", warmOp)
		}
		if !prepared && warmOp < 10 {
			t.Errorf("the op ran %d times in the warm-up", warmOp)
		}
		if warmBase < 10 {
			t.Errorf("prepared %v: the baseline ran %d times in its warm-up", prepared, warmBase)
		}
	}
}
