package transfer

import "strings"

// Rules of problems of the multi-sheet layout beyond those it shares with the 实施清单
// (RuleMissingColumn, RuleRepeatColumn, RuleDuplicateCode) and the item rules of models.
const (
	RuleNotWhole      = "not_whole"      // args: value
	RuleNotBool       = "not_bool"       // args: value
	RuleNotStages     = "not_stages"     // args: value; a plan cell that is not a JSON list of stages
	RuleNoItem        = "no_item"        // args: item code
	RuleNoHeader      = "no_header"      // args: the header row's first cell ("#item")
	RuleUnknownRecord = "unknown_record" // args: record kind as written
	RuleMissingSheet  = "missing_sheet"  // args: sheet
	RuleEmptySheet    = "empty_sheet"    // args: sheet
)

// cellError is a cell that cannot be read, with the rule it breaks and the value as written.
type cellError struct {
	rule, value, msg string
}

func (e cellError) Error() string { return e.msg }

// SheetTitle is the name of a sheet of the multi-sheet layout in lang; a name that is no sheet
// of the layout (the 实施清单 has none) is kept.
func SheetTitle(sheet string, lang Lang) string {
	if sheetOf(sheet) == "" {
		return sheet
	}
	return sheetTitle(sheetOf(sheet), lang)
}

// ColumnTitle is the header of a column of a sheet of the multi-sheet layout in lang, as
// Export writes it; a column the layout does not name (a 实施清单 header, "record") is kept,
// except that "record" reads 记录类型 in Chinese.
func ColumnTitle(sheet, col string, lang Lang) string {
	if lang != Chinese {
		return col
	}
	if col == "record" {
		return "记录类型"
	}
	if zh, ok := zhColumns(sheetOf(sheet))[col]; ok {
		return zh
	}
	return col
}

// Localize returns a problem of the multi-sheet layout with its sheet, column and the names
// among its arguments (a missing column, a missing sheet …) in lang, as the file in that
// language names them. Problems of a 实施清单 (no sheet) already carry the file's headers.
func Localize(p Problem, lang Lang) Problem {
	if p.Sheet == "" && p.Column != "record" {
		return p
	}
	args := append([]string(nil), p.Args...)
	switch {
	case len(args) == 0:
	case p.Rule == RuleMissingColumn || p.Rule == RuleRepeatColumn:
		args[0] = ColumnTitle(p.Sheet, args[0], lang)
	case p.Rule == RuleMissingSheet || p.Rule == RuleEmptySheet:
		args[0] = SheetTitle(args[0], lang)
	case p.Rule == RuleNoHeader:
		if s := sheetOf(strings.TrimPrefix(args[0], "#") + "s"); s != "" {
			args[0] = "#" + recordTitle(s, lang)
		}
	}
	p.Args = args
	p.Column = ColumnTitle(p.Sheet, p.Column, lang)
	p.Sheet = SheetTitle(p.Sheet, lang)
	return p
}
