package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode/utf8"

	"onewindow/models"
)

// fillGuide completes the service guide of an item filed on application.
func fillGuide(it *models.Item, d deptSpec, sort int, e entry, rng *rand.Rand) {
	joint := it.Joint()
	it.HandlingKind = models.KindPromised
	if e.attrs["kind"] == models.KindImmediate || (!joint && e.attrs["days"] == "" && rng.Float64() < immediateShare(it.TypeCode)) {
		it.HandlingKind = models.KindImmediate
	}
	statutory, promised := timeLimits(it, e, joint, rng)
	it.StatutoryDays, it.PromisedDays = models.IntPtr(statutory), models.IntPtr(promised)
	it.AcceptConditions = acceptConditions(it.TypeCode, e)
	depth := onlineDepth(it.TypeCode, rng)
	it.OnlineDepth = models.IntPtr(depth)
	it.HandleForms = models.StringList{"window"}
	if depth >= 2 {
		it.HandleForms = append(it.HandleForms, "online")
	}
	if rng.IntN(10) < 3 {
		it.HandleForms = append(it.HandleForms, "post")
	}
	it.Visits = models.IntPtr(1)
	if depth == 4 {
		it.Visits = models.IntPtr(0)
	}
	floor := []string{"一", "二", "三"}[sort%3]
	it.Location = fmt.Sprintf("集宁区政务服务中心%s楼综合受理窗口（%s）", floor, "集宁"+d.short) // the department as its name reads everywhere
	if joint {
		it.Location = "集宁区政务服务中心一楼“一件事”综合受理窗口"
	}
	it.ResultType, it.ResultName = result(it.Name, it.TypeCode, e.attrs["res"])
	it.SpecialProcedure = specialProcedure(it, e, rng)
	it.Fees = fees(e.attrs["fee"])
	it.IsFee = models.BoolPtr(len(it.Fees) > 0)
	if len(it.Fees) > 0 {
		it.FeeBasis = it.Fees[0].Basis
	}
	it.Materials = materials(it, e, rng)
	it.Steps = steps(it, joint)
}

// immediateShare is the chance that an item of the type is handled on the spot (即办件).
func immediateShare(typ string) float64 {
	switch typ {
	case "01":
		return 0.03
	case "05":
		return 0.05
	case "07", "10":
		return 0.08
	case "20":
		return 0.12
	}
	return 0
}

// timeLimits returns the statutory and promised limits in working days.
func timeLimits(it *models.Item, e entry, joint bool, rng *rand.Rand) (int, int) {
	if it.HandlingKind == models.KindImmediate {
		return 1, 0
	}
	if s, p, ok := strings.Cut(e.attrs["days"], "/"); ok {
		a, errA := strconv.Atoi(s)
		b, errB := strconv.Atoi(p)
		if errA == nil && errB == nil && b >= 1 && b <= a {
			return a, b
		}
	}
	var options []int
	switch {
	case joint:
		options = []int{45} // 行政许可法 Art. 42: joint or unified handling
	case it.TypeCode == "01":
		options = []int{20, 20, 20, 20, 15, 30}
	case it.TypeCode == "05":
		options = []int{30, 20, 15}
	case it.TypeCode == "08":
		options = []int{30, 60}
	case it.TypeCode == "09":
		options = []int{60, 30}
	case it.TypeCode == "20":
		options = []int{15, 10, 20, 5}
	default:
		options = []int{20, 15, 30, 10}
	}
	statutory := options[rng.IntN(len(options))]
	ratio := []float64{0.15, 0.2, 0.25, 0.3, 0.5}[rng.IntN(5)]
	promised := max(1, int(float64(statutory)*ratio+0.5))
	return statutory, min(promised, statutory)
}

func onlineDepth(typ string, rng *rand.Rand) int {
	switch typ {
	case "07", "20":
		return 2 + rng.IntN(3)
	case "01", "10":
		return 2 + rng.IntN(2) + rng.IntN(2)
	}
	return 1 + rng.IntN(3)
}

// acceptConditions writes the 受理条件 of an item from its type and the sheet's condition.
func acceptConditions(typ string, e entry) string {
	law := lawTitle(e)
	cond := e.cond
	if c, ok := e.attrs["cond"]; ok {
		cond = c
	}
	if cond == "" {
		switch typ {
		case "01":
			cond = "具备与申请事项相适应的场所、设施设备、管理制度和专业人员，符合" + law + "规定的条件"
		case "05":
			cond = "符合" + law + "规定的给付对象和给付条件，未重复享受同类待遇"
		case "07":
			cond = "申请确认的事项真实、合法，符合" + law + "规定的条件"
		case "08":
			cond = "在相关工作中成绩显著或者作出突出贡献，符合" + law + "规定的奖励条件"
		case "09":
			cond = "当事人之间发生争议且协商不成，争议事项属于本机关依法裁决的范围"
		case "20":
			cond = "本区居民、企业或者其他组织，持有效身份证明按规定提出申请"
		default:
			cond = "申请事项符合" + law + "规定的条件"
		}
	}
	return "1. " + cond + "；2. 申请材料齐全、符合法定形式；3. 申请人对申请材料的真实性负责，作出书面承诺。"
}

// lawTitle returns the cited statute without its article, or a generic phrase.
func lawTitle(e entry) string {
	if l, ok := e.attrs["law"]; ok {
		e.law = l
	}
	if i := strings.Index(e.law, "》"); strings.HasPrefix(e.law, "《") && i > 0 {
		return e.law[:i+len("》")]
	}
	return "有关法律法规"
}

// result names what the applicant receives (证照/批文/其他/无).
func result(name, typ, override string) (string, string) {
	if k, v, ok := strings.Cut(override, ":"); ok {
		return k, v
	}
	base := baseName(name)
	switch typ {
	case "01":
		if strings.Contains(name[len(base):], "注销") {
			return "other", "准予注销决定书"
		}
		for _, act := range []string{"变更", "延续", "延期", "换发", "补发", "校验", "核发"} {
			if b := strings.TrimSuffix(base, act); b != base && strings.HasSuffix(b, "证") {
				return "licence", b
			}
		}
		switch {
		case strings.HasSuffix(base, "许可") && utf8.RuneCountInString(base) <= 12:
			return "licence", base + "证"
		case strings.HasSuffix(base, "证"):
			return "licence", base
		}
		return "approval", "准予行政许可决定书"
	case "05":
		return "other", "准予给付决定书"
	case "07":
		if strings.HasSuffix(base, "登记") {
			return "other", base + "证明"
		}
		return "other", "确认结果通知书"
	case "08":
		return "other", "表彰奖励决定及荣誉证书"
	case "09":
		return "other", "行政裁决书"
	case "20":
		if strings.Contains(base, "查询") {
			return "none", ""
		}
		return "other", "办理结果告知书"
	}
	switch {
	case strings.HasSuffix(base, "备案"):
		return "other", "备案回执"
	case strings.HasSuffix(base, "审批"), strings.HasSuffix(base, "核准"), strings.HasSuffix(base, "审查"):
		return "approval", base + "批复"
	}
	return "other", "办理结果通知书"
}

func specialProcedure(it *models.Item, e entry, rng *rand.Rand) string {
	if s, ok := e.attrs["special"]; ok {
		return s
	}
	if it.HandlingKind == models.KindImmediate || it.Joint() {
		return ""
	}
	switch it.TypeCode {
	case "01":
		if r := rng.IntN(10); r < 4 {
			return []string{"现场核查（不计入办理时限）", "专家评审（不计入办理时限）",
				"检验检测（不计入办理时限）", "听证（不计入办理时限）"}[r]
		}
	case "08":
		return "公示（7个工作日，不计入办理时限）"
	case "09":
		return "调查取证、现场勘验（不计入办理时限）"
	}
	return ""
}

// fees reads "名称|标准|依据" rows, or "名称|标准|依据|减免" where an
// exemption is published, separated by "//".
func fees(spec string) []models.Fee {
	var out []models.Fee
	for i, row := range splitList(spec, "//") {
		f := strings.SplitN(row, "|", 4)
		if len(f) < 3 {
			continue
		}
		fee := models.Fee{Sort: i + 1, Name: f[0], Standard: f[1], Basis: f[2]}
		if len(f) == 4 {
			fee.Exemption = f[3]
		}
		out = append(out, fee)
	}
	return out
}
