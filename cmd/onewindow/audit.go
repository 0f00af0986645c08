package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

const auditUsage = `usage: onewindow audit verify [--data DIR] [NUMBER ...]

Checks the SHA-256 event chain of every application (or of the given
numbers) and names the first broken link of each broken chain. Exits with
an error when any chain is broken.
`

// errBrokenChain is returned when verification finds a broken chain.
var errBrokenChain = errors.New("audit: broken event chains found")

// auditCommand verifies the hash chain of every application's events.
func auditCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprint(stderr, auditUsage)
		return fmt.Errorf("audit: expected the sub-command verify")
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
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
	apps, events, broken := 0, 0, 0
	for r, e := range store.Chains(ctx, fs.Args()) {
		if e != nil {
			return e
		}
		apps++
		events += r.Events
		if r.Break != nil {
			broken++
			fmt.Fprintf(stdout, "BROKEN %s: %v\n", r.Number, r.Break)
		}
	}
	fmt.Fprintf(stdout, "checked %d applications, %d events: %d broken\n", apps, events, broken)
	if broken > 0 {
		return errBrokenChain
	}
	return nil
}
