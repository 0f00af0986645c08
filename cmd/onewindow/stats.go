package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"onewindow/workflow"
)

const statsUsage = `usage: onewindow stats catch-up [--data DIR]

Counts every event and evaluation not yet counted into the statistics'
daily and monthly aggregates, as the running server does every 30 s, and
prints how many and how long it took: run it once after upgrading a large
database so that the first statistics page finds nothing left to count.
It is safe while a server runs: each batch moves the cursor in the same
transaction as its sums.
`

// statsCommand runs the statistics catch-up.
func statsCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "catch-up" {
		fmt.Fprint(stderr, statsUsage)
		return fmt.Errorf("stats: expected the sub-command catch-up")
	}
	fs := flag.NewFlagSet("stats catch-up", flag.ContinueOnError)
	fs.SetOutput(stderr)
	open := storeFlags(fs, getenv)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	store, err := open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	days, err := store.CalendarDays(ctx)
	if err != nil {
		return err
	}
	years, err := store.CalendarYears(ctx)
	if err != nil {
		return err
	}
	cal, err := workflow.NewCalendar(days)
	if err != nil {
		return err
	}
	if len(years) > 0 {
		cal = cal.WithYears(years)
	}
	start := time.Now()
	n, err := store.CatchUpAllStats(ctx, cal)
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "counted %d events and evaluations in %s (%.0f/s)\n", n, took.Round(time.Millisecond), float64(n)/max(took.Seconds(), 1e-9))
	return nil
}
