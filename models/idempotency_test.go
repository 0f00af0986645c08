package models

import (
	"context"
	"strings"
	"testing"
	"time"

	"onewindow/workflow"
)

// TestIdempotencyRowsHoldNoQueryCode: the row that lets a retry get its first answer keeps
// neither the client's key nor the query code readable; the retry still gets the code.
func TestIdempotencyRowsHoldNoQueryCode(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	it, err := s.Item(ctx, "A1")
	if err != nil {
		t.Fatal(err)
	}
	idem := &Idempotency{Scope: "client:10.0.0.1", Key: "retry-me-1", Request: "req-hash"}
	na := NewApplication{Item: it, Channel: ChannelOnline, Actor: "applicant", Now: time.Now(), Idem: idem,
		Applicant: Applicant{Kind: ApplicantPerson, IDKind: string(workflow.ResidentID), IDNumber: "11010519491231002X", Name: "张三"}}
	first, err := s.CreateApplication(ctx, na)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.CreateApplication(ctx, na)
	if err != nil || !again.Replayed || again.Number != first.Number || again.QueryCode != first.QueryCode {
		t.Fatalf("replay: %+v %v, first %+v", again, err, first)
	}
	if f, err := s.FilingByKey(ctx, idem.Scope, idem.Key); err != nil || f.QueryCode != first.QueryCode {
		t.Fatalf("filing by key: %+v %v", f, err)
	}
	db, _ := s.SQL()
	var key, code string
	if err := db.QueryRow(`SELECT key, query_code FROM idempotency_keys`).Scan(&key, &code); err != nil {
		t.Fatal(err)
	}
	if key == idem.Key || strings.Contains(code, first.QueryCode) || code == "" {
		t.Fatalf("stored key %q, code %q (the code is %s)", key, code, first.QueryCode)
	}
	other := *idem
	other.Key = "someone-else"
	if got := other.open(code); got == first.QueryCode {
		t.Fatal("another key opens the sealed code")
	}
}
