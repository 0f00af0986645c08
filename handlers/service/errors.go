package service

import (
	"errors"
	"fmt"
	"strings"

	"onewindow/models"
	"onewindow/models/form"
	"onewindow/workflow"
)

// Kind is what went wrong, in terms a caller can act on; the handlers map
// each kind to an HTTP answer in one table.
type Kind int

// Kinds of failure.
const (
	// Invalid is input with fields that are missing or wrong (Fields says which).
	Invalid Kind = iota + 1
	// NotFound is a target that does not exist, or a wrong query code.
	NotFound
	// Forbidden is an actor who may not do this.
	Forbidden
	// Unauthenticated is an anonymous actor without a query code.
	Unauthenticated
	// TooManyAttempts is an actor refused after too many wrong query codes.
	TooManyAttempts
	// Closed is a target that no longer takes the change: an application
	// that is decided or closed.
	Closed
)

// Error is a failure of a service call. Conflicts (models.ErrConflict) and
// illegal transitions (workflow.ErrIllegal) come back as the store's errors.
type Error struct {
	Kind    Kind
	Message string
	// Fields are the messages of the wrong fields, keyed by field ("comment",
	// "applicant.id_number", "form.content").
	Fields map[string]string
	// Form are the refused answers of the application form, keyed as in Fields
	// ("form.<key>"), with the rule and arguments a page translates.
	Form form.Issues
	// WrongCode marks a NotFound caused by a wrong query code, which callers
	// count against the client.
	WrongCode bool
	Err       error // the cause
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("service: %s: %v", e.Message, e.Err)
	}
	return "service: " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNotFound) (and the other kinds' sentinels)
// true for every Error of that kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind
}

// Sentinels of the kinds, for errors.Is and the handlers' error table.
var (
	ErrInvalid         = &Error{Kind: Invalid, Message: "some fields are invalid"}
	ErrNotFound        = &Error{Kind: NotFound, Message: "not found"}
	ErrForbidden       = &Error{Kind: Forbidden, Message: "not allowed"}
	ErrUnauthenticated = &Error{Kind: Unauthenticated, Message: "log in first"}
	// ErrTooManyAttempts is the answer to a client that gave too many wrong query codes.
	ErrTooManyAttempts = &Error{Kind: TooManyAttempts, Message: "too many wrong query codes; try again later"}
	ErrClosed          = &Error{Kind: Closed, Message: "the application is closed"}
	// ErrWrongCode is a wrong query code, answered exactly like a number
	// that does not exist; callers count it against the client.
	ErrWrongCode = &Error{Kind: NotFound, Message: "application not found", WrongCode: true}
)

// wrongCode is ErrWrongCode with its cause.
func wrongCode(cause error) *Error {
	e := *ErrWrongCode
	e.Err = cause
	return &e
}

// invalid builds an Invalid error naming the wrong fields.
func invalid(fields map[string]string) *Error {
	return &Error{Kind: Invalid, Message: "some fields are invalid", Fields: fields}
}

// IsWrongCode reports whether err is a wrong query code.
func IsWrongCode(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.WrongCode
}

// FieldMessages turns the workflow's field problem codes into messages.
func FieldMessages(p map[string]string) map[string]string {
	text := map[string]string{
		workflow.FieldRequired:        "is required",
		workflow.FieldInvalid:         "is not valid",
		workflow.FieldTooLarge:        "is too large",
		workflow.FieldPast:            "must be a later date",
		workflow.FieldTooLate:         "is later than the item's 容缺 period allows",
		workflow.FieldAlreadyExtended: "the time limit was already extended once; the law allows one extension",
		workflow.FieldBeyondCalendar:  "falls in a year the working-day calendar does not cover yet; import that year's holiday schedule first",
	}
	out := make(map[string]string, len(p))
	for k, v := range p {
		if m, ok := text[v]; ok {
			v = m
		}
		out[k] = v
	}
	return out
}

// actionError turns the store's answer to an action into the service's
// kinds; conflicts and illegal transitions pass unchanged.
func actionError(err error) error {
	var fe *models.FieldsError
	var ve *models.ValidationError
	var forbidden *workflow.ForbiddenError
	var me *models.MaterialsError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &me):
		return &Error{Kind: Invalid, Message: materialsMessage(me), Fields: MaterialFields(me), Err: err}
	case errors.As(err, &fe):
		return &Error{Kind: Invalid, Message: "some fields are invalid", Fields: FieldMessages(fe.Fields), Err: err}
	case errors.As(err, &ve):
		return &Error{Kind: Invalid, Message: "some fields are invalid", Fields: ve.Fields, Err: err}
	case errors.Is(err, models.ErrWrongCode):
		return wrongCode(err)
	case errors.Is(err, models.ErrNotFound):
		return &Error{Kind: NotFound, Message: "application not found", Err: err}
	case errors.As(err, &forbidden):
		e := &Error{Kind: Forbidden, Message: forbidden.Error(), Err: err}
		if forbidden.Stage != "" {
			e.Fields = map[string]string{"stage": forbidden.Stage} // the stage of the item's sequence refused
		}
		return e
	}
	return err
}

// materialProblemText words a material's problem at acceptance.
var materialProblemText = map[string]string{
	models.MaterialNotReceived:   "a required material that was not received: send a one-time notice (request_supplement) or refuse (reject)",
	models.MaterialDeferrable:    "a 容缺后补 material that was not received: accept it as pending (accept_pending) or send a one-time notice",
	models.MaterialNotDeferrable: "not marked 容缺后补 by the item, so it cannot be accepted as pending",
	models.MaterialUnknown:       "is not on the application's materials list",
	models.MaterialNotPending:    "is not a pending (容缺) material of this application",
}

// MaterialFields names each material that stopped an acceptance, keyed
// "materials.<key>", with its name and what is wrong.
func MaterialFields(me *models.MaterialsError) map[string]string {
	out := make(map[string]string, len(me.Problems))
	for _, p := range me.Problems {
		out["materials."+p.Key] = p.Name + ": " + materialProblemText[p.Problem]
	}
	return out
}

func materialsMessage(me *models.MaterialsError) string {
	names := make([]string, len(me.Problems))
	for i, p := range me.Problems {
		names[i] = p.Name
	}
	return string(me.Action) + " refused: the materials list is not complete (" + strings.Join(names, ", ") + ")"
}
