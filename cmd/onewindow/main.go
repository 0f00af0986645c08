// Command onewindow runs the district's government service centre: the public
// catalogue, the staff workbench and the API.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "onewindow:", err)
		os.Exit(1)
	}
}

const usage = `usage: onewindow <command> [flags]

commands:
  serve     run the web server (flags: --addr, --data, --demo; see serve -h)
  user      add an account, change a password, list or set roles (see user -h)
  catalogue import or export the item catalogue as XLSX or CSV (see catalogue -h)
  audit     verify every application's event chain (audit verify)
  draw      recompute a random inspection plan's published draw (draw verify --plan ID [--seed HEX])
  alias     list, import or export the search alias dictionary (see alias -h)
  site      show or set the district, centre, address, hotline, hours, footer (see site -h)
  calendar  import a year's holiday schedule (CSV or iCalendar) or list the years covered (see calendar -h)
  stats     count new events into the statistics (stats catch-up)
  backup    write a consistent copy of the data folder while the server runs (backup -o FILE)
  restore   unpack a backup into an empty data folder and verify it (restore FILE)
  keys      rotate the keys that seal personal data (keys rotate)
  migrate   copy a SQLite data folder's database into PostgreSQL (migrate --from sqlite:DIR --to postgres://…)
  version   print the version and schema version
`

// run is the whole program behind main, testable with its own arguments,
// environment and output.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case "user":
		return userCommand(ctx, args[1:], getenv, stdout, stderr)
	case "catalogue":
		return catalogueCommand(ctx, args[1:], getenv, stdout, stderr)
	case "audit":
		return auditCommand(ctx, args[1:], getenv, stdout, stderr)
	case "draw":
		return drawCommand(ctx, args[1:], getenv, stdout, stderr)
	case "alias":
		return aliasCommand(ctx, args[1:], getenv, stdout, stderr)
	case "site":
		return siteCommand(ctx, args[1:], getenv, stdout, stderr)
	case "calendar":
		return calendarCommand(ctx, args[1:], getenv, stdout, stderr)
	case "stats":
		return statsCommand(ctx, args[1:], getenv, stdout, stderr)
	case "keys":
		return keysCommand(ctx, args[1:], getenv, stdout, stderr)
	case "backup":
		return backupCommand(ctx, args[1:], getenv, stdout, stderr)
	case "restore":
		return restoreCommand(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return migrateCommand(ctx, args[1:], getenv, stdout, stderr)
	case "version":
		return printVersion(stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}
