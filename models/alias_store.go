package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// aliasRow is one row of search_aliases; Targets is a JSON array.
type aliasRow struct {
	ID        int64
	Term      string
	Targets   string
	Note      string
	UpdatedBy string
	UpdatedAt time.Time
}

func (aliasRow) TableName() string { return "search_aliases" }

// aliasChangeRow is one row of the append-only search_alias_changes.
type aliasChangeRow struct {
	ID          int64
	Term        string
	Action      string
	BeforeValue string
	AfterValue  string
	Actor       string
	Reason      string
	CreatedAt   time.Time
}

func (aliasChangeRow) TableName() string { return "search_alias_changes" }

func (r aliasRow) alias() (SearchAlias, error) {
	a := SearchAlias{Term: r.Term, Note: r.Note, UpdatedBy: r.UpdatedBy, UpdatedAt: r.UpdatedAt}
	if err := json.Unmarshal([]byte(r.Targets), &a.Targets); err != nil {
		return a, fmt.Errorf("targets of %q: %w", r.Term, err)
	}
	return a, nil
}

// SearchAliases returns the whole dictionary ordered by word, for the
// search index and for export.
func (s *Store) SearchAliases(ctx context.Context) ([]SearchAlias, error) {
	return s.findAliases(ctx, "")
}

// FindSearchAliases returns the entries whose word, official terms or note
// contain q (every entry when q is blank), ordered by word.
func (s *Store) FindSearchAliases(ctx context.Context, q string) ([]SearchAlias, error) {
	return s.findAliases(ctx, strings.TrimSpace(q))
}

func (s *Store) findAliases(ctx context.Context, q string) ([]SearchAlias, error) {
	db := s.read.WithContext(ctx).Order("term")
	if q != "" {
		like := "%" + escapeLike(q) + "%"
		// lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
		db = db.Where(`lower(term) LIKE lower(?) ESCAPE '\' OR lower(targets) LIKE lower(?) ESCAPE '\'
			OR lower(note) LIKE lower(?) ESCAPE '\'`, like, like, like)
	}
	var rows []aliasRow
	if err := db.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: search aliases: %w", err)
	}
	out := make([]SearchAlias, 0, len(rows))
	for _, r := range rows {
		a, err := r.alias()
		if err != nil {
			return nil, fmt.Errorf("models: search aliases: %w", err)
		}
		out = append(out, a)
	}
	return out, nil
}

// escapeLike makes q match literally inside a LIKE pattern.
func escapeLike(q string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q)
}

// SearchAlias returns the entry of one word.
func (s *Store) SearchAlias(ctx context.Context, term string) (*SearchAlias, error) {
	a, err := takeAlias(s.read.WithContext(ctx), collapseSpace(term))
	if err != nil {
		return nil, fmt.Errorf("models: search alias %q: %w", term, err)
	}
	return a, nil
}

func takeAlias(db *gorm.DB, term string) (*SearchAlias, error) {
	var r aliasRow
	err := db.Where("term = ?", term).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	a, err := r.alias()
	return &a, err
}

// CreateSearchAlias adds a new word; a word already in the dictionary is
// refused with a ValidationError on "term" (RuleTaken).
func (s *Store) CreateSearchAlias(ctx context.Context, actor string, in AliasInput) (*SearchAlias, error) {
	a, _, err := s.saveAlias(ctx, actor, in, AliasCreated)
	if err != nil {
		return nil, fmt.Errorf("models: create search alias %q: %w", in.Term, err)
	}
	return a, nil
}

// UpdateSearchAlias changes the targets and note of an existing word
// (ErrNotFound otherwise). An entry submitted unchanged writes nothing.
func (s *Store) UpdateSearchAlias(ctx context.Context, actor string, in AliasInput) (*SearchAlias, error) {
	a, _, err := s.saveAlias(ctx, actor, in, AliasEdited)
	if err != nil {
		return nil, fmt.Errorf("models: update search alias %q: %w", in.Term, err)
	}
	return a, nil
}

// PutSearchAlias creates the word or replaces its targets and note, and
// reports whether it was created.
func (s *Store) PutSearchAlias(ctx context.Context, actor string, in AliasInput) (*SearchAlias, bool, error) {
	a, action, err := s.saveAlias(ctx, actor, in, "")
	if err != nil {
		return nil, false, fmt.Errorf("models: put search alias %q: %w", in.Term, err)
	}
	return a, action == AliasCreated, nil
}

// saveAlias writes one entry: want is AliasCreated (the word must be new),
// AliasEdited (it must exist) or "" (either). It returns what was done:
// create, edit, or "" when nothing changed.
func (s *Store) saveAlias(ctx context.Context, actor string, in AliasInput, want string) (*SearchAlias, string, error) {
	in = NormalizeAlias(in)
	if err := ValidateAlias(in); err != nil {
		return nil, "", err
	}
	var (
		out  *SearchAlias
		done string
	)
	now := time.Now().UTC()
	err := s.writeAliases(ctx, func(tx *gorm.DB) (bool, error) {
		old, err := takeAlias(tx, in.Term)
		switch {
		case err != nil && !errors.Is(err, ErrNotFound):
			return false, err
		case old != nil && want == AliasCreated:
			return false, &ValidationError{Fields: map[string]string{"term": "already in the dictionary"},
				Rules: map[string]string{"term": RuleTaken}}
		case old == nil && want == AliasEdited:
			return false, ErrNotFound
		}
		done, err = putAlias(tx, actor, in, old, now)
		if err != nil {
			return false, err
		}
		if out, err = takeAlias(tx, in.Term); err != nil {
			return false, err
		}
		return done != "", nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, done, nil
}

// putAlias inserts or updates the entry of in (old is what is stored, nil
// for none) and logs the change; it returns the action, "" for no change.
func putAlias(tx *gorm.DB, actor string, in AliasInput, old *SearchAlias, now time.Time) (string, error) {
	if old != nil && old.value().equal(in.value()) {
		return "", nil
	}
	targets, err := json.Marshal(in.Targets)
	if err != nil {
		return "", err
	}
	change := aliasChangeRow{Term: in.Term, Actor: actor, Reason: in.Reason, CreatedAt: now}
	if change.AfterValue, err = encodeAliasValue(in.value()); err != nil {
		return "", err
	}
	if old == nil {
		change.Action = AliasCreated
		row := aliasRow{Term: in.Term, Targets: string(targets), Note: in.Note, UpdatedBy: actor, UpdatedAt: now}
		if err := uniqueAsConflict(tx.Create(&row).Error); err != nil {
			return "", err
		}
	} else {
		change.Action = AliasEdited
		if change.BeforeValue, err = encodeAliasValue(old.value()); err != nil {
			return "", err
		}
		err := tx.Model(&aliasRow{}).Where("term = ?", in.Term).Updates(map[string]any{
			"targets": string(targets), "note": in.Note, "updated_by": actor, "updated_at": now}).Error
		if err != nil {
			return "", err
		}
	}
	return change.Action, tx.Create(&change).Error
}

// DeleteSearchAlias takes a word out of the dictionary; the reason is
// required and logged with the entry as it was.
func (s *Store) DeleteSearchAlias(ctx context.Context, actor, term, reason string) error {
	term, reason = collapseSpace(term), strings.TrimSpace(reason)
	ve := &ValidationError{}
	if reason == "" {
		ve.addRule("reason", RuleRequired, "say why the word is deleted")
	} else if len([]rune(reason)) > MaxAliasReason {
		ve.addRule("reason", RuleTooLong, fmt.Sprintf("at most %d characters", MaxAliasReason))
	}
	if err := ve.err(); err != nil {
		return fmt.Errorf("models: delete search alias %q: %w", term, err)
	}
	err := s.writeAliases(ctx, func(tx *gorm.DB) (bool, error) {
		old, err := takeAlias(tx, term)
		if err != nil {
			return false, err
		}
		before, err := encodeAliasValue(old.value())
		if err != nil {
			return false, err
		}
		if err := tx.Where("term = ?", term).Delete(&aliasRow{}).Error; err != nil {
			return false, err
		}
		return true, tx.Create(&aliasChangeRow{Term: term, Action: AliasDeleted, BeforeValue: before,
			Actor: actor, Reason: reason, CreatedAt: time.Now().UTC()}).Error
	})
	if err != nil {
		return fmt.Errorf("models: delete search alias %q: %w", term, err)
	}
	return nil
}

// errNoAliasChange rolls back a transaction that changed nothing, so that
// no counter moves for it.
var errNoAliasChange = errors.New("no change")

// writeAliases runs fn in a write transaction that bumps the catalogue
// counter (the search index is rebuilt from the dictionary) when fn reports
// a change; a transaction that changed nothing commits nothing.
func (s *Store) writeAliases(ctx context.Context, fn func(tx *gorm.DB) (bool, error)) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		changed, err := fn(tx)
		if err == nil && !changed {
			return errNoAliasChange
		}
		return err
	}, AreaCatalogue)
	if errors.Is(err, errNoAliasChange) {
		return nil
	}
	return err
}

func encodeAliasValue(v AliasValue) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func decodeAliasValue(s string) (*AliasValue, error) {
	if s == "" {
		return nil, nil
	}
	var v AliasValue
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// SearchAliasChanges returns the change log, newest first: of one word, or
// of every word when term is blank; at most limit lines (all when limit ≤ 0).
func (s *Store) SearchAliasChanges(ctx context.Context, term string, limit int) ([]AliasChange, error) {
	db := s.read.WithContext(ctx).Order("id DESC")
	if term = collapseSpace(term); term != "" {
		db = db.Where("term = ?", term)
	}
	if limit > 0 {
		db = db.Limit(limit)
	}
	var rows []aliasChangeRow
	if err := db.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: search alias changes: %w", err)
	}
	out := make([]AliasChange, len(rows))
	for i, r := range rows {
		c := AliasChange{ID: r.ID, Term: r.Term, Action: r.Action, Actor: r.Actor, Reason: r.Reason, At: r.CreatedAt}
		var err1, err2 error
		c.Before, err1 = decodeAliasValue(r.BeforeValue)
		c.After, err2 = decodeAliasValue(r.AfterValue)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("models: search alias change %d: %w", r.ID, err)
		}
		out[i] = c
	}
	return out, nil
}
