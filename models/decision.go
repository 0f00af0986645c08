package models

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

// DecisionTerms say how the decisions of one item type are worded and
// founded: a 行政确认 is decided with 确认 / 不予确认, not with the licensing
// law's 准予 / 不予许可. The words themselves live in the locale files under
// decision.<Vocabulary>.*; this is the table that picks them per type.
type DecisionTerms struct {
	// Vocabulary names the wording: licence, benefit, confirmation, award,
	// ruling, power (other administrative powers) or service.
	Vocabulary string `json:"vocabulary"`
	// Law names the general law the decision cites (licensing: 行政许可法
	// art. 38); empty when only the item's own legal basis applies.
	Law string `json:"law"`
	// Remedies says whether a refusal is open to 行政复议 and 行政诉讼 (true
	// for administrative powers, false for public services).
	Remedies bool `json:"remedies"`
	// JointDays is the statutory limit, in working days, of an item several
	// departments decide together (联合办理 / 并联审批) where the type's law
	// sets one (行政许可法 Art. 42: 45); 0 where none does.
	JointDays int `json:"joint_days,omitempty"`
}

//go:embed decisiondata/terms.json
var decisionTermsJSON []byte

type decisionTable struct {
	Default DecisionTerms            `json:"default"`
	Types   map[string]DecisionTerms `json:"types"`
}

// decisionTerms is read once from the embedded table; a broken table is a
// build mistake that the package's tests catch.
var decisionTerms = mustDecisionTable(decisionTermsJSON)

func mustDecisionTable(b []byte) decisionTable {
	var t decisionTable
	if err := json.Unmarshal(b, &t); err != nil {
		panic(fmt.Sprintf("models: decision terms: %v", err))
	}
	return t
}

// TermsOf returns the decision terms of an item type; unknown types decide
// in the general words of an administrative power.
func TermsOf(itemType string) DecisionTerms {
	if t, ok := decisionTerms.Types[itemType]; ok {
		return t
	}
	return decisionTerms.Default
}

// DecisionVocabularies lists every vocabulary the table uses, the default's included.
func DecisionVocabularies() []string {
	seen := map[string]bool{decisionTerms.Default.Vocabulary: true}
	out := []string{decisionTerms.Default.Vocabulary}
	for _, code := range []string{"01", "05", "07", "08", "09", "10", "20"} {
		if t, ok := decisionTerms.Types[code]; ok && !seen[t.Vocabulary] {
			seen[t.Vocabulary] = true
			out = append(out, t.Vocabulary)
		}
	}
	return out
}

// Terms are the decision terms of the application's item type, as filed.
func (a *Application) Terms() DecisionTerms { return TermsOf(a.Definition.ItemType) }
