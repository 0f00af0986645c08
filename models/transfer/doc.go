// Package transfer moves the catalogue to and from XLSX and CSV files without loss, and checks
// every row of a file it reads. It touches no database: the caller loads the items to export
// and decides what to save from what Parse returns.
//
// # XLSX layout
//
// A workbook of five sheets, each with one header row of stable English names; other sheets
// and columns with other names are ignored, and the columns may come in any order.
//
//	items        one row per item: every field of models.Item except ID, CreatedAt,
//	             UpdatedAt and the application form (FormSchema: JSON through the form
//	             editor and the API; an import keeps it), in field order: code, catalog_code, name, type_code,
//	             department_code, disposition, disposition_reason, disposition_basis,
//	             merged_into, on_application, power_source, use_level, legal_basis,
//	             service_objects, handling_kind, statutory_days, promised_days,
//	             accept_conditions, handle_forms, visits, location, hours, phone,
//	             complaint_phone, is_fee, fee_basis, special_procedure, result_type,
//	             result_name, online_depth, area, status, version, effective_on, cancel_on
//	materials    item_code, key, sort, name, necessity, form, kind, copies, source,
//	             blank_form, remark
//	fees         item_code, sort, name, standard, basis
//	steps        item_code, sort, name, actor, days, counts_time, note
//	departments  item_code, sort, department_code, stages   (the workflow definition)
//
// Numbers are number cells, booleans the text true or false (TRUE, FALSE, 1 and 0 are read too),
// all other fields text cells, so long codes never turn into numbers. A list (service_objects,
// handle_forms, stages) is its values joined by "|"; a "|" or "\" inside a value is written
// "\|" or "\\", and values are trimmed when read. A date typed into effective_on or cancel_on,
// which a spreadsheet stores as a date serial, reads back as YYYY-MM-DD.
//
// # CSV layout
//
// One UTF-8 file (written with a byte order mark, read with or without one) holds all five
// sections, so that the round trip is as lossless as the workbook's. The first column names
// the record kind of the row: item, material, fee, step or department. A row whose first cell
// is "#" and a kind ("#item", "#material", …) is the header of the rows of that kind that
// follow it, with the same column names as the sheet; Export writes each header once, before
// the first row of its kind, and the sections in the order above:
//
//	#item,code,catalog_code,name,…
//	item,150902010010000001000,010010000001,食品经营许可（新办）,…
//	#material,item_code,key,sort,name,…
//	material,150902010010000001000,m1,1,"申请书，一式两份, 原件",…
//
// Cells follow RFC 4180: a cell holding a comma, quote or line break is quoted, quotes doubled;
// line breaks inside a cell (including "\r\n") are kept byte for byte. Rows end with "\r\n".
// A file saved by a spreadsheet with ";" or tab separators is read too. Row numbers in
// problems are the rows a spreadsheet shows: a blank line is a row, a quoted line break is not.
// Spreadsheet programs turn long digit strings into numbers when they open a CSV file, so files
// meant for editing by hand should be XLSX.
//
// # Reading and validation
//
// Parse reports a problem (sheet, row, column, message) for every cell it cannot read (a
// number that is not a whole number, a boolean that is not true or false), every missing
// column (the rows under that header are then skipped), every repeated code (on the second
// row, naming the first), every child row whose item_code names no item, and every message of
// Validate, on the row and column it is about. Each problem names its rule (RuleNotWhole,
// RuleNoItem, models.RuleRequired …) and the values its message needs, so that a page can say
// it in the reader's language; Localize gives its sheet and column the names a file in that
// language uses. A file that is not a catalogue file at all
// (not a zip workbook, no items sheet, no #item header, not UTF-8) is an error instead.
package transfer
