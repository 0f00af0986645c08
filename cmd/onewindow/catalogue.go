package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"onewindow/models"
	"onewindow/models/transfer"
)

const catalogueUsage = `usage:
  onewindow catalogue export [--data DIR] [--format xlsx|csv] [--lang zh-CN|en] [--department CODE] [-o FILE]
  onewindow catalogue import [--data DIR] [--format xlsx|csv] [--confirm] [--reason TEXT] [--user NAME] FILE
export writes every item (or one department's) to FILE, or to standard output without -o, with
sheet names, headers and values in Chinese (--lang zh-CN, the default) or English (--lang en).
import checks FILE (the multi-sheet layout in either language, or a 实施清单 of Chinese headers, whose
new departments are listed and created) and prints every problem (sheet, row, column, message) and what would change;
only --confirm writes, recording a revision for each new or changed item by --user (default cli).
The format follows the file name (.xlsx or .csv) unless --format is given.
`

// maxCLIImportBytes bounds the file an import reads into memory.
const maxCLIImportBytes = 256 << 20

// catalogueCommand imports or exports the item catalogue.
func catalogueCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "export" && args[0] != "import") {
		fmt.Fprint(stderr, catalogueUsage)
		if len(args) == 0 {
			return fmt.Errorf("catalogue: no sub-command")
		}
		return fmt.Errorf("catalogue: unknown sub-command %q", args[0])
	}
	fs := flag.NewFlagSet("catalogue "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", envOr(getenv, "DATA", "./data"), "data folder (ONEWINDOW_DATA)")
	keyFile := keyFileFlag(fs, getenv)
	format := fs.String("format", "", "xlsx or csv (default: from the file name, xlsx for standard output)")
	dept := fs.String("department", "", "export: only this department's items")
	out := fs.String("o", "", "export: write to this file instead of standard output")
	confirm := fs.Bool("confirm", false, "import: write the changes (without it the import is a dry run)")
	reason := fs.String("reason", "批量导入", "import: the reason recorded with every revision")
	user := fs.String("user", "cli", "import: the actor recorded with every revision")
	lang := fs.String("lang", "zh-CN", "export: the language of sheet names, headers and values (zh-CN or en)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	store, err := openStore(ctx, *data, getenv, *keyFile)
	if err != nil {
		return err
	}
	defer store.Close()
	if args[0] == "export" {
		if fs.NArg() > 0 {
			return fmt.Errorf("catalogue export: unexpected argument %q (use -o FILE)", fs.Arg(0))
		}
		f, err := fileFormat(*format, *out)
		if err != nil {
			return err
		}
		if *lang != "zh-CN" && *lang != "en" {
			return fmt.Errorf("catalogue export: --lang must be zh-CN or en, not %q", *lang)
		}
		return exportCatalogue(ctx, store, exportRequest{format: f, dept: *dept, out: *out, lang: transfer.LangOf(*lang)}, stdout, stderr)
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("catalogue import: give exactly one file")
	}
	f, err := fileFormat(*format, fs.Arg(0))
	if err != nil {
		return err
	}
	return importCatalogue(ctx, store, importRequest{file: fs.Arg(0), format: f, confirm: *confirm, reason: *reason, user: *user}, stdout, stderr)
}

// fileFormat is the format asked for, or the one the file name says.
func fileFormat(asked, name string) (transfer.Format, error) {
	if asked == "" {
		asked = strings.TrimPrefix(strings.ToLower(filepath.Ext(name)), ".")
		if asked == "" {
			asked = "xlsx"
		}
	}
	switch transfer.Format(asked) {
	case transfer.XLSX, transfer.CSV:
		return transfer.Format(asked), nil
	}
	return "", fmt.Errorf("catalogue: format must be xlsx or csv, not %q", asked)
}

// exportRequest is what catalogue export is asked to write.
type exportRequest struct {
	format    transfer.Format
	dept, out string
	lang      transfer.Lang
}

func exportCatalogue(ctx context.Context, store *models.Store, req exportRequest, stdout, stderr io.Writer) (err error) {
	f, dept, out := req.format, req.dept, req.out
	items, err := store.ItemsForExport(ctx, nil)
	if err != nil {
		return err
	}
	if dept != "" {
		kept := items[:0]
		for _, it := range items {
			if it.DepartmentCode == dept {
				kept = append(kept, it)
			}
		}
		if len(kept) == 0 {
			return fmt.Errorf("catalogue export: department %q has no items", dept)
		}
		items = kept
	}
	w := stdout
	if out != "" {
		file, err := os.Create(out)
		if err != nil {
			return fmt.Errorf("catalogue export: %w", err)
		}
		defer func() {
			if cerr := file.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("catalogue export: %w", cerr)
			}
		}()
		w = file
	}
	bar := newProgressBar(stderr, "export", "rows")
	if err := transfer.Export(w, f, items, transfer.Options{Progress: bar.update, Lang: req.lang}); err != nil {
		return err
	}
	bar.done()
	if out != "" {
		fmt.Fprintf(stderr, "exported %d items to %s\n", len(items), out)
	}
	return nil
}

type importRequest struct {
	file    string
	format  transfer.Format
	confirm bool
	reason  string
	user    string
}

// errProblems is the error of an import that found problems in the file.
var errProblems = errors.New("the file has problems; nothing was imported")

func importCatalogue(ctx context.Context, store *models.Store, req importRequest, stdout, stderr io.Writer) error {
	data, err := readLimited(req.file)
	if err != nil {
		return err
	}
	if transfer.IsListing(data, req.format) {
		return importListing(ctx, store, req, data, stdout, stderr)
	}
	known, err := storeKnown(ctx, store)
	if err != nil {
		return err
	}
	rows := 0
	bar := newProgressBar(stderr, "read", "rows")
	items, problems, err := transfer.Parse(bytes.NewReader(data), req.format, known, transfer.Options{
		Progress: func(done, total int) { rows = total; bar.update(done, total) }})
	if err != nil {
		return err
	}
	bar.done()
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(stdout, "%s\trow %d\t%s\t%s\n", p.Sheet, p.Row, p.Column, p.Message)
		}
		printCounts(stdout, rows, &models.ImportPlan{Items: len(items)}, len(problems))
		return fmt.Errorf("catalogue import: %d problems: %w", len(problems), errProblems)
	}
	check := newProgressBar(stderr, "check", "items")
	write := newProgressBar(stderr, "write", "items")
	opt := models.ImportOptions{Progress: func(stage string, done, total int) {
		if stage == models.StageCheck {
			check.update(done, total)
			return
		}
		check.done()
		write.update(done, total)
	}}
	var plan *models.ImportPlan
	if req.confirm {
		plan, err = store.ImportItems(ctx, items, req.user, req.reason, opt)
	} else {
		plan, err = store.PlanImport(ctx, items, opt)
	}
	check.done()
	write.done()
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		fmt.Fprintln(stdout, ve.Error())
		return fmt.Errorf("catalogue import: %w", errProblems)
	}
	if err != nil {
		return err
	}
	for _, ch := range plan.Changes {
		what := "new"
		if !ch.New {
			fields := make([]string, len(ch.Changes))
			for i, fc := range ch.Changes {
				fields[i] = fc.Field
			}
			what = "changed: " + strings.Join(fields, ", ")
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\n", ch.Code, ch.Name, what)
	}
	printCounts(stdout, rows, plan, 0)
	if !req.confirm && plan.New+plan.Changed > 0 {
		fmt.Fprintln(stdout, "dry run: nothing was written; run again with --confirm to import")
	}
	return nil
}

func printCounts(w io.Writer, rows int, plan *models.ImportPlan, problems int) {
	fmt.Fprintf(w, "rows read: %d, items: %d, new: %d, changed: %d, unchanged: %d, problems: %d\n",
		rows, plan.Items, plan.New, plan.Changed, plan.Unchanged, problems)
}

func readLimited(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("catalogue import: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCLIImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("catalogue import: %w", err)
	}
	if len(data) > maxCLIImportBytes {
		return nil, fmt.Errorf("catalogue import: %s is larger than %d MB", name, maxCLIImportBytes>>20)
	}
	return data, nil
}

// storeKnown is the reference data of the store's catalogue.
func storeKnown(ctx context.Context, store *models.Store) (models.Known, error) {
	k := models.Known{Departments: map[string]bool{}, Types: map[string]bool{}}
	depts, err := store.Departments(ctx)
	if err != nil {
		return k, err
	}
	types, err := store.ItemTypes(ctx)
	if err != nil {
		return k, err
	}
	for _, d := range depts {
		k.Departments[d.Code] = true
	}
	for _, t := range types {
		k.Types[t.Code] = true
	}
	return k, nil
}

// progressBar draws "read   [#####.....] 2100/4219 rows" on one line, redrawn
// with a carriage return as the work goes on. It stays silent for small jobs.
type progressBar struct {
	w           io.Writer
	label, unit string
	last        int // the last width drawn, -1 before the first
	shown       bool
}

// progressMin is the size from which a job shows a bar.
const progressMin = 500

func newProgressBar(w io.Writer, label, unit string) *progressBar {
	return &progressBar{w: w, label: label, unit: unit, last: -1}
}

func (b *progressBar) update(done, total int) {
	if total < progressMin {
		return
	}
	const width = 30
	filled := done * width / total
	if filled == b.last && done != total {
		return
	}
	b.last, b.shown = filled, true
	fmt.Fprintf(b.w, "\r%-6s [%s%s] %d/%d %s", b.label, strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total, b.unit)
}

// done ends the bar's line, once.
func (b *progressBar) done() {
	if b.shown {
		fmt.Fprintln(b.w)
		b.shown = false
	}
}
