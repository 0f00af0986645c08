package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"onewindow/models"
)

const aliasUsage = `usage:
  onewindow alias list     [--data DIR] [TEXT]
  onewindow alias export   [--data DIR] [-o FILE]
  onewindow alias import   [--data DIR] [--keep] [--reason TEXT] [--user NAME] FILE
  onewindow alias defaults [--data DIR] [--user NAME]
The search alias dictionary maps everyday words to the official terms of item names.
list prints the words (those whose word, terms or note contain TEXT).
export writes the dictionary as tab-separated text (word, terms separated by "|", note)
to FILE, or to standard output without -o.
import reads such a file (FILE "-" is standard input); every problem is printed with its
line and nothing is written unless the whole file is right. New words are added and words
that differ are replaced (with --keep, words already in the dictionary are left alone);
words the file does not name are kept. Every change is logged by --user with --reason.
defaults adds the words of the shipped default dictionary that the dictionary lacks.
`

// aliasCommand lists, exports and imports the search alias dictionary.
func aliasCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	subs := []string{"list", "export", "import", "defaults"}
	if len(args) == 0 || !slices.Contains(subs, args[0]) {
		fmt.Fprint(stderr, aliasUsage)
		if len(args) == 0 {
			return fmt.Errorf("alias: no sub-command")
		}
		return fmt.Errorf("alias: unknown sub-command %q", args[0])
	}
	fs := flag.NewFlagSet("alias "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", envOr(getenv, "DATA", "./data"), "data folder (ONEWINDOW_DATA)")
	keyFile := keyFileFlag(fs, getenv)
	out := fs.String("o", "", "export: write to this file instead of standard output")
	keep := fs.Bool("keep", false, "import: leave words already in the dictionary as they are")
	reason := fs.String("reason", "批量导入", "import: the reason logged with every change")
	user := fs.String("user", "cli", "import, defaults: the actor logged with every change")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	store, err := openStore(ctx, *data, getenv, *keyFile)
	if err != nil {
		return err
	}
	defer store.Close()
	switch args[0] {
	case "list":
		return listAliases(ctx, store, strings.Join(fs.Args(), " "), stdout)
	case "export":
		if fs.NArg() > 0 {
			return fmt.Errorf("alias export: unexpected argument %q (use -o FILE)", fs.Arg(0))
		}
		return exportAliases(ctx, store, *out, stdout, stderr)
	case "import":
		if fs.NArg() != 1 {
			return fmt.Errorf("alias import: give exactly one file")
		}
		return importAliases(ctx, store, fs.Arg(0), *user, *reason, *keep, stdout)
	default:
		if fs.NArg() > 0 {
			return fmt.Errorf("alias defaults: unexpected argument %q", fs.Arg(0))
		}
		def, err := models.DefaultSearchAliases()
		if err != nil {
			return err
		}
		return reportAliasImport(ctx, store, def, *user, models.DefaultAliasReason, true, stdout)
	}
}

func listAliases(ctx context.Context, store *models.Store, q string, stdout io.Writer) error {
	list, err := store.FindSearchAliases(ctx, q)
	if err != nil {
		return err
	}
	for _, a := range list {
		line := a.Term + "\t→ " + strings.Join(a.Targets, "、")
		if a.Note != "" {
			line += "\t# " + a.Note
		}
		fmt.Fprintln(stdout, line)
	}
	fmt.Fprintf(stdout, "%d words\n", len(list))
	return nil
}

func exportAliases(ctx context.Context, store *models.Store, out string, stdout, stderr io.Writer) (err error) {
	list, err := store.SearchAliases(ctx)
	if err != nil {
		return err
	}
	w := stdout
	if out != "" {
		file, err := os.Create(out)
		if err != nil {
			return fmt.Errorf("alias export: %w", err)
		}
		defer func() {
			if cerr := file.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("alias export: %w", cerr)
			}
		}()
		w = file
	}
	if err := models.WriteAliasTSV(w, list); err != nil {
		return fmt.Errorf("alias export: %w", err)
	}
	if out != "" {
		fmt.Fprintf(stderr, "exported %d words to %s\n", len(list), out)
	}
	return nil
}

func importAliases(ctx context.Context, store *models.Store, file, user, reason string, keep bool, stdout io.Writer) error {
	var r io.Reader = os.Stdin
	if file != "-" {
		data, err := readLimited(file)
		if err != nil {
			return err
		}
		r = strings.NewReader(string(data))
	}
	entries, err := models.ParseAliasTSV(r)
	var fe *models.AliasFileError
	if errors.As(err, &fe) {
		for _, p := range fe.Problems {
			fmt.Fprintf(stdout, "line %d\t%s\t%s\n", p.Line, p.Column, p.Message)
		}
		return fmt.Errorf("alias import: %d problems: %w", len(fe.Problems), errProblems)
	}
	if err != nil {
		return err
	}
	return reportAliasImport(ctx, store, entries, user, reason, keep, stdout)
}

func reportAliasImport(ctx context.Context, store *models.Store, entries []models.AliasInput, user, reason string, keep bool, stdout io.Writer) error {
	res, err := store.ImportSearchAliases(ctx, user, reason, entries, keep)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d words: %d added, %d changed, %d unchanged\n",
		len(entries), res.Created, res.Updated, res.Unchanged)
	return nil
}
