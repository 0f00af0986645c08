package transfer

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"onewindow/models"
)

// Problem is one row-level problem found while reading a file.
type Problem struct {
	// Sheet is the sheet of the row (items, materials, fees, steps, departments); in a CSV file
	// the sheet of the row's record kind, or "" when the record kind itself is wrong.
	Sheet string
	// Row is 1-based as a spreadsheet shows it; 0 when a whole sheet is missing.
	Row int
	// Column is the header name, "record" for the CSV record column, or "" for the whole row.
	Column  string
	Message string
	// Rule names the kind of problem (a models.Rule… or transfer.Rule… constant) and Args its
	// values, so that the message can be shown in the reader's language; Message is English.
	Rule string
	Args []string
}

// Parse reads a file written by Export (or edited by hand in a spreadsheet) back into items; problems list every row-level issue; a structurally unreadable file is an error.
//
// Every item row that could be read is returned (a repeated code only once, with its first
// row), so that a caller can show a preview; a caller saves nothing while problems is not empty.
// Children are attached by item_code and ordered by their sort column, keeping file order
// among equal sorts, as the store reads them back. Items are validated with Validate.
//
// Options.Progress, when given, counts the data rows judged.
func Parse(r io.Reader, f Format, known Known, opts ...Options) (items []models.Item, problems []Problem, err error) {
	p := &parser{known: known, byCode: map[string]int{}, titles: map[string]map[string]string{}, layout: map[string][]string{
		sheetItems:       names(itemColumns(), false),
		sheetMaterials:   names(materialColumns(), true),
		sheetFees:        names(feeColumns(), true),
		sheetSteps:       names(stepColumns(), true),
		sheetDepartments: names(departmentColumns(), true),
	}}
	for _, sheet := range sheetOrder() {
		p.titles[sheet] = map[string]string{}
		for col, zh := range zhColumns(sheet) {
			p.titles[sheet][zh] = col
		}
	}
	var tabs map[string]*table
	switch f {
	case XLSX:
		tabs, err = p.readXLSX(r)
	case CSV:
		tabs, err = p.readCSV(r)
	default:
		err = fmt.Errorf("transfer: unknown format %q", f)
	}
	if err != nil {
		return nil, nil, err
	}
	p.pr = &progress{fn: options(opts).Progress}
	for _, t := range tabs {
		p.pr.total += len(t.rows)
	}
	p.readItems(tabs[sheetItems])
	readChildren(p, tabs[sheetMaterials], sheetMaterials, materialColumns(), func(it *models.Item, v models.Material) {
		it.Materials = append(it.Materials, v)
	})
	readChildren(p, tabs[sheetFees], sheetFees, feeColumns(), func(it *models.Item, v models.Fee) {
		it.Fees = append(it.Fees, v)
	})
	readChildren(p, tabs[sheetSteps], sheetSteps, stepColumns(), func(it *models.Item, v models.Step) {
		it.Steps = append(it.Steps, v)
	})
	readChildren(p, tabs[sheetDepartments], sheetDepartments, departmentColumns(), func(it *models.Item, v models.ItemDepartment) {
		it.Departments = append(it.Departments, v)
	})
	items = p.finish()
	return items, p.sortedProblems(), nil
}

// parser gathers items and problems while a file is read.
type parser struct {
	known       Known
	layout      map[string][]string          // sheet → its columns, in file order
	titles      map[string]map[string]string // sheet → Chinese header → column
	problems    []Problem
	items       []models.Item
	refs        []itemRef // parallel to items
	byCode      map[string]int
	itemsBroken bool
	pr          *progress
}

// rowRef is where a row came from and which of its cells could not be read.
type rowRef struct {
	row int
	bad map[string]bool
}

// itemRef is the provenance of one item and of its children, by sheet, parallel to the slices.
type itemRef struct {
	rowRef
	dup      bool
	children map[string][]rowRef
}

// add records a problem: where it is, the rule it breaks with its arguments, and its English message.
func (p *parser) add(sheet string, row int, col, rule, msg string, args ...string) {
	p.problems = append(p.problems, Problem{Sheet: sheet, Row: row, Column: col, Message: msg, Rule: rule, Args: args})
}

// decodeRow reads the columns of a row into a new value, reporting every unreadable cell.
func decodeRow[T any](p *parser, sheet string, r rawRow, cols []column[T], xlsx bool) (T, rowRef) {
	var v T
	ref := rowRef{row: r.num}
	for _, c := range cols {
		if err := decode(c.ptr(&v), c.name, r.cell(c.name), c.date && xlsx); err != nil {
			rule, args := models.RuleInvalid, []string(nil)
			if ce := (cellError{}); errors.As(err, &ce) {
				rule, args = ce.rule, []string{ce.value}
			}
			p.add(sheet, r.num, c.name, rule, err.Error(), args...)
			if ref.bad == nil {
				ref.bad = map[string]bool{}
			}
			ref.bad[c.name] = true
		}
	}
	return v, ref
}

func (p *parser) readItems(t *table) {
	cols := itemColumns()
	for _, r := range t.rows {
		p.pr.step()
		if !r.hdr.ok {
			continue
		}
		it, ref := decodeRow(p, sheetItems, r, cols, t.xlsx)
		i := len(p.items)
		p.items = append(p.items, it)
		p.refs = append(p.refs, itemRef{rowRef: ref, children: map[string][]rowRef{}})
		if it.Code == "" {
			continue
		}
		if first, ok := p.byCode[it.Code]; ok {
			p.add(sheetItems, r.num, "code", RuleDuplicateCode, fmt.Sprintf("duplicate code %q, first used on row %d", it.Code, p.refs[first].row),
				it.Code, strconv.Itoa(p.refs[first].row))
			p.refs[i].dup = true
			continue
		}
		p.byCode[it.Code] = i
	}
}

// readChildren reads a child sheet and attaches each row to the item its item_code names.
func readChildren[T any](p *parser, t *table, sheet string, cols []column[T], attach func(*models.Item, T)) {
	for _, r := range t.rows {
		p.pr.step()
		if !r.hdr.ok {
			continue
		}
		v, ref := decodeRow(p, sheet, r, cols, t.xlsx)
		code := r.cell(colItemCode)
		i, ok := p.byCode[code]
		switch {
		case code == "":
			p.add(sheet, r.num, colItemCode, models.RuleRequired, "item_code is required")
		case !ok && !p.itemsBroken:
			p.add(sheet, r.num, colItemCode, RuleNoItem, fmt.Sprintf("no item with code %q in the items sheet", code), code)
		case ok:
			attach(&p.items[i], v)
			p.refs[i].children[sheet] = append(p.refs[i].children[sheet], ref)
		}
	}
}

// finish orders children, validates every item and returns the items without repeated codes.
func (p *parser) finish() []models.Item {
	var out []models.Item
	for i := range p.items {
		it, ref := &p.items[i], &p.refs[i]
		bySort(it.Materials, ref.children[sheetMaterials], func(v *models.Material) int { return v.Sort })
		bySort(it.Fees, ref.children[sheetFees], func(v *models.Fee) int { return v.Sort })
		bySort(it.Steps, ref.children[sheetSteps], func(v *models.Step) int { return v.Sort })
		bySort(it.Departments, ref.children[sheetDepartments], func(v *models.ItemDepartment) int { return v.Sort })
		if ve := models.CheckItem(it, p.known, columnName); ve != nil {
			for key, msg := range ve.Fields {
				p.invalid(ref, key, ve.Rule(key), msg)
			}
		}
		if !ref.dup {
			out = append(out, *it)
		}
	}
	return out
}

// bySort orders children by sort, stably, moving their provenance along.
func bySort[T any](list []T, refs []rowRef, sortOf func(*T) int) {
	if slices.IsSortedFunc(list, func(a, b T) int { return cmp.Compare(sortOf(&a), sortOf(&b)) }) {
		return
	}
	idx := make([]int, len(list))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(sortOf(&list[a]), sortOf(&list[b])) })
	l, r := slices.Clone(list), slices.Clone(refs)
	for to, from := range idx {
		list[to], refs[to] = l[from], r[from]
	}
}

// invalid turns a Validate message into a problem on the row and column it is about. A message
// about a cell that could not be read is dropped: the reading problem already says it, and the
// zero value left in its place would only add a misleading second one.
func (p *parser) invalid(ref *itemRef, key, rule, msg string) {
	sheet, col, at := sheetItems, key, ref.rowRef
	if i := strings.IndexByte(key, '['); i >= 0 {
		j := strings.IndexByte(key, ']')
		n, err := strconv.Atoi(key[i+1 : j])
		if err != nil {
			panic("transfer: bad validation key " + key)
		}
		sheet, col, at = key[:i], key[j+2:], ref.children[key[:i]][n]
	}
	if at.bad[col] || (col == promisedDays && at.bad[statutoryDays]) {
		return
	}
	p.add(sheet, at.row, col, rule, msg)
}

// sortedProblems orders problems by sheet, row and column as the layout lists them.
func (p *parser) sortedProblems() []Problem {
	order := sheetOrder()
	rank := func(list []string, s string) int {
		if i := slices.Index(list, s); i >= 0 {
			return i
		}
		return len(list)
	}
	slices.SortStableFunc(p.problems, func(a, b Problem) int {
		return cmp.Or(
			cmp.Compare(rank(order, a.Sheet), rank(order, b.Sheet)),
			cmp.Compare(a.Row, b.Row),
			cmp.Compare(rank(p.layout[a.Sheet], a.Column), rank(p.layout[b.Sheet], b.Column)),
		)
	})
	return p.problems
}
