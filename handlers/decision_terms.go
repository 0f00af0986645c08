package handlers

import (
	"fmt"

	"onewindow/models"
	"onewindow/workflow"
)

// Decisions speak their item type's language (models.TermsOf): the locale
// keys of the approve and deny actions, of the approved and denied states
// and results, and of the decision documents are picked per vocabulary.

// decisionView is how the application's decisions are worded, for the API
// and the pages.
type decisionView struct {
	Vocabulary string `json:"vocabulary"` // licence, benefit, confirmation, award, ruling, power, service
	Approve    string `json:"approve"`    // the grant's word: 准予许可, 确认, 给付 …
	Deny       string `json:"deny"`       // the refusal's word: 不予许可, 不予确认 …
	// The titles of the decision documents.
	ApprovalDocument string `json:"approval_document"`
	DenialDocument   string `json:"denial_document"`
}

func termsKey(t models.DecisionTerms, part string) string {
	return "decision." + t.Vocabulary + "." + part
}

// actionKey is the locale key of an action's label for an item of terms t.
func actionKey(t models.DecisionTerms, act workflow.Action) string {
	switch act {
	case workflow.Approve:
		return termsKey(t, "approve")
	case workflow.Deny:
		return termsKey(t, "deny")
	case models.ActionRelease:
		return "dept.action.release"
	}
	return "action." + string(act)
}

// stateKey is the locale key of a state's label for an item of terms t.
func stateKey(t models.DecisionTerms, st workflow.State) string {
	switch st {
	case workflow.Approved:
		return termsKey(t, "state.approved")
	case workflow.Denied:
		return termsKey(t, "state.denied")
	}
	return "state." + string(st)
}

// resultKey is the locale key of a result (approved, denied) for terms t.
func resultKey(t models.DecisionTerms, result string) string {
	return termsKey(t, "result."+result)
}

func (s *Server) decisionViewOf(lang string, t models.DecisionTerms) decisionView {
	return decisionView{Vocabulary: t.Vocabulary, Approve: s.site.T(lang, termsKey(t, "approve")),
		Deny: s.site.T(lang, termsKey(t, "deny")), ApprovalDocument: s.site.T(lang, termsKey(t, "doc.approval")),
		DenialDocument: s.site.T(lang, termsKey(t, "doc.denial"))}
}

// stateLabel is the application's state in words of its item type.
func (s *Server) stateLabel(lang string, a *models.Application, st workflow.State) string {
	return s.site.T(lang, stateKey(a.Terms(), st))
}

// ActionKey is the locale key of an action's label on this application;
// the action comes from templates as a workflow.Action or a string.
func (v applicationView) ActionKey(act any) string {
	return actionKey(v.terms, workflow.Action(fmt.Sprint(act)))
}

// StateKey is the locale key of a state's label on this application.
func (v applicationView) StateKey(st any) string {
	return stateKey(v.terms, workflow.State(fmt.Sprint(st)))
}

// decisionText is the decision sentence of a document of kind approval or
// denial, citing the general law of the item type where it has one.
func (s *Server) decisionText(lang string, t models.DecisionTerms, kind, item string) string {
	clause := ""
	if t.Law != "" {
		clause = s.site.T(lang, "decision.law."+t.Law+"."+kind)
	}
	return s.site.T(lang, termsKey(t, kind+"_decision"), clause, item)
}

// remedies are the applicant's remedies against a decision: 行政复议 within
// 60 days (to the body the site settings name, else as the law provides)
// and 行政诉讼 within 6 months; a public service names none.
func (s *Server) remedies(lang string, t models.DecisionTerms) []string {
	if !t.Remedies {
		return []string{s.site.T(lang, "decision.remedies.none")}
	}
	site := s.siteSettings()
	review, court := s.site.T(lang, "decision.remedies.review"), s.site.T(lang, "decision.remedies.court")
	if site.ReviewBody != "" {
		review = s.site.T(lang, "decision.remedies.review_named", site.ReviewBody)
	}
	if site.Court != "" {
		court = s.site.T(lang, "decision.remedies.court_named", site.Court)
	}
	return []string{review + court}
}
