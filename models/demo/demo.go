// Package demo builds the deterministic demonstration catalogue of the 集宁区 service centre:
// the 34 departments, the item types and the 4,099 reviewed power items with their guides.
package demo

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"onewindow/models"
)

// Fixed values shared by every generated item.
const (
	areaName      = "集宁区"
	effectiveOn   = "2025-06-30"
	cancelOn      = "2025-06-30"
	hours         = "工作日 9:00-12:00，13:30-17:30 (夏季 14:30-18:00)"
	complaintLine = "12345"
	codePrefix    = "150902" // administrative division code of 集宁区
)

// stamp is the creation time of every demonstration row.
func stamp() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }

// Catalogue returns the demonstration catalogue: departments, item types and items with full guides.
func Catalogue() ([]models.Department, []models.ItemType, []models.Item) {
	specs := deptSpecs()
	var items []models.Item
	for i, d := range specs {
		sheet, err := loadSheet(d.code)
		if err != nil {
			// The sheets are embedded at build time; the package tests read every one of them.
			panic(err)
		}
		items = append(items, buildDepartment(i+1, d, sheet)...)
	}
	real, _, err := Forms()
	if err != nil {
		panic(err) // embedded like the sheets, and read by the package tests
	}
	for i := range items {
		if s, ok := real[items[i].Name]; ok {
			b, err := json.Marshal(s)
			if err != nil {
				panic(err)
			}
			items[i].FormSchema = string(b)
		}
	}
	addPledges(items)
	return departments(specs), itemTypes(), items
}

// cell is the work for one (department, type) pair.
type cell struct {
	typ    string
	keep   int      // retained items
	reduce []string // dispositions of the reduced items
}

// buildDepartment generates every item of one department.
func buildDepartment(sort int, d deptSpec, sheet map[string][]entry) []models.Item {
	rng := rand.New(rand.NewPCG(uint64(sort)*0x9E3779B97F4A7C15, 0x4A4E2025))
	cells := planCells(d, rng)
	// Every public service of the sheet is offered; a main item stands in for one of them.
	services := 0
	for _, e := range sheet["20"] {
		if e.main != e.name {
			services++
		}
	}
	cells = append(cells, cell{typ: "20", keep: services})
	seen := map[string]bool{}
	var out []models.Item
	for _, c := range cells {
		need := c.keep + len(c.reduce)
		if need == 0 {
			continue
		}
		picked := pick(sheet[c.typ], need, seen, rng)
		items := make([]models.Item, len(picked))
		for i, e := range picked {
			items[i] = newItem(d, sort, c.typ, i+1, e, rng)
		}
		reduceCell(items, picked, c.reduce, rng)
		out = append(out, items...)
	}
	return out
}

// planCells spreads the department's reduced items over its types: mostly penalties,
// permits and other powers, always where the department also retains items of that type.
func planCells(d deptSpec, rng *rand.Rand) []cell {
	cells := make([]cell, 10)
	for i := range cells {
		cells[i] = cell{typ: powerType(i), keep: d.retained[i]}
	}
	weights := map[string][10]int{
		// one weight per type, 01 … 10
		models.DispositionCancelled: {6, 10, 1, 1, 1, 2, 2, 1, 0, 4},
		models.DispositionMerged:    {3, 10, 1, 0, 0, 2, 2, 0, 0, 3},
		models.DispositionDelegated: {2, 10, 0, 0, 0, 3, 1, 0, 0, 1},
	}
	for _, p := range []struct {
		disp string
		n    int
	}{
		{models.DispositionCancelled, d.cancelled},
		{models.DispositionMerged, d.merged},
		{models.DispositionDelegated, d.delegated},
	} {
		w := weights[p.disp]
		total := 0
		for i := range w {
			if d.retained[i] == 0 {
				w[i] = 0
			}
			total += w[i]
		}
		for range p.n {
			r := rng.IntN(total)
			i := 0
			for r >= w[i] {
				r -= w[i]
				i++
			}
			cells[i].reduce = append(cells[i].reduce, p.disp)
		}
	}
	return cells
}

// pick chooses n names: pinned units first, then the others in a shuffled order, never a
// name the department already uses. A unit is a single item or a main item with its
// sub-items, taken together so that they get neighbouring codes; a group that does not fit
// keeps its main item and as many sub-items as fit, at least two. If the sheet runs short,
// numbered variants fill the gap.
func pick(cands []entry, n int, seen map[string]bool, rng *rand.Rand) []entry {
	var pinned, rest [][]entry
	for _, u := range units(cands) {
		if slices.ContainsFunc(u, func(e entry) bool { return e.pinned }) {
			pinned = append(pinned, u)
		} else {
			rest = append(rest, u)
		}
	}
	rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	out := make([]entry, 0, n)
	var left []entry // members of the groups that did not fit, taken as single items last
	for _, u := range append(pinned, rest...) {
		room := n - len(out)
		if len(u) > room && len(u) > 1 && room >= 3 {
			u = u[:room]
		}
		if len(u) > room || slices.ContainsFunc(u, func(e entry) bool { return seen[e.name] }) {
			for _, e := range u {
				if e.main != e.name {
					e.main = ""
					left = append(left, e)
				}
			}
			continue
		}
		for _, e := range u {
			seen[e.name] = true
			out = append(out, e)
		}
	}
	for _, e := range left {
		if len(out) < n && !seen[e.name] {
			seen[e.name] = true
			out = append(out, e)
		}
	}
	for k := 2; len(out) < n && len(cands) > 0; k++ {
		for _, e := range cands {
			if len(out) == n {
				break
			}
			v := e
			v.name = fmt.Sprintf("%s（%s）", e.name, chineseNumber(k))
			v.main, v.pinned = "", false
			if !seen[v.name] {
				seen[v.name] = true
				out = append(out, v)
			}
		}
	}
	return out
}

// units splits a sheet's entries into single items and groups (a main item followed by
// its sub-items).
func units(cands []entry) [][]entry {
	var out [][]entry
	for _, e := range cands {
		if e.main != "" && e.main != e.name && len(out) > 0 && out[len(out)-1][0].name == e.main {
			out[len(out)-1] = append(out[len(out)-1], e)
			continue
		}
		out = append(out, []entry{e})
	}
	return out
}
