package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"onewindow/models"
	"onewindow/workflow"
)

const calendarUsage = `usage: onewindow calendar import [--data DIR] FILE
       onewindow calendar years [--data DIR]

import loads the official holiday schedule of one or more years from FILE:
CSV rows date,kind,name (kind holiday/休 or workday/班; an optional fourth
column is the last day of a run; a header row is skipped) or an iCalendar
(.ics) file of all-day events (a name containing 班 is an adjusted working
day). Each year named is replaced as a whole and marked official; nothing
is changed when any line is wrong. A running server uses it within 2 s.
years lists the years the calendar covers and whether each is official or
provisional (weekends only).
`

// calendarCommand imports a holiday schedule or lists the covered years.
func calendarCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "import" && args[0] != "years") {
		fmt.Fprint(stderr, calendarUsage)
		return fmt.Errorf("calendar: expected the sub-command import or years")
	}
	fs := flag.NewFlagSet("calendar "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	open := storeFlags(fs, getenv)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	var days []workflow.CalendarDay
	if args[0] == "import" {
		if fs.NArg() != 1 {
			fmt.Fprint(stderr, calendarUsage)
			return fmt.Errorf("calendar import: give one FILE")
		}
		b, err := os.ReadFile(fs.Arg(0))
		if err != nil {
			return fmt.Errorf("calendar import: %w", err)
		}
		if days, err = workflow.ParseSchedule(b); err != nil {
			return scheduleError(fs.Arg(0), err)
		}
	} else if fs.NArg() > 0 {
		return fmt.Errorf("calendar years: unexpected argument %q", fs.Arg(0))
	}
	store, err := open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	if args[0] == "import" {
		res, err := store.ImportCalendar(ctx, days, "file "+filepath.Base(fs.Arg(0)), time.Now().UTC())
		if err != nil {
			return scheduleError(fs.Arg(0), err)
		}
		fmt.Fprintf(stdout, "imported %d days; official now: %v\n", res.Days, res.Years)
	}
	years, err := store.CalendarYears(ctx)
	if err != nil {
		return err
	}
	for _, y := range years {
		fmt.Fprintf(stdout, "%d\t%s\n", y.Year, y.Status)
	}
	return nil
}

// scheduleError lists every problem of a schedule file.
func scheduleError(name string, err error) error {
	var ie *workflow.ImportError
	var ce *models.CalendarError
	switch {
	case errors.As(err, &ie):
		msg := ""
		for _, p := range ie.Problems {
			msg += fmt.Sprintf("\n  line %d: %s", p.Line, p.Message)
		}
		return fmt.Errorf("calendar import %s: nothing was changed:%s", name, msg)
	case errors.As(err, &ce):
		msg := ""
		for _, p := range ce.Problems {
			msg += fmt.Sprintf("\n  entry %d %s: %s", p.Row, p.Column, p.Message)
		}
		return fmt.Errorf("calendar import %s: nothing was changed:%s", name, msg)
	}
	return err
}
