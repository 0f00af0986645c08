package handlers

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"onewindow/models"
)

// Sheets of the 两库 and the 清单: one sheet, Chinese headers matched by name
// in any order, as CSV or XLSX.

// inspectionUploadLimit bounds an imported sheet.
const inspectionUploadLimit = 8 << 20

// sheetRows is a read sheet: its header → column index, and its data rows
// with their sheet row numbers (the header is row 1).
type sheetRows struct {
	cols map[string]int
	rows [][]string
	nums []int
}

// cell returns a row's trimmed cell under header ("" when absent).
func (s *sheetRows) cell(i int, header string) string {
	j, ok := s.cols[header]
	if !ok || j >= len(s.rows[i]) {
		return ""
	}
	return strings.TrimSpace(s.rows[i][j])
}

// inspectionSheetFault is what is wrong with an uploaded file as a whole,
// for a page to say in its own language (the API answers the English
// message of the field "file").
type inspectionSheetFault struct {
	Key     string   // inspection.sheet.<Key> in the locales
	Columns []string // the missing header names, for missing_columns
}

func (f *inspectionSheetFault) Error() string { return "sheet: " + f.Key }

// sheetFault is a 422 on the field "file" with its fault for pages.
func sheetFault(key, msg string) *Error {
	e := invalid(map[string]string{"file": msg})
	e.Err = &inspectionSheetFault{Key: key}
	return e
}

// readUpload reads the multipart file "file" as CSV or XLSX (by its name).
func readUpload(c *gin.Context) (*sheetRows, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, sheetFault("no_file", "choose a CSV or XLSX file")
	}
	if fh.Size > inspectionUploadLimit {
		return nil, &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: "the file is larger than 8 MB", Err: &inspectionSheetFault{Key: "too_large"}}
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, inspectionUploadLimit+1))
	if err != nil {
		return nil, err
	}
	var records [][]string
	switch strings.ToLower(filepath.Ext(fh.Filename)) {
	case ".xlsx":
		x, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			return nil, sheetFault("not_xlsx", "the file is not a readable XLSX workbook")
		}
		defer x.Close()
		if records, err = x.GetRows(x.GetSheetName(0)); err != nil {
			return nil, sheetFault("no_sheet", "the workbook's first sheet cannot be read")
		}
	case ".csv":
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))))
		r.FieldsPerRecord = -1
		if records, err = r.ReadAll(); err != nil {
			return nil, sheetFault("bad_csv", "the CSV file cannot be read: "+err.Error())
		}
	default:
		return nil, &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_file", Message: "the file must be CSV or XLSX", Err: &inspectionSheetFault{Key: "unsupported"}}
	}
	if len(records) == 0 {
		return nil, sheetFault("empty", "the file is empty")
	}
	s := &sheetRows{cols: map[string]int{}}
	for j, h := range records[0] {
		s.cols[strings.TrimSpace(h)] = j
	}
	for i, r := range records[1:] {
		if strings.TrimSpace(strings.Join(r, "")) == "" {
			continue
		}
		s.rows, s.nums = append(s.rows, r), append(s.nums, i+2)
	}
	return s, nil
}

// requireColumns names the required headers missing from the sheet.
func (s *sheetRows) requireColumns(headers ...string) error {
	var missing []string
	for _, h := range headers {
		if _, ok := s.cols[h]; !ok {
			missing = append(missing, h)
		}
	}
	if len(missing) > 0 {
		e := sheetFault("missing_columns", "the header row lacks "+strings.Join(missing, ", "))
		e.Err.(*inspectionSheetFault).Columns = missing
		return e
	}
	return nil
}

// splitList splits a cell of several values (、，, ; or new lines).
func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("、，,;；\n\r\t ", r) }) {
		out = append(out, strings.ToUpper(f))
	}
	return out
}

func entityRows(s *sheetRows) []models.EntityRow {
	out := make([]models.EntityRow, len(s.rows))
	for i := range s.rows {
		out[i] = models.EntityRow{Row: s.nums[i], CreditCode: strings.ToUpper(s.cell(i, models.ColCreditCode)), Name: s.cell(i, models.ColEntityName),
			Kind: s.cell(i, "类型"), Industry: s.cell(i, "行业"), Address: s.cell(i, "地址"), Town: s.cell(i, "乡镇街道"),
			RegisteredOn: s.cell(i, models.ColRegisteredOn), RiskLevel: strings.ToUpper(s.cell(i, models.ColRiskLevel)),
			SpecialPools: s.cell(i, "特殊名录"), LastInspectedOn: s.cell(i, models.ColLastInspected)}
	}
	return out
}

func inspectorRows(s *sheetRows) []models.InspectorRow {
	out := make([]models.InspectorRow, len(s.rows))
	for i := range s.rows {
		out[i] = models.InspectorRow{Row: s.nums[i], CertNo: s.cell(i, models.ColCertNo), Name: s.cell(i, models.ColInspectorName),
			Department: s.cell(i, models.ColDepartment), Specialties: s.cell(i, "专业领域"), Status: s.cell(i, models.ColStatus),
			Avoid: splitList(s.cell(i, models.ColAvoid))}
	}
	return out
}

// listHeaders are the columns of a 随机抽查事项清单 sheet, as imported and exported.
var listHeaders = []string{models.ColDepartment, models.ColListItemCode, models.ColListName, "子项", "抽查依据", "抽查主体",
	"抽查对象", "抽查内容", models.ColListMethod, "抽查比例", "抽查频次", "检查人员要求"}

func listRows(s *sheetRows) []models.ListRow {
	out := make([]models.ListRow, len(s.rows))
	for i := range s.rows {
		c := func(j int) string { return s.cell(i, listHeaders[j]) }
		out[i] = models.ListRow{Row: s.nums[i], InspectionListItem: models.InspectionListItem{DepartmentCode: c(0), ItemCode: c(1),
			Name: c(2), SubItem: c(3), Basis: c(4), Subject: c(5), Object: c(6), Content: c(7), Method: c(8), Ratio: c(9),
			Frequency: c(10), Requirement: c(11)}}
	}
	return out
}

// writeXLSX answers with a one-sheet workbook.
func writeXLSX(c *gin.Context, filename string, header []string, rows [][]string) error {
	x := excelize.NewFile()
	defer x.Close()
	sheet := x.GetSheetName(0)
	all := append([][]string{header}, rows...)
	for i, r := range all {
		cellName, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return err
		}
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
		}
		if err := x.SetSheetRow(sheet, cellName, &vals); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return err
	}
	c.Header("Content-Disposition", `attachment; filename="`+filename+`"`)
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
	return nil
}
