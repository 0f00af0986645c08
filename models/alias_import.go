package models

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"onewindow/models/aliasdata"
)

// The dictionary as a file: UTF-8 text, one entry a line, three columns
// separated by tabs — the everyday word, its official terms separated by
// "|", and an optional note. Lines starting with "#" and blank lines are
// skipped; a first line whose first column is "term" or "词语" is a header.
// The shipped default dictionary (models/aliasdata/default.tsv) and the
// onewindow alias command use this format.

// Who and why the shipped default dictionary is recorded under in the
// change log of a new database.
const (
	// AliasSystemActor is the actor of changes made by the system itself.
	AliasSystemActor = "system"
	// DefaultAliasReason is the reason logged for the shipped default dictionary.
	DefaultAliasReason = "默认词库（随系统发布）"
)

// maxAliasLine bounds one line of a dictionary file, in bytes.
const maxAliasLine = 8 << 10

// AliasProblem is one problem of a dictionary file: its line, the column
// ("term", "targets", "note" or "" for the whole line) and a message.
type AliasProblem struct {
	Line    int
	Column  string
	Message string
}

// AliasFileError lists every problem of a dictionary file.
type AliasFileError struct {
	Problems []AliasProblem
}

func (e *AliasFileError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = fmt.Sprintf("line %d", p.Line)
		if p.Column != "" {
			parts[i] += " " + p.Column
		}
		parts[i] += ": " + p.Message
	}
	return "invalid alias file: " + strings.Join(parts, "; ")
}

// ParseAliasTSV reads a dictionary file. Every entry is normalized and
// checked; a bad line or a word given twice is reported with its line
// number in an *AliasFileError, and then no entry is returned.
func ParseAliasTSV(r io.Reader) ([]AliasInput, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxAliasLine)
	var (
		out   []AliasInput
		probs []AliasProblem
		seen  = map[string]int{}
		first = true
	)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "\t")
		if first && (cols[0] == "term" || cols[0] == "词语") {
			first = false
			continue
		}
		first = false
		if len(cols) < 2 || len(cols) > 3 {
			probs = append(probs, AliasProblem{line, "", fmt.Sprintf("want 2 or 3 tab-separated columns, found %d", len(cols))})
			continue
		}
		in := AliasInput{Term: cols[0], Targets: strings.Split(cols[1], "|")}
		if len(cols) == 3 {
			in.Note = cols[2]
		}
		in = NormalizeAlias(in)
		probs = append(probs, aliasLineProblems(line, in, seen)...)
		out = append(out, in)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("models: read alias file: %w", err)
	}
	if len(probs) > 0 {
		return nil, &AliasFileError{Problems: probs}
	}
	return out, nil
}

// aliasLineProblems checks one entry of a file; seen maps each word to the
// line that gave it first.
func aliasLineProblems(line int, in AliasInput, seen map[string]int) []AliasProblem {
	var out []AliasProblem
	var ve *ValidationError
	if errors.As(ValidateAlias(in), &ve) {
		cols := make([]string, 0, len(ve.Fields))
		for c := range ve.Fields {
			cols = append(cols, c)
		}
		sort.Strings(cols)
		for _, c := range cols {
			out = append(out, AliasProblem{line, c, ve.Fields[c]})
		}
	}
	if prev, dup := seen[in.Term]; dup && in.Term != "" {
		out = append(out, AliasProblem{line, "term", fmt.Sprintf("%q is given on line %d already", in.Term, prev)})
	} else {
		seen[in.Term] = line
	}
	return out
}

// WriteAliasTSV writes the entries in the file format, with a header.
func WriteAliasTSV(w io.Writer, aliases []SearchAlias) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "term\ttargets\tnote")
	for _, a := range aliases {
		fmt.Fprintf(bw, "%s\t%s\t%s\n", a.Term, strings.Join(a.Targets, "|"), a.Note)
	}
	return bw.Flush()
}

// DefaultSearchAliases returns the shipped default dictionary.
func DefaultSearchAliases() ([]AliasInput, error) {
	out, err := ParseAliasTSV(bytes.NewReader(aliasdata.Default()))
	if err != nil {
		return nil, fmt.Errorf("models: default aliases: %w", err)
	}
	return out, nil
}

// ImportSearchAliases adds every entry that is new and replaces the
// targets and note of every word that differs, in one transaction that logs
// each change with actor and reason; words of the dictionary that the
// entries do not name are kept. With keep, words already in the dictionary
// are left as they are (only new words are added).
func (s *Store) ImportSearchAliases(ctx context.Context, actor, reason string, entries []AliasInput, keep bool) (AliasImport, error) {
	var res AliasImport
	seen := map[string]int{}
	for i := range entries {
		entries[i] = NormalizeAlias(entries[i])
		entries[i].Reason = strings.TrimSpace(reason)
		if p := aliasLineProblems(i+1, entries[i], seen); len(p) > 0 {
			return res, fmt.Errorf("models: import search aliases: entry %d: %w", i+1, &AliasFileError{Problems: p})
		}
	}
	now := time.Now().UTC()
	err := s.writeAliases(ctx, func(tx *gorm.DB) (bool, error) {
		res = AliasImport{}
		for _, in := range entries {
			old, err := takeAlias(tx, in.Term)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return false, err
			}
			done := ""
			if old == nil || !keep {
				if done, err = putAlias(tx, actor, in, old, now); err != nil {
					return false, err
				}
			}
			switch done {
			case AliasCreated:
				res.Created++
			case AliasEdited:
				res.Updated++
			default:
				res.Unchanged++
			}
		}
		return res.Created+res.Updated > 0, nil
	})
	if err != nil {
		return AliasImport{}, fmt.Errorf("models: import search aliases: %w", err)
	}
	return res, nil
}

// seedDefaultAliases loads the shipped default dictionary into a database
// whose dictionary has never been written (its change log is empty), so
// that a new installation finds everyday words at once while a dictionary
// an administrator emptied stays empty.
func (s *Store) seedDefaultAliases(ctx context.Context) error {
	var n int64
	if err := s.db.WithContext(ctx).Model(&aliasChangeRow{}).Limit(1).Count(&n).Error; err != nil {
		return fmt.Errorf("models: seed default aliases: %w", err)
	}
	if n > 0 {
		return nil
	}
	def, err := DefaultSearchAliases()
	if err != nil {
		return err
	}
	_, err = s.ImportSearchAliases(ctx, AliasSystemActor, DefaultAliasReason, def, true)
	return err
}
