package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"onewindow/workflow"
)

// StatsCounts are the counts of a selection of applications. On-time and
// late count only completions whose deadline and day handled are known;
// working days are averaged over the completions that were accepted.
type StatsCounts struct {
	Received    int // filed online or registered at the window
	Accepted    int // 受理 (容缺受理 included)
	Refused     int // 不予受理
	Completed   int // 办结: decided (approved or denied)
	OnTime      int
	Late        int
	DaysUsed    int // working days used, summed over DaysCounted completions
	DaysCounted int
	Rated       int // 好差评 given
	RatedGood   int // of them 非常满意, 满意 or 基本满意
	RatedSum    int // sum of the levels (1-5)
}

func (c *StatsCounts) add(o StatsCounts) {
	c.Received += o.Received
	c.Accepted += o.Accepted
	c.Refused += o.Refused
	c.Completed += o.Completed
	c.OnTime += o.OnTime
	c.Late += o.Late
	c.DaysUsed += o.DaysUsed
	c.DaysCounted += o.DaysCounted
	c.Rated += o.Rated
	c.RatedGood += o.RatedGood
	c.RatedSum += o.RatedSum
}

// OnTimeRate is the share of completions within the promised limit; false
// when no completion with a known deadline is counted (unknown, not 0%).
func (c StatsCounts) OnTimeRate() (float64, bool) {
	if c.OnTime+c.Late == 0 {
		return 0, false
	}
	return float64(c.OnTime) / float64(c.OnTime+c.Late), true
}

// AverageDays is the mean of working days used per completion; false when
// none is counted.
func (c StatsCounts) AverageDays() (float64, bool) {
	if c.DaysCounted == 0 {
		return 0, false
	}
	return float64(c.DaysUsed) / float64(c.DaysCounted), true
}

// Satisfaction is the share of 好评 (levels 3-5) among the ratings; false
// when nobody rated.
func (c StatsCounts) Satisfaction() (float64, bool) {
	if c.Rated == 0 {
		return 0, false
	}
	return float64(c.RatedGood) / float64(c.Rated), true
}

// statsKey is one row of the aggregate tables.
type statsKey struct {
	day, dept, item, channel string
}

// statsBatch is how many events or evaluations one catch-up transaction reads.
const statsBatch = 5000

type statsEvent struct {
	ID                                 int64
	At                                 time.Time
	Action, FromState, ToState         string
	DepartmentCode, ItemCode, ItemName string
	Channel, AcceptedOn, EndedOn       string
	PromisedDeadline, StoppedSince     string
	StatutoryDays, PromisedDays        int
	ExtendedDays, StoppedDays          int
	Immediate                          bool
}

type statsEvaluation struct {
	ID                                 int64
	CreatedAt                          time.Time
	Level                              int
	DepartmentCode, ItemCode, ItemName string
	Channel                            string
}

// CatchUpStats counts the events and evaluations recorded since the last
// catch-up into the daily and monthly aggregates, at most limit of each
// (statsBatch when limit <= 0), and reports how many it counted. The cursor
// moves in the same transaction as the sums, so each is counted exactly once
// whoever runs it and however often. cal counts the working days used.
func (s *Store) CatchUpStats(ctx context.Context, cal *workflow.Calendar, limit int) (int, error) {
	if limit <= 0 {
		limit = statsBatch
	}
	// Most calls find nothing new: ask a reader before taking the writer.
	var fresh struct{ Events, Evaluations int64 }
	err := s.read.WithContext(ctx).Raw(`SELECT
		(SELECT COUNT(*) FROM (SELECT 1 FROM application_events WHERE id > c.last_event LIMIT 1) AS e) AS events,
		(SELECT COUNT(*) FROM (SELECT 1 FROM evaluations WHERE id > c.last_evaluation LIMIT 1) AS v) AS evaluations
		FROM stats_cursor c WHERE c.id = 1`).Scan(&fresh).Error
	if err != nil {
		return 0, fmt.Errorf("models: catch up statistics: %w", err)
	}
	if fresh.Events == 0 && fresh.Evaluations == 0 {
		return 0, nil
	}
	// Only what can no longer be overtaken by a smaller id (stats_horizon.go).
	maxEvent, maxEvaluation, ok, err := s.statsHorizon(ctx)
	if err != nil || !ok {
		return 0, err
	}
	n := 0
	err = s.write(ctx, func(tx *gorm.DB) error {
		var cur struct {
			LastEvent, LastEvaluation int64
		}
		// Lock the cursor row before reading it: SQLite's single writer
		// serialises catch-ups anyway, but on a server with concurrent
		// transactions a second instance would otherwise read the same
		// cursor and count the same events twice. It waits here instead
		// and then reads where the first one stopped.
		if err := tx.Exec(`UPDATE stats_cursor SET last_event = last_event WHERE id = 1`).Error; err != nil {
			return err
		}
		if err := tx.Raw(`SELECT last_event, last_evaluation FROM stats_cursor WHERE id = 1`).Scan(&cur).Error; err != nil {
			return err
		}
		var evs []statsEvent
		err := tx.Raw(`SELECT e.id, e.at, e.action, e.from_state, e.to_state,
			a.department_code, a.item_code, a.item_name, a.channel, a.accepted_on, a.ended_on, a.promised_deadline,
			a.stopped_since, a.statutory_days, a.promised_days, a.extended_days, a.stopped_days, a.immediate
			FROM application_events e JOIN applications a ON a.id = e.application_id
			WHERE e.id > ? AND e.id <= ? ORDER BY e.id LIMIT ?`, cur.LastEvent, maxEvent, limit).Scan(&evs).Error
		if err != nil {
			return err
		}
		var rates []statsEvaluation
		err = tx.Raw(`SELECT v.id, v.created_at, v.level, v.department_code, v.item_code, v.item_name, a.channel
			FROM evaluations v JOIN applications a ON a.id = v.application_id
			WHERE v.id > ? AND v.id <= ? ORDER BY v.id LIMIT ?`, cur.LastEvaluation, maxEvaluation, limit).Scan(&rates).Error
		if err != nil {
			return err
		}
		if len(evs) == 0 && len(rates) == 0 {
			return nil
		}
		sums := map[statsKey]*StatsCounts{}
		names := map[string]string{}
		bump := func(at time.Time, dept, item, name, channel string) *StatsCounts {
			k := statsKey{FormatDay(CentreDay(at)), dept, item, channel}
			names[item] = name
			c := sums[k]
			if c == nil {
				c = &StatsCounts{}
				sums[k] = c
			}
			return c
		}
		lastAt := time.Time{}
		for _, e := range evs {
			countEvent(e, cal, bump(e.At, e.DepartmentCode, e.ItemCode, e.ItemName, e.Channel))
			cur.LastEvent, lastAt = e.ID, e.At
		}
		for _, r := range rates {
			c := bump(r.CreatedAt, r.DepartmentCode, r.ItemCode, r.ItemName, r.Channel)
			c.Rated++
			c.RatedSum += r.Level
			if r.Level >= 3 {
				c.RatedGood++
			}
			cur.LastEvaluation = r.ID
		}
		if err := upsertStats(tx, "stats_daily", "day", sums, names, func(k statsKey) string { return k.day }); err != nil {
			return err
		}
		months := map[statsKey]*StatsCounts{}
		for k, c := range sums {
			k.day = k.day[:7]
			if m := months[k]; m != nil {
				m.add(*c)
			} else {
				cc := *c
				months[k] = &cc
			}
		}
		if err := upsertStats(tx, "stats_monthly", "month", months, names, func(k statsKey) string { return k.day }); err != nil {
			return err
		}
		n = len(evs) + len(rates)
		if lastAt.IsZero() {
			return tx.Exec(`UPDATE stats_cursor SET last_event = ?, last_evaluation = ? WHERE id = 1`,
				cur.LastEvent, cur.LastEvaluation).Error
		}
		return tx.Exec(`UPDATE stats_cursor SET last_event = ?, last_evaluation = ?, last_at = ? WHERE id = 1`,
			cur.LastEvent, cur.LastEvaluation, lastAt).Error
	})
	if err != nil {
		return 0, fmt.Errorf("models: catch up statistics: %w", err)
	}
	return n, nil
}

// CatchUpAllStats runs CatchUpStats until nothing is left.
func (s *Store) CatchUpAllStats(ctx context.Context, cal *workflow.Calendar) (int, error) {
	total := 0
	for {
		n, err := s.CatchUpStats(ctx, cal, 0)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// countEvent adds what one event means to the counts of its day.
func countEvent(e statsEvent, cal *workflow.Calendar, c *StatsCounts) {
	switch workflow.Action(e.Action) {
	case workflow.Submit, workflow.Register:
		if e.FromState == string(workflow.None) || e.FromState == string(workflow.Draft) {
			c.Received++
		}
	case workflow.Accept, workflow.AcceptPending:
		c.Accepted++
	case workflow.Reject:
		c.Refused++
	}
	decided := func(s string) bool {
		return s == string(workflow.Approved) || s == string(workflow.Denied) || s == string(workflow.Completed)
	}
	if !decided(e.ToState) || decided(e.FromState) {
		return
	}
	c.Completed++
	if e.EndedOn != "" && e.PromisedDeadline != "" {
		if e.EndedOn <= e.PromisedDeadline {
			c.OnTime++
		} else {
			c.Late++
		}
	}
	if e.AcceptedOn != "" && e.EndedOn != "" && cal != nil {
		clock := workflow.Clock{AcceptedOn: parseDay(e.AcceptedOn), StatutoryDays: e.StatutoryDays,
			PromisedDays: e.PromisedDays, ExtendedDays: e.ExtendedDays, StoppedDays: e.StoppedDays,
			StoppedSince: parseDay(e.StoppedSince), EndedOn: parseDay(e.EndedOn), Immediate: e.Immediate}
		c.DaysUsed += clock.Used(cal, clock.EndedOn)
		c.DaysCounted++
	}
}

// statsUpsertRows is how many rows one INSERT … ON CONFLICT statement adds
// (16 parameters each, well under SQLite's limit).
const statsUpsertRows = 50

// upsertStats adds the sums to table, many rows a statement.
func upsertStats(tx *gorm.DB, table, col string, sums map[statsKey]*StatsCounts, names map[string]string, period func(statsKey) string) error {
	head := `INSERT INTO ` + table + ` (` + col + `, department_code, item_code, channel, item_name,
		received, accepted, refused, completed, on_time, late, days_used, days_counted, rated, rated_good, rated_sum) VALUES `
	// The existing row is named by its table: PostgreSQL finds a bare column
	// ambiguous beside excluded's.
	sets := []string{"item_name = excluded.item_name"}
	for _, c := range []string{"received", "accepted", "refused", "completed", "on_time", "late", "days_used",
		"days_counted", "rated", "rated_good", "rated_sum"} {
		sets = append(sets, c+" = "+table+"."+c+" + excluded."+c)
	}
	tail := ` ON CONFLICT (` + col + `, department_code, item_code, channel) DO UPDATE SET ` + strings.Join(sets, ", ")
	var values []string
	var args []any
	flush := func() error {
		if len(values) == 0 {
			return nil
		}
		err := tx.Exec(head+strings.Join(values, ",")+tail, args...).Error
		values, args = values[:0], args[:0]
		return err
	}
	for k, c := range sums {
		values = append(values, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, period(k), k.dept, k.item, k.channel, names[k.item], c.Received, c.Accepted, c.Refused, c.Completed,
			c.OnTime, c.Late, c.DaysUsed, c.DaysCounted, c.Rated, c.RatedGood, c.RatedSum)
		if len(values) == statsUpsertRows {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
