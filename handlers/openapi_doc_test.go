package handlers_test

import (
	"context"
	"net/http"
	"os"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestOpenAPIDocumentIsValid loads the served document with a strict
// OpenAPI loader. With ONEWINDOW_OPENAPI_OUT set it also writes the document
// there, for the linter and the client generator.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	status, body := get(t, "/api/v1/openapi.json")
	if status != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json = %d", status)
	}
	if out := os.Getenv("ONEWINDOW_OPENAPI_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	doc, err := openapi3.NewLoader().LoadFromData([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The CI linter refuses an operation without an id or a security
	// statement (an empty list for public ones); say so here first.
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				t.Errorf("%s %s has no operationId", method, path)
			}
			if op.Security == nil && doc.Security == nil {
				t.Errorf("%s %s states no security (use [] for a public operation)", method, path)
			}
		}
	}
}
