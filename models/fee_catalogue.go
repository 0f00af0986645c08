package models

import (
	"context"
	"fmt"
)

// ChargingItems are the published, retained items that charge (是否收费 is
// 是, or is not published while fee items are), with their fee items, for the
// public 收费项目目录清单; ordered by department and code.
func (s *Store) ChargingItems(ctx context.Context) ([]Item, error) {
	var out []Item
	err := s.read.WithContext(ctx).Preload("Fees", orderBySort).
		Where("status = ? AND disposition = ?", ItemPublished, DispositionRetained).
		Where("is_fee = TRUE OR (is_fee IS NULL AND EXISTS (SELECT 1 FROM fees WHERE fees.item_id = items.id))").
		Order("department_code, code").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: charging items: %w", err)
	}
	return out, nil
}
