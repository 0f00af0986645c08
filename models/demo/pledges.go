package demo

import (
	"strings"

	"onewindow/models"
)

// pledgeItems is how many demo licences take a written pledge (告知承诺).
const pledgeItems = 3

// pledgeText is the demo pledge: what the applicant pledges in place of the proofs.
const pledgeText = "本人（本单位）承诺：符合本事项规定的条件；以本承诺代替的证明材料所证明的事项真实、准确；" +
	"愿意接受行政机关的核查，承诺不实的，同意撤销所作决定并承担相应法律责任。"

// addPledges lets the first few licences one department decides, whose
// proofs (证明) another body issues, take a written pledge for those proofs,
// checked within 20 working days of the decision.
func addPledges(items []models.Item) {
	n := 0
	for i := range items {
		it := &items[i]
		if n == pledgeItems {
			return
		}
		if it.TypeCode != "01" || it.HandlingKind != models.KindPromised || len(it.Departments) > 1 ||
			!it.OnApplication || it.Disposition != models.DispositionRetained {
			continue
		}
		marked := false
		for j := range it.Materials {
			m := &it.Materials[j]
			if j > 0 && m.Source == "other" && strings.Contains(m.Name, "证明") {
				m.PledgeReplaces, marked = true, true
			}
		}
		if marked {
			it.PledgeAllowed, it.PledgeText, it.PledgeCheckDays = true, pledgeText, models.IntPtr(20)
			n++
		}
	}
}
