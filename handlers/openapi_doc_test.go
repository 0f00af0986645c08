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
}
