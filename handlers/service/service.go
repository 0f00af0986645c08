// Package service runs what users do to applications and the catalogue —
// filing, the window's and the departments' actions, catalogue writes — as
// functions of plain data: who acts, on what, with which input and at
// which expected version. It returns the result or a typed *Error and
// knows nothing of HTTP; the handlers parse requests into its inputs,
// resolve the caller once, and render what it returns.
package service

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// Service holds what the calls need: the store, the authorizer and the
// current calendar and clock.
type Service struct {
	Store *models.Store
	Authz *policies.Authorizer
	Cal   *workflow.Calendar
	Now   func() time.Time
	// Item returns the published item of a code (the handlers' cached copy),
	// for filing.
	Item func(ctx context.Context, code string) (*models.Item, error)
	// IsMainItem reports whether a published item is a main item (主项)
	// with retained sub-items (子项), which are what one applies for; nil
	// knows none.
	IsMainItem func(code string) bool
	// Forms keeps the compiled application forms between calls; nil compiles each time.
	Forms *FormCache
	// Bundles keeps the bundles' merged forms between calls; nil merges each time.
	Bundles *BundleCache
}

// Actor is who asks, resolved once by the caller.
type Actor struct {
	// Username is the signed-in user; "" for an anonymous applicant.
	Username string
	// CitizenID is the signed-in citizen account's identity number, if any.
	CitizenID string
	// QueryCode makes the actor the applicant of the application, proved by
	// its query code (checked inside the write transaction).
	QueryCode string
}

// ActionInput is what an action carries besides its target.
type ActionInput struct {
	Comment string
	// Department is the acting department asked for (a joint item's task).
	Department string
	// Fields are the action's fields (reason, missing, pending, due, kind,
	// expected_days, days, result_number, delivery, tracking_number).
	Fields map[string]string
	// Materials is the window's checklist at acceptance, by material key.
	Materials map[string]models.MaterialCheck
	// Idem makes a repeated request answer what the first one did.
	Idem *models.Idempotency
}

// commentMax is the longest comment an action takes, in runes.
const commentMax = 2000

// Validate checks the input before anything is read; the action's own
// fields are checked by workflow.CheckFields inside the transaction.
func (in ActionInput) Validate() error {
	if utf8.RuneCountInString(strings.TrimSpace(in.Comment)) > commentMax {
		return invalid(map[string]string{"comment": "is too long"})
	}
	return nil
}

// Act takes the action act on the application number, as who, if the
// application is still at version (0: the applicant's own actions, which
// skip the check). The actor's permissions are read here, before the write
// transaction, and the store decides inside it, over the locked
// application, who acts (workflow.ChooseActing).
func (s *Service) Act(ctx context.Context, who Actor, number string, act workflow.Action, version int, in ActionInput) (*models.Application, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.Fields == nil {
		in.Fields = map[string]string{}
	}
	caller, actor, err := s.caller(who, in.Department)
	if err != nil {
		return nil, err
	}
	req := models.ActionRequest{Number: number, Action: act, Version: version, Actor: actor,
		Comment: strings.TrimSpace(in.Comment), Fields: in.Fields, Checks: in.Materials, Cal: s.Cal, Now: s.Now(),
		Idem: in.Idem, Department: in.Department, Caller: caller}
	app, err := s.Store.Act(ctx, req)
	return app, actionError(err)
}

// caller turns the actor into the data the store decides with: the query
// code, the citizen account's identity number when it may act on its own
// applications, and every permission the user holds.
func (s *Service) caller(who Actor, dept string) (*workflow.Caller, string, error) {
	if who.QueryCode != "" {
		return &workflow.Caller{QueryCode: who.QueryCode}, "applicant", nil
	}
	if who.Username == "" {
		return nil, "", &Error{Kind: Unauthenticated, Message: "log in, or give the query code"}
	}
	c := &workflow.Caller{Department: dept, Permissions: s.Permissions(who.Username)}
	c.Owner = owner(who, c.Permissions)
	return c, who.Username, nil
}

// owner is the normalized identity number of a citizen account that may act
// on its own applications (application:own in every department), else "".
func owner(who Actor, perms []workflow.Permission) string {
	if who.CitizenID == "" {
		return ""
	}
	if _, ok := workflow.RoleFor(perms, policies.AllDomains, policies.ObjApplication, policies.ActOwn); !ok {
		return ""
	}
	return workflow.NormalizeID(who.CitizenID)
}

// Permissions are the user's permissions as the workflow reads them.
func (s *Service) Permissions(user string) []workflow.Permission {
	ps := s.Authz.Permissions(user)
	out := make([]workflow.Permission, len(ps))
	for i, p := range ps {
		out[i] = workflow.Permission{Role: string(p.Role), Domain: p.Domain, Obj: p.Object, Verb: p.Verb}
	}
	return out
}
