package handlers_test

import (
	"context"
	"testing"
)

// received is the window's checklist with every material of the application
// received, as the API's "materials" takes it: for tests whose subject is
// not the checklist (acceptance follows the materials).
func received(t testing.TB, env *demoEnv, number string) map[string]any {
	t.Helper()
	app, err := env.store.Application(context.Background(), number)
	if err != nil {
		t.Fatalf("application %s: %v", number, err)
	}
	out := map[string]any{}
	for _, m := range app.Materials {
		out[m.MaterialKey] = map[string]any{"provided": true, "kind": "original", "copies": 1}
	}
	return out
}

// acceptBody is an acceptance's body at version with every material received.
func acceptBody(t testing.TB, env *demoEnv, number string, version int) map[string]any {
	return map[string]any{"version": version, "materials": received(t, env, number)}
}

// bundleReceived is a bundle's checklist with every merged material received.
func bundleReceived(t testing.TB, env *demoEnv, number string) map[string]any {
	t.Helper()
	f, err := env.store.BundleFiling(context.Background(), number)
	if err != nil {
		t.Fatalf("bundle %s: %v", number, err)
	}
	out := map[string]any{}
	for _, m := range f.Definition.Materials {
		out[m.Key] = map[string]any{"provided": true, "kind": "original", "copies": 1}
	}
	return out
}

// receivedForm is the window form's checklist with every material received.
func receivedForm(t testing.TB, env *demoEnv, number string) map[string]string {
	t.Helper()
	app, err := env.store.Application(context.Background(), number)
	if err != nil {
		t.Fatalf("application %s: %v", number, err)
	}
	out := map[string]string{}
	for _, m := range app.Materials {
		out["m_"+m.MaterialKey+"_provided"] = "1"
	}
	return out
}

// bundleReceivedForm is the bundle window form's checklist with every merged
// material received, added to v.
func bundleReceivedForm(t testing.TB, env *demoEnv, number string, v map[string][]string) map[string][]string {
	t.Helper()
	for k := range bundleReceived(t, env, number) {
		v["m_"+k] = []string{"1"}
	}
	return v
}
