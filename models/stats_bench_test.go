package models

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"gorm.io/gorm"
)

// Sizes of the statistics benchmark: a year of applications spread over
// every on-application item of a county catalogue through both channels,
// as owload seed spreads them. Every (month, item, channel) row is filled,
// which is what any number of applications from a few hundred thousand up
// leaves in stats_monthly: the row count, not the number of applications,
// is what a query reads. The counts add up to statsBenchApplications.
const (
	statsBenchApplications = 3_000_000
	statsBenchItems        = 1200
	statsBenchDepartments  = 34
)

// fillStatsBench writes the monthly aggregates of a year.
func fillStatsBench(b *testing.B, s *Store) {
	b.Helper()
	per := statsBenchApplications / (statsBenchItems * 2 * 12)
	err := s.write(context.Background(), func(tx *gorm.DB) error {
		var rows []string
		var args []any
		flush := func() error {
			if len(rows) == 0 {
				return nil
			}
			err := tx.Exec(`INSERT INTO stats_monthly (month, department_code, item_code, channel, item_name, received, accepted,
				refused, completed, on_time, late, days_used, days_counted, rated, rated_good, rated_sum) VALUES `+strings.Join(rows, ","), args...).Error
			rows, args = rows[:0], args[:0]
			return err
		}
		for m := 1; m <= 12; m++ {
			for i := range statsBenchItems {
				for _, ch := range []string{ChannelOnline, ChannelWindow} {
					rows = append(rows, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
					args = append(args, fmt.Sprintf("2026-%02d", m), fmt.Sprintf("d%02d", i%statsBenchDepartments),
						fmt.Sprintf("I%05d", i), ch, fmt.Sprintf("事项%d", i), per, per*9/10, per/20, per*8/10, per*7/10, per/10,
						per*8/10*6, per*8/10, per/3, per/3*9/10, per/3*4)
					if len(rows) == 50 {
						if err := flush(); err != nil {
							return err
						}
					}
				}
			}
		}
		return flush()
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkStatistics reads a whole year (every department, item and
// channel: the page's heaviest query) and one department's year from the
// monthly aggregates of 3,000,000 applications.
func BenchmarkStatistics(b *testing.B) {
	s := openTest(b)
	fillStatsBench(b, s)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		f    StatsFilter
	}{{"year", StatsFilter{From: "2026-01", To: "2026-12"}}, {"department", StatsFilter{Department: "d07", From: "2026-01", To: "2026-12"}},
		{"item", StatsFilter{ItemCode: "I00042", From: "2026-01", To: "2026-12"}}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				st, err := s.Statistics(ctx, c.f)
				if err != nil || st.Total.Received == 0 {
					b.Fatalf("%+v %v", st, err)
				}
			}
		})
	}
}
