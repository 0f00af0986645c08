package service

import (
	"context"

	"onewindow/models"
	"onewindow/policies"
)

// Catalogue import: items parsed from a catalogue file, upserted by code.
// Importing needs the import permission in every department; MayImport
// lets a caller ask before it reads the file, and each write asks again.

// MayImport reports whether who may import catalogue files.
func (s *Service) MayImport(ctx context.Context, who Actor) error {
	return s.allow(ctx, who, policies.AllDomains, policies.ObjItem, policies.ActImport)
}

// CheckImport is the dry run of an import: it validates items as
// ApplyImport would and answers how many it would create or change.
func (s *Service) CheckImport(ctx context.Context, who Actor, items []models.Item) (int, error) {
	if err := s.MayImport(ctx, who); err != nil {
		return 0, err
	}
	return s.Store.CheckImport(ctx, items)
}

// ApplyImport upserts items and answers how many it created or changed.
func (s *Service) ApplyImport(ctx context.Context, who Actor, items []models.Item, reason string) (int, error) {
	if err := s.MayImport(ctx, who); err != nil {
		return 0, err
	}
	return s.Store.ApplyImport(ctx, items, who.Username, reason)
}

// ImportItems upserts items and answers what it did to each.
func (s *Service) ImportItems(ctx context.Context, who Actor, items []models.Item, reason string, opts ...models.ImportOptions) (*models.ImportPlan, error) {
	if err := s.MayImport(ctx, who); err != nil {
		return nil, err
	}
	return s.Store.ImportItems(ctx, items, who.Username, reason, opts...)
}

// PlanImport is the dry run of ImportItems: what importing items would do.
func (s *Service) PlanImport(ctx context.Context, who Actor, items []models.Item, opts ...models.ImportOptions) (*models.ImportPlan, error) {
	if err := s.MayImport(ctx, who); err != nil {
		return nil, err
	}
	return s.Store.PlanImport(ctx, items, opts...)
}

// PlanListing is the dry run of ImportListing: the items it would create and
// change and the departments it would create.
func (s *Service) PlanListing(ctx context.Context, who Actor, rows []models.ListingItem, fields []string, opts ...models.ImportOptions) (*models.ListingPlan, error) {
	if err := s.MayImport(ctx, who); err != nil {
		return nil, err
	}
	return s.Store.PlanListing(ctx, rows, fields, opts...)
}

// ImportListing imports a 实施清单, creating the departments it names that
// do not exist, in one transaction.
func (s *Service) ImportListing(ctx context.Context, who Actor, rows []models.ListingItem, fields []string, reason string, opts ...models.ImportOptions) (*models.ListingPlan, error) {
	if err := s.MayImport(ctx, who); err != nil {
		return nil, err
	}
	return s.Store.ImportListing(ctx, rows, fields, who.Username, reason, opts...)
}
