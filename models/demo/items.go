package demo

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"

	"onewindow/models"
)

// newItem builds one retained item; reduceCell may later change its disposition.
func newItem(d deptSpec, sort int, typ string, seq int, e entry, rng *rand.Rand) models.Item {
	catalog := fmt.Sprintf("%s%03d%07d", typ, sort, seq)
	onApp := e.apply
	it := models.Item{
		Code:           codePrefix + catalog + "000",
		CatalogCode:    catalog,
		MainName:       cmp.Or(e.main, e.name),
		Name:           e.name,
		TypeCode:       typ,
		DepartmentCode: d.code,
		Disposition:    models.DispositionRetained,
		OnApplication:  onApp,
		PowerSource:    powerSource(e, typ, rng),
		UseLevel:       "district",
		LegalBasis:     legalBasis(e),
		ServiceObjects: serviceObjects(e),
		HandleForms:    models.StringList{},
		Location:       d.addr,
		Hours:          hours,
		Phone:          d.phone,
		ComplaintPhone: complaintLine,
		Area:           areaName,
		Status:         models.ItemPublished,
		Version:        1,
		EffectiveOn:    effectiveOn,
		CreatedAt:      stamp(),
		UpdatedAt:      stamp(),
		Departments:    itemDepartments(d.code, e.attrs["joint"]),
	}
	switch {
	case onApp && e.attrs["guide"] == "none":
		// As an imported list gives it: name, code, type and department, nothing else.
		it.Location, it.Hours = "", ""
	case onApp:
		fillGuide(&it, d, sort, e, rng)
	}
	return it
}

func itemDepartments(lead, joint string) []models.ItemDepartment {
	codes := append([]string{lead}, splitList(joint, ",")...)
	out := make([]models.ItemDepartment, len(codes))
	for i, c := range codes {
		out[i] = models.ItemDepartment{
			Sort:           i + 1,
			DepartmentCode: c,
			Stages:         models.StringList{"review", "decide"},
		}
	}
	return out
}

// powerSource is mostly statutory (法定本级行使); a few items were handed down or entrusted.
func powerSource(e entry, typ string, rng *rand.Rand) string {
	if s, ok := e.attrs["src"]; ok {
		return s
	}
	r := rng.IntN(100)
	switch {
	case r < 91 || typ == "20":
		return "statutory"
	case r < 95:
		return "delegated_up"
	case r < 97:
		return "entrusted_up"
	case r < 98:
		return "authorised_up"
	case r < 99:
		return "authorised_peer"
	default:
		return "entrusted_peer"
	}
}

// legalBasis cites the sheet's law with an article chosen from its range by the item name,
// so that the same name always cites the same article.
func legalBasis(e entry) string {
	if l, ok := e.attrs["law"]; ok {
		return l
	}
	if e.law == "" {
		return "《中华人民共和国行政许可法》第十二条"
	}
	if !strings.HasPrefix(e.law, "《") || e.artLo == 0 {
		return e.law
	}
	h := fnv.New32a()
	h.Write([]byte(e.name))
	art := e.artLo + int(h.Sum32()%uint32(e.artHi-e.artLo+1))
	return e.law + "第" + chineseNumber(art) + "条"
}

func serviceObjects(e entry) models.StringList {
	if len(e.objs) == 0 {
		return models.StringList{"person", "enterprise"}
	}
	return append(models.StringList(nil), e.objs...)
}

// chineseNumber writes 1–9999 in Chinese numerals as used for article numbers
// (第一百二十二条, 第一千一百零五条).
func chineseNumber(n int) string {
	digits := []rune("零一二三四五六七八九")
	units := []string{"千", "百", "十", ""}
	if n <= 0 || n > 9999 {
		return string(digits[0])
	}
	parts := []int{n / 1000, n / 100 % 10, n / 10 % 10, n % 10}
	var b strings.Builder
	zero := false
	for i, d := range parts {
		switch {
		case d == 0:
			zero = b.Len() > 0
		default:
			if zero {
				b.WriteRune(digits[0])
				zero = false
			}
			if !(d == 1 && i == 2 && b.Len() == 0) { // 十二, not 一十二
				b.WriteRune(digits[d])
			}
			b.WriteString(units[i])
		}
	}
	return b.String()
}
