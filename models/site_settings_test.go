package models

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSiteSettingsStartUnsetThenSetAndSignal(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	st, err := s.Site(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range SiteKeys() {
		if v, _ := st.Get(k); v != "" {
			t.Errorf("a new database has %s = %q, want unset", k, v)
		}
	}
	before := s.Changes().Site
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	in := SiteSettings{District: " 某某区 ", Centre: "某某区政务服务中心", Address: "人民路 1 号", Hotline: "0474-12345",
		Hours: "工作日 9:00–17:00", Footer: "第一行\n第二行"}
	got, err := s.SetSite(ctx, in, "admin", now)
	if err != nil {
		t.Fatal(err)
	}
	if got.District != "某某区" {
		t.Errorf("district %q, want it trimmed", got.District)
	}
	if s.Changes().Site == before {
		t.Error("setting the site did not move the site change counter")
	}
	read, err := s.Site(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if read.Centre != "某某区政务服务中心" || read.Footer != "第一行\n第二行" || read.UpdatedBy != "admin" ||
		read.UpdatedAt == nil || !read.UpdatedAt.Equal(now) {
		t.Errorf("read back %+v", read)
	}
}

func TestSiteSettingsRefusedNameTheFieldAndChangeNothing(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	good := SiteSettings{District: "某某区", Centre: "某某区政务服务中心", Hotline: "12345"}
	if _, err := s.SetSite(ctx, good, "admin", time.Now()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		edit  func(*SiteSettings)
		field string
		rule  string
	}{
		{"no district", func(st *SiteSettings) { st.District = "  " }, "district", RuleRequired},
		{"no centre", func(st *SiteSettings) { st.Centre = "" }, "centre", RuleRequired},
		{"long centre", func(st *SiteSettings) { st.Centre = strings.Repeat("中", 101) }, "centre", RuleTooLong},
		{"letters in hotline", func(st *SiteSettings) { st.Hotline = "call 12345" }, "hotline", RuleBadChar},
		{"two-line address", func(st *SiteSettings) { st.Address = "a\nb" }, "address", RuleBadChar},
		{"long footer", func(st *SiteSettings) { st.Footer = strings.Repeat("x", 501) }, "footer", RuleTooLong},
	}
	for _, tt := range tests {
		st := good
		tt.edit(&st)
		_, err := s.SetSite(ctx, st, "admin", time.Now())
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Fields[tt.field] == "" || ve.Rule(tt.field) != tt.rule {
			t.Errorf("%s: %v, want a %s error on %s", tt.name, err, tt.rule, tt.field)
		}
	}
	read, _ := s.Site(ctx)
	if read.District != "某某区" || read.Centre != "某某区政务服务中心" || read.Hotline != "12345" {
		t.Errorf("a refused change changed the settings: %+v", read)
	}
}

func TestSeedSiteKeepsAnAdministratorsSettings(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	seed := SiteSettings{District: "集宁区", Centre: "集宁区政务服务中心"}
	if ok, err := s.SeedSite(ctx, seed, time.Now()); err != nil || !ok {
		t.Fatalf("first seed = %v, %v; want it written", ok, err)
	}
	if _, err := s.SetSite(ctx, SiteSettings{District: "某某区", Centre: "某某中心"}, "admin", time.Now()); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.SeedSite(ctx, seed, time.Now()); err != nil || ok {
		t.Fatalf("second seed = %v, %v; want it skipped", ok, err)
	}
	if read, _ := s.Site(ctx); read.District != "某某区" {
		t.Errorf("the seed overwrote the administrator's district: %q", read.District)
	}
}

func TestValidPhone(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{
		"0474-8213021": true, "12345": true, "+86 474 8213021": true, "0474-8213021 0474-8213022": true,
		"": false, "-12345": false, "12345-": false, "0474/8213021": false, "电话12345": false,
		strings.Repeat("1", 41): false,
	} {
		if got := ValidPhone(v); got != want {
			t.Errorf("ValidPhone(%q) = %v, want %v", v, got, want)
		}
	}
}
