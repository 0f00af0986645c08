package models

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"

	"gorm.io/gorm"
)

// The statement layer. The store's SQL takes two paths: gorm, and for the
// fixed statements of its busiest paths (filing, the status lookup) this
// layer, which runs them on database/sql handles the store opened itself.
// Every statement is prepared once per handle and kept by its text; inside
// a transaction (*sql.Tx).StmtContext reuses the connection's prepared
// statement, where preparing in the transaction would prepare again in every
// later one (under group commit that prepare was a third of the writer's
// time). The writer's gorm runs on its handle through writerPool, so its
// statements, in transactions too, are kept the same way; the readers' gorm
// keeps its own (PrepareStmt), which it does well outside transactions.
// Fixed statements are written with ? placeholders, which the dialect
// rebinds.

// maxStmts bounds the statements a handle keeps; beyond it they run unprepared.
const maxStmts = 512

// stmtCache keeps the prepared statements of one handle by their text.
type stmtCache struct {
	db      *sql.DB
	rebind  func(string) string // the dialect's, for fixed statements
	mu      sync.Mutex
	stmts   sync.Map        // text → *sql.Stmt
	n       int             // statements kept
	pending map[string]bool // met first inside a transaction: prepared after it
	closed  bool
	// numbers, on PostgreSQL, draws application numbers outside the
	// writer's transactions (see drawNumbers); nil on SQLite.
	numbers *sql.DB
	// inTx: a statement met first inside a transaction is prepared there.
	// Not on PostgreSQL, where a failed prepare aborts the transaction and
	// hides the statement's own error (and pgx keeps the connection's
	// statements itself).
	inTx bool
}

func newStmtCache(db *sql.DB, d dialect) *stmtCache {
	return &stmtCache{db: db, rebind: d.rebind, pending: map[string]bool{}, inTx: d.name() == "sqlite"}
}

// cacheable tells whether q is worth keeping: every statement but the
// savepoints of gorm's nested transactions, which gorm names at random.
func cacheable(q string) bool { return !strings.Contains(q, "SAVEPOINT sp") }

// kept returns the statement prepared for q on the handle, or nil.
func (c *stmtCache) kept(q string) *sql.Stmt {
	if st, ok := c.stmts.Load(q); ok {
		return st.(*sql.Stmt)
	}
	return nil
}

// stmt returns q prepared on the handle, preparing it the first time; nil
// when q is not to be kept. It needs a free connection: never call it while
// holding the handle's only connection in a transaction.
func (c *stmtCache) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st := c.kept(q); st != nil || !cacheable(q) {
		return st, nil
	}
	c.mu.Lock()
	full := c.closed || c.n >= maxStmts
	c.mu.Unlock()
	if full {
		return nil, nil
	}
	st, err := c.db.PrepareContext(context.WithoutCancel(ctx), q)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.kept(q); old != nil || c.closed || c.n >= maxStmts {
		st.Close()
		return old, nil
	}
	c.stmts.Store(q, st)
	c.n++
	return st, nil
}

// note records q, met inside a transaction, for preparing after it.
func (c *stmtCache) note(q string) {
	if !cacheable(q) {
		return
	}
	c.mu.Lock()
	if c.n+len(c.pending) < maxStmts {
		c.pending[q] = true
	}
	c.mu.Unlock()
}

// preparePending prepares the statements noted inside transactions; called
// when a transaction has ended and its connection is free.
func (c *stmtCache) preparePending(ctx context.Context) {
	c.mu.Lock()
	if len(c.pending) == 0 {
		c.mu.Unlock()
		return
	}
	qs := make([]string, 0, len(c.pending))
	for q := range c.pending {
		qs = append(qs, q)
	}
	clear(c.pending)
	c.mu.Unlock()
	for _, q := range qs {
		_, _ = c.stmt(ctx, q) // a failing statement fails again where it is used
	}
}

// close closes every kept statement.
func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var errs []error
	c.stmts.Range(func(q, st any) bool {
		errs = append(errs, st.(*sql.Stmt).Close())
		c.stmts.Delete(q)
		return true
	})
	return errors.Join(errs...)
}

// pool runs statements on the handle, outside any transaction.
type pool struct{ c *stmtCache }

func (p pool) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := p.c.stmt(ctx, q)
	if err != nil || st == nil {
		return p.c.db.ExecContext(ctx, q, args...)
	}
	return st.ExecContext(ctx, args...)
}

func (p pool) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := p.c.stmt(ctx, q)
	if err != nil || st == nil {
		return p.c.db.QueryContext(ctx, q, args...)
	}
	return st.QueryContext(ctx, args...)
}

func (p pool) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := p.c.stmt(ctx, q)
	if err != nil || st == nil {
		return p.c.db.QueryRowContext(ctx, q, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// row runs a fixed statement that returns one row.
func (p pool) row(ctx context.Context, q string, args ...any) *sql.Row {
	return p.QueryRowContext(ctx, p.c.rebind(q), args...)
}

// rows runs a fixed statement.
func (p pool) rows(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return p.QueryContext(ctx, p.c.rebind(q), args...)
}

// writerPool is the writer handle as gorm sees it (a gorm.ConnPool): every
// statement goes through the cache, and a transaction is a stmtTx.
type writerPool struct{ pool }

// PrepareContext prepares q on the handle (gorm calls it only with PrepareStmt on).
func (p writerPool) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return p.c.db.PrepareContext(ctx, q)
}

// BeginTx begins a transaction whose statements come from the cache. When
// ctx carries a txSlot (see beginWith) the transaction is put in it, so
// that the caller can run fixed statements in the same transaction.
func (p writerPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	tx, err := p.c.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	t := &stmtTx{tx: tx, c: p.c}
	if slot, ok := ctx.Value(txSlotKey{}).(*txSlot); ok {
		slot.tx = t
	}
	return t, nil
}

// GetDBConn is the handle, for gorm's DB().
func (p writerPool) GetDBConn() (*sql.DB, error) { return p.c.db, nil }

type txSlotKey struct{}

// txSlot receives the transaction that writerPool.BeginTx begins.
type txSlot struct{ tx *stmtTx }

// beginWith returns ctx marked so that the transaction begun with it is put in slot.
func beginWith(ctx context.Context, slot *txSlot) context.Context {
	return context.WithValue(ctx, txSlotKey{}, slot)
}

// stmtTx is a transaction running the cache's statements. It is a
// gorm.ConnPool and gorm.TxCommitter, so gorm runs in it too; it is used
// by one goroutine at a time.
type stmtTx struct {
	tx    *sql.Tx
	c     *stmtCache
	bound map[string]*sql.Stmt // this transaction's statements
}

// stmt returns q bound to the transaction: the handle's prepared statement
// when there is one, else prepared for this transaction alone and noted
// for the handle. nil: run q unprepared.
func (t *stmtTx) stmt(ctx context.Context, q string) *sql.Stmt {
	if st, ok := t.bound[q]; ok {
		return st
	}
	var st *sql.Stmt
	if kept := t.c.kept(q); kept != nil {
		st = t.tx.StmtContext(ctx, kept)
	} else if cacheable(q) && t.c.inTx {
		var err error
		if st, err = t.tx.PrepareContext(ctx, q); err != nil {
			return nil // the unprepared run reports the error
		}
		t.c.note(q)
	} else {
		return nil
	}
	if t.bound == nil {
		t.bound = map[string]*sql.Stmt{}
	}
	t.bound[q] = st
	return st
}

// PrepareContext returns q bound to the transaction.
func (t *stmtTx) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st, nil
	}
	return t.tx.PrepareContext(ctx, q)
}

// ExecContext runs q in the transaction.
func (t *stmtTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, q, args...)
}

// QueryContext runs q in the transaction.
func (t *stmtTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, q, args...)
}

// QueryRowContext runs q in the transaction.
func (t *stmtTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, q, args...)
}

// row runs a fixed statement that returns one row. Fixed statements run
// without cancellation: they take well under a millisecond, and with a
// cancellable context the SQLite driver starts a goroutine per statement to
// watch it.
func (t *stmtTx) row(q string, args ...any) *sql.Row {
	return t.QueryRowContext(context.Background(), t.c.rebind(q), args...)
}

// exec runs a fixed statement.
func (t *stmtTx) exec(q string, args ...any) error {
	_, err := t.ExecContext(context.Background(), t.c.rebind(q), args...)
	return err
}

// Commit commits and then prepares on the handle what the transaction met first.
func (t *stmtTx) Commit() error {
	err := t.tx.Commit()
	t.c.preparePending(context.Background())
	return err
}

// Rollback rolls back and then prepares on the handle what the transaction met first.
func (t *stmtTx) Rollback() error {
	err := t.tx.Rollback()
	t.c.preparePending(context.Background())
	return err
}
