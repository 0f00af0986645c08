package demo

import (
	"encoding/json"
	"fmt"
	"time"

	"onewindow/models"
	"onewindow/models/demo/forms"
	"onewindow/models/form"
)

// The demonstration's 一件事一次办 bundles, modelled on the national list
// (企业开办, 开办餐饮店, 新生儿出生, 退休, 身后事), built from demo items by
// their exact names. The mapping makes the merged form ask one person once:
// the default forms' applicant fields are answered by the real forms'.

// bundleSpec is a bundle with its items named, not coded.
type bundleSpec struct {
	code, name, nameEn, description string
	items                           []string
	mapping                         []mapSpec
}

// mapSpec maps field of the item named item onto the merged field merged.
type mapSpec struct{ item, field, merged string }

func bundleSpecs() []bundleSpec {
	const (
		company    = "企业设立登记（营业执照核发）"
		seal       = "公章刻制备案"
		invoice    = "发票领用"
		medical    = "职工基本医疗保险参保登记"
		food       = "食品经营许可（新办）"
		hygiene    = "公共场所卫生许可（新办）"
		fire       = "公众聚集场所投入使用、营业前消防安全检查（告知承诺）"
		signboard  = "户外广告设施设置许可"
		birth      = "出生登记"
		newborn    = "新生儿参保登记"
		vaccine    = "预防接种服务"
		retire     = "企业职工基本养老保险退休审核"
		pension    = "领取养老金人员待遇资格认证"
		transfer   = "基本医疗保险关系转移接续"
		death      = "死亡注销户口"
		cremation  = "遗体接运、火化服务"
		funeralFee = "惠民殡葬基本服务费用减免"
	)
	// applicantAs answers a default form's applicant name and number with the real form's fields.
	applicantAs := func(name, id string, items ...string) []mapSpec {
		var out []mapSpec
		for _, it := range items {
			out = append(out, mapSpec{it, "name", name}, mapSpec{it, "id_number", id})
		}
		return out
	}
	return []bundleSpec{
		{code: "company-opening", name: "企业开办一件事", nameEn: "Opening a company",
			description: "营业执照、公章刻制、发票领用和员工医保参保登记，一表申请、一窗受理，各部门同步办理，结果统一发放。",
			items:       []string{company, seal, invoice, medical},
			mapping:     applicantAs("legal_rep", "legal_rep_id", seal, invoice, medical)},
		{code: "restaurant", name: "开办餐饮店一件事", nameEn: "Opening a restaurant",
			description: "食品经营许可、公共场所卫生许可、消防安全检查（告知承诺）和户外招牌设置许可，一次申请，四个部门同步审批，统一发证。",
			items:       []string{food, hygiene, fire, signboard},
			mapping:     []mapSpec{{hygiene, "venue_address", "premises"}}},
		{code: "newborn", name: "新生儿出生一件事", nameEn: "A child is born",
			description: "出生登记（落户）、新生儿医保参保登记和预防接种服务，一次申请，公安、医保、卫健同步办理。",
			items:       []string{birth, newborn, vaccine},
			mapping: append(applicantAs("declarant", "declarant_id", newborn, vaccine),
				mapSpec{newborn, "address", "household_address"}, mapSpec{vaccine, "address", "household_address"})},
		{code: "retirement", name: "退休一件事", nameEn: "Retiring",
			description: "企业职工退休审核、养老金领取资格认证和医疗保险关系转移接续，一次申请，人社、医保同步办理。",
			items:       []string{retire, pension, transfer}},
		{code: "after-death", name: "身后事一件事", nameEn: "After a death",
			description: "死亡注销户口、遗体接运火化和惠民殡葬费用减免，家属一次申请，公安、民政同步办理。",
			items:       []string{death, cremation, funeralFee},
			mapping:     applicantAs("declarant", "declarant_id", cremation, funeralFee)},
	}
}

// Bundles returns the demonstration bundles over the demo catalogue items,
// published. An item name the catalogue lacks is an error: the demo
// catalogue and its bundles change together.
func Bundles(items []models.Item) ([]models.BundleInput, error) {
	byName := map[string]string{}
	for _, it := range items {
		if it.Disposition == models.DispositionRetained && it.OnApplication {
			byName[it.Name] = it.Code
		}
	}
	code := func(name string) (string, error) {
		c, ok := byName[name]
		if !ok {
			return "", fmt.Errorf("demo bundles: no retained item on application is named %q", name)
		}
		return c, nil
	}
	var out []models.BundleInput
	for _, b := range bundleSpecs() {
		in := models.BundleInput{Code: b.code, Name: b.name, NameEn: b.nameEn, Description: b.description, Published: true,
			Reason: "演示数据"}
		for _, name := range b.items {
			c, err := code(name)
			if err != nil {
				return nil, err
			}
			in.Items = append(in.Items, c)
		}
		for _, m := range b.mapping {
			c, err := code(m.item)
			if err != nil {
				return nil, err
			}
			in.Mapping = append(in.Mapping, models.BundleMapping{Item: c, Field: m.field, Merged: m.merged})
		}
		out = append(out, in)
	}
	return out, nil
}

// BundleSample merges the forms of items (in the bundle's order) under
// mapping and returns answers the merged form accepts, as the API's "form"
// object carries them: each item's sample answers (SampleAnswers) under
// its merged keys, the first item's answer where items share a field.
// Tests and the load tool file bundles with it.
func BundleSample(items []models.Item, mapping []models.BundleMapping, profile map[string]string, now time.Time) (*models.MergedForm, json.RawMessage, error) {
	dicts, err := forms.Dicts()
	if err != nil {
		return nil, nil, err
	}
	parts := make([]models.BundleItemForm, len(items))
	schemas := make([]*form.Schema, len(items))
	for i := range items {
		if schemas[i], _, err = items[i].ApplicationForm(); err != nil {
			return nil, nil, err
		}
		parts[i] = models.BundleItemForm{Code: items[i].Code, Name: items[i].Name, Schema: schemas[i], Materials: items[i].Materials}
	}
	merged, err := models.MergeBundle(parts, mapping, dicts)
	if err != nil {
		return nil, nil, err
	}
	v := form.Values{}
	for i := range items {
		raw, err := SampleAnswers(&items[i], profile, now)
		if err != nil {
			return nil, nil, err
		}
		vals, err := form.FromJSON(schemas[i], raw)
		if err != nil {
			return nil, nil, err
		}
		for k, x := range vals {
			if mk := merged.Keys[i][k]; mk != "" {
				if _, ok := v[mk]; !ok {
					v[mk] = x
				}
			}
		}
	}
	out, err := form.ToJSON(&merged.Schema, v)
	return merged, out, err
}
