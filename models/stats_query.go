package models

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// StatsFilter selects the statistics of the supervisor's page.
type StatsFilter struct {
	Department string // "" for every department
	ItemCode   string // "" for every item
	Channel    string // "", ChannelOnline or ChannelWindow
	From, To   string // YYYY-MM, both included; "" for open ends
}

// StatsRow is the counts of one month, department, item or channel.
type StatsRow struct {
	Key  string // the month, department code, item code or channel
	Name string // the item's name for items; "" otherwise
	StatsCounts
}

// Statistics are the counts of a selection, whole and by month,
// department, item and channel.
type Statistics struct {
	Total        StatsCounts
	ByMonth      []StatsRow // every month of the range, empty ones included
	ByDepartment []StatsRow // by received, most first
	ByItem       []StatsRow // by received, most first
	ByChannel    []StatsRow // online, window
	AsOf         time.Time  // when the newest counted event happened; zero when none
	Pending      int64      // events recorded but not counted yet
}

// Statistics reads the monthly aggregates of the selection. It counts only
// what the catch-up has counted; Pending says how much is left.
func (s *Store) Statistics(ctx context.Context, f StatsFilter) (*Statistics, error) {
	var conds []string
	var args []any
	for _, c := range []struct{ col, v string }{{"department_code", f.Department}, {"item_code", f.ItemCode}, {"channel", f.Channel}} {
		if c.v != "" {
			conds, args = append(conds, c.col+" = ?"), append(args, c.v)
		}
	}
	if f.From != "" {
		conds, args = append(conds, "month >= ?"), append(args, f.From)
	}
	if f.To != "" {
		conds, args = append(conds, "month <= ?"), append(args, f.To)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	out := &Statistics{}
	// Summed by SQLite per view: a year of every item is tens of thousands
	// of rows, and handing each to Go costs more than summing them.
	views := []struct {
		col  string
		into map[string]*StatsRow
	}{{"month", map[string]*StatsRow{}}, {"department_code", map[string]*StatsRow{}}, {"item_code", map[string]*StatsRow{}},
		{"channel", map[string]*StatsRow{}}}
	for _, v := range views {
		name := "''"
		if v.col == "item_code" {
			name = "MAX(item_name)"
		}
		q := `SELECT ` + v.col + `, ` + name + `, SUM(received), SUM(accepted), SUM(refused), SUM(completed), SUM(on_time),
			SUM(late), SUM(days_used), SUM(days_counted), SUM(rated), SUM(rated_good), SUM(rated_sum)
			FROM stats_monthly` + where + ` GROUP BY ` + v.col
		if err := s.sumStats(ctx, q, args, v.into); err != nil {
			return nil, err
		}
	}
	months, depts, items, channels := views[0].into, views[1].into, views[2].into, views[3].into
	for _, r := range channels {
		out.Total.add(r.StatsCounts)
	}
	out.ByMonth = monthRows(months, f.From, f.To)
	out.ByDepartment, out.ByItem = byReceived(depts), byReceived(items)
	for _, ch := range []string{ChannelOnline, ChannelWindow} {
		if f.Channel != "" && f.Channel != ch {
			continue
		}
		r := StatsRow{Key: ch}
		if c := channels[ch]; c != nil {
			r = *c
		}
		out.ByChannel = append(out.ByChannel, r)
	}
	var cur struct {
		LastEvent int64
		LastAt    *time.Time
	}
	if err := s.read.WithContext(ctx).Raw(`SELECT last_event, last_at FROM stats_cursor WHERE id = 1`).Scan(&cur).Error; err != nil {
		return nil, fmt.Errorf("models: statistics cursor: %w", err)
	}
	if cur.LastAt != nil {
		out.AsOf = *cur.LastAt
	}
	var maxID *int64
	if err := s.read.WithContext(ctx).Raw(`SELECT MAX(id) FROM application_events`).Scan(&maxID).Error; err != nil {
		return nil, fmt.Errorf("models: statistics pending: %w", err)
	}
	if maxID != nil {
		out.Pending = max(0, *maxID-cur.LastEvent)
	}
	return out, nil
}

// sumStats runs one grouped query of stats_monthly into m by its first column.
func (s *Store) sumStats(ctx context.Context, q string, args []any, m map[string]*StatsRow) error {
	rows, err := s.read.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return fmt.Errorf("models: statistics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r := &StatsRow{}
		c := &r.StatsCounts
		if err := rows.Scan(&r.Key, &r.Name, &c.Received, &c.Accepted, &c.Refused, &c.Completed, &c.OnTime, &c.Late,
			&c.DaysUsed, &c.DaysCounted, &c.Rated, &c.RatedGood, &c.RatedSum); err != nil {
			return fmt.Errorf("models: statistics: %w", err)
		}
		m[r.Key] = r
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("models: statistics: %w", err)
	}
	return nil
}

// monthRows lists every month from..to (or the months with data when an end
// is open), so that an empty month shows as one rather than vanishing.
func monthRows(m map[string]*StatsRow, from, to string) []StatsRow {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if from == "" && len(keys) > 0 {
		from = keys[0]
	}
	if to == "" && len(keys) > 0 {
		to = keys[len(keys)-1]
	}
	start, err1 := time.Parse("2006-01", from)
	end, err2 := time.Parse("2006-01", to)
	if err1 != nil || err2 != nil || end.Before(start) || end.Sub(start) > 20*366*24*time.Hour {
		return nil
	}
	var out []StatsRow
	for t := start; !t.After(end); t = t.AddDate(0, 1, 0) {
		k := t.Format("2006-01")
		r := StatsRow{Key: k}
		if c := m[k]; c != nil {
			r = *c
		}
		out = append(out, r)
	}
	return out
}

func byReceived(m map[string]*StatsRow) []StatsRow {
	out := make([]StatsRow, 0, len(m))
	for _, r := range m {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b StatsRow) int {
		return cmp.Or(cmp.Compare(b.Received, a.Received), cmp.Compare(a.Key, b.Key))
	})
	return out
}
