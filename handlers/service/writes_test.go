package service_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// withMoreStaff gives the service a second reviewer of scj and a catalogue
// administrator of every department, besides newService's users.
func withMoreStaff(t *testing.T, s *service.Service) {
	t.Helper()
	authz, err := policies.New([]policies.Assignment{
		{User: "window1", Role: policies.WindowClerk, Domain: policies.AllDomains},
		{User: "scj.review", Role: policies.Reviewer, Domain: "scj"},
		{User: "scj.review2", Role: policies.Reviewer, Domain: "scj"},
		{User: "zjj.review", Role: policies.Reviewer, Domain: "zjj"},
		{User: "scj.approve", Role: policies.Approver, Domain: "scj"},
		{User: "zjj.approve", Role: policies.Approver, Domain: "zjj"},
		{User: "scj.catalog", Role: policies.CatalogueAdmin, Domain: "scj"},
		{User: "catalog", Role: policies.CatalogueAdmin, Domain: policies.AllDomains},
		{User: "citizen1", Role: policies.Citizen, Domain: policies.AllDomains},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Authz = authz
}

// check compares a call's error with the wanted kind (or store error, or
// success when both are zero).
func check(t *testing.T, name string, err error, kind service.Kind, is error) {
	t.Helper()
	switch {
	case kind != 0:
		if kindOf(err) != kind {
			t.Fatalf("%s: %v, want kind %d", name, err, kind)
		}
	case is != nil:
		if !errors.Is(err, is) {
			t.Fatalf("%s: %v, want %v", name, err, is)
		}
	case err != nil:
		t.Fatalf("%s: %v", name, err)
	}
}

func TestReleaseWhoMay(t *testing.T) {
	t.Parallel()
	s := newService(t)
	withMoreStaff(t, s)
	ctx := context.Background()
	filed, err := s.File(ctx, service.Actor{}, filing("A2"))
	if err != nil {
		t.Fatal(err)
	}
	n := filed.Number
	if _, err := s.Act(ctx, service.Actor{Username: "window1"}, n, workflow.Accept, 1, allReceived(t, s, n)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Act(ctx, service.Actor{Username: "scj.review"}, n, workflow.Claim, 2, service.ActionInput{Department: "scj"}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		who  service.Actor
		dept string
		kind service.Kind
		is   error
	}{
		{name: "anonymous", dept: "scj", kind: service.Unauthenticated},
		{name: "the applicant", who: service.Actor{QueryCode: filed.QueryCode}, dept: "scj", kind: service.Unauthenticated},
		{name: "a reviewer of another department", who: service.Actor{Username: "zjj.review"}, dept: "scj", kind: service.Forbidden},
		{name: "the window clerk", who: service.Actor{Username: "window1"}, dept: "scj", kind: service.Forbidden},
		{name: "another reviewer of the department", who: service.Actor{Username: "scj.review2"}, dept: "scj", kind: service.Forbidden},
		{name: "the claimant releases", who: service.Actor{Username: "scj.review"}, dept: "scj"},
		{name: "released already", who: service.Actor{Username: "scj.review"}, dept: "scj", is: models.ErrConflict},
	}
	for _, st := range steps {
		_, err := s.ReleaseTask(ctx, st.who, n, st.dept, 0, "")
		check(t, st.name, err, st.kind, st.is)
	}
}

// importable is a copy of A1 under a new code, with one listed material.
func importable(t *testing.T, s *service.Service, code string) models.Item {
	t.Helper()
	a1, _, err := s.Store.AdminItem(context.Background(), "A1")
	if err != nil {
		t.Fatal(err)
	}
	it := *a1
	it.ID, it.Code, it.CatalogCode, it.Name = 0, code, "0100200000"+code, "事项"+code
	it.Departments = []models.ItemDepartment{{Sort: 1, DepartmentCode: "scj", Stages: models.StringList{"review", "decide"}}}
	it.Materials = []models.Material{{Key: "m1", Sort: 1, Name: "申请书", Necessity: models.NecessityRequired, Copies: models.IntPtr(1)}}
	return it
}

func TestImportWhoMay(t *testing.T) {
	t.Parallel()
	s := newService(t)
	withMoreStaff(t, s)
	ctx := context.Background()
	items := []models.Item{importable(t, s, "B1")}
	for _, st := range []struct {
		name string
		who  service.Actor
		kind service.Kind
	}{
		{name: "anonymous", kind: service.Unauthenticated},
		{name: "a department's catalogue administrator", who: service.Actor{Username: "scj.catalog"}, kind: service.Forbidden},
		{name: "a reviewer", who: service.Actor{Username: "scj.review"}, kind: service.Forbidden},
		{name: "the catalogue administrator of every department", who: service.Actor{Username: "catalog"}},
	} {
		check(t, st.name+" asks", s.MayImport(ctx, st.who), st.kind, nil)
		_, err := s.CheckImport(ctx, st.who, items)
		check(t, st.name+" checks", err, st.kind, nil)
		_, err = s.ImportItems(ctx, st.who, items, "导入")
		check(t, st.name+" imports", err, st.kind, nil)
		_, err = s.ApplyImport(ctx, st.who, items, "导入")
		check(t, st.name+" applies", err, st.kind, nil)
	}
	if _, _, err := s.Store.AdminItem(ctx, "B1"); err != nil {
		t.Fatalf("imported item: %v", err)
	}
}

func TestUploadWhoMay(t *testing.T) {
	t.Parallel()
	s := newService(t)
	withMoreStaff(t, s)
	ctx := context.Background()
	if _, err := s.ApplyImport(ctx, service.Actor{Username: "catalog"}, []models.Item{importable(t, s, "B1")}, "导入"); err != nil {
		t.Fatal(err)
	}
	filed, err := s.File(ctx, service.Actor{}, filing("B1"))
	if err != nil {
		t.Fatal(err)
	}
	n := filed.Number
	owner := service.Actor{Username: "citizen1", CitizenID: strings.ToLower(citizenID)}
	steps := []struct {
		name     string
		who      service.Actor
		material string
		kind     service.Kind
		by       string
	}{
		{name: "anonymous without a code", material: "m1", kind: service.Unauthenticated},
		{name: "wrong code", who: service.Actor{QueryCode: "WRONG"}, material: "m1", kind: service.NotFound},
		{name: "a reviewer of another department", who: service.Actor{Username: "zjj.review"}, material: "m1", kind: service.Forbidden},
		{name: "a citizen account of another person", who: service.Actor{Username: "citizen1", CitizenID: "110105194912310021"},
			material: "m1", kind: service.Forbidden},
		{name: "a material not listed", who: service.Actor{QueryCode: filed.QueryCode}, material: "m9", kind: service.Invalid},
		{name: "the applicant by the code", who: service.Actor{QueryCode: " " + strings.ToLower(filed.QueryCode)}, material: "m1", by: "applicant"},
		{name: "the owner's citizen account", who: owner, material: "m1", by: "citizen1"},
		{name: "a signed-in applicant by the code", who: service.Actor{Username: "citizen1", QueryCode: filed.QueryCode}, material: "m1", by: "citizen1"},
		{name: "the window clerk", who: service.Actor{Username: "window1"}, material: "m1", by: "window1"},
		{name: "a reviewer of the department", who: service.Actor{Username: "scj.review"}, material: "m1", by: "scj.review"},
	}
	for _, st := range steps {
		_, err := s.MayUpload(ctx, st.who, n, st.material)
		check(t, st.name+" asks", err, st.kind, nil)
		if st.kind == service.NotFound && !service.IsWrongCode(err) {
			t.Fatalf("%s: not marked as a wrong code: %v", st.name, err)
		}
		f, err := s.AddFile(ctx, st.who, n, models.AppFile{MaterialKey: st.material, SHA256: strings.Repeat("a", 64), Size: 3,
			ContentType: "application/pdf", DisplayName: "a.pdf"})
		check(t, st.name+" adds", err, st.kind, nil)
		if st.kind == 0 && (f.UploadedBy != st.by || !f.CreatedAt.Equal(s.Now())) {
			t.Fatalf("%s: uploaded by %q at %v, want %q at %v", st.name, f.UploadedBy, f.CreatedAt, st.by, s.Now())
		}
	}
	if _, err := s.Act(ctx, service.Actor{QueryCode: filed.QueryCode}, n, workflow.Withdraw, 0, service.ActionInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = s.MayUpload(ctx, service.Actor{QueryCode: filed.QueryCode}, n, "m1")
	check(t, "the applicant after withdrawing", err, service.Closed, nil)
	_, err = s.MayUpload(ctx, service.Actor{Username: "window1"}, n, "m1")
	check(t, "staff after the applicant withdrew", err, 0, nil)
}
