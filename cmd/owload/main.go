// Command owload drives a running OneWindow server over HTTP with a fixed
// number of concurrent clients for a fixed time, workload by workload, and
// reports throughput, latency percentiles and errors, each next to a
// same-run baseline served by cmd/owbaseline. owload seed fills a data
// folder with generated applications first (see owload seed -h).
//
// Every measured run and every baseline run follows a warm-up (-warmup) of
// the same operation from the same clients, not counted, so that neither
// starts on cold caches and closed connections while the other runs warm.
// W4 and W7 get none: their operation consumes the submitted applications
// filed before each of their runs, which a warm-up would drain.
//
// Requests go out on a small HTTP/1.1 client of the tool's own, one
// keep-alive connection per client and host: the tool shares the machine
// with the server, and net/http's transport spent three times the user CPU
// per request.
//
//	go run ./cmd/owload seed -data data -applications 1000000
//	go run ./cmd/owload -url http://127.0.0.1:8080 -baseline-url http://127.0.0.1:8081 \
//	    -clients 64 -duration 30s -warmup 5s -runs 3 -workload W1,W2 -samples data/load-samples.csv
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "owload:", err)
		os.Exit(1)
	}
}

var allWorkloads = []string{"W1", "W2", "W3", "W4", "W5", "W6", "W6b", "W7"}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("owload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.url, "url", "http://127.0.0.1:8080",
		"the server; several comma-separated instances of one deployment spread the clients over them in turn")
	fs.StringVar(&cfg.baseline, "baseline-url", "", "the baseline listener of owbaseline (none: no ratios)")
	fs.StringVar(&cfg.samples, "samples", "data/load-samples.csv", "samples CSV written by owload seed (W1, W7)")
	fs.StringVar(&cfg.workloads, "workload", "all", "comma-separated workloads: W1 … W6, W6b, W7, or all")
	fs.IntVar(&cfg.clients, "clients", 64, "concurrent clients")
	fs.DurationVar(&cfg.duration, "duration", 30*time.Second, "time per run of a workload")
	fs.DurationVar(&cfg.baselineDuration, "baseline-duration", 0, "time per baseline run (default: -duration)")
	fs.DurationVar(&cfg.warmup, "warmup", 5*time.Second,
		"uncounted warm-up of the same operation and clients before each run and each baseline run (none for W4 and W7, which would drain their pool); 0: none")
	fs.IntVar(&cfg.runs, "runs", 1, "runs per workload; figures are medians with their range")
	fs.IntVar(&cfg.pool, "pool", 20000, "submitted applications filed before each W4/W7 run for accepting")
	fs.StringVar(&cfg.window, "window", "window1", "window clerk account (W4, W7)")
	fs.StringVar(&cfg.reviewer, "reviewer", "scj.review", "reviewer account (W5)")
	fs.StringVar(&cfg.password, "password", "demo1234", "password of the staff accounts")
	fs.IntVar(&cfg.pid, "pid", 0, "server process id: sample its resident size from /proc")
	fs.StringVar(&cfg.serverLog, "server-log", "", "server log file: count \"database is locked\" written during each run")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if cfg.baselineDuration == 0 {
		cfg.baselineDuration = cfg.duration
	}
	if cfg.clients < 1 || cfg.runs < 1 || cfg.duration <= 0 || cfg.warmup < 0 {
		return cfg, fmt.Errorf("-clients and -runs must be at least 1, -duration positive and -warmup not negative")
	}
	cfg.url, cfg.baseline = strings.TrimRight(cfg.url, "/"), strings.TrimRight(cfg.baseline, "/")
	return cfg, nil
}

// selected parses -workload.
func selected(list string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, w := range strings.Split(list, ",") {
		w = strings.TrimSpace(w)
		k := slices.IndexFunc(allWorkloads, func(a string) bool { return strings.EqualFold(a, w) })
		switch {
		case strings.EqualFold(w, "all"):
			for _, a := range allWorkloads {
				out[a] = true
			}
		case k >= 0:
			out[allWorkloads[k]] = true
		default:
			return nil, fmt.Errorf("unknown workload %q (W1 … W6, W6b, W7 or all)", w)
		}
	}
	return out, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "seed" {
		return seedCommand(ctx, args[1:], stdout, stderr)
	}
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	want, err := selected(cfg.workloads)
	if err != nil {
		return err
	}
	e, err := newEnv(ctx, cfg, want)
	if err != nil {
		return err
	}
	defer e.close()
	if cfg.warmup > 0 {
		fmt.Fprintf(stderr, "warm-up: %v of the same operation, not counted, before each run (but W4's and W7's) and each baseline run\n", cfg.warmup)
	}
	if want["W5"] && e.worklistPath != "/tasks" {
		fmt.Fprintln(stderr, "note: GET /tasks is not served; W5 reads GET /api/v1/tasks instead")
	}
	var reports []report
	for _, w := range workloads(e) {
		if !want[w.name] {
			continue
		}
		rep, err := measure(ctx, e, cfg, w, stderr)
		if err != nil {
			return fmt.Errorf("%s: %w", w.name, err)
		}
		reports = append(reports, rep)
	}
	printReport(stdout, cfg, e, reports)
	return ctx.Err()
}

// report is every run of one workload and of its baselines.
type report struct {
	w    workload
	runs []Result
	base map[string][]Result
}

// measure runs a workload cfg.runs times, each run followed at once by its
// baselines with the same clients, so that both see the same machine.
func measure(ctx context.Context, e *env, cfg config, w workload, progress io.Writer) (report, error) {
	rep := report{w: w, base: map[string][]Result{}}
	logs := newLogWatch(cfg.serverLog)
	for i := range cfg.runs {
		if w.prepare != nil {
			if err := w.prepare(ctx); err != nil {
				return rep, err
			}
		} else {
			warmUp(ctx, e, cfg, w.op)
		}
		if _, err := logs.Locked(); err != nil { // skip what the preparation logged
			return rep, err
		}
		rss := startRSS(cfg.pid)
		r := drive(ctx, e, w.name, w.op, cfg.clients, cfg.duration)
		r.RSSKiB = rss.Stop()
		n, err := logs.Locked()
		if err != nil {
			return rep, err
		}
		r.Locked += n
		if e.poolDry.Swap(false) {
			fmt.Fprintf(progress, "note: the pool of %d submitted applications ran dry before %v; raise -pool\n", cfg.pool, cfg.duration)
		}
		printRun(progress, i+1, r)
		rep.runs = append(rep.runs, r)
		for _, b := range w.baselines {
			if cfg.baseline == "" || ctx.Err() != nil {
				break
			}
			warmUp(ctx, e, cfg, baselineOps[b])
			br := drive(ctx, e, b, baselineOps[b], cfg.clients, cfg.baselineDuration)
			printRun(progress, i+1, br)
			rep.base[b] = append(rep.base[b], br)
		}
	}
	return rep, ctx.Err()
}

// warmUp drives o for -warmup and forgets the result: a run that started on
// cold caches would be compared with a baseline that follows it warm.
func warmUp(ctx context.Context, e *env, cfg config, o op) {
	if cfg.warmup > 0 && ctx.Err() == nil {
		drive(ctx, e, "warm-up", o, cfg.clients, cfg.warmup)
	}
}

func printRun(w io.Writer, i int, r Result) {
	fmt.Fprintf(w, "run %d %-10s %8.0f/s  p50 %6.1f  p95 %6.1f  p99 %6.1f  max %7.1f ms  errors %d  locked %d  in %.1f s",
		i, r.Name, r.Throughput, ms(r.P50), ms(r.P95), ms(r.P99), ms(r.Max), r.Errors, r.Locked, r.Elapsed.Seconds())
	if r.RSSKiB > 0 {
		fmt.Fprintf(w, "  rss %d MB", r.RSSKiB/1024)
	}
	if r.FirstError != "" {
		fmt.Fprintf(w, "  first error: %s", r.FirstError)
	}
	fmt.Fprintln(w)
}
