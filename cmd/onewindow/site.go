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

const siteUsage = `usage: onewindow site show [--data DIR]
       onewindow site set [--data DIR] key=value ...

The site settings every page and printed notice shows. Keys: district,
centre, address, hotline, hours, footer. set changes the keys given and
keeps the others; district and centre must be set, the hotline is digits,
'-' and spaces, an empty value (key=) clears an optional setting, and \n
in the footer breaks the line. A running server shows the change within 2 s.

  onewindow site set district=某某区 centre=某某区政务服务中心 hotline=0474-12345
`

// siteCommand shows or changes the site settings.
func siteCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "show" && args[0] != "set") {
		fmt.Fprint(stderr, siteUsage)
		return fmt.Errorf("site: expected the sub-command show or set")
	}
	fs := flag.NewFlagSet("site "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", envOr(getenv, "DATA", "./data"), "data folder (ONEWINDOW_DATA)")
	keyFile := keyFileFlag(fs, getenv)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if args[0] == "show" && fs.NArg() > 0 {
		return fmt.Errorf("site show: unexpected argument %q", fs.Arg(0))
	}
	if args[0] == "set" && fs.NArg() == 0 {
		fmt.Fprint(stderr, siteUsage)
		return fmt.Errorf("site set: give at least one key=value")
	}
	changes, err := siteChanges(fs.Args())
	if err != nil {
		return err
	}
	store, err := openStore(ctx, *data, getenv, *keyFile)
	if err != nil {
		return err
	}
	defer store.Close()
	st, err := store.Site(ctx)
	if err != nil {
		return err
	}
	if args[0] == "set" {
		for _, kv := range changes {
			st.Set(kv[0], kv[1])
		}
		if st, err = store.SetSite(ctx, st, "onewindow site", time.Now()); err != nil {
			return siteError(err)
		}
	}
	return printSite(stdout, st)
}

// siteChanges parses key=value arguments; an unknown key is an error naming it.
func siteChanges(args []string) ([][2]string, error) {
	var out [][2]string
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		var probe models.SiteSettings
		if !ok || !probe.Set(k, v) {
			return nil, fmt.Errorf("site set: %q is not key=value with a key of %s", a, strings.Join(models.SiteKeys(), ", "))
		}
		if k == "footer" {
			v = strings.ReplaceAll(v, `\n`, "\n") // a line break, as show prints it
		}
		out = append(out, [2]string{k, v})
	}
	return out, nil
}

// siteError spells out a refused setting field by field.
func siteError(err error) error {
	var ve *models.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	var parts []string
	for _, k := range models.SiteKeys() {
		if msg, ok := ve.Fields[k]; ok {
			parts = append(parts, k+": "+msg)
		}
	}
	return fmt.Errorf("site set: nothing changed: %s", strings.Join(parts, "; "))
}

func printSite(w io.Writer, st models.SiteSettings) error {
	for _, k := range models.SiteKeys() {
		v, _ := st.Get(k)
		if _, err := fmt.Fprintf(w, "%s=%s\n", k, strings.ReplaceAll(v, "\n", `\n`)); err != nil {
			return err
		}
	}
	return nil
}
