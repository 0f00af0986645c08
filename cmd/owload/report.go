package main

import (
	"fmt"
	"io"
	"strings"
)

// printReport writes the summary as a Markdown table: medians over the runs
// with their range, and the median ratio of each run to its baseline run.
func printReport(w io.Writer, cfg config, e *env, reports []report) {
	fmt.Fprintf(w, "\n%d clients, %v per run, %d run(s); figures are medians (min–max)\n\n", cfg.clients, cfg.duration, cfg.runs)
	fmt.Fprintln(w, "| workload | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | locked | server RSS MB | vs baseline (req/s, ratio) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	for _, rep := range reports {
		rs := rep.runs
		errs, locked, rss := 0, 0, int64(0)
		for _, r := range rs {
			errs, locked, rss = errs+r.Errors, locked+r.Locked, max(rss, r.RSSKiB)
		}
		title := rep.w.name + " " + rep.w.title
		if rep.w.name == "W5" {
			title += " (" + e.worklistPath + ")"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %d | %d | %s | %s |\n", title,
			fmtSpread(spreadOf(figures(rs, func(r Result) float64 { return r.Throughput })), "%.0f"),
			fmtSpread(spreadOf(figures(rs, func(r Result) float64 { return ms(r.P50) })), "%.1f"),
			fmtSpread(spreadOf(figures(rs, func(r Result) float64 { return ms(r.P95) })), "%.1f"),
			fmtSpread(spreadOf(figures(rs, func(r Result) float64 { return ms(r.P99) })), "%.1f"),
			fmtSpread(spreadOf(figures(rs, func(r Result) float64 { return ms(r.Max) })), "%.0f"),
			errs, locked, fmtRSS(rss), baselineCell(rep))
	}
	if cfg.pid > 0 {
		if hwm, err := procStatus(cfg.pid, "VmHWM"); err == nil {
			fmt.Fprintf(w, "\nserver peak resident size (VmHWM) since it started: %d MB\n", hwm/1024)
		}
	}
}

// baselineCell is "sql-status 9800/s → 0.61 (0.58–0.63); bare …".
func baselineCell(rep report) string {
	var parts []string
	for _, b := range rep.w.baselines {
		brs := rep.base[b]
		if len(brs) == 0 {
			continue
		}
		var ratios []float64
		for i, br := range brs {
			if i < len(rep.runs) && br.Throughput > 0 {
				ratios = append(ratios, rep.runs[i].Throughput/br.Throughput)
			}
		}
		tp := spreadOf(figures(brs, func(r Result) float64 { return r.Throughput }))
		parts = append(parts, fmt.Sprintf("%s %.0f/s → %s", b, tp.Median, fmtSpread(spreadOf(ratios), "%.2f")))
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, "; ")
}

func fmtSpread(s spread, f string) string {
	if s.Min == s.Max {
		return fmt.Sprintf(f, s.Median)
	}
	return fmt.Sprintf(f+" ("+f+"–"+f+")", s.Median, s.Min, s.Max)
}

func fmtRSS(kib int64) string {
	if kib == 0 {
		return "—"
	}
	return fmt.Sprint(kib / 1024)
}
