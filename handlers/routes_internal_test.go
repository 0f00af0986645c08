package handlers

import (
	"testing"

	"onewindow/policies"
)

// TestRouteTablePermissions checks the table's policy columns: a route that
// needs no login names no permission, and every permission a route names is
// one that some role of policy.csv holds.
func TestRouteTablePermissions(t *testing.T) {
	t.Parallel()
	a, err := policies.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range routeTable {
		key := rt.method + " " + rt.path
		if (rt.handler == nil) != (rt.kind == static) {
			t.Errorf("%s: only the static route has no handler", key)
		}
		if !rt.audience.needsLogin() {
			if rt.obj != "" || rt.act != "" {
				t.Errorf("%s needs no login but names %s:%s", key, rt.obj, rt.act)
			}
			continue
		}
		if rt.obj == "" && rt.act == "" || rt.obj == ofAction || rt.act == ofAction {
			continue
		}
		held := false
		for _, role := range policies.AllRoles() {
			ok, err := a.RoleCan(role, rt.obj, rt.act)
			if err != nil {
				t.Fatal(err)
			}
			held = held || ok
		}
		if !held {
			t.Errorf("%s names %s:%s, which no role holds", key, rt.obj, rt.act)
		}
	}
}
