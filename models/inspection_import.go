package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"onewindow/workflow"
)

// Imports of the 两库 and the 清单 from sheets: every row is checked first,
// and a file with any problem changes nothing.

// ImportRowProblem is one problem of an imported row: the sheet row (the
// header is row 1), the column's header and a problem code (a locale key's
// last part), with a detail such as the row first holding a duplicate.
type ImportRowProblem struct {
	Row    int    `json:"row"`
	Column string `json:"column"`
	Code   string `json:"code"`
	Detail string `json:"detail,omitempty"`
}

// InspectionImportReport is the outcome of an import.
type InspectionImportReport struct {
	Rows     int                `json:"rows"`
	Created  int                `json:"created"`
	Updated  int                `json:"updated"`
	Problems []ImportRowProblem `json:"problems"`
}

// ErrImportRows is an import refused for its rows' problems (in the report).
var ErrImportRows = errors.New("the file has rows with problems; nothing was imported")

// EntityRow is one row of an entity sheet.
type EntityRow struct {
	Row                                                    int
	CreditCode, Name, Kind, Industry, Address, Town        string
	RegisteredOn, RiskLevel, SpecialPools, LastInspectedOn string
}

// Entity sheet headers.
const (
	ColCreditCode    = "统一社会信用代码"
	ColEntityName    = "名称"
	ColRiskLevel     = "风险等级"
	ColRegisteredOn  = "成立日期"
	ColLastInspected = "最近检查日期"
	ColCertNo        = "执法证号"
	ColInspectorName = "姓名"
	ColDepartment    = "部门"
	ColStatus        = "状态"
	ColAvoid         = "回避对象"
	ColListName      = "事项名称"
	ColListItemCode  = "事项编码"
	ColListMethod    = "抽查方式"
)

func checkDay(s string) bool {
	if s == "" {
		return true
	}
	_, err := workflow.ParseDate(s)
	return err == nil
}

// ImportInspectionEntities adds or updates (by credit code) the entities of
// rows when every row is valid; otherwise it returns the report with
// ErrImportRows and changes nothing.
func (s *Store) ImportInspectionEntities(ctx context.Context, rows []EntityRow, now time.Time) (*InspectionImportReport, error) {
	rep := &InspectionImportReport{Rows: len(rows)}
	first := map[string]int{}
	for _, r := range rows {
		bad := func(col, code, detail string) {
			rep.Problems = append(rep.Problems, ImportRowProblem{Row: r.Row, Column: col, Code: code, Detail: detail})
		}
		if err := workflow.ValidateCreditCode(r.CreditCode); err != nil {
			var ie *workflow.IDError
			check := "invalid"
			if errors.As(err, &ie) {
				check = ie.Check
			}
			bad(ColCreditCode, "credit_code_"+check, r.CreditCode)
		} else if f, dup := first[r.CreditCode]; dup {
			bad(ColCreditCode, "duplicate", fmt.Sprint(f))
		} else {
			first[r.CreditCode] = r.Row
		}
		if r.Name == "" {
			bad(ColEntityName, "required", "")
		}
		if !slices.Contains(RiskLevels, r.RiskLevel) {
			bad(ColRiskLevel, "risk_level", r.RiskLevel)
		}
		if !checkDay(r.RegisteredOn) {
			bad(ColRegisteredOn, "date", r.RegisteredOn)
		}
		if !checkDay(r.LastInspectedOn) {
			bad(ColLastInspected, "date", r.LastInspectedOn)
		}
	}
	if len(rep.Problems) > 0 {
		return rep, ErrImportRows
	}
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		rep.Created, rep.Updated = 0, 0
		existing := map[string]uint{}
		codes := make([]string, 0, len(rows))
		for _, r := range rows {
			codes = append(codes, r.CreditCode)
		}
		for chunk := range slices.Chunk(codes, 500) {
			var found []InspectionEntity
			if err := tx.Select("id", "credit_code").Where("credit_code IN ?", chunk).Find(&found).Error; err != nil {
				return err
			}
			for _, e := range found {
				existing[e.CreditCode] = e.ID
			}
		}
		var fresh []InspectionEntity
		for _, r := range rows {
			e := InspectionEntity{CreditCode: r.CreditCode, Name: r.Name, Kind: r.Kind, Industry: r.Industry, Address: r.Address,
				Town: r.Town, RegisteredOn: r.RegisteredOn, RiskLevel: r.RiskLevel, SpecialPools: r.SpecialPools,
				LastInspectedOn: r.LastInspectedOn, CreatedAt: now.UTC()}
			id, ok := existing[r.CreditCode]
			if !ok {
				fresh = append(fresh, e)
				continue
			}
			if err := tx.Model(&InspectionEntity{}).Where("id = ?", id).Updates(map[string]any{"name": e.Name, "kind": e.Kind,
				"industry": e.Industry, "address": e.Address, "town": e.Town, "registered_on": e.RegisteredOn,
				"risk_level": e.RiskLevel, "special_pools": e.SpecialPools, "last_inspected_on": e.LastInspectedOn}).Error; err != nil {
				return err
			}
			rep.Updated++
		}
		rep.Created = len(fresh)
		if len(fresh) == 0 {
			return nil
		}
		return tx.CreateInBatches(fresh, 500).Error
	})
	if err != nil {
		return nil, fmt.Errorf("models: import inspection entities: %w", err)
	}
	return rep, nil
}

// InspectorRow is one row of an inspector sheet. Department is a code, a
// full name or a short name; Avoid lists credit codes of the 名录库.
type InspectorRow struct {
	Row                                   int
	CertNo, Name, Department, Specialties string
	Status                                string // active / inactive (在岗 / 离岗); "" is active
	Avoid                                 []string
}

// departmentKeys maps every department's code, name and short name to its code.
func departmentKeys(tx *gorm.DB) (map[string]string, error) {
	var ds []Department
	if err := tx.Find(&ds).Error; err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, d := range ds {
		out[d.Code], out[d.Name], out[d.ShortName] = d.Code, d.Code, d.Code
	}
	return out, nil
}

// ImportInspectors adds or updates (by 执法证号) the inspectors of rows and
// replaces their recorded conflicts when every row is valid; otherwise it
// returns the report with ErrImportRows and changes nothing. Only
// departments in allowed may be named ("*" allows every one).
func (s *Store) ImportInspectors(ctx context.Context, rows []InspectorRow, allowed []string, now time.Time) (*InspectionImportReport, error) {
	rep := &InspectionImportReport{Rows: len(rows)}
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		depts, err := departmentKeys(tx)
		if err != nil {
			return err
		}
		var avoidCodes []string
		for _, r := range rows {
			avoidCodes = append(avoidCodes, r.Avoid...)
		}
		entityID := map[string]uint{}
		for chunk := range slices.Chunk(avoidCodes, 500) {
			var found []InspectionEntity
			if err := tx.Select("id", "credit_code").Where("credit_code IN ?", chunk).Find(&found).Error; err != nil {
				return err
			}
			for _, e := range found {
				entityID[e.CreditCode] = e.ID
			}
		}
		first := map[string]int{}
		for i, r := range rows {
			bad := func(col, code, detail string) {
				rep.Problems = append(rep.Problems, ImportRowProblem{Row: r.Row, Column: col, Code: code, Detail: detail})
			}
			switch f, dup := first[r.CertNo]; {
			case r.CertNo == "":
				bad(ColCertNo, "required", "")
			case dup:
				bad(ColCertNo, "duplicate", fmt.Sprint(f))
			default:
				first[r.CertNo] = r.Row
			}
			if r.Name == "" {
				bad(ColInspectorName, "required", "")
			}
			code, ok := depts[r.Department]
			switch {
			case !ok:
				bad(ColDepartment, "unknown_department", r.Department)
			case !slices.Contains(allowed, "*") && !slices.Contains(allowed, code):
				bad(ColDepartment, "other_department", r.Department)
			}
			rows[i].Department = code
			switch r.Status {
			case "", "在岗", "active":
				rows[i].Status = "active"
			case "离岗", "inactive":
				rows[i].Status = "inactive"
			default:
				bad(ColStatus, "status", r.Status)
			}
			for _, a := range r.Avoid {
				if _, ok := entityID[a]; !ok {
					bad(ColAvoid, "unknown_entity", a)
				}
			}
		}
		if len(rep.Problems) > 0 {
			return ErrImportRows
		}
		for _, r := range rows {
			var x Inspector
			err := tx.Where("cert_no = ?", r.CertNo).Take(&x).Error
			switch {
			case errors.Is(err, gorm.ErrRecordNotFound):
				x = Inspector{CertNo: r.CertNo, CreatedAt: now.UTC()}
				rep.Created++
			case err != nil:
				return err
			default:
				rep.Updated++
			}
			x.Name, x.DepartmentCode, x.Specialties, x.Status = r.Name, r.Department, r.Specialties, r.Status
			if err := tx.Save(&x).Error; err != nil {
				return err
			}
			if err := tx.Where("inspector_id = ?", x.ID).Delete(&InspectionConflict{}).Error; err != nil {
				return err
			}
			for _, a := range r.Avoid {
				if err := tx.Create(&InspectionConflict{InspectorID: x.ID, EntityID: entityID[a], Reason: "imported"}).Error; err != nil {
					return err
				}
			}
		}
		return nil
	})
	if errors.Is(err, ErrImportRows) {
		rep.Created, rep.Updated = 0, 0
		return rep, ErrImportRows
	}
	if err != nil {
		return nil, fmt.Errorf("models: import inspectors: %w", err)
	}
	return rep, nil
}

// ListRow is one row of a 随机抽查事项清单 sheet.
type ListRow struct {
	Row int
	InspectionListItem
}

// ImportInspectionList adds or updates (by department, name and sub-item)
// list rows when every row is valid; otherwise it returns the report with
// ErrImportRows and changes nothing. Only departments in allowed may be
// named ("*" allows every one); another is an unknown department.
func (s *Store) ImportInspectionList(ctx context.Context, rows []ListRow, allowed []string, now time.Time) (*InspectionImportReport, error) {
	rep := &InspectionImportReport{Rows: len(rows)}
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		depts, err := departmentKeys(tx)
		if err != nil {
			return err
		}
		first := map[[3]string]int{}
		for i, r := range rows {
			bad := func(col, code, detail string) {
				rep.Problems = append(rep.Problems, ImportRowProblem{Row: r.Row, Column: col, Code: code, Detail: detail})
			}
			code, ok := depts[r.DepartmentCode]
			switch {
			case !ok:
				bad(ColDepartment, "unknown_department", r.DepartmentCode)
			case !slices.Contains(allowed, "*") && !slices.Contains(allowed, code):
				bad(ColDepartment, "other_department", r.DepartmentCode)
			}
			rows[i].DepartmentCode = code
			if r.Name == "" {
				bad(ColListName, "required", "")
			}
			key := [3]string{code, r.Name, r.SubItem}
			if f, dup := first[key]; dup {
				bad(ColListName, "duplicate", fmt.Sprint(f))
			} else {
				first[key] = r.Row
			}
			if m := methodKey(r.Method); m == "" {
				bad(ColListMethod, "method", r.Method)
			} else {
				rows[i].Method = m
			}
			if r.ItemCode != "" {
				var n int64
				if err := tx.Model(&Item{}).Where("code = ?", r.ItemCode).Count(&n).Error; err != nil {
					return err
				}
				if n == 0 {
					bad(ColListItemCode, "unknown_item", r.ItemCode)
				}
			}
		}
		if len(rep.Problems) > 0 {
			return ErrImportRows
		}
		for _, r := range rows {
			var it InspectionListItem
			err := tx.Where("department_code = ? AND name = ? AND sub_item = ?", r.DepartmentCode, r.Name, r.SubItem).Take(&it).Error
			switch {
			case errors.Is(err, gorm.ErrRecordNotFound):
				it = InspectionListItem{CreatedAt: now.UTC()}
				rep.Created++
			case err != nil:
				return err
			default:
				rep.Updated++
			}
			id, created := it.ID, it.CreatedAt
			it = r.InspectionListItem
			it.ID, it.CreatedAt = id, created
			if err := tx.Save(&it).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, ErrImportRows) {
		rep.Created, rep.Updated = 0, 0
		return rep, ErrImportRows
	}
	if err != nil {
		return nil, fmt.Errorf("models: import inspection list: %w", err)
	}
	return rep, nil
}

// methodKey reads a 抽查方式 in Chinese or as its key; "" when unknown.
func methodKey(s string) string {
	switch strings.TrimSpace(s) {
	case "现场检查", "现场", "onsite":
		return "onsite"
	case "书面检查", "书面", "written":
		return "written"
	case "网络检查", "网络", "online":
		return "online"
	}
	return ""
}

// SeedInspections stores the demonstration 一单两库一细则 in one pass when
// there are no entities yet: list rows, entities, inspectors with conflicts
// and rules. It reports whether it seeded.
func (s *Store) SeedInspections(ctx context.Context, list []InspectionListItem, ents []InspectionEntity, xs []Inspector,
	conflicts [][2]string, rules []InspectionRules) (bool, error) {
	var n int64
	if err := s.read.WithContext(ctx).Model(&InspectionEntity{}).Count(&n).Error; err != nil {
		return false, fmt.Errorf("models: seed inspections: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		for _, batch := range []any{list, ents, xs, rules} {
			if err := tx.CreateInBatches(batch, 500).Error; err != nil {
				return err
			}
		}
		eid := map[string]uint{}
		for _, e := range ents {
			eid[e.CreditCode] = e.ID
		}
		xid := map[string]uint{}
		for _, x := range xs {
			xid[x.CertNo] = x.ID
		}
		var cs []InspectionConflict
		for _, c := range conflicts {
			cs = append(cs, InspectionConflict{InspectorID: xid[c[0]], EntityID: eid[c[1]], Reason: "亲属关系"})
		}
		if len(cs) == 0 {
			return nil
		}
		return tx.CreateInBatches(cs, 500).Error
	})
	if err != nil {
		return false, fmt.Errorf("models: seed inspections: %w", err)
	}
	return true, nil
}
