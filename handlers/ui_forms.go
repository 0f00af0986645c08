package handlers

import (
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
)

// Page forms are bound into their own structs with c.ShouldBind and checked
// by their Validate method, which returns formErrors keyed by the form's
// field names; where a form carries the same data as the API, Validate
// runs the service's own check of it (service.ActionInput.Validate,
// service.CheckFiling), so there is one validation path.

// formErrors are a form's problems keyed by field. The values are locale
// keys on the citizen pages and messages elsewhere, as each page renders them;
// returned to the API, they answer 422 with the same fields (asError).
type formErrors map[string]string

func (e formErrors) Error() string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return "invalid form fields: " + strings.Join(keys, ", ")
}

// add records a problem unless the field has one already.
func (e formErrors) add(field, problem string) {
	if _, ok := e[field]; !ok {
		e[field] = problem
	}
}

// orNil returns nil for no problems, so that Validate can return it.
func (e formErrors) orNil() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// problems returns the fields of a Validate error: a formErrors, or the
// fields of a service error; nil for none.
func problems(err error) map[string]string {
	var fe formErrors
	if errors.As(err, &fe) {
		return fe
	}
	var se *service.Error
	if errors.As(err, &se) && se.Kind == service.Invalid {
		return se.Fields
	}
	return nil
}

// bindForm binds the posted form into f; a form that cannot be bound (a
// number field that is not a number) is a bad request.
func bindForm(c *gin.Context, f any) error {
	if err := c.ShouldBind(f); err != nil {
		return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: "the form could not be read", Err: err}
	}
	return nil
}
