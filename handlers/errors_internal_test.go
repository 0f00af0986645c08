package handlers

import (
	"fmt"
	"net/http"
	"testing"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/workflow"
)

// TestServiceErrorsMapToHTTP checks the error table for every kind of the
// action service's errors, and that the service's message and fields are
// what the client sees.
func TestServiceErrorsMapToHTTP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err    error
		status int
		code   string
		msg    string
	}{
		{&service.Error{Kind: service.Invalid, Message: "some fields are invalid", Fields: map[string]string{"comment": "is too long"}},
			http.StatusUnprocessableEntity, "invalid_field", "some fields are invalid"},
		{fmt.Errorf("wrapped: %w", &service.Error{Kind: service.NotFound, Message: "application not found", WrongCode: true, Err: models.ErrWrongCode}),
			http.StatusNotFound, "not_found", "application not found"},
		{&service.Error{Kind: service.Forbidden, Message: "you may not accept this application", Err: &workflow.ForbiddenError{Act: workflow.Accept}},
			http.StatusForbidden, "forbidden", "you may not accept this application"},
		{&service.Error{Kind: service.Unauthenticated, Message: "log in, or give the query code"},
			http.StatusUnauthorized, "unauthenticated", "log in, or give the query code"},
		{service.ErrTooManyAttempts, http.StatusTooManyRequests, "rate_limited", "too many wrong query codes; try again later"},
		{fmt.Errorf("models: accept application: %w", models.ErrConflict), http.StatusConflict, "conflict", ""},
		{&workflow.IllegalError{From: workflow.Completed, Act: workflow.Accept}, http.StatusConflict, "illegal_transition", ""},
	}
	for _, tt := range tests {
		e := asError(tt.err)
		if e.Status != tt.status || e.Code != tt.code || (tt.msg != "" && e.Message != tt.msg) {
			t.Errorf("%v: got %d %s %q, want %d %s %q", tt.err, e.Status, e.Code, e.Message, tt.status, tt.code, tt.msg)
		}
	}
	if e := asError(tests[0].err); e.Fields["comment"] != "is too long" {
		t.Errorf("fields lost: %v", e.Fields)
	}
}

// TestFormErrorsAnswerAsTheAPIsFieldErrors checks that a Validate shared by
// a page form and the API (the login) answers the API with the 422 and the
// fields it always had.
func TestFormErrorsAnswerAsTheAPIsFieldErrors(t *testing.T) {
	t.Parallel()
	err := loginRequest{Username: " ", Password: ""}.Validate()
	e := asError(err)
	if e.Status != http.StatusUnprocessableEntity || e.Code != "invalid_field" || e.Message != "some fields are invalid" {
		t.Fatalf("got %d %s %q", e.Status, e.Code, e.Message)
	}
	if len(e.Fields) != 2 || e.Fields["username"] != "required" || e.Fields["password"] != "required" {
		t.Errorf("fields: %v", e.Fields)
	}
	if err := (loginRequest{Username: "a", Password: "b"}).Validate(); err != nil {
		t.Errorf("a complete login is refused: %v", err)
	}
	if err := (passwordForm{passwordRequest: passwordRequest{Password: "long-enough-1"}, Password2: "long-enough-2"}).Validate(); problems(err)["password2"] == "" {
		t.Errorf("two different passwords pass: %v", err)
	}
	if err := (activeRequest{}).Validate(); asError(err).Fields["active"] == "" {
		t.Errorf("a missing active passes: %v", err)
	}
}
