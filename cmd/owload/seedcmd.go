package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"onewindow/cmd/owload/seed"
	"onewindow/handlers"
	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/workflow"
)

const seedUsage = `usage: owload seed [-data DIR] [-applications N] [-seed S] [-samples FILE]

Fills a data folder with generated applications for load tests: on a new
folder it first seeds the calendar, the demonstration catalogue and the demo
accounts (password demo1234), as onewindow serve --demo does. It writes a
sample of the generated applications (number, query code, state,
department) as CSV for the workloads (-samples).

The applications are bulk-loaded on the store's writer connection with
synchronous=OFF (restored, and the log checkpointed with it, before the
command returns): run it on a folder no server is using.
`

// seedConfig is the seed command's settings.
type seedConfig struct {
	data, samples, cpuProfile string
	applications              int
	seed                      uint64
}

func parseSeed(args []string, stderr io.Writer) (seedConfig, error) {
	var cfg seedConfig
	fs := flag.NewFlagSet("owload seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, seedUsage); fs.PrintDefaults() }
	fs.StringVar(&cfg.data, "data", "./data", "data folder")
	fs.IntVar(&cfg.applications, "applications", 1_000_000, "how many applications to generate")
	fs.Uint64Var(&cfg.seed, "seed", 1, "random seed; the same seed and count give the same data")
	fs.StringVar(&cfg.samples, "samples", "", "CSV file for the samples (default DATA/load-samples.csv)")
	fs.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write a CPU profile of the generation to this file")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("seed: unexpected argument %q", fs.Arg(0))
	}
	if cfg.applications < 1 {
		return cfg, fmt.Errorf("seed: -applications must be at least 1")
	}
	if cfg.samples == "" {
		cfg.samples = cfg.data + string(os.PathSeparator) + "load-samples.csv"
	}
	return cfg, nil
}

// seedCommand seeds a demo data folder and generates applications into it.
func seedCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseSeed(args, stderr)
	if err != nil {
		return err
	}
	// The generator bulk-loads a SQLite folder; onewindow migrate copies it to PostgreSQL.
	store, err := models.Open(ctx, cfg.data, models.Options{DB: "sqlite"})
	if err != nil {
		return err
	}
	defer store.Close()
	if err := seedDemo(ctx, store, stdout); err != nil {
		return err
	}
	days, err := store.CalendarDays(ctx)
	if err != nil {
		return err
	}
	cal, err := workflow.NewCalendar(days)
	if err != nil {
		return err
	}
	if cfg.cpuProfile != "" {
		stopProfile, err := startCPUProfile(cfg.cpuProfile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	start := time.Now()
	bar := loadProgress(stderr, start)
	samples, err := seed.Applications(ctx, store, seed.Options{Applications: cfg.applications, Seed: cfg.seed,
		Now: time.Now(), Cal: cal, Progress: bar})
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	took := time.Since(start)
	if err := writeSamples(cfg.samples, samples); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "generated %d applications in %v (%.0f/s); %d samples in %s\n", cfg.applications,
		took.Round(time.Second), float64(cfg.applications)/took.Seconds(), len(samples), cfg.samples)
	return nil
}

// seedDemo seeds, into a new folder, the calendar, the demonstration
// catalogue and the demo accounts, through the store; an existing folder
// keeps what it has.
func seedDemo(ctx context.Context, store *models.Store, stdout io.Writer) error {
	if _, err := store.SeedCalendar(ctx, workflow.DefaultCalendarDays()); err != nil {
		return err
	}
	depts, _, items := demo.Catalogue()
	if _, err := store.SeedCatalogue(ctx, depts, models.DefaultItemTypes(), items); err != nil {
		return err
	}
	if _, err := store.SeedSite(ctx, demo.Site(), time.Now()); err != nil {
		return err
	}
	hash, err := handlers.HashPassword(demo.Password)
	if err != nil {
		return err
	}
	ok, err := store.SeedUsers(ctx, demo.Accounts(depts, hash))
	if ok {
		fmt.Fprintf(stdout, "seeded the demo accounts (password %q)\n", demo.Password)
	}
	return err
}

// loadProgress draws `[#####.....] 420000/1000000 applications  35 s` on w.
func loadProgress(w io.Writer, start time.Time) func(done, total int) {
	const width = 30
	return func(done, total int) {
		n := width * done / max(total, 1)
		fmt.Fprintf(w, "\r[%s%s] %d/%d applications  %d s", strings.Repeat("#", n), strings.Repeat(".", width-n),
			done, total, int(time.Since(start).Seconds()))
	}
}

// writeSamples writes number,code,state,department rows with a header.
func writeSamples(path string, samples []seed.Sample) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("seed: samples: %w", err)
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"number", "code", "state", "department"})
	for _, s := range samples {
		_ = w.Write([]string{s.Number, s.Code, string(s.State), s.Department})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("seed: samples: %w", err)
	}
	return f.Close()
}

func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
