package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"onewindow/models"
	"onewindow/models/transfer"
)

// importListing imports a 实施清单 (one sheet of Chinese headers): problems
// by row and column, the departments it creates, then the counts; only
// --confirm writes.
func importListing(ctx context.Context, store *models.Store, req importRequest, data []byte, stdout, stderr io.Writer) error {
	types, err := store.ItemTypes(ctx)
	if err != nil {
		return err
	}
	bar := newProgressBar(stderr, "read", "rows")
	l, err := transfer.ParseListing(bytes.NewReader(data), req.format, types, transfer.Options{Progress: bar.update})
	if err != nil {
		return err
	}
	bar.done()
	for _, w := range l.Warnings {
		fmt.Fprintf(stdout, "warning\trow %d\t%s\t%s\n", w.Row, w.Column, w.Message)
	}
	problems := l.Problems
	var plan *models.ListingPlan
	if len(problems) == 0 {
		check, write := newProgressBar(stderr, "check", "items"), newProgressBar(stderr, "write", "items")
		opt := models.ImportOptions{Progress: func(stage string, done, total int) {
			if stage == models.StageCheck {
				check.update(done, total)
				return
			}
			check.done()
			write.update(done, total)
		}}
		if req.confirm {
			plan, err = store.ImportListing(ctx, l.Items(), l.Fields, req.user, req.reason, opt)
		} else {
			plan, err = store.PlanListing(ctx, l.Items(), l.Fields, opt)
		}
		check.done()
		write.done()
		if ve := (*models.ValidationError)(nil); errors.As(err, &ve) {
			problems, err = l.StoreProblems(ve), nil
		}
		if err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(stdout, "row %d\t%s\t%s\n", p.Row, p.Column, p.Message)
		}
		printCounts(stdout, len(l.Rows), &models.ImportPlan{Items: len(l.Rows)}, len(problems))
		return fmt.Errorf("catalogue import: %d problems: %w", len(problems), errProblems)
	}
	for _, d := range plan.Departments {
		fmt.Fprintf(stdout, "department\t%s\t%s\tnew\n", d.Code, d.Name)
	}
	printCounts(stdout, len(l.Rows), &plan.ImportPlan, 0)
	fmt.Fprintf(stdout, "departments created: %d\n", len(plan.Departments))
	if !req.confirm && plan.New+plan.Changed > 0 {
		fmt.Fprintln(stdout, "dry run: nothing was written; run again with --confirm to import")
	}
	return nil
}
