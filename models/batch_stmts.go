package models

import (
	"context"

	"gorm.io/gorm"
)

// promoteStatements re-prepares, on the writer's pool, the statements gorm
// first met inside a transaction. gorm caches such a statement bound to
// that transaction, and database/sql prepares a transaction-bound statement
// afresh every time another transaction uses it: under group commit every
// write statement paid an SQLite prepare, about a third of the writer's
// time. A statement of the pool is reused by every transaction on the one
// writer connection. Called between batches, while no transaction is open.
func (s *Store) promoteStatements(ctx context.Context) {
	pdb, ok := s.db.ConnPool.(*gorm.PreparedStmtDB)
	if !ok || pdb.Stmts == nil {
		return
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return
	}
	for _, query := range pdb.Stmts.Keys() {
		if st, ok := pdb.Stmts.Get(query); ok && st.Transaction {
			pdb.Mux.Lock()
			_, _ = pdb.Stmts.New(ctx, query, false, sqlDB, pdb.Mux) // New unlocks
		}
	}
}
