package demo

import (
	"testing"

	"onewindow/models"
	"onewindow/models/demo/forms"
	"onewindow/models/form"
)

// TestDemoBundlesMergeAndTheirSamplesValidate checks the five bundles of the
// national list: their items exist, take applications and belong to more
// than one department in all; their forms merge; and a sample of the
// merged form, projected onto each item, is accepted by the item's own form.
func TestDemoBundlesMergeAndTheirSamplesValidate(t *testing.T) {
	_, _, items := Catalogue()
	byCode := map[string]models.Item{}
	for _, it := range items {
		byCode[it.Code] = it
	}
	bundles, err := Bundles(items)
	if err != nil {
		t.Fatal(err)
	}
	if len(bundles) < 5 {
		t.Fatalf("%d demo bundles; want at least 5", len(bundles))
	}
	dicts, err := forms.Dicts()
	if err != nil {
		t.Fatal(err)
	}
	depts := map[string]bool{}
	for _, b := range bundles {
		if err := models.ValidateBundle(models.NormalizeBundle(b)); err != nil {
			t.Errorf("%s: %v", b.Code, err)
			continue
		}
		var its []models.Item
		for _, c := range b.Items {
			its = append(its, byCode[c])
			depts[byCode[c].DepartmentCode] = true
		}
		for _, kind := range []string{models.ApplicantPerson, models.ApplicantOrganisation} {
			profile := map[string]string{"kind": kind, "name": "张三", "id_number": "11010519491231002X", "phone": "13800000000",
				"address": "集宁区新华街1号", "org_name": "集宁区某某有限公司", "credit_code": "91150902MA0N3K7T1C"}
			if kind == models.ApplicantPerson && b.Code == "restaurant" {
				continue // a restaurant is opened by a business
			}
			merged, raw, err := BundleSample(its, b.Mapping, profile, formsNow)
			if err != nil {
				t.Errorf("%s: %v", b.Code, err)
				continue
			}
			v, err := form.FromJSON(&merged.Schema, raw)
			if err != nil {
				t.Fatalf("%s: %v", b.Code, err)
			}
			for i := range its {
				s, _, _ := its[i].ApplicationForm()
				part := merged.Project(i, s, v)
				fillProfile(s, part, profile)
				if is := form.Validate(s, part, dicts, formsNow); len(is) > 0 {
					t.Errorf("%s (%s) as %s: item %s refuses the sample: %v", b.Code, b.Name, kind, its[i].Name, is.Messages())
				}
			}
		}
	}
	if len(depts) < 8 {
		t.Errorf("the demo bundles reach %d departments; want several each", len(depts))
	}
}

// fillProfile fills the visible, blank fields prefilled from the profile,
// the kind first, as the service does from the filing's applicant.
func fillProfile(s *form.Schema, v form.Values, profile map[string]string) {
	for _, kindFirst := range []bool{true, false} {
		vis := form.Visible(s, v)
		for _, f := range s.Fields {
			if x := profile[f.Prefill]; x != "" && (f.Prefill == "kind") == kindFirst && vis[f.Key] && v[f.Key] == nil {
				v[f.Key] = x
			}
		}
	}
}
