package handlers_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/workflow"
)

// Seeding the demo catalogue costs a second or more (much more under the
// race detector), and most tests need a private copy of it. So the seeded
// databases are built once per test binary, closed (which checkpoints the
// WAL into the file), and every test copies the file into its own folder:
// the same migrations and data, at the cost of a file copy.

type seededDB struct {
	once sync.Once
	dir  string
	err  error
}

var (
	catalogueDB seededDB // calendar and demo catalogue
	staffDB     seededDB // the same plus the demo accounts
	templates   []string // folders to remove after the run
	templatesMu sync.Mutex
)

func (t *seededDB) build(withUsers bool) (string, error) {
	t.once.Do(func() {
		dir, err := os.MkdirTemp("", "onewindow-template-")
		if err != nil {
			t.err = err
			return
		}
		templatesMu.Lock()
		templates = append(templates, dir)
		templatesMu.Unlock()
		t.dir, t.err = dir, seed(dir, withUsers)
	})
	return t.dir, t.err
}

func seed(dir string, withUsers bool) error {
	ctx := context.Background()
	store, err := models.Open(ctx, dir, models.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	if _, err := store.SeedCalendar(ctx, workflow.DefaultCalendarDays()); err != nil {
		return err
	}
	depts, _, items := demo.Catalogue()
	if _, err := store.SeedCatalogue(ctx, depts, models.DefaultItemTypes(), items); err != nil {
		return err
	}
	bundles, err := demo.Bundles(items)
	if err != nil {
		return err
	}
	if _, err := store.SeedBundles(ctx, bundles, time.Now()); err != nil {
		return err
	}
	cal, err := workflow.NewCalendar(workflow.DefaultCalendarDays())
	if err != nil {
		return err
	}
	if _, err := demo.SeedInspections(ctx, store, depts, items, cal); err != nil {
		return err
	}
	if _, err := store.SeedSite(ctx, demo.Site(), time.Now()); err != nil {
		return err
	}
	if withUsers {
		if _, err := store.SeedUsers(ctx, demo.Accounts(depts, demoHash())); err != nil {
			return err
		}
	}
	return nil
}

// openSeeded opens, in dir, a copy of the seeded demo database.
func openSeeded(dir string, withUsers bool) (*models.Store, error) {
	if u := os.Getenv(models.DBEnv); strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://") {
		// On PostgreSQL dir's data live in a database of its own on the
		// server, not in a file to copy: seed that database.
		if err := seed(dir, withUsers); err != nil {
			return nil, err
		}
		return models.Open(context.Background(), dir, models.Options{})
	}
	tmpl := &catalogueDB
	if withUsers {
		tmpl = &staffDB
	}
	src, err := tmpl.build(withUsers)
	if err != nil {
		return nil, fmt.Errorf("seed template: %w", err)
	}
	for _, name := range []string{models.DatabaseFile, models.KeyFileName} {
		if err := copyFile(filepath.Join(src, name), filepath.Join(dir, name)); err != nil {
			return nil, err
		}
	}
	// Tests need no power-cut durability; NORMAL skips the fsync per commit.
	return models.Open(context.Background(), dir, models.Options{Synchronous: "NORMAL"})
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// removeTemplates deletes the template folders; TestMain calls it.
func removeTemplates() {
	templatesMu.Lock()
	defer templatesMu.Unlock()
	for _, d := range templates {
		os.RemoveAll(d)
	}
}
