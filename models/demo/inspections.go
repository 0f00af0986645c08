package demo

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"onewindow/models"
	"onewindow/workflow"
)

// 双随机一公开 for the demonstration: every department's list built from its
// 行政检查 items, 2,000 entities, 200 inspectors, a 2026 plan per department
// (committed: digests and commitment public) and one joint plan drawn,
// recorded and published.

// DemoEntities and DemoInspectors are the sizes of the demonstration 两库.
const (
	DemoEntities   = 2000
	DemoInspectors = 200
)

// industry is a line of business and the department whose plan draws from it.
type industry struct{ name, dept, suffix string }

var industries = []industry{
	{"餐饮服务", "scj", "餐饮店"}, {"食品销售", "scj", "食品商行"}, {"药品零售", "scj", "大药房"},
	{"建筑施工", "zjj", "建筑工程有限公司"}, {"物业服务", "fgzx", "物业服务有限公司"},
	{"道路运输", "jtj", "运输有限公司"}, {"危险化学品经营", "yjj", "化工贸易有限公司"},
	{"排污单位", "sthj", "环保科技有限公司"}, {"畜禽养殖", "nmj", "养殖专业合作社"},
	{"娱乐场所", "wlj", "娱乐有限公司"}, {"住宿服务", "wjw", "宾馆"}, {"医疗机构", "wjw", "诊所"},
	{"人力资源服务", "rsj", "人力资源服务有限公司"}, {"成品油零售", "swj", "加油站"},
	{"取水单位", "slj", "水业有限公司"}, {"木材经营", "lcj", "木业有限公司"},
	{"消防重点单位", "xfdd", "商贸有限公司"}, {"户外广告", "cgj", "广告传媒有限公司"},
	{"民办培训", "jyj", "培训学校"}, {"定点医药机构", "ybj", "医药连锁有限公司"},
	{"粮食经营", "fgw", "粮油购销有限公司"}, {"高新技术企业", "kjj", "科技有限公司"}, {"工业企业", "gxj", "制造有限公司"},
	{"公章刻制", "gaj", "刻字社"}, {"养老机构", "mzj", "养老院"}, {"法律服务机构", "sfj", "法律服务所"},
	{"代理记账机构", "czj", "财务咨询有限公司"}, {"矿产开采", "zrj", "矿业有限公司"}, {"人防工程使用单位", "rfb", "地下商城"},
	{"清真食品经营", "mzzjj", "清真餐厅"}, {"涉税服务机构", "sw", "税务师事务所"}, {"统计调查对象", "tjj", "实业有限公司"},
}

var (
	towns     = []string{"新华街街道", "前进路街道", "桥东街道", "桥西街道", "虎山街道", "泉山街道", "察哈尔街道", "马莲渠乡", "白海子镇"}
	roads     = []string{"恩和大街", "察哈尔大街", "怀远大街", "工农大街", "民建路", "解放路", "新华街", "建设路", "幸福路", "平安街"}
	tradeName = []string{"鑫源", "恒通", "瑞丰", "德胜", "福满", "兴隆", "祥和", "金诚", "永盛", "华泰", "天成", "众合",
		"宏达", "安康", "顺发", "佳美", "万家", "荣昌", "利民", "北辰", "草原", "阴山", "凉城", "乌兰"}
	surnames   = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "高", "林", "何", "郝"}
	givenNames = []string{"建国", "志强", "海燕", "丽娟", "俊峰", "晓东", "春梅", "文博", "立新", "雅琴", "德明", "慧敏", "振华", "玉兰", "宏伟", "静"}
)

// Entities returns the demonstration 检查对象名录库: DemoEntities entities with
// valid generated credit codes, the same every time.
func Entities() []models.InspectionEntity {
	rng := rand.New(rand.NewPCG(0x5A5A2026, 0x1D1D))
	out := make([]models.InspectionEntity, 0, DemoEntities)
	for i := range DemoEntities {
		ind := industries[i%len(industries)]
		kindCode, kind := "1", "企业"
		switch {
		case slices.Contains([]string{"餐饮店", "食品商行", "诊所", "宾馆"}, ind.suffix) && i%3 != 0:
			kindCode, kind = "2", "个体工商户"
		case ind.suffix == "养殖专业合作社":
			kindCode, kind = "3", "农民专业合作社"
		}
		code := workflow.CompleteCreditCode(fmt.Sprintf("9%s%sMA%07d", kindCode, codePrefix, 1000000+i*37))
		risk := "A"
		switch r := rng.IntN(100); {
		case r >= 95:
			risk = "D"
		case r >= 75:
			risk = "C"
		case r >= 40:
			risk = "B"
		}
		name := fmt.Sprintf("%s%s%s", areaName, tradeName[i%len(tradeName)], ind.suffix)
		if n := i / (len(tradeName) * len(industries)); n > 0 || i%len(tradeName) != i%len(industries) {
			name = fmt.Sprintf("%s%s%s%s", areaName, tradeName[rng.IntN(len(tradeName))], tradeName[i%len(tradeName)], ind.suffix)
		}
		reg := time.Date(2008+rng.IntN(18), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		e := models.InspectionEntity{CreditCode: code, Name: fmt.Sprintf("%s（%04d）", name, i+1), Kind: kind, Industry: ind.name,
			Address: fmt.Sprintf("%s%s%d号", areaName, roads[rng.IntN(len(roads))], 1+rng.IntN(300)), Town: towns[rng.IntN(len(towns))],
			RegisteredOn: models.FormatDay(reg), RiskLevel: risk, CreatedAt: stamp()}
		if risk == "D" || ind.name == "危险化学品经营" {
			e.SpecialPools = "重点监管对象"
		}
		out = append(out, e)
	}
	return out
}

// Inspectors returns the demonstration 执法检查人员名录库: DemoInspectors
// inspectors, at least four in every department and more where the
// department inspects much (by its count of 行政检查 items).
func Inspectors(depts []models.Department) []models.Inspector {
	specs := deptSpecs()
	weight, total := make([]int, len(specs)), 0
	for i, s := range specs {
		weight[i] = s.retained[5]
		total += weight[i]
	}
	extra := DemoInspectors - 4*len(depts)
	counts := make([]int, len(depts))
	given := 0
	for i := range depts {
		counts[i] = 4 + extra*weight[i]/total
		given += counts[i]
	}
	for i := 0; given < DemoInspectors; i = (i + 1) % len(counts) {
		counts[i]++
		given++
	}
	var out []models.Inspector
	n := 0
	for i, d := range depts {
		for k := range counts[i] {
			name := surnames[n%len(surnames)] + givenNames[(n/len(surnames)+n)%len(givenNames)]
			out = append(out, models.Inspector{CertNo: fmt.Sprintf("15090%02d%03d", i+1, k+1), Name: name, DepartmentCode: d.Code,
				Specialties: depts[i].ShortName + "执法", Status: "active", CreatedAt: stamp()})
			n++
		}
	}
	return out
}

// InspectionLists returns every department's 随机抽查事项清单 built from its
// retained 行政检查 items (type 06); a department without one lists its
// routine supervision.
func InspectionLists(depts []models.Department, items []models.Item) []models.InspectionListItem {
	byDept := map[string][]models.Item{}
	for _, it := range items {
		if it.TypeCode == "06" && it.Disposition == models.DispositionRetained {
			byDept[it.DepartmentCode] = append(byDept[it.DepartmentCode], it)
		}
	}
	methods := []string{"onsite", "onsite", "written", "online"}
	var out []models.InspectionListItem
	for _, d := range depts {
		its := byDept[d.Code]
		if len(its) == 0 {
			out = append(out, models.InspectionListItem{DepartmentCode: d.Code, Name: d.ShortName + "日常监督检查",
				Basis: "《中华人民共和国行政处罚法》", Subject: d.Name, Object: "本部门监管范围内的单位", Content: "依法履职情况",
				Method: "written", Ratio: "按抽查细则", Frequency: "每年1次", Requirement: "持有执法证件的在编人员，每组不少于2人", CreatedAt: stamp()})
			continue
		}
		for k, it := range its {
			basis := it.LegalBasis
			if basis == "" {
				basis = "未公布"
			}
			out = append(out, models.InspectionListItem{DepartmentCode: d.Code, ItemCode: it.Code, Name: it.Name,
				Basis: basis, Subject: d.Name, Object: "辖区内" + listObject(it.Name, d.Code), Content: listContent(it.Name),
				Method: methods[k%len(methods)], Ratio: "按风险等级 3%–20%", Frequency: "每年不少于1次",
				Requirement: "持有执法证件的在编人员，每组不少于2人，与检查对象有利害关系的应当回避", CreatedAt: stamp()})
		}
	}
	return out
}

// checkedOf is what a 行政检查 item named "对X的行政检查" checks: X, or ""
// when the name has another form.
func checkedOf(name string) string {
	x, ok := strings.CutPrefix(name, "对")
	if x, ok2 := strings.CutSuffix(x, "的行政检查"); ok && ok2 && x != "" {
		return x
	}
	return ""
}

// listObject names whom an item inspects: the kind of unit its name checks,
// else 相关单位 (a 药品零售企业 item is not about 餐饮服务等单位).
func listObject(name, dept string) string {
	x := checkedOf(name)
	for _, unit := range []string{"单位", "企业", "者", "机构", "市场", "平台", "户", "食堂", "站"} {
		if x != "" && strings.HasSuffix(x, unit) {
			return x
		}
	}
	if x != "" {
		return "相关单位"
	}
	return objectOf(dept)
}

// listContent says what an item inspects, from its name ("对对…" before).
func listContent(name string) string {
	if x := checkedOf(name); x != "" {
		return "对" + x + "遵守有关法律、法规和规章的情况进行检查"
	}
	return name
}

// objectOf names what a department inspects, from the industries it draws.
func objectOf(dept string) string {
	var names []string
	for _, ind := range industries {
		if ind.dept == dept {
			names = append(names, ind.name)
		}
	}
	if len(names) == 0 {
		return "相关市场主体"
	}
	return fmt.Sprint(names[0]) + "等单位"
}

// demoSeed is the seed of the demonstration's completed joint draw. A real
// plan's seed is random (CommitInspectionPlan); this one is fixed so that the
// demonstration is the same every time.
func demoSeed() []byte {
	sum := sha256.Sum256([]byte("onewindow demonstration joint draw 2026"))
	return sum[:]
}

// SeedInspections stores the demonstration 一单两库一细则 and plans when the
// 名录库 is empty: a 2026 plan per department, committed, and a joint plan of
// 市场监管 and 卫生健康 drawn, with results recorded and the seed revealed.
func SeedInspections(ctx context.Context, store *models.Store, depts []models.Department, items []models.Item, cal *workflow.Calendar) (bool, error) {
	ents, xs := Entities(), Inspectors(depts)
	var conflicts [][2]string
	for i := 0; i < len(xs); i += 10 {
		conflicts = append(conflicts, [2]string{xs[i].CertNo, ents[(i*7)%len(ents)].CreditCode})
	}
	var rules []models.InspectionRules
	for i, d := range depts {
		r := models.DefaultInspectionRules(d.Code)
		r.UpdatedAt = stamp()
		if i%3 == 0 {
			r.ExcludeMonths = 6
		}
		rules = append(rules, r)
	}
	ok, err := store.SeedInspections(ctx, InspectionLists(depts, items), ents, xs, conflicts, rules)
	if err != nil || !ok {
		return ok, err
	}
	return true, store.InspectionBatch(ctx, func(b models.PlanBatch) error {
		at := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
		for _, d := range depts {
			ind := ""
			for _, x := range industries {
				if x.dept == d.Code {
					ind = x.name
					break
				}
			}
			p, err := b.Create(models.NewInspectionPlan{Departments: []string{d.Code}, Year: 2026,
				Title: "2026年度" + d.ShortName + "双随机抽查计划", Industry: ind, Actor: "demo", Now: at})
			if err != nil {
				return err
			}
			if _, err := b.Commit(p.ID, p.Version, nil, at); err != nil {
				return err
			}
		}
		return seedJointDraw(b, cal)
	})
}

// seedJointDraw draws, records and publishes the demonstration joint plan.
func seedJointDraw(b models.PlanBatch, cal *workflow.Calendar) error {
	at := time.Date(2026, 4, 7, 2, 0, 0, 0, time.UTC)
	p, err := b.Create(models.NewInspectionPlan{Departments: []string{"scj", "wjw"}, Year: 2026,
		Title: "2026年餐饮服务单位食品安全与卫生部门联合抽查", Industry: "餐饮服务", Actor: "demo", Now: at})
	if err != nil {
		return err
	}
	if p, err = b.Commit(p.ID, p.Version, demoSeed(), at); err != nil {
		return err
	}
	if p, err = b.Draw(p.ID, p.Version, cal, at.AddDate(0, 0, 1)); err != nil {
		return err
	}
	tasks, err := b.Tasks(p.ID)
	if err != nil {
		return err
	}
	results := []string{"no_problem", "no_problem", "no_problem", "rectify", "no_problem", "not_operating", "no_problem", "case"}
	notes := map[string]string{"rectify": "后厨卫生不达标，已责令限期整改", "case": "使用超过保质期的食品原料，已立案调查",
		"not_operating": "检查时该店已停业", "no_problem": ""}
	for i, t := range tasks {
		res := results[i%len(results)]
		day := models.FormatDay(cal.AddWorkdays(models.CentreDay(at), 2+i%10))
		if _, err := b.Record(models.InspectionResult{TaskID: t.ID, Version: t.Version, Result: res,
			Note: notes[res], Day: day, Actor: "demo"}); err != nil {
			return err
		}
	}
	_, err = b.Publish(p.ID, p.Version, at.AddDate(0, 0, 20))
	return err
}
