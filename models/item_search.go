package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"onewindow/models/search"
)

// SearchEntries returns every published item as the search index sees it, with how
// often each was applied for (a late tie-breaker of the ranking). It reads plain
// columns with database/sql: the index is rebuilt on every catalogue change, and
// reflecting thousands of whole guides into structs cost most of the rebuild.
func (s *Store) SearchEntries(ctx context.Context) ([]search.Entry, error) {
	depts, err := s.Departments(ctx)
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]Department, len(depts))
	for _, d := range depts {
		byCode[d.Code] = d.Department
	}
	apps, err := s.applicationCounts(ctx)
	if err != nil {
		return nil, err
	}
	extra, joint, err := s.entryChildren(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.reads.db.QueryContext(ctx, s.reads.rebind(`SELECT id, code, name, main_name, type_code, department_code,
		disposition, on_application, handling_kind, statutory_days, promised_days,
		accept_conditions, legal_basis, result_name
		FROM items WHERE status = ? ORDER BY id`), ItemPublished)
	if err != nil {
		return nil, fmt.Errorf("models: load search entries: %w", err)
	}
	defer rows.Close()
	var out []search.Entry
	for rows.Next() {
		var (
			id                          int64
			e                           search.Entry
			kind, accept, basis, result string
			statutory, promised         sql.NullInt64
		)
		if err := rows.Scan(&id, &e.Code, &e.Name, &e.MainName, &e.TypeCode, &e.DepartmentCode, &e.Disposition,
			&e.OnApplication, &kind, &statutory, &promised, &accept, &basis, &result); err != nil {
			return nil, fmt.Errorf("models: load search entries: %w", err)
		}
		d := byCode[e.DepartmentCode]
		e.DepartmentName, e.DepartmentSort = d.Name, d.Sort
		e.Joint, e.Immediate = joint[id] > 1, kind == KindImmediate
		e.StatutoryDays, e.PromisedDays = nullInt(statutory), nullInt(promised)
		e.Applications = apps[e.Code]
		e.Text = strings.Join(append([]string{accept, basis, result}, extra[id]...), "\n")
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("models: load search entries: %w", err)
	}
	return out, nil
}

// entryChildren returns the material names of every item in their order, and
// how many departments take part in each item's workflow, by item id.
func (s *Store) entryChildren(ctx context.Context) (map[int64][]string, map[int64]int, error) {
	materials := make(map[int64][]string)
	rows, err := s.reads.db.QueryContext(ctx, `SELECT item_id, name FROM materials ORDER BY item_id, sort, id`)
	if err != nil {
		return nil, nil, fmt.Errorf("models: load material names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, nil, fmt.Errorf("models: load material names: %w", err)
		}
		materials[id] = append(materials[id], name)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("models: load material names: %w", err)
	}
	joint := make(map[int64]int)
	drows, err := s.reads.db.QueryContext(ctx, `SELECT item_id, COUNT(*) FROM item_departments GROUP BY item_id`)
	if err != nil {
		return nil, nil, fmt.Errorf("models: count workflow departments: %w", err)
	}
	defer drows.Close()
	for drows.Next() {
		var id int64
		var n int
		if err := drows.Scan(&id, &n); err != nil {
			return nil, nil, fmt.Errorf("models: count workflow departments: %w", err)
		}
		joint[id] = n
	}
	return materials, joint, drows.Err()
}

// nullInt is a number that may be unknown (NULL).
func nullInt(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

// applicationCounts returns the number of applications filed per item code.
func (s *Store) applicationCounts(ctx context.Context) (map[string]int, error) {
	var rows []struct {
		ItemCode string
		N        int
	}
	err := s.read.WithContext(ctx).Table("applications").
		Select("item_code, COUNT(*) AS n").Group("item_code").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: count applications per item: %w", err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.ItemCode] = r.N
	}
	return out, nil
}
