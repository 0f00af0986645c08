package models

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
)

const bumpSQL = `INSERT INTO application_sequences (day, last) VALUES (?, 1)
	ON CONFLICT (day) DO UPDATE SET last = application_sequences.last + 1 RETURNING last`

// bump draws the next number of day in a write transaction of its own.
func bump(t *testing.T, s *Store, day string) int {
	t.Helper()
	var last int
	err := s.writeStmts(context.Background(), func(_ *gorm.DB, st *stmtTx) error {
		return st.row(bumpSQL, day).Scan(&last)
	})
	if err != nil {
		t.Fatal(err)
	}
	return last
}

func sequence(t *testing.T, s *Store, day string) int {
	t.Helper()
	var last int
	if err := s.read.Raw(`SELECT last FROM application_sequences WHERE day = ?`, day).Scan(&last).Error; err != nil {
		t.Fatal(err)
	}
	return last
}

func TestAStatementFirstMetInATransactionIsPreparedOnTheWriterAfterIt(t *testing.T) {
	s := openTest(t)
	if s.writes.kept(bumpSQL) != nil {
		t.Fatal("kept before its first use")
	}
	if got := bump(t, s, "20260101"); got != 1 {
		t.Fatalf("first: %d", got)
	}
	kept := s.writes.kept(bumpSQL)
	if kept == nil {
		t.Fatal("not kept after the commit")
	}
	if got := bump(t, s, "20260101"); got != 2 {
		t.Fatalf("second: %d", got)
	}
	if s.writes.kept(bumpSQL) != kept {
		t.Fatal("prepared again")
	}
}

func TestGormAndFixedStatementsShareTheTransactionAndItsSavepoint(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	failed := errors.New("refused")
	err := s.writeStmts(ctx, func(tx *gorm.DB, st *stmtTx) error {
		if err := st.exec(`INSERT INTO application_sequences (day, last) VALUES (?, ?)`, "20260102", 7); err != nil {
			return err
		}
		var last int
		// gorm sees the fixed statement's row: the same transaction.
		if err := tx.Raw(`SELECT last FROM application_sequences WHERE day = ?`, "20260102").Scan(&last).Error; err != nil {
			return err
		}
		if last != 7 {
			t.Errorf("gorm read %d inside the transaction", last)
		}
		if err := tx.Exec(`UPDATE application_sequences SET last = 8 WHERE day = ?`, "20260102").Error; err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("write: %v", err)
	}
	if got := sequence(t, s, "20260102"); got != 0 {
		t.Fatalf("a failed write left its row: %d", got)
	}
	bump(t, s, "20260102")
	if got := sequence(t, s, "20260102"); got != 1 {
		t.Fatalf("after a failed write: %d", got)
	}
}

func TestANestedGormTransactionRollsBackAloneAndIsNotKept(t *testing.T) {
	s := openTest(t)
	err := s.writeTx(context.Background(), func(tx *gorm.DB) error {
		_ = tx.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec(`INSERT INTO application_sequences (day, last) VALUES ('20260103', 1)`).Error; err != nil {
				return err
			}
			return errors.New("inner refused")
		})
		return tx.Exec(`INSERT INTO application_sequences (day, last) VALUES ('20260104', 1)`).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	if sequence(t, s, "20260103") != 0 || sequence(t, s, "20260104") != 1 {
		t.Fatal("the nested transaction did not roll back alone")
	}
	s.writes.stmts.Range(func(q, _ any) bool {
		if !cacheable(q.(string)) {
			t.Errorf("kept %q", q)
		}
		return true
	})
}

func TestAFailingStatementReportsItsErrorAndIsNotKept(t *testing.T) {
	s := openTest(t)
	const bad = `INSERT INTO no_such_table (x) VALUES (?)`
	err := s.writeStmts(context.Background(), func(_ *gorm.DB, st *stmtTx) error {
		return st.exec(bad, 1)
	})
	if err == nil || !strings.Contains(err.Error(), "no_such_table") {
		t.Fatalf("bad statement: %v", err)
	}
	if s.writes.kept(bad) != nil || len(s.writes.pending) != 0 {
		t.Fatal("a failing statement was kept")
	}
	if got := bump(t, s, "20260105"); got != 1 {
		t.Fatalf("after a failing statement: %d", got)
	}
}

func TestConcurrentWritersAndReadersThroughTheLayer(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	const writers = 40
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers)
	for range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			errs <- s.writeStmts(ctx, func(tx *gorm.DB, st *stmtTx) error {
				var last int
				if err := st.row(bumpSQL, "20260106").Scan(&last); err != nil {
					return err
				}
				return tx.Exec(`INSERT INTO application_sequences (day, last) VALUES (?, 1)
					ON CONFLICT (day) DO UPDATE SET last = application_sequences.last + 1`, "20260107").Error
			})
		}()
		go func() {
			defer wg.Done()
			var n int
			errs <- pool{s.reads}.row(ctx, `SELECT COUNT(*) FROM application_sequences`).Scan(&n)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if a, b := sequence(t, s, "20260106"), sequence(t, s, "20260107"); a != writers || b != writers {
		t.Fatalf("sequences %d and %d, want %d", a, b, writers)
	}
	if s.reads.kept(`SELECT COUNT(*) FROM application_sequences`) == nil {
		t.Fatal("the readers' statement is not kept")
	}
}

func TestWritesAfterCloseFail(t *testing.T) {
	s := openTest(t)
	bump(t, s, "20260108")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	err := s.writeTx(context.Background(), func(*gorm.DB) error { return nil })
	if !errors.Is(err, errClosed) {
		t.Fatalf("write after close: %v", err)
	}
}

// Writes racing Close are each answered: committed before the close, or
// refused with errClosed; none waits for ever, and every one answered nil
// is in the database.
func TestWritesRacingCloseAreAllAnswered(t *testing.T) {
	s := openTest(t)
	const writers = 64
	var wg sync.WaitGroup
	results := make(chan error, writers)
	for range writers {
		wg.Go(func() {
			results <- s.writeStmts(context.Background(), func(_ *gorm.DB, st *stmtTx) error {
				var last int
				return st.row(bumpSQL, "20260109").Scan(&last)
			})
		})
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("a write racing Close was never answered")
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	close(results)
	ok := 0
	for err := range results {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, errClosed):
			t.Fatalf("write racing close: %v", err)
		}
	}
	again, err := Open(context.Background(), filepath.Dir(s.Path()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if got := sequence(t, again, "20260109"); got != ok {
		t.Fatalf("%d writes acknowledged, %d in the database", ok, got)
	}
}
