package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/models/demo"
)

// serviceItem is a retained single-department 公共服务 item that
// charges nothing and is no main item: its grant is not a licence.
func serviceItem(t *testing.T, store *models.Store) *models.Item {
	t.Helper()
	_, _, items := demo.Catalogue()
	for _, it := range items {
		if it.TypeCode != "20" || !it.OnApplication || it.Disposition != models.DispositionRetained ||
			it.HandlingKind == models.KindImmediate || isMainItem(items, it) {
			continue
		}
		full, err := store.Item(context.Background(), it.Code)
		if err == nil && len(full.Fees) == 0 && len(full.Departments) <= 1 {
			return full
		}
	}
	t.Fatal("the demo catalogue has no plain 公共服务 item")
	return nil
}

func TestHandledListWordsEachResultAsItsItemTypeDoes(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	licence, _ := officeItems(t, env.store)
	service := serviceItem(t, env.store)
	if models.TermsOf(service.TypeCode).Vocabulary == models.TermsOf(licence.TypeCode).Vocabulary {
		t.Fatalf("items %s and %s share one vocabulary", licence.Code, service.Code)
	}
	ln, _ := fileAtWindow(t, env, licence.Code, handledApplicants[0])
	completeAccepted(t, env, ln, "scj", clock.Now())
	sn, _ := fileAtWindow(t, env, service.Code, handledApplicants[1])
	completeAccepted(t, env, sn, service.DepartmentCode, clock.Now())

	_, page := envPage(t, env, "/handled")
	rows := map[string]string{}
	for _, n := range []string{ln, sn} {
		i := strings.Index(page, `data-number="`+n+`"`)
		if i < 0 {
			t.Fatalf("%s is not listed", n)
		}
		end := strings.Index(page[i:], "</tr>")
		rows[n] = page[i : i+end]
	}
	if !strings.Contains(rows[ln], "已办结（准予许可）") {
		t.Errorf("the licence's row does not say 准予许可: %s", rows[ln])
	}
	if strings.Contains(rows[sn], "许可") || !strings.Contains(rows[sn], "已办结（") {
		t.Errorf("the 公共服务 item's row speaks of a licence, or of no result: %s", rows[sn])
	}
	if strings.Contains(page, "准予许可：") {
		t.Error("the counts call every grant a licence")
	}
}
