package transfer

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"onewindow/models"
)

// The 实施清单 layout: one sheet with the Chinese headers a provincial platform exports, read
// by header name in any order. A blank cell is unknown (nil), never 0 or "no". The department
// is named, not coded: the store resolves names and creates the departments it does not know.

// Headers of the 实施清单 layout.
const (
	HeadDepartment = "实施主体"
	HeadMainName   = "主项名称"
	HeadName       = "事项名称"
	HeadCode       = "实施编码"
	HeadCatalog    = "基本编码"
	HeadType       = "事项类型"
	HeadStatutory  = "法定办结时限"
	HeadPromised   = "承诺办结时限"
	HeadKind       = "办件类型"
	HeadIsFee      = "是否收费"
	HeadFeeStd     = "收费标准"
	HeadFeeBasis   = "收费依据"
	HeadLegalBasis = "设定依据"
	HeadConditions = "受理条件"
	HeadLocation   = "办理地点"
	HeadHours      = "办理时间"
	HeadPhone      = "咨询电话"
	HeadComplaint  = "监督投诉电话"
	HeadVisits     = "到现场次数"
	HeadDepth      = "网办深度"
	HeadMaterials  = "申请材料"
)

// Rules of listing problems beyond the item rules of models (RuleRequired …); the page and the
// API translate a problem by its rule, with its arguments.
const (
	RuleMissingColumn = "missing_column" // args: column
	RuleUnknownColumn = "unknown_column" // args: column (a warning)
	RuleRepeatColumn  = "repeat_column"  // args: column
	RuleDuplicateCode = "duplicate_code" // args: code, first row
	RuleFormula       = "formula"        // args: cell
	RuleUnknownType   = "unknown_type"   // args: value
	RuleNotDays       = "not_days"       // args: value
	RuleNotNumber     = "not_number"     // args: value
	RuleNotYesNo      = "not_yes_no"     // args: value
	RuleNotKind       = "not_kind"       // args: value
	RuleNoRows        = "no_rows"
	RuleUnknownMain   = "unknown_main" // args: main item name (a warning)
)

// listingCol is a column of the file: where it is and what it holds.
type listingCol struct {
	at int
	listingField
}

// ListingRow is one item of a 实施清单 with the department it names and the row it was read from.
type ListingRow struct {
	Row        int
	Department string
	Item       models.Item
}

// Listing is what ParseListing read: the items, the model fields the file's columns fill (so
// that a re-import leaves the rest of a stored guide alone), the problems that stop an import
// and the warnings that do not.
type Listing struct {
	Rows     []ListingRow
	Fields   []string
	Problems []Problem
	Warnings []Problem
	heads    map[string]string // model field → header, for store problems
}

// IsListing reports whether data holds a 实施清单 rather than the multi-sheet layout: any file
// that is neither a CSV file of record kinds (its first row a "#kind" header) nor a workbook
// with an items sheet. A file that is no catalogue at all is read as a listing, whose reader
// then says why it cannot be read (a *FileError).
func IsListing(data []byte, f Format) bool {
	switch f {
	case XLSX:
		return !hasItemsSheet(data)
	case CSV:
		head, err := firstRow(data, f)
		return err != nil || len(head) == 0 || !strings.HasPrefix(strings.TrimSpace(head[0]), "#")
	}
	return false
}

// ParseListing reads a 实施清单. types are the item types a 事项类型 cell may name (by name or
// code). The header row may sit below title and note rows (see headerRow). Problems name the
// row as the spreadsheet numbers it and the header of the cell; a file that cannot be read at
// all is a *FileError.
func ParseListing(r io.Reader, f Format, types []models.ItemType, opts ...Options) (*Listing, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("transfer: read listing: %w", err)
	}
	rows, formulas, err := listingCells(data, f)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fileError(RuleFileEmpty, "the file is empty")
	}
	at, ok := headerRow(rows)
	if !ok {
		return nil, fileError(RuleFileNoHeader, fmt.Sprintf("no header row naming %s in the first %d rows", HeadName, headerSearchRows),
			strconv.Itoa(headerSearchRows))
	}
	l := &Listing{heads: map[string]string{}}
	byType := map[string]models.ItemType{}
	for _, t := range types {
		byType[t.Code], byType[t.Name] = t, t
	}
	cols := l.readHeader(rows[at])
	if len(l.Problems) > 0 {
		return l, nil
	}
	pr := &progress{fn: options(opts).Progress, total: len(rows) - at - 1}
	first := map[string]int{}
	for _, raw := range rows[at+1:] {
		pr.step()
		if blank(raw.cells) {
			continue
		}
		l.readRow(raw, cols, byType, formulas, first)
	}
	return l, nil
}

// problem records a problem that stops the import.
func (l *Listing) problem(row int, col, rule, msg string, args ...string) {
	l.Problems = append(l.Problems, Problem{Row: row, Column: col, Message: msg, Rule: rule, Args: args})
}

// readHeader maps headers to columns: the layout's columns by name, others warned about.
func (l *Listing) readHeader(h listingLine) []listingCol {
	known := map[string]listingField{}
	for _, lf := range listingFields() {
		known[lf.head] = lf
	}
	var cols []listingCol
	seen := map[string]bool{}
	for i, c := range h.cells {
		name := headName(c)
		if name == "" {
			continue
		}
		lf, ok := known[name]
		switch {
		case !ok:
			l.Warnings = append(l.Warnings, Problem{Row: h.num, Column: name, Rule: RuleUnknownColumn,
				Args: []string{name}, Message: fmt.Sprintf("column %s is not part of the layout and is ignored", name)})
		case seen[name]:
			l.problem(h.num, name, RuleRepeatColumn, fmt.Sprintf("column %s appears twice", name), name)
		default:
			seen[name] = true
			cols = append(cols, listingCol{i, lf})
			l.Fields = append(l.Fields, lf.field)
			l.heads[lf.field] = name
		}
	}
	for _, need := range []string{HeadName, HeadCode, HeadDepartment} {
		if !seen[need] {
			l.problem(h.num, need, RuleMissingColumn, "missing column "+need, need)
		}
	}
	return cols
}

// readRow reads one data row into an item and checks it with the store's rules.
func (l *Listing) readRow(raw listingLine, cols []listingCol, types map[string]models.ItemType,
	formulas map[string]bool, first map[string]int) {
	row := ListingRow{Row: raw.num, Item: models.Item{Disposition: models.DispositionRetained, Status: models.ItemPublished,
		Version: 1, ServiceObjects: models.StringList{}, HandleForms: models.StringList{}}}
	bad := map[string]bool{}
	for _, c := range cols {
		i, lf := c.at, c.listingField
		s := ""
		if i < len(raw.cells) {
			s = strings.TrimSpace(raw.cells[i])
		}
		if ref := cellRef(i, raw.num); formulas[ref] || strings.HasPrefix(s, "=") {
			l.problem(raw.num, lf.head, RuleFormula, fmt.Sprintf("cell %s holds a formula; type the value instead", ref), ref)
			bad[lf.field] = true
			continue
		}
		if lf.set == nil {
			row.Department = s
			continue
		}
		if rule, args := lf.set(&row.Item, s, types); rule != "" {
			l.problem(raw.num, lf.head, rule, fmt.Sprintf("%s %q cannot be read (%s)", lf.head, s, rule), args...)
			bad[lf.field] = true
		}
	}
	it := &row.Item
	if it.Code != "" {
		if at, dup := first[it.Code]; dup {
			l.problem(raw.num, HeadCode, RuleDuplicateCode, fmt.Sprintf("code %s is also on row %d", it.Code, at), it.Code, strconv.Itoa(at))
			return
		}
		first[it.Code] = raw.num
	}
	if row.Department == "" && !bad["department"] {
		l.problem(raw.num, HeadDepartment, models.RuleRequired, HeadDepartment+" is required")
	}
	l.check(row, bad)
	l.Rows = append(l.Rows, row)
}

// check validates the item as the store will, with a stand-in for its department, which the
// store resolves by name.
func (l *Listing) check(row ListingRow, bad map[string]bool) {
	it := row.Item
	it.DepartmentCode = "x"
	known := models.Known{Departments: map[string]bool{"x": true}, Types: map[string]bool{}}
	if it.TypeCode != "" {
		known.Types[it.TypeCode] = true
	}
	ve := models.CheckItem(&it, known, nil)
	if ve == nil {
		return
	}
	for _, p := range l.fieldProblems(row.Row, ve) {
		if !bad[p.field] && !(p.field == "promised_days" && bad["statutory_days"]) {
			l.Problems = append(l.Problems, p.Problem)
		}
	}
}

type fieldProblem struct {
	Problem
	field string
}

// fieldProblems puts the field errors of one item on its row, under the header of the column
// the field came from.
func (l *Listing) fieldProblems(row int, ve *models.ValidationError) []fieldProblem {
	var out []fieldProblem
	for field, msg := range ve.Fields {
		base := field
		if i := strings.IndexByte(field, '['); i >= 0 {
			base = field[:i]
		}
		head := l.heads[base]
		if head == "" {
			head = l.heads[field]
		}
		if head == "" {
			head = field
		}
		out = append(out, fieldProblem{Problem{Row: row, Column: head, Message: msg, Rule: ve.Rule(field)}, base})
	}
	sortProblems(out)
	return out
}

// StoreProblems puts the store's field errors of an import ("items[3].promised_days") on the
// rows and columns of the file the items came from.
func (l *Listing) StoreProblems(ve *models.ValidationError) []Problem {
	var out []Problem
	for field := range ve.Fields {
		i, rest, ok := itemIndex(field)
		if !ok || i >= len(l.Rows) {
			out = append(out, Problem{Column: field, Message: ve.Fields[field], Rule: ve.Rule(field)})
			continue
		}
		one := &models.ValidationError{Fields: map[string]string{rest: ve.Fields[field]}, Rules: map[string]string{rest: ve.Rule(field)}}
		for _, p := range l.fieldProblems(l.Rows[i].Row, one) {
			out = append(out, p.Problem)
		}
	}
	return out
}

// itemIndex splits "items[3].promised_days" into 3 and "promised_days".
func itemIndex(field string) (int, string, bool) {
	rest, ok := strings.CutPrefix(field, "items[")
	if !ok {
		return 0, "", false
	}
	j := strings.Index(rest, "].")
	if j < 0 {
		return 0, "", false
	}
	n, err := strconv.Atoi(rest[:j])
	return n, rest[j+2:], err == nil
}

// firstRow is the first non-blank row of a CSV text or of a workbook's first sheet.
func firstRow(data []byte, f Format) ([]string, error) {
	if f == CSV {
		s, comma, err := csvText(data)
		if err != nil {
			return nil, err
		}
		if i := strings.IndexAny(s, "\r\n"); i >= 0 {
			s = s[:i]
		}
		rows, err := splitCSV(s, comma)
		if err != nil || len(rows) == 0 {
			return nil, err
		}
		return rows[0], nil
	}
	if !bytes.HasPrefix(data, []byte("PK")) {
		return nil, fmt.Errorf("transfer: not a workbook")
	}
	return xlsxFirstRow(data)
}

// Items is the store's view of the rows: each item with the name of its department.
func (l *Listing) Items() []models.ListingItem {
	out := make([]models.ListingItem, len(l.Rows))
	for i, r := range l.Rows {
		out[i] = models.ListingItem{Item: r.Item, Department: r.Department}
	}
	return out
}

// MainNotes are the warnings of a dry run about rows whose 主项名称 names no item of their
// department in the file or the catalogue (plan.UnknownMains): their guides will show the name
// without a link to a main item.
func (l *Listing) MainNotes(plan *models.ListingPlan) []Problem {
	var out []Problem
	for _, i := range plan.UnknownMains {
		if i < 0 || i >= len(l.Rows) {
			continue
		}
		name := l.Rows[i].Item.MainName
		out = append(out, Problem{Row: l.Rows[i].Row, Column: HeadMainName, Rule: RuleUnknownMain, Args: []string{name},
			Message: fmt.Sprintf("主项名称 %q names no item of the department in the file or the catalogue; the guide shows it without a link", name)})
	}
	return out
}
