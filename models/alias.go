package models

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The search alias dictionary (DESIGN §8): everyday words people type
// (低保, 狗证, 开饭店) mapped to the official terms that item names use
// (最低生活保障, 犬只登记, 食品经营许可). The search index expands a query
// that holds a term with the term's targets.

// Limits of a dictionary entry, in characters.
const (
	// MaxAliasTerm bounds the everyday word.
	MaxAliasTerm = 20
	// MaxAliasTarget bounds one official term.
	MaxAliasTarget = 50
	// MaxAliasTargets bounds how many official terms one word maps to.
	MaxAliasTargets = 20
	// MaxAliasNote bounds the note.
	MaxAliasNote = 200
	// MaxAliasReason bounds the reason given for a change.
	MaxAliasReason = 500
)

// Rules an alias entry can break beyond the item rules (RuleRequired,
// RuleTooLong, RuleBadChar, RuleTaken).
const (
	// RuleSameAsTerm is a target equal to the word it is a target of.
	RuleSameAsTerm = "same_as_term"
	// RuleTooMany is a list longer than its limit.
	RuleTooMany = "too_many"
)

// The actions of the alias change log.
const (
	// AliasCreated is a new word.
	AliasCreated = "create"
	// AliasEdited is a word whose targets or note changed.
	AliasEdited = "edit"
	// AliasDeleted is a word taken out of the dictionary.
	AliasDeleted = "delete"
)

// SearchAlias maps an everyday word to the official terms it stands for.
type SearchAlias struct {
	Term      string
	Targets   []string
	Note      string
	UpdatedBy string
	UpdatedAt time.Time
}

// AliasInput is a new or changed dictionary entry as an administrator
// submits it; Reason goes to the change log.
type AliasInput struct {
	Term    string
	Targets []string
	Note    string
	Reason  string
}

// AliasValue is an entry's content as the change log records it before and
// after a change.
type AliasValue struct {
	Targets []string `json:"targets"`
	Note    string   `json:"note,omitempty"`
}

// AliasChange is one line of the append-only change log of the dictionary.
// Before is nil for a new word, After nil for a deleted one.
type AliasChange struct {
	ID     int64
	Term   string
	Action string
	Before *AliasValue
	After  *AliasValue
	Actor  string
	Reason string
	At     time.Time
}

// AliasImport counts what an import of many entries did.
type AliasImport struct {
	Created, Updated, Unchanged int
}

// SplitAliasTargets splits a list of official terms typed as one text: one
// per line, or separated by "|", "；" or ";". Commas are not separators,
// since official names contain them.
func SplitAliasTargets(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == '\n' || r == '\r' || r == '|' || r == '；' || r == ';'
	})
}

// NormalizeAlias trims the entry, collapses inner runs of spaces in the
// word and the targets, and drops empty and repeated targets.
func NormalizeAlias(in AliasInput) AliasInput {
	out := AliasInput{Term: collapseSpace(in.Term), Note: strings.TrimSpace(in.Note), Reason: strings.TrimSpace(in.Reason)}
	for _, t := range in.Targets {
		t = collapseSpace(t)
		if t != "" && !slices.Contains(out.Targets, t) {
			out.Targets = append(out.Targets, t)
		}
	}
	return out
}

func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// ValidateAlias checks a normalized entry and returns a *ValidationError
// naming the bad fields ("term", "targets", "note", "reason").
func ValidateAlias(in AliasInput) error {
	ve := &ValidationError{}
	checkAliasWord(ve, "term", in.Term, MaxAliasTerm)
	if strings.Contains(in.Term, "/") {
		// The word is a path segment of the pages and the API.
		ve.addRule("term", RuleBadChar, fmt.Sprintf("%q holds a \"/\"", in.Term))
	}
	switch {
	case len(in.Targets) == 0:
		ve.addRule("targets", RuleRequired, "at least one official term is required")
	case len(in.Targets) > MaxAliasTargets:
		ve.addRule("targets", RuleTooMany, fmt.Sprintf("at most %d official terms", MaxAliasTargets))
	}
	for _, t := range in.Targets {
		if t == in.Term {
			ve.addRule("targets", RuleSameAsTerm, fmt.Sprintf("the official term %q is the word itself", t))
		}
		checkAliasWord(ve, "targets", t, MaxAliasTarget)
	}
	if utf8.RuneCountInString(in.Note) > MaxAliasNote {
		ve.addRule("note", RuleTooLong, fmt.Sprintf("at most %d characters", MaxAliasNote))
	}
	if utf8.RuneCountInString(in.Reason) > MaxAliasReason {
		ve.addRule("reason", RuleTooLong, fmt.Sprintf("at most %d characters", MaxAliasReason))
	}
	return ve.err()
}

// checkAliasWord checks a word or an official term: present, short, and
// free of tabs, line breaks and the "|" that separates targets in files.
func checkAliasWord(ve *ValidationError, field, v string, limit int) {
	switch {
	case v == "":
		ve.addRule(field, RuleRequired, "required")
	case utf8.RuneCountInString(v) > limit:
		ve.addRule(field, RuleTooLong, fmt.Sprintf("%q is longer than %d characters", v, limit))
	case strings.ContainsFunc(v, func(r rune) bool { return r == '|' || unicode.IsControl(r) }):
		ve.addRule(field, RuleBadChar, fmt.Sprintf("%q holds a \"|\", tab or line break", v))
	}
}

func (a SearchAlias) value() AliasValue {
	return AliasValue{Targets: a.Targets, Note: a.Note}
}

func (in AliasInput) value() AliasValue {
	return AliasValue{Targets: in.Targets, Note: in.Note}
}

func (v AliasValue) equal(w AliasValue) bool {
	return v.Note == w.Note && slices.Equal(v.Targets, w.Targets)
}
