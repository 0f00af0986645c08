package transfer

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"onewindow/models/demo"
)

// TestDemoCatalogueRoundTrip exports the whole demonstration catalogue and reads it back:
// nothing may change and no row may be reported, in either format.
func TestDemoCatalogueRoundTrip(t *testing.T) {
	t.Parallel()
	depts, types, items := demo.Catalogue()
	known := Known{Departments: map[string]bool{}, Types: map[string]bool{}}
	for _, d := range depts {
		known.Departments[d.Code] = true
	}
	for _, ty := range types {
		known.Types[ty.Code] = true
	}
	want := normalise(items)
	for _, tc := range []struct {
		f    Format
		lang Lang
	}{{XLSX, English}, {CSV, English}, {XLSX, Chinese}, {CSV, Chinese}} {
		f := tc.f
		t.Run(string(f)+"-"+string(tc.lang), func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			start := time.Now()
			if err := Export(&buf, f, items, Options{Lang: tc.lang}); err != nil {
				t.Fatalf("Export: %v", err)
			}
			exported := time.Since(start)
			size := buf.Len()
			start = time.Now()
			got, problems, err := Parse(&buf, f, known)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			t.Logf("%d items: export %v (%d bytes), parse %v", len(items), exported, size, time.Since(start))
			for i, p := range problems {
				if i == 10 {
					t.Fatalf("… %d problems in all", len(problems))
				}
				t.Errorf("problem: %+v", p)
			}
			got = normalise(got)
			if len(got) != len(want) {
				t.Fatalf("read %d items, wrote %d", len(got), len(want))
			}
			for i := range want {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("item %d (%s) changed:\n got %+v\nwant %+v", i, want[i].Code, got[i], want[i])
				}
			}
		})
	}
}
