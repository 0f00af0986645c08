package transfer_test

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/models/transfer"
)

// TestDemoCatalogueRoundTrip exports the whole demonstration catalogue and reads it back:
// nothing may change and no row may be reported, in either format.
func TestDemoCatalogueRoundTrip(t *testing.T) {
	t.Parallel()
	depts, types, items := demo.Catalogue()
	known := transfer.Known{Departments: map[string]bool{}, Types: map[string]bool{}}
	for _, d := range depts {
		known.Departments[d.Code] = true
	}
	for _, ty := range types {
		known.Types[ty.Code] = true
	}
	want := normalised(items)
	for _, f := range []transfer.Format{transfer.XLSX, transfer.CSV} {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			start := time.Now()
			if err := transfer.Export(&buf, f, items); err != nil {
				t.Fatalf("Export: %v", err)
			}
			exported := time.Since(start)
			size := buf.Len()
			start = time.Now()
			got, problems, err := transfer.Parse(&buf, f, known)
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
			got = normalised(got)
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

// normalised clears what a file does not carry (ids, timestamps) and treats nil and empty
// slices alike.
func normalised(items []models.Item) []models.Item {
	out := make([]models.Item, len(items))
	for i, it := range items {
		it.ID, it.CreatedAt, it.UpdatedAt = 0, time.Time{}, time.Time{}
		it.ServiceObjects, it.HandleForms = orNil(it.ServiceObjects), orNil(it.HandleForms)
		it.Materials = cleared(it.Materials, func(m *models.Material) { m.ID, m.ItemID = 0, 0 })
		it.Fees = cleared(it.Fees, func(f *models.Fee) { f.ID, f.ItemID = 0, 0 })
		it.Steps = cleared(it.Steps, func(s *models.Step) { s.ID, s.ItemID = 0, 0 })
		it.Departments = cleared(it.Departments, func(d *models.ItemDepartment) {
			d.ID, d.ItemID, d.Stages = 0, 0, orNil(d.Stages)
		})
		out[i] = it
	}
	return out
}

func orNil(l models.StringList) models.StringList {
	if len(l) == 0 {
		return nil
	}
	return l
}

func cleared[T any](in []T, clear func(*T)) []T {
	if len(in) == 0 {
		return nil
	}
	out := append([]T(nil), in...)
	for i := range out {
		clear(&out[i])
	}
	return out
}
