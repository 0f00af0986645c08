package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"onewindow/models"
)

const migrateUsage = `usage: onewindow migrate --from sqlite:DIR --to postgres://… [--key-file KEY]

Copies the SQLite database of the data folder DIR into an empty PostgreSQL
database: migrates the target to the same schema version, copies every table
in one transaction, moves the id sequences past the copied ids, then checks
that every table has as many rows as in the source and that every
application's event chain is intact (as audit verify does). Prints a summary
per table; exits with an error on any difference.

Stop the server first. The source must have this binary's schema version
(open it once with serve of this version). A target holding any application,
item or account is refused. Sealed personal data is copied as it is: the key
file stays with the data folder (or --key-file), and the server started on
PostgreSQL needs the same key (serve --data DIR --db postgres://…).
`

// migrateCommand copies a SQLite data folder's database into PostgreSQL.
func migrateCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, migrateUsage); fs.PrintDefaults() }
	from := fs.String("from", "", "the source: sqlite:DIR, the data folder DIR holding onewindow.db")
	to := fs.String("to", "", "the target: a postgres:// URL of an empty database")
	keyFile := keyFileFlag(fs, getenv)
	quiet := fs.Bool("quiet", false, "no progress line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("migrate: unexpected argument %q", fs.Arg(0))
	}
	dir, ok := strings.CutPrefix(*from, "sqlite:")
	if !ok || dir == "" {
		fs.Usage()
		return errors.New("migrate: --from must be sqlite:DIR, the data folder to copy")
	}
	if !strings.HasPrefix(*to, "postgres://") && !strings.HasPrefix(*to, "postgresql://") {
		fs.Usage()
		return errors.New("migrate: --to must be a postgres:// URL")
	}
	opt, err := storeOptions(getenv, *keyFile)
	if err != nil {
		return err
	}
	opt.DB = ""
	topt := models.TransferOptions{Store: opt}
	if !*quiet {
		topt.Progress = func(table string, done, total int64) {
			fmt.Fprintf(stderr, "\r\033[K%s %d/%d", table, done, total)
		}
	}
	fmt.Fprintf(stdout, "copying %s into %s\n", dir, redactPostgres(*to))
	start := time.Now()
	rep, err := models.TransferToPostgres(ctx, dir, *to, topt)
	if topt.Progress != nil {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if len(rep.Tables) > 0 {
		printTransfer(stdout, rep, time.Since(start))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "verified: every table has its rows; %d applications, %d events, no broken chain\n",
		rep.Applications, rep.Events)
	fmt.Fprintf(stdout, "the key file stays with the data folder %s: start the server with --data %s --db <the URL> (or give --key-file)\n", dir, dir)
	return nil
}

// printTransfer writes the per-table summary and the times taken.
func printTransfer(w io.Writer, rep models.TransferReport, took time.Duration) {
	width := len("table")
	for _, t := range rep.Tables {
		width = max(width, len(t.Name))
	}
	fmt.Fprintf(w, "%-*s %10s %10s\n", width, "table", "source", "target")
	for _, t := range rep.Tables {
		mark := "ok"
		if t.Source != t.Target {
			mark = "MISMATCH"
		}
		fmt.Fprintf(w, "%-*s %10d %10d  %s\n", width, t.Name, t.Source, t.Target, mark)
	}
	fmt.Fprintf(w, "schema version %d; %d tables, %d rows copied in %v, verified in %v (%v in all)\n",
		rep.Version, len(rep.Tables), rep.Rows(), rep.Copy.Round(time.Millisecond), rep.Verify.Round(time.Millisecond),
		took.Round(time.Millisecond))
	if !rep.TriggersDisabled {
		fmt.Fprintln(w, "(the target's triggers could not be turned off for the copy: tables went in dependency order)")
	}
}

// redactPostgres is a postgres:// URL without its password.
func redactPostgres(u string) string {
	at := strings.LastIndex(u, "@")
	scheme := strings.Index(u, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return u
	}
	cred := u[scheme+3 : at]
	if user, _, ok := strings.Cut(cred, ":"); ok {
		return u[:scheme+3] + user + ":xxxxx" + u[at:]
	}
	return u
}
