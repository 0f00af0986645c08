package models

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm/schema"
)

func TestDefaultDictionaryLoadsIntoANewDatabase(t *testing.T) {
	def, err := DefaultSearchAliases()
	if err != nil {
		t.Fatal(err)
	}
	if len(def) < 300 {
		t.Errorf("the default dictionary has %d words, want at least 300", len(def))
	}
	seen := map[string]bool{}
	for _, a := range def {
		if seen[a.Term] {
			t.Errorf("%q is given twice", a.Term)
		}
		seen[a.Term] = true
		if len(a.Targets) == 0 {
			t.Errorf("%q has no official term", a.Term)
		}
		for _, tg := range a.Targets {
			if strings.TrimSpace(tg) == "" || tg == a.Term {
				t.Errorf("%q has the official term %q", a.Term, tg)
			}
		}
	}
	// Words the issue names must be there with the terms real names use.
	want := map[string]string{"低保": "最低生活保障", "狗证": "犬只登记", "开饭店": "食品经营许可",
		"营业执照": "设立登记", "办护照": "护照", "身份证": "居民身份证", "公积金": "住房公积金", "医保": "基本医疗保险"}
	s := openTest(t)
	ctx := context.Background()
	stored, err := s.SearchAliases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(def) {
		t.Fatalf("a new database holds %d words, want the %d of the default", len(stored), len(def))
	}
	byTerm := map[string]SearchAlias{}
	for _, a := range stored {
		byTerm[a.Term] = a
	}
	for term, target := range want {
		if !slices.Contains(byTerm[term].Targets, target) {
			t.Errorf("%s → %v, want it to include %s", term, byTerm[term].Targets, target)
		}
	}
	log, err := s.SearchAliasChanges(ctx, "低保", 0)
	if err != nil || len(log) != 1 || log[0].Actor != AliasSystemActor || log[0].Action != AliasCreated || log[0].Before != nil {
		t.Errorf("log of the default 低保 = %+v, %v; want one creation by the system", log, err)
	}
}

func TestAliasRowsHaveTheirColumns(t *testing.T) {
	s := openTest(t)
	var cache sync.Map
	for _, m := range []any{&aliasRow{}, &aliasChangeRow{}} {
		sch, err := schema.Parse(m, &cache, s.db.NamingStrategy)
		if err != nil {
			t.Fatal(err)
		}
		cols := tableColumns(t, s, sch.Table)
		for _, f := range sch.Fields {
			if f.DBName != "" && !slices.Contains(cols, f.DBName) {
				t.Errorf("%T.%s: column %s.%s missing", m, f.Name, sch.Table, f.DBName)
			}
		}
	}
}

// aliasRule asserts that err is a ValidationError whose field broke rule.
func aliasRule(t *testing.T, err error, field, rule string) {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Rule(field) != rule || ve.Fields[field] == "" {
		t.Fatalf("err = %v, want rule %s on %s", err, rule, field)
	}
}

func TestAliasCreateEditDeleteAreLoggedAndSignalled(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	before := counters(t, s)[AreaCatalogue]

	a, err := s.CreateSearchAlias(ctx, "catalog", AliasInput{Term: " 办暂住 ", Targets: []string{"居住证", " 居住登记 ", "居住证"}, Note: "户籍办理"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Term != "办暂住" || !slices.Equal(a.Targets, []string{"居住证", "居住登记"}) || a.UpdatedBy != "catalog" {
		t.Errorf("created %+v, want the trimmed word and the targets once each", a)
	}
	if got := counters(t, s)[AreaCatalogue]; got != before+1 {
		t.Errorf("catalogue counter %d → %d, want one bump", before, got)
	}

	_, err = s.CreateSearchAlias(ctx, "catalog", AliasInput{Term: "办暂住", Targets: []string{"居住证"}})
	aliasRule(t, err, "term", RuleTaken)

	if _, err := s.UpdateSearchAlias(ctx, "catalog", AliasInput{Term: "办暂住", Targets: []string{"居住证", "居住登记"}, Note: "户籍办理"}); err != nil {
		t.Fatal(err)
	}
	if got := counters(t, s)[AreaCatalogue]; got != before+1 {
		t.Errorf("an unchanged edit moved the counter to %d", got)
	}
	if _, err := s.UpdateSearchAlias(ctx, "chief", AliasInput{Term: "办暂住", Targets: []string{"居住证"}, Reason: "居住登记已并入"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateSearchAlias(ctx, "chief", AliasInput{Term: "没有的词", Targets: []string{"居住证"}}); !errors.Is(err, ErrNotFound) {
		t.Errorf("editing a missing word: %v, want ErrNotFound", err)
	}

	aliasRule(t, s.DeleteSearchAlias(ctx, "chief", "办暂住", "  "), "reason", RuleRequired)
	if err := s.DeleteSearchAlias(ctx, "chief", "办暂住", "与居住证重复"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SearchAlias(ctx, "办暂住"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted word: %v, want ErrNotFound", err)
	}
	if err := s.DeleteSearchAlias(ctx, "chief", "办暂住", "again"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting twice: %v, want ErrNotFound", err)
	}
	if got := counters(t, s)[AreaCatalogue]; got != before+3 {
		t.Errorf("catalogue counter %d → %d, want three bumps (create, edit, delete)", before, got)
	}

	log, err := s.SearchAliasChanges(ctx, "办暂住", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 3 {
		t.Fatalf("log has %d lines, want 3: %+v", len(log), log)
	}
	del, edit, create := log[0], log[1], log[2]
	if del.Action != AliasDeleted || del.After != nil || !slices.Equal(del.Before.Targets, []string{"居住证"}) || del.Reason != "与居住证重复" {
		t.Errorf("delete logged as %+v", del)
	}
	if edit.Action != AliasEdited || edit.Actor != "chief" || len(edit.Before.Targets) != 2 || len(edit.After.Targets) != 1 || edit.Reason != "居住登记已并入" {
		t.Errorf("edit logged as %+v", edit)
	}
	if create.Action != AliasCreated || create.Before != nil || create.After.Note != "户籍办理" {
		t.Errorf("create logged as %+v", create)
	}
}

func TestAliasChangeRollsBackWithItsLog(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	refuseInserts(t, s, "search_alias_changes", "log refused")
	before := counters(t, s)[AreaCatalogue]
	if _, err := s.CreateSearchAlias(ctx, "catalog", AliasInput{Term: "办暂住", Targets: []string{"居住证"}}); err == nil {
		t.Fatal("created a word whose log line failed")
	}
	if _, err := s.SearchAlias(ctx, "办暂住"); !errors.Is(err, ErrNotFound) {
		t.Errorf("the word is stored without its log line: %v", err)
	}
	if err := s.DeleteSearchAlias(ctx, "catalog", "低保", "test"); err == nil {
		t.Fatal("deleted a word whose log line failed")
	}
	if _, err := s.SearchAlias(ctx, "低保"); err != nil {
		t.Errorf("the word is gone without its log line: %v", err)
	}
	if got := counters(t, s)[AreaCatalogue]; got != before {
		t.Errorf("failed writes moved the catalogue counter %d → %d", before, got)
	}
	if err := s.db.Exec("UPDATE search_alias_changes SET reason = 'x'").Error; err == nil {
		t.Error("the change log accepted an update")
	}
}

func TestAliasValidation(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	cases := []struct {
		in          AliasInput
		field, rule string
	}{
		{AliasInput{Term: " ", Targets: []string{"居住证"}}, "term", RuleRequired},
		{AliasInput{Term: strings.Repeat("字", MaxAliasTerm+1), Targets: []string{"居住证"}}, "term", RuleTooLong},
		{AliasInput{Term: "a|b", Targets: []string{"居住证"}}, "term", RuleBadChar},
		{AliasInput{Term: "暂住", Targets: []string{" ", ""}}, "targets", RuleRequired},
		{AliasInput{Term: "暂住", Targets: []string{"居住证", "暂住"}}, "targets", RuleSameAsTerm},
		{AliasInput{Term: "暂住", Targets: []string{strings.Repeat("字", MaxAliasTarget+1)}}, "targets", RuleTooLong},
		{AliasInput{Term: "暂住", Targets: []string{"居住证"}, Note: strings.Repeat("字", MaxAliasNote+1)}, "note", RuleTooLong},
	}
	before := counters(t, s)[AreaCatalogue]
	for _, tc := range cases {
		_, err := s.CreateSearchAlias(ctx, "catalog", tc.in)
		aliasRule(t, err, tc.field, tc.rule)
	}
	if a, err := s.SearchAlias(ctx, "暂住"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a refused word was stored: %+v", a)
	}
	if got := counters(t, s)[AreaCatalogue]; got != before {
		t.Errorf("refused writes moved the catalogue counter")
	}
}

func TestAliasImportAndFile(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	file := "# comment\nterm\ttargets\tnote\n低保\t最低生活保障|低保金\t改过\n新词\t居住证\n"
	entries, err := ParseAliasTSV(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.ImportSearchAliases(ctx, "cli", "批量导入", entries, true)
	if err != nil || res != (AliasImport{Created: 1, Unchanged: 1}) {
		t.Errorf("import keeping existing words = %+v, %v; want 1 created, 1 unchanged", res, err)
	}
	res, err = s.ImportSearchAliases(ctx, "cli", "批量导入", entries, false)
	if err != nil || res != (AliasImport{Updated: 1, Unchanged: 1}) {
		t.Errorf("import replacing = %+v, %v; want 1 updated, 1 unchanged", res, err)
	}
	a, _ := s.SearchAlias(ctx, "低保")
	if a == nil || !slices.Equal(a.Targets, []string{"最低生活保障", "低保金"}) || a.Note != "改过" || a.UpdatedBy != "cli" {
		t.Errorf("低保 after import = %+v", a)
	}

	bad := "低保\t最低生活保障\n只有一列\n重复\t甲\n重复\t乙\n自指\t自指\n"
	_, err = ParseAliasTSV(strings.NewReader(bad))
	var fe *AliasFileError
	if !errors.As(err, &fe) {
		t.Fatalf("bad file: %v, want an AliasFileError", err)
	}
	var lines []int
	for _, p := range fe.Problems {
		lines = append(lines, p.Line)
	}
	if !slices.Equal(lines, []int{2, 4, 5}) {
		t.Errorf("problems on lines %v, want 2 (one column), 4 (repeated word), 5 (target is the word): %v", lines, err)
	}
}

func TestAnEmptiedDictionaryStaysEmpty(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := s.SearchAliases(ctx)
	for _, a := range all {
		if err := s.DeleteSearchAlias(ctx, "catalog", a.Term, "本区另行编制"); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s, err = Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if again, _ := s.SearchAliases(ctx); len(again) != 0 {
		t.Errorf("reopening brought back %d default words", len(again))
	}
}
