package search

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Fragments of a synthetic but realistic catalogue for benchmarks and oracle tests.
var (
	deptNames = []string{
		"市场监督管理局", "住房和城乡建设局", "自然资源局", "公安分局", "民政局", "卫生健康委员会",
		"交通运输局", "发展和改革委员会", "教育局", "财政局", "人力资源和社会保障局", "生态环境分局",
		"水利局", "农牧局", "林业和草原局", "商务局", "文化旅游体育局", "应急管理局", "审计局",
		"统计局", "医疗保障局", "退役军人事务局", "司法局", "城市管理综合执法局", "人民防空办公室",
		"气象局", "消防救援大队", "税务局", "烟草专卖局", "粮食和物资储备局", "行政审批和政务服务局",
		"科学技术局", "工业和信息化局", "档案局",
	}
	subjects = []string{
		"食品经营", "食品生产", "建设工程规划", "建筑工程施工", "药品零售", "医疗机构执业",
		"道路货物运输", "出租汽车经营", "烟草专卖零售", "排污", "取水", "林木采伐", "种子生产经营",
		"兽药经营", "动物诊疗", "危险化学品经营", "烟花爆竹经营", "建筑垃圾处置", "城市道路占用",
		"户外广告设置", "公共场所卫生", "饮用水供水单位卫生", "民办学校办学", "养老机构设立",
		"旅行社设立", "营业性演出", "出版物零售", "娱乐场所经营", "互联网上网服务营业场所",
		"特种设备使用", "人防工程建设", "企业设立", "农民专业合作社设立", "个体工商户", "户口迁移",
		"居民身份证", "婚姻", "收养", "不动产", "社会团体成立", "营业执照", "草原使用", "河道采砂",
		"医师执业", "护士执业", "机动车维修经营", "二手车交易市场", "粮食收购", "广播电视节目制作",
		"辐射安全", "建设工程消防设计", "建设工程竣工验收",
	}
	patterns = []struct{ format, typ string }{
		{"%s许可", "01"},
		{"%s许可证核发", "01"},
		{"对未取得%s许可擅自从事相关活动的处罚", "02"},
		{"对违反%s管理规定行为的处罚", "02"},
		{"%s登记", "07"},
		{"%s变更登记", "07"},
		{"对%s活动的监督检查", "06"},
		{"%s许可证注销", "10"},
		{"%s相关信息查询", "20"},
	}
	variants = []string{"", "", "", "（新办）", "（延续）", "（变更）", "（补证）", "（注销）", "（告知承诺）"}
	results  = map[string]string{
		"01": "许可证", "02": "行政处罚决定书", "06": "检查记录", "07": "登记证明", "10": "注销通知书", "20": "查询结果",
	}
	bases = map[string]string{
		"01": "《中华人民共和国行政许可法》第十二条",
		"02": "《中华人民共和国行政处罚法》第八条",
		"06": "《内蒙古自治区行政执法监督条例》",
		"07": "《中华人民共和国户口登记条例》第十条",
		"10": "《国务院关于取消和下放一批行政许可事项的决定》",
		"20": "《中华人民共和国政府信息公开条例》",
	}
	materials = []string{
		"申请书", "营业执照复印件", "法定代表人身份证明", "授权委托书", "场所使用证明",
		"居民户口簿", "居民身份证", "专业技术人员资格证明", "平面布局图", "检验检测报告",
	}
)

// catalogue returns n synthetic entries, the same ones on every call.
func catalogue(n int) []Entry {
	rng := rand.New(rand.NewPCG(20250101, 4200))
	out := make([]Entry, n)
	for i := range out {
		s := subjects[rng.IntN(len(subjects))]
		p := patterns[rng.IntN(len(patterns))]
		d := rng.IntN(len(deptNames))
		disposition := "retained"
		if rng.IntN(14) == 0 {
			disposition = []string{"cancelled", "merged", "delegated"}[rng.IntN(3)]
		}
		var text strings.Builder
		text.WriteString(bases[p.typ])
		text.WriteString(" 申请人应当具备与" + s + "相适应的条件，符合法律、法规规定的其他条件。")
		for range 3 + rng.IntN(4) {
			text.WriteString(" " + materials[rng.IntN(len(materials))])
		}
		text.WriteString(" " + results[p.typ])
		out[i] = Entry{
			Code:           fmt.Sprintf("150902%03d%s%010d", d+1, p.typ, i+1),
			Name:           fmt.Sprintf(p.format, s) + variants[rng.IntN(len(variants))],
			TypeCode:       p.typ,
			DepartmentCode: fmt.Sprintf("d%02d", d+1),
			DepartmentName: "集宁区" + deptNames[d],
			DepartmentSort: d + 1,
			Disposition:    disposition,
			OnApplication:  p.typ != "02" && p.typ != "06",
			Joint:          rng.IntN(20) == 0,
			Immediate:      rng.IntN(5) == 0,
			StatutoryDays:  intp(20),
			PromisedDays:   intp(5 + rng.IntN(10)),
			Text:           text.String(),
		}
	}
	return out
}
