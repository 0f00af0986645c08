package handlers

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/models/transfer"
)

// One import of a catalogue file, in either layout: the multi-sheet transfer
// layout or the 实施清单 a provincial platform exports. The API, the page's
// background job and the tests share it.

// importOutcome is what checking or applying a file found and did.
type importOutcome struct {
	Listing     bool // the file is a 实施清单
	Rows        int  // data rows read
	Plan        models.ImportPlan
	Departments []models.Department // created (or to be created) by a 实施清单
	Problems    []transfer.Problem
	Warnings    []transfer.Problem
}

// importJob is what an import is asked to do.
type importJob struct {
	data     []byte
	format   transfer.Format
	confirm  bool
	reason   string
	progress func(stage string, done, total int)
}

// errUnreadable wraps the error of a file that is no catalogue file at all.
type errUnreadable struct{ err error }

func (e errUnreadable) Error() string { return e.err.Error() }

// runImport checks a file and, when job.confirm and the file has no
// problems, imports it. Problems stop the import and change nothing.
func (s *Server) runImport(ctx context.Context, who service.Actor, job importJob) (*importOutcome, error) {
	rep := func(stage string, done, total int) {
		if job.progress != nil {
			job.progress(stage, done, total)
		}
	}
	opts := transfer.Options{Progress: func(done, total int) { rep("read", done, total) }}
	mopt := models.ImportOptions{Progress: rep}
	out := &importOutcome{}
	if transfer.IsListing(job.data, job.format) {
		out.Listing = true
		types, err := s.store.ItemTypes(ctx)
		if err != nil {
			return nil, err
		}
		l, err := transfer.ParseListing(bytes.NewReader(job.data), job.format, types, opts)
		if err != nil {
			return nil, errUnreadable{err}
		}
		out.Rows, out.Plan.Items, out.Problems, out.Warnings = len(l.Rows), len(l.Rows), l.Problems, l.Warnings
		if len(out.Problems) > 0 {
			return out, nil
		}
		var plan *models.ListingPlan
		if job.confirm {
			plan, err = s.actions().ImportListing(ctx, who, l.Items(), l.Fields, job.reason, mopt)
		} else {
			plan, err = s.actions().PlanListing(ctx, who, l.Items(), l.Fields, mopt)
		}
		if ve := (*models.ValidationError)(nil); errors.As(err, &ve) && !isReasonOnly(ve) {
			out.Problems = l.StoreProblems(ve)
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out.Plan, out.Departments = plan.ImportPlan, plan.Departments
		return out, nil
	}
	items, problems, err := transfer.Parse(bytes.NewReader(job.data), job.format, s.catalogueKnown(), transfer.Options{
		Progress: func(done, total int) { out.Rows = total; rep("read", done, total) }})
	if err != nil {
		return nil, errUnreadable{err}
	}
	out.Plan.Items, out.Problems = len(items), problems
	if len(problems) > 0 {
		return out, nil
	}
	var plan *models.ImportPlan
	if job.confirm {
		plan, err = s.actions().ImportItems(ctx, who, items, job.reason, mopt)
	} else {
		plan, err = s.actions().PlanImport(ctx, who, items, mopt)
	}
	if ve := (*models.ValidationError)(nil); errors.As(err, &ve) && !isReasonOnly(ve) {
		for field, msg := range ve.Fields {
			out.Problems = append(out.Problems, transfer.Problem{Sheet: "items", Column: field, Message: msg, Rule: ve.Rule(field)})
		}
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	out.Plan = *plan
	return out, nil
}

// isReasonOnly tells a missing reason (the caller's input) from problems of
// the file.
func isReasonOnly(ve *models.ValidationError) bool {
	_, ok := ve.Fields["reason"]
	return ok && len(ve.Fields) == 1
}

// problemMessage is a problem in lang: by its rule when the locale has one,
// else as read.
func (s *Server) problemMessage(lang string, p transfer.Problem) string {
	if p.Rule == "" {
		return p.Message
	}
	args := make([]any, len(p.Args))
	for i, a := range p.Args {
		args[i] = a
	}
	for _, key := range []string{"import.rule." + p.Rule, "catalogue.err." + p.Rule} {
		if msg := s.site.TOr(lang, key, ""); msg != "" {
			if len(args) > 0 && strings.Contains(msg, "%") {
				return s.site.T(lang, key, args...)
			}
			return msg
		}
	}
	return p.Message
}

// requestLang is the language an API answer speaks: Accept-Language when it
// names a supported one, else the page language.
func (s *Server) requestLang(header, page string) string {
	for part := range strings.SplitSeq(header, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "zh"):
			return "zh-CN"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return page
}

// unreadableMessage says in the page's language why a file could not be read
// at all: the reading rule's own message where the reader names one (not
// UTF-8 or GBK, no header row …), else the general one with the detail.
func (s *Server) unreadableMessage(lang string, f transfer.Format, bad errUnreadable, general string) string {
	var fe *transfer.FileError
	if errors.As(bad.err, &fe) {
		return s.problemMessage(lang, fe.Problem())
	}
	return s.site.T(lang, general, string(f), bad.Error())
}
