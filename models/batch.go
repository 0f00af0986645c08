package models

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"gorm.io/gorm"
)

// Group commit. Under synchronous=FULL every commit waits for the disk
// (about 5 ms for an fsync here), so one transaction per request caps the
// writer at a few hundred commits per second. The committer runs the write
// transactions of concurrent requests inside one SQLite transaction, each in
// its own SAVEPOINT: a request that fails rolls back only its own part, and a
// request is answered only after the shared COMMIT has reached the disk, so
// nothing acknowledged is ever lost. Requests that arrive while a batch is
// committing form the next batch; a lone request commits at once.

// maxBatch bounds the work one commit carries.
const maxBatch = 256

type writeReq struct {
	fn   func(tx *gorm.DB, st *stmtTx) error
	done chan error
}

type committer struct {
	reqs     chan *writeReq
	stop     chan struct{} // closed by stopCommitter
	finished chan struct{} // closed once the loop has answered its last request
	once     sync.Once
	// The direct writes of PostgreSQL (writeDirect) in flight: Close waits
	// for them, and refuses new ones, before the connections close.
	mu       sync.Mutex
	closing  bool
	inflight sync.WaitGroup
}

// enter admits a direct write unless the store is closing.
func (c *committer) enter() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return false
	}
	c.inflight.Add(1)
	return true
}

func (s *Store) startCommitter() {
	s.commits = &committer{reqs: make(chan *writeReq, maxBatch), stop: make(chan struct{}), finished: make(chan struct{})}
	go s.commitLoop(s.commits)
}

// stopCommitter stops the loop after the batch it is committing and waits
// for it; requests still queued are answered errClosed, never dropped.
func (s *Store) stopCommitter() {
	c := s.commits
	if c == nil {
		return
	}
	c.mu.Lock()
	c.closing = true
	c.mu.Unlock()
	c.inflight.Wait()
	c.once.Do(func() { close(c.stop) })
	<-c.finished
}

// errClosed answers a write to a closed store.
var errClosed = errors.New("models: the store is closed")

// writeTx runs fn in a write transaction that may share its commit with
// other callers'. fn must do all its writes through tx and may run after ctx
// is cancelled; the answer comes after the commit.
func (s *Store) writeTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.writeStmts(ctx, func(tx *gorm.DB, _ *stmtTx) error { return fn(tx) })
}

// writeStmts is writeTx for a writer that also runs fixed statements of the
// statement layer: st is the same transaction as tx.
func (s *Store) writeStmts(ctx context.Context, fn func(tx *gorm.DB, st *stmtTx) error) error {
	c := s.commits
	if c == nil {
		return errClosed
	}
	if s.dialect.name() == "postgres" {
		if !c.enter() {
			return errClosed
		}
		defer c.inflight.Done()
		return s.writeDirect(ctx, fn)
	}
	req := &writeReq{fn: fn, done: make(chan error, 1)}
	select {
	case c.reqs <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-c.stop:
		return errClosed
	}
	select {
	case err := <-req.done:
		return err
	case <-c.finished:
		// The loop answers before it finishes, so an answer is there now
		// if the request was taken; otherwise it was never run.
		select {
		case err := <-req.done:
			return err
		default:
			return errClosed
		}
	}
}

func (s *Store) commitLoop(c *committer) {
	defer close(c.finished)
	for {
		var batch []*writeReq
		select {
		case r := <-c.reqs:
			batch = append(batch, r)
		case <-c.stop:
			for {
				select {
				case r := <-c.reqs:
					r.done <- errClosed
				default:
					return
				}
			}
		}
	drain:
		for len(batch) < maxBatch {
			select {
			case r := <-c.reqs:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		s.commitBatch(batch)
	}
}

// maxRetries is how often at least writeDirect runs a transaction that lost
// a race (retry keeps on for retryFor).
const maxRetries = 20

// writeDirect runs fn in a transaction of its own. On PostgreSQL the writer
// pool has several connections, so concurrent requests commit
// concurrently instead of in a batch; each transaction is SERIALIZABLE,
// and one that lost a race with another (which PostgreSQL reports rather
// than let both commit) runs again from the start, seeing the winner's
// writes. fn may therefore run more than once and must not act outside
// the transaction. Like writeTx, it runs to its end after ctx is
// cancelled.
func (s *Store) writeDirect(ctx context.Context, fn func(tx *gorm.DB, st *stmtTx) error) error {
	ctx = context.WithoutCancel(ctx)
	err := s.retry(func() error { return s.directOnce(ctx, fn) })
	if err == nil {
		s.counters.batch(1)
	}
	return err
}

func (s *Store) directOnce(ctx context.Context, fn func(tx *gorm.DB, st *stmtTx) error) (err error) {
	var slot txSlot
	tx := s.db.WithContext(beginWith(ctx, &slot)).Begin()
	if tx.Error != nil {
		return tx.Error
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("models: panic in write: %v", p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx, slot.tx); err != nil {
		return err
	}
	return tx.Commit().Error
}

// errBatchBroken marks a request whose savepoint could not be rolled back:
// its partial writes are in the transaction, so the whole batch is undone.
var errBatchBroken = errors.New("models: a write could not be rolled back; its batch is undone")

func (s *Store) commitBatch(batch []*writeReq) {
	s.counters.batch(len(batch))
	errs := make([]error, len(batch))
	var slot txSlot
	tx := s.db.WithContext(beginWith(context.Background(), &slot)).Begin()
	if tx.Error != nil {
		for _, r := range batch {
			r.done <- tx.Error
		}
		return
	}
	for i, r := range batch {
		errs[i] = runSavepoint(tx, slot.tx, r.fn)
		if errors.Is(errs[i], errBatchBroken) {
			rbErr := tx.Rollback().Error
			for _, r := range batch {
				r.done <- errors.Join(errs[i], rbErr)
			}
			return
		}
	}
	commitErr := tx.Commit().Error
	for i, r := range batch {
		if errs[i] == nil && commitErr != nil {
			errs[i] = commitErr
		}
		r.done <- errs[i]
	}
}

// runSavepoint runs fn inside a savepoint and rolls it back on failure or panic.
func runSavepoint(tx *gorm.DB, st *stmtTx, fn func(tx *gorm.DB, st *stmtTx) error) (err error) {
	if err := st.exec("SAVEPOINT req"); err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("models: panic in write: %v", p)
		}
		if err != nil {
			if rbErr := st.exec("ROLLBACK TO SAVEPOINT req"); rbErr != nil {
				err = fmt.Errorf("%w: %w (rollback: %v)", errBatchBroken, err, rbErr)
			}
		}
	}()
	if err := fn(tx, st); err != nil {
		return err
	}
	return st.exec("RELEASE SAVEPOINT req")
}
