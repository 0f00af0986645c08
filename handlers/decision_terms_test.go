package handlers_test

import (
	"testing"

	"onewindow/models"
	"onewindow/web"
)

// Every vocabulary of the decision terms table has all its words, and every
// general law it cites has its citations, in both languages.
func TestEveryDecisionVocabularyIsWorded(t *testing.T) {
	site, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	parts := []string{"approve", "deny", "state.approved", "state.denied", "result.approved", "result.denied",
		"doc.approval", "doc.denial", "approval_decision", "denial_decision"}
	for _, lang := range web.Langs() {
		for _, v := range models.DecisionVocabularies() {
			for _, p := range parts {
				if key := "decision." + v + "." + p; site.TOr(lang, key, "") == "" {
					t.Errorf("%s: %s is missing", lang, key)
				}
			}
		}
		for _, code := range []string{"01", "05", "07", "08", "09", "10", "20"} {
			if law := models.TermsOf(code).Law; law != "" {
				for _, kind := range []string{"approval", "denial"} {
					if key := "decision.law." + law + "." + kind; site.TOr(lang, key, "") == "" {
						t.Errorf("%s: %s is missing", lang, key)
					}
				}
			}
		}
	}
}
