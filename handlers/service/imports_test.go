package service_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestKnowsNothingOfHTTP fails when the service, or anything it imports,
// imports gin or net/http: the service takes plain data and returns typed
// errors, and the handlers alone speak HTTP.
func TestKnowsNothingOfHTTP(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", "onewindow/handlers/service").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg == "net/http" || strings.HasPrefix(pkg, "github.com/gin-gonic/") {
			t.Errorf("the service depends on %s", pkg)
		}
	}
}
