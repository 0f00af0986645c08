package transfer

import "strings"

// The multi-sheet layout speaks the reader's language: in Chinese its sheets, headers and the
// values of coded columns carry the names a Chinese catalogue uses. Import reads both
// languages; a value that is not in a table is kept as written, for validation to judge.

// Lang is the language of a file's names.
type Lang string

// The two languages of the multi-sheet layout.
const (
	// English names: the stable field names.
	English Lang = "en"
	// Chinese names: 事项 / 材料 …, 实施编码 …, 保留 / 取消 …
	Chinese Lang = "zh-CN"
)

// LangOf maps a page language to the language of a file: Chinese unless English is asked.
func LangOf(page string) Lang {
	if page == string(English) {
		return English
	}
	return Chinese
}

// zhSheet is the Chinese name of each sheet (and CSV record kind).
func zhSheet(sheet string) string {
	switch sheet {
	case sheetItems:
		return "事项"
	case sheetMaterials:
		return "材料"
	case sheetFees:
		return "收费"
	case sheetSteps:
		return "环节"
	case sheetDepartments:
		return "联办部门"
	}
	return sheet
}

// sheetOf maps a sheet name in either language to the sheet; "" when it is none.
func sheetOf(name string) string {
	for _, s := range sheetOrder() {
		if name == s || name == zhSheet(s) {
			return s
		}
	}
	return ""
}

// sheetTitle is the sheet's name in lang.
func sheetTitle(sheet string, lang Lang) string {
	if lang == Chinese {
		return zhSheet(sheet)
	}
	return sheet
}

// recordTitle is the CSV record kind of a sheet in lang.
func recordTitle(sheet string, lang Lang) string {
	if lang == Chinese {
		return zhSheet(sheet)
	}
	return recordOf(sheet)
}

// zhColumns are the Chinese headers of each sheet's columns.
func zhColumns(sheet string) map[string]string {
	switch sheet {
	case sheetItems:
		return map[string]string{"code": "实施编码", "catalog_code": "基本编码", "main_name": "主项名称", "name": "事项名称",
			"type_code": "事项类型代码", "department_code": "实施主体代码", "disposition": "清理结果", "disposition_reason": "调整理由",
			"disposition_basis": "调整依据", "merged_into": "并入事项", "on_application": "依申请", "power_source": "权力来源",
			"use_level": "行使层级", "legal_basis": "设定依据", "service_objects": "服务对象", "handling_kind": "办件类型",
			"statutory_days": "法定办结时限", "promised_days": "承诺办结时限", "accept_conditions": "受理条件",
			"handle_forms": "办理形式", "visits": "到现场次数", "location": "办理地点", "hours": "办理时间", "phone": "咨询电话",
			"complaint_phone": "监督投诉电话", "is_fee": "是否收费", "fee_basis": "收费依据", "special_procedure": "特别程序",
			"result_type": "审批结果类型", "result_name": "审批结果名称", "online_depth": "网办深度", "area": "适用区域",
			"status": "发布状态", "version": "版本", "effective_on": "生效日期", "cancel_on": "取消日期",
			"pledge_allowed": "告知承诺", "pledge_text": "承诺书内容", "pledge_check_days": "承诺核查期限", "pending_days": "容缺补齐期限"}
	case sheetMaterials:
		return map[string]string{colItemCode: "实施编码", "key": "材料编号", "sort": "序号", "name": "材料名称", "necessity": "必要性",
			"form": "材料形式", "kind": "原件复印件", "copies": "份数", "source": "来源渠道", "blank_form": "空白表格", "remark": "备注",
			"pledge_replaces": "可承诺代替"}
	case sheetFees:
		return map[string]string{colItemCode: "实施编码", "sort": "序号", "name": "收费项目", "standard": "收费标准", "basis": "收费依据", "exemption": "减免规定"}
	case sheetSteps:
		return map[string]string{colItemCode: "实施编码", "sort": "序号", "name": "环节名称", "actor": "办理人员", "days": "办理时限",
			"counts_time": "计入时限", "note": "说明"}
	case sheetDepartments:
		return map[string]string{colItemCode: "实施编码", "sort": "序号", "department_code": "部门代码", "stages": "办理阶段", "plan": "审批环节"}
	}
	return nil
}

// zhValues are the Chinese names of the values of coded columns, by column.
func zhValues(col string) map[string]string {
	switch col {
	case "disposition":
		return map[string]string{"retained": "保留", "cancelled": "取消", "merged": "合并", "delegated": "下放"}
	case "handling_kind":
		return map[string]string{"immediate": "即办件", "promised": "承诺件"}
	case "power_source":
		return map[string]string{"statutory": "法定本级行使", "delegated_up": "上级下放", "authorised_up": "上级授权",
			"authorised_peer": "同级授权", "entrusted_up": "上级委托", "entrusted_peer": "同级委托"}
	case "use_level":
		return map[string]string{"district": "县（区）级"}
	case "service_objects":
		return map[string]string{"person": "自然人", "enterprise": "企业法人", "institution": "事业法人", "social_org": "社会组织",
			"unincorporated": "非法人企业", "agency": "行政机关", "other": "其他组织"}
	case "handle_forms":
		return map[string]string{"window": "窗口办理", "online": "网上办理", "post": "快递申请"}
	case "result_type":
		return map[string]string{"licence": "证照", "approval": "批文", "other": "其他", "none": "无"}
	case "status":
		return map[string]string{"published": "已发布", "draft": "草稿"}
	case "necessity":
		return map[string]string{"required": "必要", "optional": "非必要", "deferred": "容缺后补"}
	case "form":
		return map[string]string{"paper": "纸质", "electronic": "电子", "both": "纸质和电子"}
	case "kind":
		return map[string]string{"original": "原件", "copy": "复印件", "both": "原件和复印件"}
	case "source":
		return map[string]string{"applicant": "申请人自备", "government": "政府部门核发", "other": "其他"}
	case "stages":
		return map[string]string{"review": "审查", "decide": "决定"}
	}
	return nil
}

// zhBool names true and false.
func zhBool(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// translator turns the cells of one sheet into lang on export and back on import.
type translator struct {
	lang   Lang
	values map[string]map[string]string // column → value → Chinese
	back   map[string]map[string]string // column → Chinese → value
}

func newTranslator(sheet string, lang Lang, cols []string) *translator {
	t := &translator{lang: lang, values: map[string]map[string]string{}, back: map[string]map[string]string{}}
	for _, c := range cols {
		if m := zhValues(c); m != nil {
			t.values[c] = m
			t.back[c] = map[string]string{}
			for k, v := range m {
				t.back[c][v] = k
			}
		}
	}
	return t
}

// verbatim marks a value written as it is stored: one that is itself a Chinese name (so that
// it would read back as the value that name stands for), or that starts with the mark.
const verbatim = `\=`

// out is a value as lang writes it; a list column's values one by one.
func (t *translator) out(col, v string) string {
	if t.lang != Chinese || t.values[col] == nil {
		return v
	}
	if !isList(col) {
		return t.outOne(col, v)
	}
	l := splitList(v)
	for i := range l {
		l[i] = t.outOne(col, l[i])
	}
	return joinList(l)
}

func (t *translator) outOne(col, v string) string {
	if z, ok := t.values[col][v]; ok {
		return z
	}
	if _, clash := t.back[col][v]; clash || strings.HasPrefix(v, verbatim) {
		return verbatim + v
	}
	return v
}

// in reads a value written in either language.
func (t *translator) in(col, v string) string {
	if t == nil || t.back[col] == nil {
		return v
	}
	if !isList(col) {
		return t.inOne(col, v)
	}
	if v == "" {
		return v
	}
	l := splitList(v)
	for i := range l {
		l[i] = t.inOne(col, l[i])
	}
	return joinList(l)
}

func (t *translator) inOne(col, v string) string {
	if rest, ok := strings.CutPrefix(v, verbatim); ok {
		return rest
	}
	if e, ok := t.back[col][v]; ok {
		return e
	}
	return v
}

func isList(col string) bool {
	return col == "service_objects" || col == "handle_forms" || col == "stages"
}

// cell is the text of a field as lang writes it: a yes or no as 是 or 否 in Chinese.
func (t *translator) cell(p any, col string) string {
	if t.lang == Chinese {
		switch v := p.(type) {
		case *bool:
			return zhBool(*v)
		case **bool:
			if *v != nil {
				return zhBool(**v)
			}
		}
	}
	return t.out(col, text(p))
}

// headerTitles is a sheet's header row in lang.
func headerTitles(sheet string, cols []string, lang Lang) []string {
	if lang != Chinese {
		return cols
	}
	zh := zhColumns(sheet)
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = zh[c]
	}
	return out
}
