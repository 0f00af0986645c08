package models

import (
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"onewindow/workflow"
)

// Acceptance follows the materials (行政许可法 Art. 32): an application is
// accepted (受理) only when every material it must have is received; an
// incomplete one gets a one-time notice (一次性告知) or is refused. 容缺受理
// accepts with a material still to come only where the item marks that
// material 容缺后补, against the applicant's pledge and a due date.

// Problems of a material at acceptance, as codes a caller turns into words.
const (
	// MaterialNotReceived is a required (必要) material not received.
	MaterialNotReceived = "not_received"
	// MaterialDeferrable is a 容缺后补 material neither received nor
	// accepted as pending: a plain acceptance cannot leave it out, a 容缺受理 can.
	MaterialDeferrable = "deferrable"
	// MaterialNotDeferrable is a material asked to be 容缺 that the item does
	// not mark 容缺后补.
	MaterialNotDeferrable = "not_deferrable"
	// MaterialUnknown is a key that is not on the application's checklist.
	MaterialUnknown = "unknown"
	// MaterialNotPending is a material handed in as 容缺 that is not pending.
	MaterialNotPending = "not_pending"
)

// MaterialProblem is one material that stops an acceptance.
type MaterialProblem struct {
	Key, Name, Problem string
}

// MaterialsError refuses an acceptance and names every material that stops
// it; nothing is changed.
type MaterialsError struct {
	Action   workflow.Action
	Problems []MaterialProblem
}

func (e *MaterialsError) Error() string {
	names := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		names[i] = p.Name + " (" + p.Problem + ")"
	}
	return "models: " + string(e.Action) + " refused for materials: " + strings.Join(names, ", ")
}

// checkAcceptance checks the checklist as the clerk left it (the checks
// already applied to app.Materials) against the action: accept needs every
// required and 容缺后补 material received; accept_pending needs every
// required one received and takes as pending only 容缺后补 materials not
// yet received — every one of those not received must be pending.
func checkAcceptance(app *Application, act workflow.Action, pending []string) error {
	e := &MaterialsError{Action: act}
	for _, k := range pending {
		if !slices.ContainsFunc(app.Materials, func(m AppMaterial) bool { return m.MaterialKey == k }) {
			e.Problems = append(e.Problems, MaterialProblem{Key: k, Name: k, Problem: MaterialUnknown})
		}
	}
	for _, m := range app.Materials {
		isPending := slices.Contains(pending, m.MaterialKey)
		var problem string
		switch {
		case isPending && m.Necessity != NecessityDeferred:
			problem = MaterialNotDeferrable
		case m.Provided || isPending || m.Pledged:
		case m.Necessity == NecessityRequired:
			problem = MaterialNotReceived
		case m.Necessity == NecessityDeferred:
			problem = MaterialDeferrable
		}
		if problem != "" {
			e.Problems = append(e.Problems, MaterialProblem{Key: m.MaterialKey, Name: m.Name, Problem: problem})
		}
	}
	if len(e.Problems) > 0 {
		return e
	}
	return nil
}

// Complete reports whether every required and 容缺后补 material of the
// application is received: what a 受理通知书 may call 材料齐全.
func (a *Application) Complete() bool {
	for _, m := range a.Materials {
		if !m.Provided && !m.Pledged && (m.Necessity == NecessityRequired || m.Necessity == NecessityDeferred) {
			return false
		}
	}
	return true
}

// RequiredReceived reports whether every required (必要) material is
// received: what a 容缺受理通知书 may call 主要申请材料齐全.
func (a *Application) RequiredReceived() bool {
	for _, m := range a.Materials {
		if !m.Provided && !m.Pledged && m.Necessity == NecessityRequired {
			return false
		}
	}
	return true
}

// PendingMaterials are the 容缺 materials still to come.
func (a *Application) PendingMaterials() []AppMaterial {
	var out []AppMaterial
	for _, m := range a.Materials {
		if m.Pending && !m.Provided {
			out = append(out, m)
		}
	}
	return out
}

// DefaultPendingDays is how many working days a 容缺 material may follow in
// when the item does not say.
const DefaultPendingDays = 5

// EffectivePendingDays is the 容缺 period that applies for an item's own
// period n: n, or the default when the item does not say.
func EffectivePendingDays(n *int) int {
	if n == nil || *n <= 0 {
		return DefaultPendingDays
	}
	return *n
}

// EffectivePendingDays is the item's 容缺 period, the default when it does not say.
func (it *Item) EffectivePendingDays() int { return EffectivePendingDays(it.PendingDays) }

// PendingLimit is the last day a 容缺 material of the application may follow on.
func (a *Application) PendingLimit(cal *workflow.Calendar, today time.Time) time.Time {
	days := a.Definition.PendingDays
	if days <= 0 {
		days = DefaultPendingDays
	}
	return cal.AddWorkdays(today, days)
}

// pendingDue is the due date of a 容缺受理: the one the clerk gave, which may
// not lie beyond the item's period, else the period's last working day.
func pendingDue(app *Application, cal *workflow.Calendar, today time.Time, given string) (string, error) {
	limit := app.PendingLimit(cal, today)
	if given == "" {
		return FormatDay(limit), nil
	}
	if d, err := workflow.ParseDate(given); err == nil && d.After(limit) {
		return "", &FieldsError{Fields: map[string]string{"due": workflow.FieldTooLate}}
	}
	return given, nil
}

// receivePending records 容缺 materials handed in: each must be pending;
// once none is left the due date is cleared and nothing can terminate the
// application for it any more.
func receivePending(tx *gorm.DB, app *Application, keys []string) error {
	e := &MaterialsError{Action: workflow.ReceivePending}
	for _, k := range keys {
		i := slices.IndexFunc(app.Materials, func(m AppMaterial) bool { return m.MaterialKey == k })
		switch {
		case i < 0:
			e.Problems = append(e.Problems, MaterialProblem{Key: k, Name: k, Problem: MaterialUnknown})
		case !app.Materials[i].Pending || app.Materials[i].Provided:
			e.Problems = append(e.Problems, MaterialProblem{Key: k, Name: app.Materials[i].Name, Problem: MaterialNotPending})
		default:
			app.Materials[i].Provided, app.Materials[i].Pending = true, false
		}
	}
	if len(e.Problems) > 0 {
		return e
	}
	if len(app.PendingMaterials()) == 0 {
		app.PendingDue = ""
	}
	return saveChecklist(tx, app)
}
