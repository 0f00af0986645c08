package service

import (
	"context"
	"errors"
	"strings"

	"onewindow/models"
	"onewindow/policies"
)

// Material uploads, part of filing: the applicant with the query code while
// the application is open, the citizen account that owns it, or staff who
// may read it, add a file to a
// material listed for the application. The caller stores the bytes
// (content-addressed) between MayUpload and AddFile, and hands AddFile the
// stored file's metadata.

// MayUpload decides whether who may add a file for material to the
// application number, and answers the application. A wrong query code is a
// NotFound marked WrongCode; a decided or closed application refuses the
// applicant (Closed); a material the application does not list is Invalid.
func (s *Service) MayUpload(ctx context.Context, who Actor, number, material string) (*models.Application, error) {
	app, err := s.uploadTarget(ctx, who, number)
	if err != nil {
		return nil, err
	}
	for _, m := range app.Materials {
		if m.MaterialKey == material {
			return app, nil
		}
	}
	return nil, invalid(map[string]string{"material": "is not a material listed for this application"})
}

func (s *Service) uploadTarget(ctx context.Context, who Actor, number string) (*models.Application, error) {
	if who.QueryCode != "" {
		app, err := s.Store.ApplicationByCode(ctx, number, strings.ToUpper(strings.TrimSpace(who.QueryCode)))
		if errors.Is(err, models.ErrNotFound) {
			return nil, wrongCode(err)
		}
		if err != nil {
			return nil, err
		}
		if app.State.Final() || app.State.Decided() {
			return nil, &Error{Kind: Closed, Message: "the application is closed"}
		}
		return app, nil
	}
	if who.Username == "" {
		return nil, &Error{Kind: Unauthenticated, Message: "log in, or give the query code"}
	}
	app, err := s.Store.Application(ctx, number)
	if err != nil {
		return nil, err
	}
	if id := owner(who, s.Permissions(who.Username)); id != "" && id == app.ApplicantIDNumber {
		return app, nil // a citizen account uploads for its own applications
	}
	// Read permission in a task's department, or else in the application's.
	dept := app.DepartmentCode
	for _, t := range app.Tasks {
		if ok, err := s.Authz.Can(ctx, who.Username, t.DepartmentCode, policies.ObjApplication, policies.ActRead); err == nil && ok {
			dept = t.DepartmentCode
			break
		}
	}
	return app, s.allow(ctx, who, dept, policies.ObjApplication, policies.ActRead)
}

// AddFile records a stored file against its material (f.MaterialKey) of the
// application number, after the checks of MayUpload; the service sets who
// uploaded it and when.
func (s *Service) AddFile(ctx context.Context, who Actor, number string, f models.AppFile) (*models.AppFile, error) {
	if _, err := s.MayUpload(ctx, who, number, f.MaterialKey); err != nil {
		return nil, err
	}
	f.UploadedBy = who.Username
	if f.UploadedBy == "" {
		f.UploadedBy = "applicant"
	}
	f.CreatedAt = s.Now().UTC()
	return s.Store.AddFile(ctx, number, f)
}
