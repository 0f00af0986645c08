package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// DefaultItemTypes returns the national item types (事项类型). Types 01–10
// form the power list; 02, 03, 04 and 06 are exercised ex officio.
func DefaultItemTypes() []ItemType {
	return []ItemType{
		{Code: "01", Name: "行政许可", PowerList: true, OnApplication: true, Sort: 1},
		{Code: "02", Name: "行政处罚", PowerList: true, Sort: 2},
		{Code: "03", Name: "行政强制", PowerList: true, Sort: 3},
		{Code: "04", Name: "行政征收", PowerList: true, Sort: 4},
		{Code: "05", Name: "行政给付", PowerList: true, OnApplication: true, Sort: 5},
		{Code: "06", Name: "行政检查", PowerList: true, Sort: 6},
		{Code: "07", Name: "行政确认", PowerList: true, OnApplication: true, Sort: 7},
		{Code: "08", Name: "行政奖励", PowerList: true, OnApplication: true, Sort: 8},
		{Code: "09", Name: "行政裁决", PowerList: true, OnApplication: true, Sort: 9},
		{Code: "10", Name: "其他行政权力", PowerList: true, OnApplication: true, Sort: 10},
		{Code: "20", Name: "公共服务", OnApplication: true, Sort: 20},
	}
}

// SeedItemTypes inserts the given item types that are not stored yet.
func (s *Store) SeedItemTypes(ctx context.Context, types []ItemType) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&types).Error
	}, AreaCatalogue)
	if err != nil {
		return fmt.Errorf("models: seed item types: %w", err)
	}
	return nil
}
