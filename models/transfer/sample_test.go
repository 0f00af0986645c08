package transfer

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"onewindow/models"
)

// testKnown is the reference data the sample items are valid against.
func testKnown() Known {
	return Known{
		Departments: map[string]bool{"scj": true, "zjj": true, "gaj": true, "zwfwj": true, "sw": true},
		Types:       map[string]bool{"01": true, "02": true, "07": true, "20": true},
	}
}

// sampleItems is a hand-made catalogue that sets every field somewhere, with the text a
// spreadsheet finds hardest: commas, quotes, line breaks, "|" and "\" inside list values,
// leading and trailing spaces, formula-like text, Excel's own _xHHHH_ escapes and emoji.
//
// The items are used by index in the tests: 0 full, 1 cancelled, 2 merged, 3 delegated and
// immediate, 4 odd text, 5 ex officio with nothing but its name.
func sampleItems() []models.Item {
	stamp := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	full := models.Item{
		ID: 7, Code: "150902010010000001000", CatalogCode: "010010000001", MainName: "食品经营许可", Name: "食品经营许可（新办）",
		TypeCode: "01", DepartmentCode: "scj", Disposition: models.DispositionRetained,
		DispositionBasis: "《国务院关于取消和下放一批行政许可事项的决定》", OnApplication: true,
		PowerSource: "statutory", UseLevel: "district", LegalBasis: "《中华人民共和国食品安全法》第三十五条\r\n《食品经营许可和备案管理办法》第四条",
		ServiceObjects: models.StringList{"person", "enterprise", "个体|工商户", `a\b`}, HandlingKind: models.KindPromised,
		StatutoryDays: models.IntPtr(45), PromisedDays: models.IntPtr(15), // joint: the joint limit
		AcceptConditions: "1. 申请人具有与经营的食品品种、数量相适应的经营场所；\n2. 有\"食品安全管理制度\"，包括进货查验、记录",
		HandleForms:      models.StringList{"window", "online", "post"}, Visits: models.IntPtr(1),
		Location: "集宁区察哈尔大街集宁区政务服务中心一楼 A 区 12 号窗口", Hours: "工作日 9:00-12:00，13:30-17:30",
		Phone: "0474-8237315", ComplaintPhone: "12345", IsFee: models.BoolPtr(true), FeeBasis: "《行政事业性收费标准》（内发改费字〔2019〕号）",
		SpecialProcedure: "现场核查（10 个工作日，不计入承诺时限）", ResultType: "licence", ResultName: "食品经营许可证",
		OnlineDepth: models.IntPtr(3), Area: "集宁区", Status: models.ItemPublished, Version: 4, EffectiveOn: "2025-06-30",
		CancelOn: "2027-12-31", CreatedAt: stamp, UpdatedAt: stamp,
		PledgeAllowed: true, PledgeText: "本人承诺经营场所符合要求，\"如有不实\"，愿承担责任。", PledgeCheckDays: models.IntPtr(20),
		PendingDays: models.IntPtr(3),
		Materials: []models.Material{
			{ID: 1, ItemID: 7, Key: "m1", Sort: 1, Name: "食品经营许可申请书", Necessity: models.NecessityRequired,
				Form: "both", Kind: "original", Copies: models.IntPtr(1), Source: "applicant", BlankForm: true,
				Remark: "可在政务服务网下载，\"一式两份\"，逗号,引号\"和|竖线"},
			{ID: 2, ItemID: 7, Key: "m2", Sort: 2, Name: "营业执照复印件", Necessity: models.NecessityOptional,
				Form: "paper", Kind: "copy", Copies: models.IntPtr(2), Source: "government", Remark: "查验原件\n留存复印件"},
			{ID: 3, ItemID: 7, Key: "m3", Sort: 3, Name: "经营场所平面图", Necessity: models.NecessityDeferred,
				Form: "electronic", Kind: "both", Copies: models.IntPtr(3), Source: "other", Remark: "容缺后补", PledgeReplaces: true},
		},
		Fees: []models.Fee{
			{ID: 1, ItemID: 7, Sort: 1, Name: "工本费", Standard: "10 元/证", Basis: "内发改费字〔2019〕1号", Exemption: "残疾人凭残疾人证免收"},
			{ID: 2, ItemID: 7, Sort: 2, Name: "邮寄费", Standard: "按实收取, 不超过 20 元", Basis: ""},
		},
		Steps: []models.Step{
			{ID: 1, ItemID: 7, Sort: 1, Name: "申请", Actor: "申请人", Note: "窗口、网上或者邮寄"},
			{ID: 2, ItemID: 7, Sort: 2, Name: "受理", Actor: "综合受理窗口", CountsTime: true, Note: "一次性告知"},
			{ID: 3, ItemID: 7, Sort: 3, Name: "审查", Actor: "各联办部门", Days: 10, CountsTime: true, Note: "并联审查"},
			{ID: 4, ItemID: 7, Sort: 4, Name: "决定", Actor: "分管领导", Days: 4, CountsTime: true},
			{ID: 5, ItemID: 7, Sort: 5, Name: "送达", Actor: "综合受理窗口", Days: 1, CountsTime: true},
		},
		Departments: []models.ItemDepartment{
			{ID: 1, ItemID: 7, Sort: 1, DepartmentCode: "scj", Stages: models.StringList{"review", "decide"},
				Plan: models.StagePlan{{Name: "初审", Role: "reviewer", Share: 30}, {Name: "复审", Role: "reviewer"}, {Name: "决定", Role: "approver"}}},
			{ID: 2, ItemID: 7, Sort: 2, DepartmentCode: "zjj", Stages: models.StringList{"review"}},
		},
	}
	return []models.Item{
		full,
		{Code: "150902020010000002000", CatalogCode: "020010000002", Name: "对未取得许可从事食品经营的处罚",
			TypeCode: "02", DepartmentCode: "scj", Disposition: models.DispositionCancelled,
			DispositionReason: "上位法已废止, 依据失效", DispositionBasis: "区政府常务会议纪要〔2025〕12号",
			ServiceObjects: models.StringList{"enterprise"}, HandleForms: models.StringList{},
			Status: models.ItemPublished, Version: 2, CancelOn: "2025-06-30"},
		{Code: "150902070010000003000", CatalogCode: "070010000003", Name: "食品经营许可（变更）",
			TypeCode: "07", DepartmentCode: "scj", Disposition: models.DispositionMerged,
			DispositionReason: "与新办合并为一个事项", MergedInto: "150902010010000001000",
			Status: models.ItemPublished, Version: 1},
		{Code: "150902200010000004000", CatalogCode: "200010000004", Name: "个体工商户名称自主申报",
			TypeCode: "20", DepartmentCode: "zwfwj", Disposition: models.DispositionDelegated,
			DispositionReason: "下放至乡镇（街道）便民服务中心", OnApplication: true, HandlingKind: models.KindImmediate,
			StatutoryDays: models.IntPtr(5), PromisedDays: models.IntPtr(0), Status: models.ItemDraft, Version: 1,
			Steps:       []models.Step{{Sort: 1, Name: "即办", Actor: "综合受理窗口", Note: "当场办结"}},
			Departments: []models.ItemDepartment{{Sort: 1, DepartmentCode: "zwfwj", Stages: models.StringList{"decide"}}}},
		{Code: "150902010020000005000", CatalogCode: "010020000005", Name: " =SUM(A1) 前后空格 ",
			TypeCode: "01", DepartmentCode: "sw", Disposition: models.DispositionRetained, OnApplication: true,
			LegalBasis: "_x0041_ 不是转义 \\ 反斜杠 😀", Location: "\t制表符开头", Hours: "-5", Phone: "+86 474 123",
			ComplaintPhone: "@12345", AcceptConditions: "Windows 换行\r\n与孤立回车\r结尾换行\n",
			ServiceObjects: models.StringList{"自然人"}, HandlingKind: models.KindPromised, StatutoryDays: models.IntPtr(30), PromisedDays: models.IntPtr(30),
			Status: models.ItemPublished, Version: 1, EffectiveOn: "2026-02-28",
			Materials: []models.Material{{Key: "id", Sort: 1, Name: "身份证", Necessity: models.NecessityRequired,
				Form: "paper", Kind: "original", Copies: models.IntPtr(0), Source: "applicant", Remark: "\"全部是引号\""}},
			Fees:        []models.Fee{{Sort: 1, Name: "免费", Standard: "0", Basis: "—"}},
			Departments: []models.ItemDepartment{{Sort: 1, DepartmentCode: "sw", Stages: models.StringList{"review", "decide"}}}},
		{Code: "X6", CatalogCode: "020020000006", Name: "对违反治安管理行为的处罚", TypeCode: "02",
			DepartmentCode: "gaj", Disposition: models.DispositionRetained, Status: models.ItemPublished},
	}
}

// normalise clears what a file does not carry (ids, timestamps) and treats nil and empty
// slices alike, so that items can be compared with reflect.DeepEqual.
func normalise(items []models.Item) []models.Item {
	out := make([]models.Item, len(items))
	for i, it := range items {
		it.ID, it.CreatedAt, it.UpdatedAt, it.FormSchema = 0, time.Time{}, time.Time{}, ""
		it.ServiceObjects, it.HandleForms = list(it.ServiceObjects), list(it.HandleForms)
		it.Materials = children(it.Materials, func(m *models.Material) { m.ID, m.ItemID = 0, 0 })
		it.Fees = children(it.Fees, func(f *models.Fee) { f.ID, f.ItemID = 0, 0 })
		it.Steps = children(it.Steps, func(s *models.Step) { s.ID, s.ItemID = 0, 0 })
		it.Departments = children(it.Departments, func(d *models.ItemDepartment) {
			d.ID, d.ItemID, d.Stages = 0, 0, list(d.Stages)
		})
		out[i] = it
	}
	return out
}

func list(l models.StringList) models.StringList {
	if len(l) == 0 {
		return nil
	}
	return l
}

func children[T any](in []T, clear func(*T)) []T {
	if len(in) == 0 {
		return nil
	}
	out := append([]T(nil), in...)
	for i := range out {
		clear(&out[i])
	}
	return out
}

// requireEveryField fails unless each field of the values' struct type (bar the ones a file
// does not carry) is non-zero in at least one of them, so that a round trip proves it travels.
func requireEveryField[T any](t *testing.T, values []T) {
	t.Helper()
	typ := reflect.TypeFor[T]()
	// The application form travels as JSON through the form editor and the API
	// (GET/PUT /api/v1/items/{code}/form…), not as a spreadsheet column; an
	// import keeps each item's form.
	skip := map[string]bool{"ID": true, "ItemID": true, "CreatedAt": true, "UpdatedAt": true,
		"Materials": true, "Fees": true, "Steps": true, "Departments": true, "FormSchema": true}
	for i := range typ.NumField() {
		f := typ.Field(i)
		if skip[f.Name] {
			continue
		}
		set := false
		for _, v := range values {
			set = set || !reflect.ValueOf(v).Field(i).IsZero()
		}
		if !set {
			t.Errorf("no sample %s sets %s", typ.Name(), f.Name)
		}
	}
}

// syntheticItems makes n valid items in the shape of the sample's full item.
func syntheticItems(n int) []models.Item {
	base := sampleItems()[0]
	items := make([]models.Item, n)
	for i := range items {
		it := base
		it.Code = fmt.Sprintf("150902%02d%03d%07d000", 1+i%10, i%34, i)
		it.CatalogCode = it.Code[6:18]
		it.Name = fmt.Sprintf("%s（第 %d 项）", base.Name, i)
		it.Materials = append([]models.Material(nil), base.Materials...)
		it.Steps = append([]models.Step(nil), base.Steps...)
		items[i] = it
	}
	return items
}
