package models

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"gorm.io/gorm"
)

// ErrDiskLow refuses a filing when the data folder's disk has less free space than the
// store's floor: better a clear "try later" than a write that fails half way.
var ErrDiskLow = errors.New("models: the data folder's disk is nearly full")

// healthCache keeps the last write probe's result for a few seconds, so that a health
// check stays cheap however often it is asked.
type healthCache struct {
	mu  sync.Mutex
	at  time.Time
	err error
}

const healthProbeEvery = 5 * time.Second

// Health reports whether the store can take writes: the disk above its floor, the last
// integrity probe (WatchIntegrity; its cached result, never a new probe) passed or none has
// run yet, and a real write (one no-op update committed through the writer) succeeding
// within the last few seconds. A read-only data folder, a full disk or a damaged database
// file fail it; a damaged page the write does not touch fails it once a probe has found it.
func (s *Store) Health(ctx context.Context) error {
	if err := s.CheckDisk(); err != nil {
		return err
	}
	if _, err := s.Integrity(); err != nil {
		return err
	}
	s.health.mu.Lock()
	defer s.health.mu.Unlock()
	if time.Since(s.health.at) < healthProbeEvery {
		return s.health.err
	}
	err := s.write(ctx, func(tx *gorm.DB) error {
		return tx.Exec(`UPDATE change_counters SET counter = counter WHERE area = ?`, AreaSite).Error
	})
	if err != nil {
		err = fmt.Errorf("models: the database takes no writes: %w", err)
	}
	s.health.at, s.health.err = time.Now(), err
	return err
}

// CheckDisk returns ErrDiskLow when the data folder's disk is below the floor.
func (s *Store) CheckDisk() error {
	if s.diskFloor < 0 {
		return nil
	}
	free, ok := freeBytes(filepath.Dir(s.path))
	if ok && free < uint64(s.diskFloor) {
		return fmt.Errorf("%w: %d MiB free, the floor is %d MiB", ErrDiskLow, free>>20, s.diskFloor>>20)
	}
	return nil
}
