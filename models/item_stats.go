package models

import (
	"context"
	"fmt"
	"math"
)

// GuideStats describe the published service guides of the retained items
// filed on application. Unknown is not zero: an unpublished limit, fee flag
// or visit count is counted as unknown, never averaged or counted as 0.
type GuideStats struct {
	OnApplication int // retained, published items filed on application
	Incomplete    int // of those, guides with filing gaps (closed to applications)

	Immediate, Promised, KindUnknown int // handling kind: 即办件, 承诺件, not published

	StatutoryKnown, StatutoryUnknown int
	AvgStatutoryDays                 *float64 // over known limits; nil when none is known
	PromisedKnown, PromisedUnknown   int
	AvgPromisedDays                  *float64

	FeeYes, FeeNo, FeeUnknown int

	AtMostOneVisit, VisitsUnknown int // 最多跑一次 (0 or 1 visit) and visit counts not published
}

// guideGapSQL is true for an item whose guide has a filing gap; it says in
// SQL what Item.FilingGaps says in Go (a test keeps the two in step).
const guideGapSQL = `(items.handling_kind = ''
	OR (items.handling_kind <> '` + KindImmediate + `' AND (items.statutory_days IS NULL OR items.promised_days IS NULL))
	OR NOT EXISTS (SELECT 1 FROM materials WHERE materials.item_id = items.id))`

// GuideStats counts the completeness of the published service guides.
func (s *Store) GuideStats(ctx context.Context) (GuideStats, error) {
	var r struct {
		N, Incomplete, Immediate, Promised, KindUnknown                  int
		StatutoryKnown, PromisedKnown, FeeYes, FeeNo, OneVisit, VisitsNo int
		SumStatutory, SumPromised                                        int
	}
	err := s.read.WithContext(ctx).Table("items").Select(`COUNT(*) AS n,
		COALESCE(SUM(CASE WHEN `+guideGapSQL+` THEN 1 ELSE 0 END), 0) AS incomplete,
		COALESCE(SUM(CASE WHEN handling_kind = ? THEN 1 ELSE 0 END), 0) AS immediate,
		COALESCE(SUM(CASE WHEN handling_kind = ? THEN 1 ELSE 0 END), 0) AS promised,
		COALESCE(SUM(CASE WHEN handling_kind = '' THEN 1 ELSE 0 END), 0) AS kind_unknown,
		COUNT(statutory_days) AS statutory_known, COALESCE(SUM(statutory_days), 0) AS sum_statutory,
		COUNT(promised_days) AS promised_known, COALESCE(SUM(promised_days), 0) AS sum_promised,
		COALESCE(SUM(CASE WHEN is_fee THEN 1 ELSE 0 END), 0) AS fee_yes,
		COALESCE(SUM(CASE WHEN NOT is_fee THEN 1 ELSE 0 END), 0) AS fee_no,
		COALESCE(SUM(CASE WHEN visits <= 1 THEN 1 ELSE 0 END), 0) AS one_visit,
		COALESCE(SUM(CASE WHEN visits IS NULL THEN 1 ELSE 0 END), 0) AS visits_no`, KindImmediate, KindPromised).
		Where("status = ? AND disposition = ? AND on_application", ItemPublished, DispositionRetained).
		Scan(&r).Error
	if err != nil {
		return GuideStats{}, fmt.Errorf("models: guide stats: %w", err)
	}
	return GuideStats{OnApplication: r.N, Incomplete: r.Incomplete,
		Immediate: r.Immediate, Promised: r.Promised, KindUnknown: r.KindUnknown,
		StatutoryKnown: r.StatutoryKnown, StatutoryUnknown: r.N - r.StatutoryKnown,
		AvgStatutoryDays: average(r.SumStatutory, r.StatutoryKnown),
		PromisedKnown:    r.PromisedKnown, PromisedUnknown: r.N - r.PromisedKnown,
		AvgPromisedDays: average(r.SumPromised, r.PromisedKnown),
		FeeYes:          r.FeeYes, FeeNo: r.FeeNo, FeeUnknown: r.N - r.FeeYes - r.FeeNo,
		AtMostOneVisit: r.OneVisit, VisitsUnknown: r.VisitsNo}, nil
}

// average is sum/n rounded to one decimal, or nil when nothing is known.
func average(sum, n int) *float64 {
	if n == 0 {
		return nil
	}
	v := math.Round(float64(sum)/float64(n)*10) / 10
	return &v
}
