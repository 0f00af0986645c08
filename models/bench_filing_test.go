package models

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"onewindow/workflow"
)

// BenchmarkCreateApplication files online applications through the store
// alone from parallel goroutines: group commit under synchronous=FULL, the
// statement layer's fixed statements, no HTTP.
func BenchmarkCreateApplication(b *testing.B) {
	s := adminCatalogue(b)
	ctx := context.Background()
	it, err := s.Item(ctx, "A1")
	if err != nil {
		b.Fatal(err)
	}
	var seq atomic.Int64
	now := time.Now()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			_, err := s.CreateApplication(ctx, NewApplication{Item: it, Channel: ChannelOnline, Actor: "applicant", Now: now,
				Form: FormData{"n": fmt.Sprint(n)}, Applicant: Applicant{Kind: ApplicantPerson, IDKind: string(workflow.ResidentID),
					IDNumber: "11010519491231002X", Name: "张三"}})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "filings/s")
}

// BenchmarkAccept accepts filed applications from parallel goroutines: the
// action path, gorm statements inside group commit.
func BenchmarkAccept(b *testing.B) {
	s := adminCatalogue(b)
	ctx := context.Background()
	cal, err := workflow.NewCalendar(workflow.DefaultCalendarDays())
	if err != nil {
		b.Fatal(err)
	}
	it, err := s.Item(ctx, "A1")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	numbers := make([]string, b.N)
	for i := range numbers {
		f, err := s.CreateApplication(ctx, NewApplication{Item: it, Channel: ChannelOnline, Actor: "applicant", Now: now,
			Applicant: Applicant{Kind: ApplicantPerson, IDKind: string(workflow.ResidentID), IDNumber: "11010519491231002X", Name: "张三"}})
		if err != nil {
			b.Fatal(err)
		}
		numbers[i] = f.Number
	}
	var next atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := act(s, cal, numbers[next.Add(1)-1], workflow.Accept, "", 1, now, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "accepts/s")
}
