package handlers

import (
	"errors"
	"fmt"
	"net/http"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/workflow"
)

// Error is a failure with the HTTP status, machine code, message and field
// messages of the API's error shape.
type Error struct {
	Status  int
	Code    string
	Message string
	Fields  map[string]string
	Err     error // the cause, logged but never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// invalid builds a 422 naming the fields that are wrong.
func invalid(fields map[string]string) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_field", Message: "some fields are invalid", Fields: fields}
}

func notFound(what string) *Error {
	return &Error{Status: http.StatusNotFound, Code: "not_found", Message: what + " not found"}
}

func badRequest(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: msg}
}

// errorStatus is the one table from domain errors to HTTP answers. The
// action service's errors (service.Error) answer with their own message
// and field messages.
var errorStatus = []struct {
	target error
	status int
	code   string
	msg    string
}{
	{service.ErrInvalid, http.StatusUnprocessableEntity, "invalid_field", "some fields are invalid"},
	{service.ErrNotFound, http.StatusNotFound, "not_found", "not found"},
	{service.ErrForbidden, http.StatusForbidden, "forbidden", "not allowed"},
	{service.ErrUnauthenticated, http.StatusUnauthorized, "unauthenticated", "log in first"},
	{service.ErrTooManyAttempts, http.StatusTooManyRequests, "rate_limited", "too many wrong query codes; try again later"},
	{service.ErrClosed, http.StatusConflict, "illegal_transition", "the application is closed"},
	{models.ErrNotFound, http.StatusNotFound, "not_found", "not found"},
	{models.ErrConflict, http.StatusConflict, "conflict", "the resource was changed by someone else; reload and try again"},
	{models.ErrPaymentRequired, http.StatusConflict, "payment_required", "the fee is not paid: the result is issued once the payment notice is paid or exempted"},
	{models.ErrBundleChild, http.StatusConflict, "bundle_child", "this application is part of an 一件事 bundle: the window accepts, returns and issues the bundle as a whole"},
	{workflow.ErrIllegal, http.StatusConflict, "illegal_transition", "this action is not allowed in the application's current state"},
	{models.ErrIdempotencyMismatch, http.StatusUnprocessableEntity, "idempotency_key_reused", "this Idempotency-Key was used for a different request"},
	{models.ErrTooLarge, http.StatusRequestEntityTooLarge, "too_large", "the file is too large"},
	{models.ErrTooManyFiles, http.StatusRequestEntityTooLarge, "too_many_files", "this application already holds as many files as it may; hand further documents in at the window"},
	{models.ErrDiskLow, http.StatusInsufficientStorage, "insufficient_storage", "the server's disk is nearly full: nothing was filed or stored; try again later or apply at the window"},
}

// asError turns any error into an *Error; unknown errors become a 500 that
// hides its cause from the client.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var form formErrors
	if errors.As(err, &form) {
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_field", Message: "some fields are invalid", Fields: form, Err: err}
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_field", Message: "some fields are invalid", Fields: ve.Fields, Err: err}
	}
	var fe *models.FieldsError
	if errors.As(err, &fe) {
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_field", Message: "some fields are invalid", Fields: service.FieldMessages(fe.Fields), Err: err}
	}
	for _, row := range errorStatus {
		if errors.Is(err, row.target) {
			out := &Error{Status: row.status, Code: row.code, Message: row.msg, Err: err}
			var se *service.Error
			if errors.As(err, &se) {
				out.Message, out.Fields = se.Message, se.Fields
			}
			return out
		}
	}
	return &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error", Err: err}
}

// errorBody is the JSON error shape of DESIGN §6.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func isConflict(err error) bool { return errors.Is(err, models.ErrConflict) }
