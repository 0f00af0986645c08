package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"onewindow/models"
)

// materials lists what the applicant brings: the application form, proof of identity, the
// sheet's typical materials (one of them sometimes accepted later, 容缺后补) and a power of
// attorney when someone else files.
func materials(it *models.Item, e entry, rng *rand.Rand) []models.Material {
	var out []models.Material
	add := func(m models.Material) {
		m.Sort = len(out) + 1
		m.Key = fmt.Sprintf("m%d", m.Sort)
		out = append(out, m)
	}
	add(models.Material{
		Name: applicationForm(it.Name, it.TypeCode), Necessity: models.NecessityRequired,
		Form: "both", Kind: "original", Copies: models.IntPtr(1), Source: "applicant", BlankForm: true,
		Remark: "网上申报的在线填写", // the guide links the blank form, or says it is handed out at the window
	})
	add(identity(it.ServiceObjects))

	own := domainMaterials(e, it.TypeCode)
	if len(own) > 3 {
		own = slices.Clone(own)
		rng.Shuffle(len(own), func(i, j int) { own[i], own[j] = own[j], own[i] })
		own = own[:2+rng.IntN(2)]
	}
	deferOne := it.HandlingKind != models.KindImmediate && len(own) > 1 && rng.IntN(10) < 4
	for i, name := range own {
		m := models.Material{
			Name: name, Necessity: models.NecessityRequired, Form: "both", Kind: "original",
			Copies: models.IntPtr(1), Source: "applicant",
		}
		switch {
		case deferOne && i == len(own)-1:
			m.Necessity = models.NecessityDeferred
			m.Remark = "可容缺受理，申请人签署承诺书后于作出决定前补齐"
		case strings.Contains(name, "证书") || strings.Contains(name, "许可证") || strings.Contains(name, "证明"):
			m.Kind, m.Copies, m.Source = "copy", models.IntPtr(1), "other"
			m.Remark = "查验原件，留存复印件"
		case strings.Contains(name, "图") || strings.Contains(name, "报告"):
			m.Copies = models.IntPtr(1 + rng.IntN(3))
			m.Remark = "加盖申请单位公章"
		}
		if rng.IntN(4) == 0 {
			m.Form = "electronic"
		}
		add(m)
	}
	if len(out) < 4 || rng.IntN(2) == 0 {
		add(models.Material{
			Name: "授权委托书及受托人身份证件", Necessity: models.NecessityOptional,
			Form: "paper", Kind: "both", Copies: models.IntPtr(1), Source: "applicant", BlankForm: true,
			Remark: "委托他人代为办理的提供",
		})
	}
	return out
}

// domainMaterials are the sheet's materials, or a type-typical set when the sheet names none.
func domainMaterials(e entry, typ string) []string {
	if len(e.mats) > 0 {
		return e.mats
	}
	switch typ {
	case "01":
		return []string{"场所使用证明（产权证明或租赁合同）", "相关管理制度文本", "主要设施设备清单", "专业技术人员资格证明"}
	case "05":
		return []string{"居民户口簿", "本人银行账户信息", "符合给付条件的证明材料"}
	case "07":
		return []string{"与确认事项有关的证明材料", "相关情况说明"}
	case "08":
		return []string{"先进事迹材料", "所在单位或者基层组织推荐意见", "获奖成果或者贡献证明"}
	case "09":
		return []string{"争议事实和理由的书面说明", "有关证据材料", "被申请人的基本情况"}
	case "20":
		return []string{"居民户口簿", "相关证明材料"}
	}
	return []string{"相关情况说明", "有关证明材料"}
}

// identity is the proof of who applies, fetched from the e-licence library when possible.
func identity(objs models.StringList) models.Material {
	person, org := false, false
	for _, o := range objs {
		if o == "person" {
			person = true
		} else {
			org = true
		}
	}
	m := models.Material{
		Necessity: models.NecessityRequired, Form: "both", Kind: "original", Copies: models.IntPtr(1),
		Source: "government",
	}
	switch {
	case person && org:
		m.Name = "申请人主体资格证明（身份证件或者营业执照）"
		m.Kind = "both"
		m.Remark = "可通过电子证照库调取的，免于提交"
	case person:
		m.Name = "申请人有效身份证件"
		m.Remark = "窗口核验原件；已领取电子身份证照的免于提交"
	default:
		m.Name = "营业执照或者其他主体资格证明"
		m.Kind = "copy"
		m.Remark = "可通过电子证照库调取的，免于提交"
	}
	return m
}

// applicationForm names the form the applicant fills in.
func applicationForm(name, typ string) string {
	base := strings.TrimSuffix(baseName(name), "核发")
	switch {
	case typ == "09":
		return base + "申请书"
	case typ == "08":
		return base + "推荐（申报）表"
	case strings.HasSuffix(base, "备案"):
		return base + "表"
	case strings.HasSuffix(base, "申请"), strings.HasSuffix(base, "申领"):
		return base + "表"
	}
	return base + "申请表"
}

// steps is the handling process 申请 → 受理 → 审查 → 决定 → 送达; the days of the counted
// steps add up to the promised limit.
func steps(it *models.Item, joint bool) []models.Step {
	p := models.Days(it.PromisedDays)
	send, decide := 0, 0
	if p >= 4 {
		send = 1
	}
	if p >= 2 {
		decide = max(1, p/4)
	}
	review := p - send - decide
	reviewer, reviewNote := "承办科室", "对申请材料的实质内容进行审查，需要时进行现场核查"
	if joint {
		reviewer, reviewNote = "各联办部门", "牵头部门推送材料，各联办部门同步并联审查，互不前置"
	}
	if it.SpecialProcedure != "" {
		reviewNote += "；" + it.SpecialProcedure
	}
	acceptNote := "材料齐全、符合法定形式的当场受理，出具受理通知书；材料不全的一次性告知需要补正的全部内容"
	decideNote := "作出准予或者不予决定；不予办理的书面说明理由并告知申请人依法享有的权利"
	if it.HandlingKind == models.KindImmediate {
		acceptNote = "材料齐全的当场受理"
		reviewNote = "当场审核"
		decideNote = "当场作出决定"
	}
	return []models.Step{
		{Sort: 1, Name: "申请", Actor: "申请人", Days: 0, CountsTime: false,
			Note: "通过综合受理窗口、政务服务网或者邮寄方式提交申请材料"},
		{Sort: 2, Name: "受理", Actor: "综合受理窗口", Days: 0, CountsTime: true, Note: acceptNote},
		{Sort: 3, Name: "审查", Actor: reviewer, Days: review, CountsTime: true, Note: reviewNote},
		{Sort: 4, Name: "决定", Actor: "分管领导", Days: decide, CountsTime: true, Note: decideNote},
		{Sort: 5, Name: "送达", Actor: "综合受理窗口", Days: send, CountsTime: true,
			Note: "统一窗口出件，申请人可选择窗口领取或者免费邮寄送达"},
	}
}
