package transfer

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"onewindow/models"
)

// benchListing is a 实施清单 of n rows over 34 departments, most cells blank as published.
func benchListing(n int) []byte {
	var b strings.Builder
	b.WriteString("实施主体,主项名称,事项名称,实施编码,事项类型,法定办结时限,承诺办结时限,办件类型,申请材料\r\n")
	for i := range n {
		main := i / 4
		lim, mats := "", ""
		if i%5 == 0 {
			lim, mats = "20个工作日", "\"申请书\n身份证复印件\""
		}
		fmt.Fprintf(&b, "第%d局,主项%d,主项%d（子项%d）,511A0138%06d-511602000000-000-%018d-%d-00,行政许可,%s,%s,承诺件,%s\r\n",
			main%34, main, main, i%4, main, main, i%4+1, lim, lim, mats)
	}
	return []byte(b.String())
}

// BenchmarkListingImport10000 parses a 10,000-row 实施清单 and imports it in one confirm
// into an empty catalogue (the issue asks for under 30 s).
func BenchmarkListingImport10000(b *testing.B) {
	data := benchListing(10000)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		store, err := models.Open(ctx, b.TempDir(), models.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := store.SeedItemTypes(ctx, models.DefaultItemTypes()); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		l, err := ParseListing(bytes.NewReader(data), CSV, models.DefaultItemTypes())
		if err != nil || len(l.Problems) > 0 {
			b.Fatalf("%v %+v", err, l.Problems[:min(3, len(l.Problems))])
		}
		plan, err := store.ImportListing(ctx, l.Items(), l.Fields, "bench", "导入")
		if err != nil || plan.New != 10000 || len(plan.Departments) != 34 {
			b.Fatalf("%v %+v", err, plan)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/import")
		b.StopTimer()
		store.Close()
		b.StartTimer()
	}
}
