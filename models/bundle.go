package models

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"onewindow/models/form"
	"onewindow/workflow"
)

// 一件事一次办 bundles (DESIGN §8): a bundle names several items, often of
// several departments. The applicant answers one merged form, hands in one
// merged materials list and gets one number and query code; each item
// becomes a child application routed to its department at once (同步审批);
// the window accepts, returns and issues the bundle as a whole (统一发证).

// Limits of a bundle as an administrator edits it.
const (
	// MaxBundleItems bounds the items of one bundle.
	MaxBundleItems = 10
	// MinBundleItems is the fewest items a bundle has: one item is an application.
	MinBundleItems = 2
	maxBundleName  = 100
	maxBundleDesc  = 2000
	maxBundleMaps  = 200
	// MaxBundleReason bounds the reason given for a change.
	MaxBundleReason = 500
)

// bundleCodePattern is what a bundle code looks like: it is a path segment.
var bundleCodePattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{1,39}$`)

// fieldKeyPattern is a form field key (form.Check's rule).
var fieldKeyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// Bundle is an 一件事 bundle: its items in order and how their forms merge.
type Bundle struct {
	Code        string
	Name        string
	NameEn      string
	Description string
	Published   bool
	Version     int
	Items       []string // item codes, in the order the merged form asks them
	Mapping     []BundleMapping
	UpdatedBy   string
	UpdatedAt   time.Time
}

// BundleMapping says that field Field of item Item is answered by the
// merged form's field Merged.
type BundleMapping struct {
	Item   string `json:"item"`
	Field  string `json:"field"`
	Merged string `json:"merged"`
}

// BundleInput is a new or changed bundle as an administrator submits it;
// Reason goes to the change log.
type BundleInput struct {
	Code        string
	Name        string
	NameEn      string
	Description string
	Published   bool
	Items       []string
	Mapping     []BundleMapping
	Reason      string
}

// bundleValue is a bundle's content as stored and as the change log records it.
type bundleValue struct {
	Name        string          `json:"name"`
	NameEn      string          `json:"name_en,omitempty"`
	Description string          `json:"description,omitempty"`
	Published   bool            `json:"published"`
	Items       []string        `json:"items"`
	Mapping     []BundleMapping `json:"mapping,omitempty"`
}

// BundleChange is one line of a bundle's append-only change log.
type BundleChange struct {
	ID      int64
	Code    string
	Action  string // create, edit
	Version int
	Actor   string
	Reason  string
	At      time.Time
	// Before and After are the bundle as JSON; Before is "" for a new bundle.
	Before, After string
}

// NormalizeBundle trims the input and drops blank items and mapping rows.
func NormalizeBundle(in BundleInput) BundleInput {
	out := BundleInput{Code: strings.TrimSpace(in.Code), Name: collapseSpace(in.Name), NameEn: collapseSpace(in.NameEn),
		Description: strings.TrimSpace(in.Description), Published: in.Published, Reason: strings.TrimSpace(in.Reason)}
	for _, c := range in.Items {
		if c = strings.TrimSpace(c); c != "" {
			out.Items = append(out.Items, c)
		}
	}
	for _, m := range in.Mapping {
		m = BundleMapping{Item: strings.TrimSpace(m.Item), Field: strings.TrimSpace(m.Field), Merged: strings.TrimSpace(m.Merged)}
		if m.Item != "" || m.Field != "" || m.Merged != "" {
			out.Mapping = append(out.Mapping, m)
		}
	}
	return out
}

// ValidateBundle checks a normalized bundle on its own (the items' existence
// and forms are the caller's to check) and returns a *ValidationError
// naming the bad fields: code, name, name_en, description, items,
// mapping.<i>, reason.
func ValidateBundle(in BundleInput) error {
	ve := &ValidationError{}
	switch {
	case in.Code == "":
		ve.addRule("code", RuleRequired, "required")
	case !bundleCodePattern.MatchString(in.Code):
		ve.addRule("code", RuleCodeChars, "2 to 40 lowercase letters, digits, - or _, starting with a letter")
	}
	if in.Name == "" {
		ve.addRule("name", RuleRequired, "required")
	} else if utf8.RuneCountInString(in.Name) > maxBundleName {
		ve.addRule("name", RuleTooLong, fmt.Sprintf("at most %d characters", maxBundleName))
	}
	if utf8.RuneCountInString(in.NameEn) > maxBundleName {
		ve.addRule("name_en", RuleTooLong, fmt.Sprintf("at most %d characters", maxBundleName))
	}
	if utf8.RuneCountInString(in.Description) > maxBundleDesc {
		ve.addRule("description", RuleTooLong, fmt.Sprintf("at most %d characters", maxBundleDesc))
	}
	if utf8.RuneCountInString(in.Reason) > MaxBundleReason {
		ve.addRule("reason", RuleTooLong, fmt.Sprintf("at most %d characters", MaxBundleReason))
	}
	switch {
	case len(in.Items) < MinBundleItems:
		ve.addRule("items", RuleRequired, fmt.Sprintf("at least %d items", MinBundleItems))
	case len(in.Items) > MaxBundleItems:
		ve.addRule("items", RuleTooLong, fmt.Sprintf("at most %d items", MaxBundleItems))
	}
	for i, c := range in.Items {
		if slices.Index(in.Items, c) != i {
			ve.addRule("items", RuleDuplicate, fmt.Sprintf("item %q is listed twice", c))
		}
	}
	if len(in.Mapping) > maxBundleMaps {
		ve.addRule("mapping", RuleTooLong, fmt.Sprintf("at most %d rows", maxBundleMaps))
	}
	seen := map[[2]string]bool{}
	for i, m := range in.Mapping {
		p := fmt.Sprintf("mapping.%d", i)
		switch {
		case !slices.Contains(in.Items, m.Item):
			ve.addRule(p, RuleUnknown, fmt.Sprintf("item %q is not one of the bundle's items", m.Item))
		case !fieldKeyPattern.MatchString(m.Field):
			ve.addRule(p, RuleInvalid, fmt.Sprintf("%q is not a field key", m.Field))
		case !fieldKeyPattern.MatchString(m.Merged):
			ve.addRule(p, RuleInvalid, fmt.Sprintf("%q is not a field key (a-z, 0-9, _; at most 32)", m.Merged))
		case seen[[2]string{m.Item, m.Field}]:
			ve.addRule(p, RuleDuplicate, fmt.Sprintf("field %q of item %q is mapped twice", m.Field, m.Item))
		}
		seen[[2]string{m.Item, m.Field}] = true
	}
	return ve.err()
}

func (in BundleInput) value() bundleValue {
	return bundleValue{Name: in.Name, NameEn: in.NameEn, Description: in.Description, Published: in.Published,
		Items: in.Items, Mapping: in.Mapping}
}

func (b Bundle) value() bundleValue {
	return bundleValue{Name: b.Name, NameEn: b.NameEn, Description: b.Description, Published: b.Published,
		Items: b.Items, Mapping: b.Mapping}
}

// NameIn is the bundle's name in lang; a blank English name falls back to Chinese.
func (b Bundle) NameIn(lang string) string {
	if lang == "en" && b.NameEn != "" {
		return b.NameEn
	}
	return b.Name
}

// BundleState is where a bundle filing stands as a whole.
type BundleState string

// The states of a bundle filing.
const (
	// BundleSubmitted waits for the window's acceptance check (待受理).
	BundleSubmitted BundleState = "submitted"
	// BundleSupplementRequired waits for the applicant's missing materials (待补正).
	BundleSupplementRequired BundleState = "supplement_required"
	// BundleNotAccepted was refused at the window (不予受理); final.
	BundleNotAccepted BundleState = "not_accepted"
	// BundleAccepted is with the departments (同步审批).
	BundleAccepted BundleState = "accepted"
	// BundleDecided has every child decided and waits for 统一发证.
	BundleDecided BundleState = "decided"
	// BundleCompleted had every result issued together; final.
	BundleCompleted BundleState = "completed"
)

// Actions on a bundle filing as a whole.
const (
	// BundleFile creates the filing.
	BundleFile workflow.Action = "file"
	// BundleDecide is recorded when the last child is decided.
	BundleDecide workflow.Action = "decide"
)

// bundleTransition is one row of the bundle's table: the window's action
// on the bundle, what it does to every child, and where the bundle goes.
type bundleTransition struct {
	From  []BundleState
	Act   workflow.Action
	Child workflow.Action // the action each child takes
	To    BundleState
	// ChildFrom are the child states the action applies to; other children
	// are left alone (a decided child is not issued twice).
	ChildFrom []workflow.State
}

// bundleTable is what the window and the applicant do to a bundle. The
// bundle's own "decide" is not here: the store records it when the last
// child is decided, in the transaction of that decision.
var bundleTable = []bundleTransition{
	{[]BundleState{BundleSubmitted}, workflow.Accept, workflow.Accept, BundleAccepted, []workflow.State{workflow.Submitted}},
	{[]BundleState{BundleSubmitted}, workflow.RequestSupplement, workflow.RequestSupplement, BundleSupplementRequired,
		[]workflow.State{workflow.Submitted}},
	{[]BundleState{BundleSupplementRequired}, workflow.Supplement, workflow.Supplement, BundleSubmitted,
		[]workflow.State{workflow.SupplementRequired}},
	// A department sent a child back for more materials (send_back).
	{[]BundleState{BundleAccepted}, workflow.Supplement, workflow.Supplement, BundleAccepted,
		[]workflow.State{workflow.SupplementRequired}},
	{[]BundleState{BundleSubmitted, BundleSupplementRequired}, workflow.Reject, workflow.Reject, BundleNotAccepted,
		[]workflow.State{workflow.Submitted, workflow.SupplementRequired}},
	{[]BundleState{BundleDecided}, workflow.Issue, workflow.Issue, BundleCompleted,
		[]workflow.State{workflow.Approved, workflow.Denied}},
}

// BundleActions lists the actions on a bundle filing, in table order.
func BundleActions() []workflow.Action {
	var out []workflow.Action
	for _, t := range bundleTable {
		if !slices.Contains(out, t.Act) {
			out = append(out, t.Act)
		}
	}
	return out
}

// BundleAvailable lists the actions the bundle's table allows in state st.
func BundleAvailable(st BundleState) []workflow.Action {
	var out []workflow.Action
	for _, t := range bundleTable {
		if slices.Contains(t.From, st) {
			out = append(out, t.Act)
		}
	}
	return out
}

func bundleNext(st BundleState, act workflow.Action) (bundleTransition, error) {
	for _, t := range bundleTable {
		if t.Act == act && slices.Contains(t.From, st) {
			return t, nil
		}
	}
	return bundleTransition{}, &workflow.IllegalError{From: workflow.State(st), Act: act}
}

// undecided are the child states still waiting for a department's (or the
// window's) decision; every other state is a decision or an end.
var undecided = []workflow.State{workflow.Submitted, workflow.SupplementRequired, workflow.Accepted,
	workflow.InReview, workflow.Suspended}

// Undecided reports whether a child in state st still waits for a decision.
func Undecided(st workflow.State) bool { return slices.Contains(undecided, st) }

// ErrBundleChild refuses to act on a child of a bundle alone what the
// window or the applicant does to the bundle as a whole (accept, return,
// refuse, issue; supplement, withdraw).
var ErrBundleChild = fmt.Errorf("the application is part of an 一件事 bundle: act on the bundle: %w", workflow.ErrIllegal)

// bundleOnly are the actions a bundle's child takes only with its bundle.
var bundleOnly = []workflow.Action{workflow.Accept, workflow.AcceptPending, workflow.Reject,
	workflow.RequestSupplement, workflow.Issue, workflow.Supplement, workflow.Withdraw}

// BundleOnly reports whether a bundle's child takes act only with its bundle.
func BundleOnly(act workflow.Action) bool { return slices.Contains(bundleOnly, act) }

// MergedForm is a bundle's one form and one materials list, built from its
// items' forms (see MergeBundle).
type MergedForm struct {
	Schema form.Schema `json:"form"`
	// Keys maps, per item in order, each of the item form's top-level field
	// keys to the merged field that answers it.
	Keys []map[string]string `json:"keys"`
	// Materials are the merged materials list: a material of the same name in
	// several items is listed once.
	Materials []MergedMaterial `json:"materials"`
}

// MergedMaterial is one line of the merged materials list.
type MergedMaterial struct {
	Key       string `json:"key"` // m1, m2, …: the upload's name on the pages
	Name      string `json:"name"`
	Necessity string `json:"necessity"` // the strictest of the items'
	// Items maps the code of each item that lists the material to the
	// material's key in that item.
	Items map[string]string `json:"items"`
}

// BundleItemForm is what merging needs of one item.
type BundleItemForm struct {
	Code      string
	Name      string
	Schema    *form.Schema
	Materials []Material
}
