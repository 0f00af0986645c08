package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"onewindow/models"
)

// TestSiteCommandReachesTheRunningServer sets the site settings with the
// command against a running server's data folder: the home page shows the
// new centre within 2 s, and a refused value changes nothing.
func TestSiteCommandReachesTheRunningServer(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	store, err := models.Open(ctx, dir, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.SeedItemTypes(ctx, models.DefaultItemTypes()); err != nil {
		t.Fatal(err)
	}
	server := serveTest(t, store)
	getenv := func(k string) string { return map[string]string{"ONEWINDOW_DATA": dir}[k] }
	command := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(ctx, args, getenv, &out, &errOut)
		return out.String(), err
	}
	home := func() string {
		t.Helper()
		resp, err := http.Get(server.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}

	if page := home(); !strings.Contains(page, "（未设置地区）") || !strings.Contains(page, `id="site-unset"`) {
		t.Fatal("a new database's home page does not ask for the settings")
	}
	out, err := command("site", "set", "district=某某区", "centre=某某区政务服务中心", "hotline=0474-12345", `footer=第一行\n第二行`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "centre=某某区政务服务中心\n") || !strings.Contains(out, `footer=第一行\n第二行`) {
		t.Errorf("set printed %q", out)
	}
	deadline := time.Now().Add(2 * time.Second)
	for page := home(); !strings.Contains(page, "某某区政务服务中心"); page = home() {
		if time.Now().After(deadline) {
			t.Fatal("the running server's home page does not show the new centre after 2 s")
		}
		time.Sleep(100 * time.Millisecond)
	}

	if _, err := command("site", "set", "hotline=call us"); err == nil || !strings.Contains(err.Error(), "hotline") {
		t.Errorf("a bad hotline: %v, want an error naming hotline", err)
	}
	if _, err := command("site", "set", "city=x"); err == nil || !strings.Contains(err.Error(), `"city=x"`) {
		t.Errorf("an unknown key: %v, want an error naming it", err)
	}
	if _, err := command("site", "set", "centre="); err == nil || !strings.Contains(err.Error(), "centre") {
		t.Errorf("clearing the centre: %v, want an error naming centre", err)
	}
	out, err = command("site", "show")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "district=某某区\n") || !strings.Contains(out, "hotline=0474-12345\n") {
		t.Errorf("after refused changes show prints %q", out)
	}
}
