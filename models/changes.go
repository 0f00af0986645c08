package models

// The change signal (DESIGN §8). Caches of the catalogue, the calendar, the
// role assignments and the sessions are kept by every process that serves
// the database, and any process may change what they hold (the server, the
// onewindow command, another instance). So the store owns one signal: a
// counter per area in change_counters, bumped by the store's write methods
// in the same transaction as the change (Store.write). A watcher polls the
// counters (one small query every half second), and this process notes its
// own commits at once; both end up in a ChangeStamp that a cache compares
// with the stamp it was built from, like an ETag. On PostgreSQL a NOTIFY
// sent with the bump can wake the watcher early; the poll stays as the
// fallback.

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Area names a part of the data whose caches are refreshed together.
type Area string

// The areas of the change signal.
const (
	// AreaCatalogue is items, drafts, dispositions, imports, departments and item types.
	AreaCatalogue Area = "catalogue"
	// AreaCalendar is the working-day calendar.
	AreaCalendar Area = "calendar"
	// AreaAccess is accounts, passwords, the active flag and role assignments.
	AreaAccess Area = "access"
	// AreaSessions is a session ended on its own (a logout).
	AreaSessions Area = "sessions"
	// AreaWork is a work-list change that appends no application event (a release).
	AreaWork Area = "work"
	// AreaSite is the site settings (reserved).
	AreaSite Area = "site"
)

// Areas lists every area of the change signal.
func Areas() []Area {
	return []Area{AreaCatalogue, AreaCalendar, AreaAccess, AreaSessions, AreaWork, AreaSite}
}

// ChangeStamp counts the changes this process has seen, per area whose
// caches live outside the store. Two stamps are equal exactly when none of
// these areas changed in between; a cache keeps the stamp it was built from.
type ChangeStamp struct {
	Catalogue uint64
	Calendar  uint64
	Access    uint64
	Site      uint64
}

// counter is one row of change_counters.
type counter struct {
	Area    Area
	Counter int64
}

// ChangeCounters reads every area's counter as stored (one small query).
func (s *Store) ChangeCounters(ctx context.Context) (map[Area]int64, error) {
	var rows []counter
	if err := s.read.WithContext(ctx).Raw("SELECT area, counter FROM change_counters").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: read change counters: %w", err)
	}
	out := make(map[Area]int64, len(rows))
	for _, r := range rows {
		out[r.Area] = r.Counter
	}
	return out, nil
}

// bumpChanges adds one to the counters of areas inside tx and reads them
// back: the values the transaction's commit makes.
func bumpChanges(tx *gorm.DB, areas []Area) (map[Area]int64, error) {
	if err := tx.Exec("UPDATE change_counters SET counter = counter + 1 WHERE area IN ?", areas).Error; err != nil {
		return nil, fmt.Errorf("bump change counters: %w", err)
	}
	var rows []counter
	if err := tx.Raw("SELECT area, counter FROM change_counters WHERE area IN ?", areas).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("read change counters: %w", err)
	}
	if len(rows) != len(areas) {
		return nil, fmt.Errorf("change counters: %d of %d areas are stored", len(rows), len(areas))
	}
	out := make(map[Area]int64, len(rows))
	for _, r := range rows {
		out[r.Area] = r.Counter
	}
	return out, nil
}

// write runs fn in one transaction on the writer that also bumps the
// counters of areas, and notes the change in this process once it is
// committed, so that this process's next look at the stamp sees it.
func (s *Store) write(ctx context.Context, fn func(tx *gorm.DB) error, areas ...Area) error {
	var seen map[Area]int64
	err := s.retry(func() error {
		return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := fn(tx); err != nil {
				return err
			}
			var err error
			seen, err = bumpChanges(tx, areas)
			return err
		})
	})
	if err != nil {
		return err
	}
	s.changes.note(s, seen, true)
	return nil
}

// Changes is this process's stamp of the areas cached outside the store.
// The first call starts the watcher that polls the counters until Close.
// Read it before reading what a cache holds: data read afterwards is at
// least as new as the stamp.
func (s *Store) Changes() ChangeStamp {
	s.changes.start(s)
	return s.changes.current()
}
