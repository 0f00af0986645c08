package main

import (
	"io"
	"strings"
	"testing"
)

// TestMetricsTokenSetting: the token comes from the flag or ONEWINDOW_METRICS_TOKEN, and a
// short one is refused with an error naming the flag.
func TestMetricsTokenSetting(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cfg, err := parseServe(nil, env(map[string]string{"ONEWINDOW_METRICS_TOKEN": "0123456789abcdef"}), io.Discard)
	if err != nil || cfg.metricsToken != "0123456789abcdef" {
		t.Fatalf("from the environment: %q %v", cfg.metricsToken, err)
	}
	if cfg, err := parseServe(nil, env(nil), io.Discard); err != nil || cfg.metricsToken != "" {
		t.Fatalf("unset: %q %v", cfg.metricsToken, err)
	}
	for _, bad := range []string{"short", " 0123456789abcdef "} {
		if _, err := parseServe([]string{"--metrics-token", bad}, env(nil), io.Discard); err == nil || !strings.Contains(err.Error(), "--metrics-token") {
			t.Errorf("token %q: %v, want an error naming --metrics-token", bad, err)
		}
	}
}
