package transfer

import (
	"regexp"
	"strconv"

	"onewindow/models"
)

// listingField is one column of the layout: the model field it fills (as models.ListingFields
// names them) and how a cell is read into the item.
type listingField struct {
	head, field string
	set         func(it *models.Item, s string, types map[string]models.ItemType) (rule string, args []string)
}

var daysPattern = regexp.MustCompile(`^(\d+)\s*(?:个)?\s*(?:工作日|天|日)?$`)
var countPattern = regexp.MustCompile(`^(\d+)\s*(?:次|级)?$`)
var depthLevels = map[string]int{"一级": 1, "二级": 2, "三级": 3, "四级": 4}

func plain(set func(*models.Item, string)) func(*models.Item, string, map[string]models.ItemType) (string, []string) {
	return func(it *models.Item, s string, _ map[string]models.ItemType) (string, []string) {
		set(it, s)
		return "", nil
	}
}

func listingFields() []listingField {
	return []listingField{
		{HeadDepartment, "department", nil}, // resolved by the store
		{HeadMainName, "main_name", plain(func(it *models.Item, s string) { it.MainName = s })},
		{HeadName, "name", plain(func(it *models.Item, s string) { it.Name = s })},
		{HeadCode, "code", plain(func(it *models.Item, s string) { it.Code = s })},
		{HeadCatalog, "catalog_code", plain(func(it *models.Item, s string) { it.CatalogCode = s })},
		{HeadType, "type", setType},
		{HeadStatutory, "statutory_days", days(func(it *models.Item) **int { return &it.StatutoryDays })},
		{HeadPromised, "promised_days", days(func(it *models.Item) **int { return &it.PromisedDays })},
		{HeadKind, "handling_kind", setKind},
		{HeadIsFee, "is_fee", setIsFee},
		{HeadFeeStd, "fees", plain(func(it *models.Item, s string) {
			if s != "" {
				it.Fees = []models.Fee{{Name: it.Name, Standard: s}}
			}
		})},
		{HeadFeeBasis, "fee_basis", plain(func(it *models.Item, s string) { it.FeeBasis = s })},
		{HeadLegalBasis, "legal_basis", plain(func(it *models.Item, s string) { it.LegalBasis = s })},
		{HeadConditions, "accept_conditions", plain(func(it *models.Item, s string) { it.AcceptConditions = s })},
		{HeadLocation, "location", plain(func(it *models.Item, s string) { it.Location = s })},
		{HeadHours, "hours", plain(func(it *models.Item, s string) { it.Hours = s })},
		{HeadPhone, "phone", plain(func(it *models.Item, s string) { it.Phone = s })},
		{HeadComplaint, "complaint_phone", plain(func(it *models.Item, s string) { it.ComplaintPhone = s })},
		{HeadVisits, "visits", count(func(it *models.Item) **int { return &it.Visits }, nil)},
		{HeadDepth, "online_depth", count(func(it *models.Item) **int { return &it.OnlineDepth }, depthLevels)},
		{HeadMaterials, "materials", plain(setMaterials)},
	}
}

func setType(it *models.Item, s string, types map[string]models.ItemType) (string, []string) {
	if s == "" {
		return "", nil // CheckItem reports the missing type
	}
	t, ok := types[s]
	if !ok {
		return RuleUnknownType, []string{s}
	}
	it.TypeCode, it.OnApplication = t.Code, t.OnApplication
	return "", nil
}

// days reads a number of working days: "20", "20个工作日", "20工作日"; blank is unknown.
func days(field func(*models.Item) **int) func(*models.Item, string, map[string]models.ItemType) (string, []string) {
	return func(it *models.Item, s string, _ map[string]models.ItemType) (string, []string) {
		if s == "" {
			return "", nil
		}
		m := daysPattern.FindStringSubmatch(s)
		if m == nil {
			return RuleNotDays, []string{s}
		}
		n, err := strconv.Atoi(m[1])
		if err != nil {
			return RuleNotDays, []string{s}
		}
		*field(it) = &n
		return "", nil
	}
}

// count reads a small whole number ("1", "1次"), or one of the named levels.
func count(field func(*models.Item) **int, named map[string]int) func(*models.Item, string, map[string]models.ItemType) (string, []string) {
	return func(it *models.Item, s string, _ map[string]models.ItemType) (string, []string) {
		if s == "" {
			return "", nil
		}
		if n, ok := named[s]; ok {
			*field(it) = &n
			return "", nil
		}
		m := countPattern.FindStringSubmatch(s)
		if m == nil {
			return RuleNotNumber, []string{s}
		}
		n, err := strconv.Atoi(m[1])
		if err != nil {
			return RuleNotNumber, []string{s}
		}
		*field(it) = &n
		return "", nil
	}
}

func setKind(it *models.Item, s string, _ map[string]models.ItemType) (string, []string) {
	switch s {
	case "":
	case "即办件", "即办":
		it.HandlingKind = models.KindImmediate
	case "承诺件", "承诺":
		it.HandlingKind = models.KindPromised
	default:
		return RuleNotKind, []string{s}
	}
	return "", nil
}

func setIsFee(it *models.Item, s string, _ map[string]models.ItemType) (string, []string) {
	switch s {
	case "":
	case "是", "收费":
		it.IsFee = models.BoolPtr(true)
	case "否", "不收费":
		it.IsFee = models.BoolPtr(false)
	default:
		return RuleNotYesNo, []string{s}
	}
	return "", nil
}

// setMaterials reads the materials of a cell: one a line or between "；" and ";", each
// without its numbering ("1.", "1、", "（1）", "①" …); see splitMaterials.
func setMaterials(it *models.Item, s string) {
	it.Materials = nil
	for _, name := range splitMaterials(s) {
		it.Materials = append(it.Materials, models.Material{Name: name, Necessity: models.NecessityRequired})
	}
}
